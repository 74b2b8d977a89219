#!/usr/bin/env bash
# Whole-command comparison of `godx pprof` against `go tool pprof` (Go's vendored google/pprof):
#  1. top on google/pprof's own benchmark input large.cpu (../shared/corpus);
#  2. top on a ~77 MB (uncompressed) synthetic CPU profile written by testdata/gen/pprofbig;
#  3. merging 1,000 distinct profiles (pprofbig with small sizes and different seeds);
#  4. pprof's graph outputs (-dot, -callgrind, -topproto) on both inputs, which must be identical
#     to pprof's (checked here: the benchmark compares equal work).
# Wall time with hyperfine, peak memory (max RSS) with /usr/bin/time. Nothing generated is kept.
# Usage: bench/compare-pprof.sh [GODX_BINARY] [SHARED_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The Go tools compared with, and the release that builds the programs: named, never the
# `go` that happens to be first on PATH (GODX_GO_RELEASE, default 1.26; scripts/go-release).
gobin=$("$root/scripts/go-release" "${GODX_GO_RELEASE:-1.26}" go env GOROOT)/bin/go
godx=${1:-$root/build/godx}
shared=${2:-$root/../shared}
large=$shared/corpus/pprof/google-pprof/internal/proftest/testdata/large.cpu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root/testdata/gen" && $gobin build -o "$work/pprofbig" ./pprofbig)
"$work/pprofbig" -o "$work/big.pb.gz"
mkdir "$work/many"
for i in $(seq 1 1000); do
  "$work/pprofbig" -o "$work/many/p$i.pb.gz" -samples 2000 -funcs 3000 -locs 6000 -seed "$i" 2>/dev/null
done

rss() {  # rss LABEL CMD...: peak resident memory of one run
  /usr/bin/time -f "$1: %e s wall, %M KiB max RSS" "${@:2}" >/dev/null 2>"$work/time.txt" || true
  tail -1 "$work/time.txt"
}

echo "== top on large.cpu ($(stat -c %s "$large") bytes gzipped)"
hyperfine -N --warmup 1 --runs 10 -n "godx pprof top" -n "go tool pprof -top" \
  "$godx pprof top --no-color $large" \
  "$gobin tool pprof -top $large"
rss "godx  large.cpu" "$godx" pprof top --no-color "$large"
rss "pprof large.cpu" $gobin tool pprof -top "$large"

echo "== top on the synthetic profile ($(gzip -l "$work/big.pb.gz" | awk 'NR==2{print $2}') bytes uncompressed)"
hyperfine -N --runs 3 -n "godx pprof top (big)" "$godx pprof top --no-color $work/big.pb.gz"
rss "godx  big" "$godx" pprof top --no-color "$work/big.pb.gz"
rss "pprof big" $gobin tool pprof -top "$work/big.pb.gz"

for o in dot callgrind topproto; do
  echo "== -$o on large.cpu and on the synthetic profile"
  hyperfine -N --warmup 1 --runs 10 -n "godx pprof -$o" -n "go tool pprof -$o" \
    "$godx pprof -$o $large" "$gobin tool pprof -$o $large"
  rss "godx  -$o large.cpu" "$godx" pprof "-$o" "$large"
  rss "pprof -$o large.cpu" $gobin tool pprof "-$o" "$large"
  rss "godx  -$o big" "$godx" pprof "-$o" "$work/big.pb.gz"
  rss "pprof -$o big" $gobin tool pprof "-$o" "$work/big.pb.gz"
  if [ "$o" != topproto ]; then  # text outputs: the same bytes
    cmp <("$godx" pprof "-$o" "$large") <($gobin tool pprof "-$o" "$large" 2>/dev/null) && echo "-$o: identical output"
  fi
done

echo "== merge of 1,000 profiles"
hyperfine -N --runs 3 -n "godx pprof merge (1,000 profiles)" \
  "$godx pprof merge -o $work/godx-merged.pb.gz $(echo "$work"/many/*.pb.gz)"
rss "godx  merge" "$godx" pprof merge -o "$work/godx-merged.pb.gz" "$work"/many/*.pb.gz
rss "pprof merge" $gobin tool pprof -proto -output "$work/pprof-merged.pb.gz" "$work"/many/*.pb.gz
# Both merged profiles must hold the same total.
$gobin tool pprof -top "$work/godx-merged.pb.gz" 2>/dev/null | grep -m1 'Showing nodes'
$gobin tool pprof -top "$work/pprof-merged.pb.gz" 2>/dev/null | grep -m1 'Showing nodes'

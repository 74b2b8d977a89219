#!/usr/bin/env bash
# Whole-command comparison of `godx trace` against `go tool trace -pprof=sched` of the release that
# wrote the trace, on traces of at least 100 MB that testdata/gen/tracebusy writes at benchmark
# time with Go 1.26 and with Go 1.19 (the old format), and on every corpus trace.
# Wall time with hyperfine, peak memory (max RSS) with /usr/bin/time. Nothing generated is kept.
# Usage: bench/compare-trace.sh [GODX_BINARY] [SHARED_DIR] [MB]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
godx=${1:-$root/build/godx}
shared=${2:-$root/../shared}
mb=${3:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rss() {  # rss LABEL CMD...: wall time and peak resident memory of one run
  /usr/bin/time -f "$1: %e s wall, %M KiB max RSS" "${@:2}" >/dev/null 2>"$work/time.txt" || true
  tail -1 "$work/time.txt"
}

for rel in 1.26 1.19; do
  if ! "$root/scripts/go-release" "$rel" version >/dev/null 2>&1; then
    echo "== Go $rel unavailable here: skipped"
    continue
  fi
  gobin=$("$root/scripts/go-release" "$rel" go env GOROOT)/bin/go
  gen=$("$root/scripts/go-release" "$rel" gen-dir)
  (cd "$gen" && $gobin build -o "$work/tracebusy$rel" ./tracebusy)
  t=$work/busy$rel.trace
  "$work/tracebusy$rel" -out "$t" -mb "$mb" 2>/dev/null
  size=$(stat -c %s "$t")
  echo "== Go $rel trace: $size bytes ($((size >> 20)) MiB)"
  # go tool trace takes minutes on such a trace: one run each, timed by /usr/bin/time.
  rss "go tool trace -pprof=sched (go $rel)" $gobin tool trace -pprof=sched "$t"
  hyperfine -N --warmup 1 --runs 3 -n "godx trace (go $rel)" "$godx trace --no-color $t"
  rss "godx trace (go $rel)" "$godx" trace --no-color "$t"
  rss "godx trace --mmu (go $rel)" "$godx" trace --mmu --no-color "$t"
  if "$godx" trace --help 2>/dev/null | grep -q -- '--pprof'; then
    rss "godx trace --pprof sched (go $rel)" "$godx" trace --pprof sched -o "$work/sched.pb.gz" "$t"
  fi
  rss "godx trace --perfetto (go $rel)" "$godx" trace --perfetto "$work/out.pftrace" "$t"
  rss "godx trace --chrome (go $rel)" "$godx" trace --chrome "$work/out.json" "$t"
  echo "   exports: perfetto $(stat -c %s "$work/out.pftrace") bytes, chrome $(stat -c %s "$work/out.json") bytes"
  rm -f "$t" "$work"/out.*
done

corpus=$shared/corpus/trace
if [ -d "$corpus" ]; then
  echo "== every corpus trace (godx trace, total)"
  mapfile -t files < <(find "$corpus" -type f -size +1k ! -name '*.txt' ! -name '*.test' | sort)
  rss "godx trace, ${#files[@]} corpus files" "$godx" trace --no-color "${files[@]}"
fi

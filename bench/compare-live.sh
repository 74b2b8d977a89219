#!/usr/bin/env bash
# Whole-command comparisons for godx's live commands against the public tools that do the same
# job, on 127.0.0.1 only:
#   1. capturing a service: `godx doctor URL --cpu 0 --trace 0` (11 endpoints, bundle, analysis)
#      against `curl` of the same endpoints (the floor: just the bytes) and against
#      `go tool pprof -top URL/debug/pprof/heap` (one profile, fetched and summarised).
#   2. `godx run` overhead: a Go program's stderr (a real gctrace+schedtrace log repeated to
#      GODX_BENCH_MB MB, default 200) streamed through `godx run --quiet-runtime` against the same
#      stream into /dev/null with `cat`.
# Needs hyperfine, curl and go. Usage: bench/compare-live.sh [path/to/godx]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# The Go tools compared with, and the release that builds the programs: named, never the
# `go` that happens to be first on PATH (GODX_GO_RELEASE, default 1.26; scripts/go-release).
gobin=$("$root/scripts/go-release" "${GODX_GO_RELEASE:-1.26}" go env GOROOT)/bin/go
godx="${1:-$root/build/godx}"
mb="${GODX_BENCH_MB:-200}"
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root/testdata/gen" && $gobin build -o "$work/goodserver" ./goodserver)
"$work/goodserver" -life 10m >"$work/server.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  addr=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$addr" ] && break
  sleep 0.05
done
url="http://$addr"

endpoints=("goroutine?debug=1" "goroutine?debug=2" heap allocs block mutex threadcreate cmdline)
curl_all="for e in ${endpoints[*]}; do curl -s -o /dev/null \"$url/debug/pprof/\$e\"; done; curl -s -o /dev/null $url/debug/vars; curl -s -o /dev/null \"$url/debug/pprof/goroutine?debug=1\""

echo "== capture: godx doctor vs curl vs go tool pprof"
hyperfine --warmup 3 --runs 20 -N \
  --prepare "rm -rf $work/bundle" \
  "$godx doctor $url --cpu 0 --trace 0 --out $work/bundle --no-color" 2>/dev/null || \
hyperfine --warmup 3 --runs 20 \
  --prepare "rm -rf $work/bundle" \
  "$godx doctor $url --cpu 0 --trace 0 --out $work/bundle --no-color >/dev/null 2>&1"
hyperfine --warmup 3 --runs 20 "bash -c '$curl_all'"
hyperfine --warmup 3 --runs 20 "$gobin tool pprof -top $url/debug/pprof/heap >/dev/null 2>&1"

echo "== godx run: ${mb} MB of runtime output through the line splitter"
one="$root/testdata/live/go1.19/run/crasher.stderr.txt"
log="$work/stderr.log"
while [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -lt $((mb << 20)) ]; do cat "$one" >>"$log"; done
hyperfine --warmup 1 --runs 5 \
  "cat $log >/dev/null" \
  "$godx run --quiet-runtime --report /dev/null -- sh -c 'cat $log >&2' 2>/dev/null"

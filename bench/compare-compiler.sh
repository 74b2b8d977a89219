#!/usr/bin/env bash
# Whole-command timings for godx escape / godx asm against the public tools a user would run for
# the same answer. Inputs are generated here under bench/out/ (never committed):
#   - net/http's -gcflags=-m=2 output (about 2.7 MB with Go 1.19), also repeated 40x (~110 MB);
#   - a -json=0 directory of the same package;
#   - the objdump of a net/http test binary.
# Needs: go, hyperfine, a built godx (GODX=build/godx by default).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# The Go tools compared with, and the release that builds the programs: named, never the
# `go` that happens to be first on PATH (GODX_GO_RELEASE, default 1.26; scripts/go-release).
gobin=$("$root/scripts/go-release" "${GODX_GO_RELEASE:-1.26}" go env GOROOT)/bin/go
godx=${GODX:-$root/build/godx}
out=$root/bench/out
mkdir -p "$out"
export GOCACHE=$out/gocache

m2=$out/net-http-m2.txt
if [ ! -s "$m2" ]; then
  (cd /tmp && $gobin build -o /dev/null -gcflags='net/http=-m=2' net/http 2>"$m2")
fi
big=$out/net-http-m2-x40.txt
if [ ! -s "$big" ]; then
  for _ in $(seq 40); do cat "$m2"; done >"$big"
fi
json=$out/net-http-json
if [ ! -d "$json" ]; then
  rm -rf "$GOCACHE"
  (cd /tmp && $gobin build -o /dev/null -gcflags="net/http=-json=0,file://$json" net/http)
fi
bin=$out/nethttp.test
if [ ! -x "$bin" ]; then
  (cd "$($gobin env GOROOT)/src/net/http" && $gobin test -c -o "$bin" . >/dev/null)
fi
objdump=$out/nethttp-objdump.txt
if [ ! -s "$objdump" ]; then
  $gobin tool objdump -s '^net/http\.' "$bin" >"$objdump"
fi
ls -la "$m2" "$big" "$objdump"
# The comparisons below send output to /dev/null through hyperfine.

echo "== escape summary of net/http -m=2 (2.7 MB): godx vs the go command replaying it from cache"
hyperfine -w 3 -N \
  "$godx escape --json $m2" \
  "sh -c 'cd /tmp && $gobin build -o /dev/null -gcflags=net/http=-m=2 net/http'" \
  "sh -c 'grep -e \"escapes to heap\$\" -e \"moved to heap\" $m2 | sort -u | wc -l'"

echo "== escape summary of 40x net/http -m=2 (~110 MB)"
hyperfine -w 1 -r 5 -N \
  "$godx escape --json $big" \
  "$godx escape $big" \
  "sh -c 'grep -e \"escapes to heap\$\" -e \"moved to heap\" $big | sort -u | wc -l'"

echo "== -json=0 directory of net/http"
hyperfine -w 3 -N "$godx escape --json $json"

echo "== panic site of a traceback offset: godx asm --at vs go tool objdump -s on the binary"
fn='net/http.(*conn).serve'
hyperfine -w 2 -r 10 -N \
  "$godx asm --json --at "$fn"+0x100 $objdump" \
  "$gobin tool objdump -s '^net/http\\.\\(\\*conn\\)\\.serve\$' $bin" \
  "$godx asm --json $objdump"

#!/usr/bin/env bash
# Whole-command comparison of `godx stacks` with panicparse's `pp` on large real dumps, made at
# run time by testdata/gen/stackleak (nothing large is committed):
#   - a /debug/pprof/goroutine?debug=2 dump of ~127,000 goroutines (~64 MiB)
#   - with SIGQUIT=1, a SIGQUIT dump of 1,000,000 goroutines (several hundred MB; needs ~4 GB RAM)
# Usage: bench/compare-stacks.sh [path/to/pp]
#   pp is optional and only taken from the path you give (or $PP); build it yourself from
#   github.com/maruel/panicparse (cmd/pp or the module root, v2.4.0 builds with Go 1.19).
#   PP_DEFAULT=1 also times pp without -aggressive (minutes). GODX defaults to build/godx.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The Go tools compared with, and the release that builds the programs: named, never the
# `go` that happens to be first on PATH (GODX_GO_RELEASE, default 1.26; scripts/go-release).
gobin=$("$root/scripts/go-release" "${GODX_GO_RELEASE:-1.26}" go env GOROOT)/bin/go
godx="${GODX:-$root/build/godx}"
pp="${1:-${PP:-}}"
out="$root/bench/out/stacks"
mkdir -p "$out"
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local

(cd "$root/testdata/gen" && $gobin build -o "$out/stackleak" ./stackleak)
if [ ! -s "$out/leak-2.debug2.txt" ]; then
  "$out/stackleak" -n 63500 -depth 2 -o "$out"
fi
dump="$out/leak-2.debug2.txt"
echo "debug=2 dump: $(stat -c %s "$dump") bytes, $(grep -c '^goroutine ' "$dump") goroutines"

peak() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@" > /dev/null 2> "$out/time.err" || true
  tail -n 1 "$out/time.err"
}

cmds=("$godx stacks --no-color $dump")
names=(-n "godx stacks")
peak "godx stacks" "$godx" stacks --no-color "$dump"
if [ -n "$pp" ]; then
  cmds+=("$pp -aggressive -no-color $dump")
  names+=(-n "pp -aggressive")
  peak "pp -aggressive" "$pp" -aggressive -no-color "$dump"
fi
hyperfine --warmup 1 --runs 5 --export-markdown "$out/debug2.md" "${names[@]}" "${cmds[@]}"
if [ -n "$pp" ] && [ "${PP_DEFAULT:-0}" = 1 ]; then
  peak "pp (default similarity)" "$pp" -no-color "$dump"
fi

if [ "${SIGQUIT:-0}" = 1 ]; then
  sq="$out/sigquit-1m.txt"
  if [ ! -s "$sq" ]; then
    "$out/stackleak" -n 1000000 -depth 2 -sigquit -o "$out" 2> "$sq" || true
  fi
  echo "SIGQUIT dump: $(stat -c %s "$sq") bytes, $(grep -c '^goroutine ' "$sq") goroutines"
  peak "godx stacks (SIGQUIT, file)" "$godx" stacks --no-color "$sq"
  peak "godx stacks (SIGQUIT, stdin)" sh -c "cat '$sq' | '$godx' stacks --no-stream --no-color -"
  hyperfine --warmup 1 --runs 3 -n "godx stacks (1M SIGQUIT)" "$godx stacks --no-color $sq"
  if [ -n "$pp" ]; then
    peak "pp -aggressive (SIGQUIT)" "$pp" -aggressive -no-color "$sq"
  fi
fi

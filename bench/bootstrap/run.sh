#!/usr/bin/env bash
# run.sh -- bootstrap benchmark: starts bs_bench_server (in-memory table of
# N things) on a free loopback port, runs `epfiot-thing --count N` against it
# (bootstrap only: no LwM2M server behind), prints the simulator's
# bootstraps/s and p99 and the server's RSS per 1000 active sessions.
#   bench/bootstrap/run.sh [--count N] [--smoke]      (default N = 1000)
# Binaries: $BS_BENCH_SERVER and $EPFIOT_THING, else build-bs/ or build/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count=1000
smoke=
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=1; count=10 ;;
    --count) count=$2; shift ;;
    *) echo "usage: run.sh [--count N] [--smoke]"; exit 2 ;;
  esac
  shift
done
find_bin() { # env value, relative path
  if [ -n "$1" ]; then echo "$1"; return; fi
  for d in build-bs build; do
    if [ -x "$root/$d/$2" ]; then echo "$root/$d/$2"; return; fi
  done
  echo "cannot find $2 (build it first)" >&2; exit 1
}
server=$(find_bin "${BS_BENCH_SERVER:-}" bench/bootstrap/bs_bench_server)
thing=$(find_bin "${EPFIOT_THING:-}" tools/epfiot-thing)
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$server" --things "$count" --prefix bench > "$tmp/server.out" &
pid=$!
for _ in $(seq 1 200); do
  grep -q '^coap ' "$tmp/server.out" 2>/dev/null && break
  sleep 0.05
done
port=$(awk '/^coap /{print $2}' "$tmp/server.out")
[ -n "$port" ] || { echo "server did not start"; exit 1; }
status=0
"$thing" --count "$count" -e bench -p "$port" --no-register -t 60 | tee "$tmp/thing.out" || status=1
kill -TERM "$pid"
wait "$pid" || status=1
pid=
cat "$tmp/server.out" | tail -1
awk '/^bootstrapped/{ if ($6 > 0) printf "server: cpu %d ms, peak %d concurrent sessions, RSS %+.0f KiB over the idle %d KiB = %.0f KiB per 1000 active sessions\n", $12, $6, $10-$8, $8, ($10-$8)*1000/$6 }' "$tmp/server.out"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status

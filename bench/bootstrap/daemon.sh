#!/usr/bin/env bash
# daemon.sh -- the bootstrap benchmark against epfiotd itself: starts the
# daemon (libvirt's test hypervisor, a temporary database, free HTTP and
# bootstrap ports on 127.0.0.1), creates one running VM and N things
# bench-0 ... bench-N-1 linked to it through the GraphQL API, then runs
#   epfiot-thing --count N -e bench -p PORT --no-register
# so every lookup goes through the daemon's in-memory index and every outcome
# through its writer thread into SQLite. Prints the simulator's line, the
# daemon's RSS before and after, and how many things the API then shows
# BOOTSTRAPPED.
#   bench/bootstrap/daemon.sh [--count N] [--smoke]      (default N = 1000)
# Binaries: $EPFIOTD and $EPFIOT_THING, else build/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count=1000
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) count=10 ;;
    --count) count=$2; shift ;;
    *) echo "usage: daemon.sh [--count N] [--smoke]"; exit 2 ;;
  esac
  shift
done
epfiotd=${EPFIOTD:-$root/build/src/daemon/epfiotd}
thing=${EPFIOT_THING:-$root/build/tools/epfiot-thing}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-bench-bs.XXXXXX")
pid=
cleanup() {
  local rc=$?
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ $rc -eq 0 ] || { echo "daemon log:"; tail -40 "$tmp/log"; }
  rm -rf "$tmp"
}
trap cleanup EXIT
pw=Bench-Admin-Pw-71c3
echo "$pw" > "$tmp/pw"
"$epfiotd" --config /dev/null --listen 127.0.0.1 --port 0 --database "$tmp/db" \
  --libvirt-uri "test://$root/tests/driver/fixtures/host.xml" --image-pool default-pool \
  --network epfiot --lwm2m-listen 127.0.0.1 --lwm2m-port 0 --lwm2m-dtls-port -1 \
  --admin-password-file "$tmp/pw" --log-level warn 2> "$tmp/log" &
pid=$!
for _ in $(seq 1 600); do
  grep -q 'listening on' "$tmp/log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; exit 1; }
  sleep 0.05
done
http=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/log")
coap=$(sed -n 's/.*lwm2m bootstrap on udp .* coap \([0-9]*\) .*/\1/p' "$tmp/log")
[ -n "$http" ] && [ -n "$coap" ] || { cat "$tmp/log"; exit 1; }
q() { curl -sf -H 'content-type: application/json' ${token:+-H "authorization: Bearer $token"} \
        "http://127.0.0.1:$http/graphql" -d "$1"; }
token=
token=$(q "{\"query\":\"mutation{login(name:\\\"admin\\\",password:\\\"$pw\\\"){token}}\"}" |
  sed 's/.*"token":"\([^"]*\)".*/\1/')
q '{"query":"mutation{createVm(vm:{name:\"bench\",base:\"debian-12.qcow2\"}){id}}"}' >/dev/null
q '{"query":"mutation{powerON(vmID:\"1\"){ip}}"}' >/dev/null
start=$(date +%s.%N)
for i in $(seq 0 $((count - 1))); do
  q "{\"query\":\"mutation{createThing(thing:{name:\\\"bench-$i\\\",info:\\\"\\\",server:\\\"bench\\\"}){id}}\"}" >/dev/null
done
end=$(date +%s.%N)
rss() { awk '/^VmRSS/{print $2}' "/proc/$pid/status"; }
echo "created $count things through the API in $(awk "BEGIN{printf \"%.1f\", $end - $start}") s; daemon RSS $(rss) KiB"
status=0
"$thing" --count "$count" -e bench -p "$coap" --no-register -t 60 || status=1
echo "daemon RSS after the bootstraps $(rss) KiB"
# the writer thread records outcomes shortly after: wait for them
for _ in $(seq 1 600); do
  n=$( (q '{"query":"{getThings{state}}"}' || true) | grep -o BOOTSTRAPPED | wc -l || true)
  [ "$n" -ge "$count" ] && break
  sleep 0.1
done
echo "API: $n of $count things BOOTSTRAPPED"
[ "$n" -ge "$count" ] || status=1
kill -TERM "$pid"
wait "$pid" || status=1
pid=
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status

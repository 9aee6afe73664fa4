#!/bin/sh
# run.sh -- the things suite: node --test over tests/things/*.test.mjs inside
# a new user + network namespace (unshare -rn), so that the "VM address"
# (a TEST-NET-2 address, 198.51.100.0/24) can be put on a veth pair there
# without touching the root namespace. Everything the namespace holds goes
# with the last process in it.
# Prints node's "# pass N" / "# fail M" and "things: N passed, M failed".
# Usage: run.sh EPFIOTD EPFIOT-THING EPFIOT-LWM2M-SERVER [node --test options]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ]; then
    echo "usage: $0 EPFIOTD EPFIOT-THING EPFIOT-LWM2M-SERVER [node --test options]" >&2
    exit 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
EPFIOTD=$(abs "$1")
EPFIOT_THING=$(abs "$2")
EPFIOT_LWM2M_SERVER=$(abs "$3")
export EPFIOTD EPFIOT_THING EPFIOT_LWM2M_SERVER
shift 3

if nm "$EPFIOTD" 2>/dev/null | grep -q __asan_init; then
    export EPFIOT_TEST_SLOW=${EPFIOT_TEST_SLOW:-4}
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-things-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

status=0
unshare -rn sh -c '
    set -e
    ip link set lo up
    ip link add epfiot-vm0 type veth peer name epfiot-vm1
    ip link set epfiot-vm0 up
    ip link set epfiot-vm1 up
    exec node --test --test-reporter=tap "$@" "'"$here"'"/*.test.mjs
' sh "$@" > "$tmp/tap" 2>&1 || status=$?
cat "$tmp/tap"
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=${fail:-1}
[ "$status" = 0 ] || [ "$fail" != 0 ] || fail=1
echo "things: ${pass:-0} passed, $fail failed"
[ "$fail" = 0 ] || status=1
exit $status

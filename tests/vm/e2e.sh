#!/bin/sh
# e2e.sh -- the end-to-end suite (tests/vm/*.test.mjs: e2e.test.mjs and the
# kill -9 tests): the real epfiotd against the private libvirtd that
# tests/vm/run.sh started (EPFIOT_VM_URI, EPFIOT_VM_DIR). Makes the host with
# `epfiotd setup-host` (image and VM pools, the "epfiot" network), then runs
# node's test runner.
# Prints node's TAP and a final "vm-e2e: N passed, M failed" line.
# Usage (through run.sh): run.sh e2e.sh EPFIOTD EPFIOTD_HOOKS VMTOOL [node --test options]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ]; then
    echo "usage: $0 EPFIOTD EPFIOTD_HOOKS VMTOOL [node --test options]" >&2
    exit 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
EPFIOTD=$(abs "$1")
EPFIOTD_HOOKS=$(abs "$2")
VMTOOL=$(abs "$3")
export EPFIOTD EPFIOTD_HOOKS VMTOOL
shift 3
: "${EPFIOT_VM_URI:?run through tests/vm/run.sh}" "${EPFIOT_VM_DIR:?}"

# The host as an installation makes it: the pools over run.sh's directories.
"$EPFIOTD" setup-host --config /dev/null --libvirt-uri "$EPFIOT_VM_URI" \
    --image-pool epfiot-images --vm-pool epfiot-vms --network epfiot \
    --image-dir "$EPFIOT_VM_DIR/pool/images" --vm-dir "$EPFIOT_VM_DIR/pool/vms" >/dev/null

# A sanitizer build runs several times slower; the tests stretch their waits.
if nm "$EPFIOTD" 2>/dev/null | grep -q __asan_init; then
    export EPFIOT_TEST_SLOW=${EPFIOT_TEST_SLOW:-3}
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
# One file at a time: they share one libvirtd and this machine's two cores.
# EPFIOT_E2E_TESTS: other test files of this directory instead (vm-accel).
if [ -n "${EPFIOT_E2E_TESTS:-}" ]; then
    files=$(for f in $EPFIOT_E2E_TESTS; do echo "$here/$f"; done)
else
    files=$(ls "$here"/*.test.mjs)
fi
# shellcheck disable=SC2086
node --test --test-concurrency=1 --test-reporter=tap "$@" $files \
    >"$tmp/tap" 2>&1 || status=$?
cat "$tmp/tap"
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=${fail:-1}
[ "$status" = 0 ] || [ "$fail" != 0 ] || fail=1
echo "${EPFIOT_E2E_NAME:-vm-e2e}: ${pass:-0} passed, $fail failed"
[ "$fail" = 0 ] || status=1
exit $status

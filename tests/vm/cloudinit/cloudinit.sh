#!/bin/sh
# cloudinit.sh -- vm-cloudinit: the project's seed against the REAL
# cloud-init of Debian 12. Run by tests/vm/run.sh (private libvirtd, the
# busybox guest's kernel and initramfs in the image pool's directory); builds
# (or reuses, by content) the Debian guest with build.sh, puts it in the image
# pool as debian.qcow2, makes the host with `epfiotd setup-host` and runs
# cloudinit.test.mjs (the real epfiotd over HTTP). Exits 77 only when
# build.sh cannot reach the apt mirror.
# Prints node's TAP and a final "vm-cloudinit: N passed, M failed" line.
# Usage: run.sh cloudinit.sh EPFIOTD VMTOOL
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ]; then
    echo "usage: $0 EPFIOTD VMTOOL" >&2
    exit 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
EPFIOTD=$(abs "$1")
VMTOOL=$(abs "$2")
export EPFIOTD VMTOOL
: "${EPFIOT_VM_URI:?run through tests/vm/run.sh}" "${EPFIOT_VM_DIR:?}" "${EPFIOT_CI_CACHE:?}"

rc=0
images=$("$here/build.sh" "$EPFIOT_CI_CACHE") || rc=$?
[ "$rc" = 0 ] || exit "$rc"
cp "$images/debian.qcow2" "$EPFIOT_VM_DIR/pool/images/debian.qcow2"

"$EPFIOTD" setup-host --config /dev/null --libvirt-uri "$EPFIOT_VM_URI" \
    --image-pool epfiot-images --vm-pool epfiot-vms --network epfiot \
    --image-dir "$EPFIOT_VM_DIR/pool/images" --vm-dir "$EPFIOT_VM_DIR/pool/vms" >/dev/null

if nm "$EPFIOTD" 2>/dev/null | grep -q __asan_init; then
    export EPFIOT_TEST_SLOW=${EPFIOT_TEST_SLOW:-3}
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-ci.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
node --test --test-reporter=tap "$here/cloudinit.test.mjs" >"$tmp/tap" 2>&1 || status=$?
cat "$tmp/tap"
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=${fail:-1}
[ "$status" = 0 ] || [ "$fail" != 0 ] || fail=1
echo "vm-cloudinit: ${pass:-0} passed, $fail failed"
[ "$fail" = 0 ] || status=1
exit $status

#!/usr/bin/env bash
# run.sh -- runs a real-VM test program against a private libvirtd.
#
#   run.sh TEST_PROGRAM [ARGS...]
#
# Builds (or reuses, by content) the test guest into $EPFIOT_VM_CACHE, starts
# a private libvirtd in its own network and mount namespace (harness/vmenv.sh)
# in a fresh temporary directory, puts the guest's kernel, initramfs and base
# image into the image pool's directory, runs the program with EPFIOT_VM_URI
# and EPFIOT_VM_DIR set, and tears everything down on any exit. Exits 77
# (meson's "skipped") when this machine cannot run libvirtd and QEMU: not
# root, or the packages of scripts/deps.sh are missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prog=${1:?usage: run.sh TEST_PROGRAM [ARGS...]}
shift
cache=${EPFIOT_VM_CACHE:-$here/../../build/vm-image}

if [ "$(id -u)" -ne 0 ] || ! command -v libvirtd >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
    echo "run.sh: needs root, libvirtd and qemu-system-x86_64; skipping" >&2
    exit 77
fi

images=$("$here/image/build.sh" "$cache")
dir=$(mktemp -d /tmp/epfiot-vm.XXXXXX)
cleanup() {
    local rc=$?
    # Tear down first: a reader that went away (`run.sh ... | head`) must
    # not stop the script, through SIGPIPE, before the namespace is gone.
    trap '' PIPE
    local logs=""
    if [ $rc -ne 0 ]; then
        for f in "$dir"/log/qemu/*-serial.log; do
            [ -f "$f" ] && logs+="---- ${f##*/} (tail)"$'\n'"$(tail -n 40 "$f")"$'\n'
        done
    fi
    "$here/harness/vmenv.sh" stop "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
    printf '%s' "$logs" >&2 || true
    exit $rc
}
trap cleanup EXIT
uri=$("$here/harness/vmenv.sh" start "$dir")
mkdir -p "$dir/pool/images" "$dir/pool/vms"
cp "$images/vmlinux" "$images/initrd" "$images/base.qcow2" "$dir/pool/images/"
EPFIOT_VM_URI=$uri EPFIOT_VM_DIR=$dir EPFIOT_VM_HARNESS=$here/harness/vmenv.sh "$prog" "$@"

#!/usr/bin/env bash
# test_images.sh -- base images through the daemon against the private
# libvirtd of tests/vm/harness (run by run.sh: EPFIOT_VM_URI, EPFIOT_VM_DIR,
# whose image pool directory holds the test guest's base.qcow2, vmlinux and
# initrd): upload (a real HTTP PUT by epfiotctl, streamed into
# virStorageVolUpload), import from a path, refusals, an aborted upload,
# delete, and delete refused while a VM is made from the image.
#
#   run.sh test_images.sh EPFIOTD EPFIOTCTL
set -uo pipefail
epfiotd=${1:?usage: test_images.sh EPFIOTD EPFIOTCTL}
ctl_bin=${2:?usage: test_images.sh EPFIOTD EPFIOTCTL}
uri=${EPFIOT_VM_URI:?}
dir=${EPFIOT_VM_DIR:?}
work=$dir/images-test
pool=$dir/pool/images
passed=0
failed=0
pid=""
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '  %s\n' "$@"; failed=$((failed + 1)); }
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/admin" "$work/user"
echo "Images-Admin-Pw-1" >"$work/pw"
echo "Images-User-Pw-22" >"$work/upw"

opts=(--config /dev/null --libvirt-uri "$uri" --image-pool epfiot-images --vm-pool epfiot-vms
      --network epfiot --image-dir "$pool" --vm-dir "$dir/pool/vms"
      --lwm2m-port -1 --lwm2m-dtls-port -1)
"$epfiotd" setup-host "${opts[@]}" >/dev/null || { echo "setup-host failed"; exit 1; }
"$epfiotd" "${opts[@]}" --force-tcg --database "$work/db" --port 0 \
    --admin-password-file "$work/pw" 2>"$work/log" &
pid=$!
port=""
for _ in $(seq 1200); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { echo "epfiotd did not start"; cat "$work/log"; exit 1; }
url=http://127.0.0.1:$port
ctl() { HOME=$work/admin "$ctl_bin" --url "$url" "$@" 2>&1; }
uctl() { HOME=$work/user "$ctl_bin" --url "$url" "$@" 2>&1; }
ctl login admin --password-file "$work/pw" >/dev/null
ctl user create alice --password-file "$work/upw" >/dev/null
uctl login alice --password-file "$work/upw" >/dev/null

out=$(ctl image list)
if grep -q "^base.qcow2 *qcow2" <<<"$out" && ! grep -Eq "^(vmlinux|initrd) " <<<"$out"; then
    ok kernel_and_initramfs_in_the_pool_are_not_base_images
else
    bad kernel_and_initramfs_in_the_pool_are_not_base_images "$out"
fi

out=$(ctl image upload up.qcow2 "$pool/base.qcow2")
if [ "$out" = "image up.qcow2 uploaded (qcow2, 67108864 bytes)" ] &&
    grep -q "^up.qcow2 *qcow2 *67108864" <<<"$(ctl image list)" &&
    cmp -s "$pool/up.qcow2" "$pool/base.qcow2"; then
    ok upload_streams_a_qcow2_into_a_new_pool_volume
else
    bad upload_streams_a_qcow2_into_a_new_pool_volume "$out" "$(ctl image list)"
fi

head -c 3000000 /dev/urandom >"$work/disk.raw"
out=$(ctl image upload disk.raw "$work/disk.raw")
if [ "$out" = "image disk.raw uploaded (raw, 3000000 bytes)" ] && cmp -s "$pool/disk.raw" "$work/disk.raw"; then
    ok upload_of_a_raw_disk_keeps_its_bytes
else
    bad upload_of_a_raw_disk_keeps_its_bytes "$out"
fi

out=$(ctl image upload up.qcow2 "$pool/base.qcow2")
if grep -q "it exists already (CONFLICT)" <<<"$out" && cmp -s "$pool/up.qcow2" "$pool/base.qcow2"; then
    ok upload_over_an_existing_image_is_a_conflict_and_keeps_it
else
    bad upload_over_an_existing_image_is_a_conflict_and_keeps_it "$out"
fi

out=$(ctl image import imported "$pool/base.qcow2")
if [ "$out" = "image imported imported (qcow2, 67108864 bytes)" ] && cmp -s "$pool/imported" "$pool/base.qcow2"; then
    ok import_from_a_host_path
else
    bad import_from_a_host_path "$out"
fi

k=$(ctl image import k "$pool/vmlinux")
i=$(ctl image import i "$pool/initrd")
if grep -q "an ELF file (a kernel?), not a disk image (BAD_USER_INPUT)" <<<"$k" &&
    grep -Eq "(cpio|compressed).*(BAD_USER_INPUT)" <<<"$i" && [ ! -e "$pool/k" ] && [ ! -e "$pool/i" ]; then
    ok kernel_and_initramfs_are_refused_and_leave_nothing
else
    bad kernel_and_initramfs_are_refused_and_leave_nothing "$k" "$i"
fi

qemu-img create -q -f qcow2 -b "$pool/base.qcow2" -F qcow2 "$work/overlay.qcow2" 2>&1
out=$(ctl image upload overlay.qcow2 "$work/overlay.qcow2")
if grep -q "a qcow2 image with a backing file" <<<"$out" && [ ! -e "$pool/overlay.qcow2" ]; then
    ok qcow2_with_a_backing_file_is_refused_and_leaves_nothing
else
    bad qcow2_with_a_backing_file_is_refused_and_leaves_nothing "$out"
fi

out=$(uctl image upload mine.qcow2 "$pool/base.qcow2")
out2=$(uctl image import mine2 "$pool/base.qcow2")
out3=$(uctl image delete up.qcow2)
if grep -q "(FORBIDDEN)" <<<"$out" && grep -q "(FORBIDDEN)" <<<"$out2" && grep -q "(FORBIDDEN)" <<<"$out3" &&
    [ ! -e "$pool/mine.qcow2" ] && [ ! -e "$pool/mine2" ] && [ -e "$pool/up.qcow2" ]; then
    ok a_user_may_not_upload_import_or_delete
else
    bad a_user_may_not_upload_import_or_delete "$out" "$out2" "$out3"
fi

# An upload whose client goes away half-way: the volume appears, then the
# daemon removes it.
cred=$(find "$work/admin" -name credentials | head -n 1)
token=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).token)' "$cred")
node -e '
const net = require("net");
const [port, token, file] = process.argv.slice(1);
const fs = require("fs");
const s = net.connect(Number(port), "127.0.0.1", () => {
  s.write(`PUT /images/partial.raw HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Length: 50000000\r\n\r\n`);
  s.write(Buffer.alloc(2 << 20, 7));
  const t0 = Date.now();
  const poll = setInterval(() => {
    if (fs.existsSync(file) || Date.now() - t0 > 60000) { clearInterval(poll); s.destroy(); }
  }, 100);
});
s.on("error", () => {});
' "$port" "$token" "$pool/partial.raw"
seen_gone=""
for _ in $(seq 600); do
    [ -e "$pool/partial.raw" ] || { seen_gone=1; break; }
    sleep 0.1
done
if [ -n "$seen_gone" ] && ! grep -q "^partial.raw" <<<"$(ctl image list)" && grep -q "partial.raw" "$work/log"; then
    ok an_aborted_upload_leaves_no_volume
else
    bad an_aborted_upload_leaves_no_volume "$(ls -la "$pool")" "$(tail -5 "$work/log")"
fi

out=$(uctl vm create web --image up.qcow2)
del=$(ctl image delete up.qcow2)
if grep -q "VM web (ID [0-9]*) is made from it; destroy the VM first (CONFLICT)" <<<"$del" && [ -e "$pool/up.qcow2" ]; then
    ok delete_is_refused_while_a_vm_is_made_from_the_image
else
    bad delete_is_refused_while_a_vm_is_made_from_the_image "$out" "$del"
fi

uctl vm destroy web >/dev/null
d1=$(ctl image delete up.qcow2)
d2=$(ctl image delete up.qcow2)
if [ "$d1" = "image up.qcow2 deleted" ] && [ ! -e "$pool/up.qcow2" ] && grep -q "no base image named up.qcow2 (NOT_FOUND)" <<<"$d2" &&
    [ -e "$pool/base.qcow2" ]; then
    ok delete_removes_the_volume_and_only_it
else
    bad delete_removes_the_volume_and_only_it "$d1" "$d2"
fi

kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=""
if grep -q "Images-" "$work/log"; then
    bad no_password_in_the_log "$(grep -n "Images-" "$work/log")"
fi
# Under a sanitizer build, whatever it found (leaks are reported at exit).
if grep -q "Sanitizer" "$work/log"; then
    bad no_sanitizer_report "$(grep -A20 "Sanitizer" "$work/log" | head -40)"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

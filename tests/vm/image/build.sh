#!/usr/bin/env bash
# build.sh -- the small test guest, from Debian packages only.
#
#   build.sh OUTDIR      prints OUTDIR once OUTDIR/{vmlinux,initrd,base.qcow2} exist
#
# Why this guest: the end-to-end tests need a VM that boots under TCG in
# seconds, reads a cloud-init NoCloud seed the way cloud-init does (the cidata
# CD-ROM: meta-data, user-data, network-config matched by MAC), takes a DHCP
# lease, honours the ACPI power button and lets the configured user log in on
# the serial console. A stock Debian guest with cloud-init does all that in
# about 100 s under TCG; this one in about 10 s (shared/notes/vm-testing.md):
#  - the kernel is linux-image-amd64's, fetched with `apt-get download` into
#    the cache and unpacked with dpkg-deb (nothing is installed on the host),
#    decompressed to its ELF image so QEMU boots it through the PVH entry;
#  - a tiny initramfs (busybox-static, the few modules the guest needs with
#    their dependencies from `modprobe --show-depends`) mounts /dev/vda;
#  - the root filesystem (busybox, init scripts in rootfs/) is made with
#    `mkfs.ext4 -d`, no loop mount, and converted to qcow2: it is the base
#    image the VMs' overlays point at.
# The result is cached by content: OUTDIR/.stamp holds a hash of this script,
# rootfs/, the kernel package version and busybox's, and nothing is rebuilt
# while it matches.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The modules the guest loads, in this order (dependencies come first through
# --show-depends): disk and root fs, the seed CD-ROM, the NIC, the power button.
modules="virtio_pci virtio_blk crc32c_generic ext4 ahci sr_mod isofs virtio_net virtio_balloon button evdev"

kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || { echo "build.sh: no linux-image-amd64 in apt's lists (apt-get update?)" >&2; exit 1; }
kver_pkg=$(apt-cache policy "$kpkg" | awk '/Candidate:/ { print $2 }')
bbver=$(dpkg-query -W -f='${Version}' busybox-static)
stamp=$( (cat "$0"; find "$here/rootfs" -type f | sort | xargs cat; echo "$kpkg $kver_pkg $bbver $modules") | sha256sum | cut -c1-16)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] &&
    [ -f "$out/vmlinux" ] && [ -f "$out/initrd" ] && [ -f "$out/base.qcow2" ]; then
    echo "$out"
    exit 0
fi

work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- kernel -----------------------------------------------------------------
mkdir -p "$out/debs"
if ! ls "$out/debs/${kpkg}_"*.deb >/dev/null 2>&1; then
    (cd "$out/debs" && apt-get download "$kpkg" >/dev/null)
fi
dpkg-deb -x "$out/debs/${kpkg}_"*.deb "$work/k"
kver=$(ls "$work/k/lib/modules")
# vmlinuz is a bzImage whose payload is xz: find the xz stream and unpack it
# (what the kernel's scripts/extract-vmlinux does). The ELF kernel boots
# through PVH, skipping the real-mode setup and self-decompression, which
# under TCG is most of the time to the first line.
vmlinuz="$work/k/boot/vmlinuz-$kver"
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
tail -c +"$((off + 1))" "$vmlinuz" | xz -dc >"$work/vmlinux" 2>/dev/null || true
head -c 4 "$work/vmlinux" | grep -q ELF || { echo "build.sh: cannot unpack $vmlinuz" >&2; exit 1; }

# ---- initramfs ----------------------------------------------------------------
depmod -b "$work/k" "$kver"
ird="$work/initrd.d"
mkdir -p "$ird"/{bin,dev,proc,sys,mnt,lib/modules}
cp /bin/busybox "$ird/bin/busybox"
: >"$work/modlist"
for m in $modules; do
    modprobe -d "$work/k" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }' >>"$work/modlist"
done
awk '!seen[$0]++' "$work/modlist" | while read -r path; do
    name=$(basename "$path")
    cp "$path" "$ird/lib/modules/$name"
    case "$name" in
    *.ko.xz) xz -d "$ird/lib/modules/$name"; name=${name%.xz} ;;
    esac
    echo "$name" >>"$ird/lib/modules/order"
done
cp "$here/initrd-init" "$ird/init"
chmod 755 "$ird/init"
(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$work/initrd"

# ---- root filesystem --------------------------------------------------------
rfs="$work/rootfs"
mkdir -p "$rfs"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,mnt/seed,root,home,var/run}
cp -a "$here/rootfs/." "$rfs/"
cp /bin/busybox "$rfs/bin/busybox"
for app in $("$rfs/bin/busybox" --list-full); do
    [ -e "$rfs/$app" ] || ln -s /bin/busybox "$rfs/$app"
done
chmod 755 "$rfs/etc/rc" "$rfs/etc/udhcpc.script" "$rfs/etc/acpi/PWRF/00000080"
chmod 600 "$rfs/etc/shadow"
chmod 1777 "$rfs/tmp"
mkfs.ext4 -q -F -L rootfs -d "$rfs" -E root_owner=0:0 "$work/base.raw" 64M >/dev/null
qemu-img convert -O qcow2 "$work/base.raw" "$work/base.qcow2"

mv "$work/vmlinux" "$work/initrd" "$work/base.qcow2" "$out/"
echo "$stamp" >"$out/.stamp"
echo "$out"

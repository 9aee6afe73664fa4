#!/usr/bin/env bash
# build.sh -- a Debian 12 guest with the REAL cloud-init package, for the
# vm-cloudinit test (tests/vm/cloudinit/run.sh).
#
#   build.sh OUTDIR      prints OUTDIR once OUTDIR/debian.qcow2 exists
#
# mmdebstrap (minbase) from the apt mirror this machine's sources use, no
# loop mount: `mkfs.ext4 -d` then `qemu-img convert`. The guest boots by
# direct kernel boot with the busybox test guest's kernel and initramfs
# (tests/vm/image/build.sh: they load virtio, ext4, sr_mod/isofs and
# virtio_net, mount /dev/vda and switch_root to /sbin/init, systemd here).
# Packages: cloud-init renders network-config v2 for Debian 12 through its
# "eni" renderer (ifupdown + isc-dhcp-client); udev and systemd-sysv boot it;
# openssh-server and sudo so the user and key modules run as on a real host;
# locales, or cloud-init's locale module fails (update-locale).
# The image holds one test fixture: epfiot-report.service, which waits until
# cloud-init has finished and prints what the test checks to the serial port.
# Cached by content: OUTDIR/.stamp is a hash of this script and the mirror.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

packages="cloud-init systemd-sysv udev ifupdown isc-dhcp-client iproute2 openssh-server sudo locales"

# The Debian mirror of this machine's apt sources (deb822 or one-line form).
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i } /^deb / { print $2 }' |
    grep -v -e security -e '^$' | grep '/debian/\?$' | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}

# Two caches: the mmdebstrap tarball (packages and mirror), then the image
# (that plus this script and the report fixture).
base=$( (echo "$packages $mirror"; grep -F -- '--' "$0" | grep -e mmdebstrap -e dpkgopt -e hook) | sha256sum | cut -c1-16)
stamp=$( (cat "$0" "$here/epfiot-report"; echo "$base") | sha256sum | cut -c1-16)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && [ -f "$out/debian.qcow2" ]; then
    echo "$out"
    exit 0
fi

work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
rfs="$work/rootfs"

# Exit 77 (skip) only when the mirror is unreachable.
if [ ! -f "$out/rootfs-$base.tar" ]; then
if ! mmdebstrap --variant=minbase --include="${packages// /,}" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -f "$1"/etc/machine-id "$1"/etc/ssh/ssh_host_*; : >"$1"/etc/machine-id' \
    bookworm "$work/rootfs.tar" "$mirror" "${mirror%/}-security bookworm-security main" >"$work/log" 2>&1; then
    if grep -q -e 'Could not resolve' -e 'Failed to fetch' -e 'Temporary failure' -e 'Unable to connect' "$work/log"; then
        tail -n 5 "$work/log" >&2
        echo "build.sh: the mirror $mirror is not reachable; skipping" >&2
        exit 77
    fi
    tail -n 30 "$work/log" >&2
    exit 1
fi
rm -f "$out"/rootfs-*.tar
mv "$work/rootfs.tar" "$out/rootfs-$base.tar"
fi
mkdir "$rfs"
tar -C "$rfs" -xpf "$out/rootfs-$base.tar"

# Only the NoCloud seed (no probing of cloud metadata services over the
# network, which under TCG costs minutes of timeouts).
cat >"$rfs/etc/cloud/cloud.cfg.d/90-epfiot-test.cfg" <<'CFG'
datasource_list: [NoCloud, None]
CFG
# The locale a Debian cloud image has: cloud-init's locale module keeps it
# (update-locale refuses a locale that was never generated).
sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' "$rfs/etc/locale.gen"
chroot "$rfs" locale-gen >/dev/null
echo LANG=en_US.UTF-8 >"$rfs/etc/default/locale"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$rfs/etc/fstab"
# No timers nor services the test does not need (apt's daily runs, getty on tty1).
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer getty@tty1.service; do
    ln -sf /dev/null "$rfs/etc/systemd/system/$u"
done
cp "$here/epfiot-report" "$rfs/usr/local/sbin/epfiot-report"
chmod 755 "$rfs/usr/local/sbin/epfiot-report"
cat >"$rfs/etc/systemd/system/epfiot-report.service" <<'UNIT'
[Unit]
Description=Report cloud-init's result on the serial port (EPFIOT test fixture)
After=cloud-final.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/epfiot-report
StandardOutput=file:/dev/ttyS0
StandardError=file:/dev/ttyS0

[Install]
WantedBy=cloud-init.target
UNIT
# cloud-final runs after multi-user.target: the report hangs off
# cloud-init.target (which cloud-init's generator enables) to avoid a cycle.
mkdir -p "$rfs/etc/systemd/system/cloud-init.target.wants"
ln -sf /etc/systemd/system/epfiot-report.service "$rfs/etc/systemd/system/cloud-init.target.wants/epfiot-report.service"

mkfs.ext4 -q -F -L rootfs -d "$rfs" -E root_owner=0:0 "$work/debian.raw" 1G >/dev/null
qemu-img convert -O qcow2 "$work/debian.raw" "$work/debian.qcow2"
mv "$work/debian.qcow2" "$out/"
echo "$stamp" >"$out/.stamp"
echo "$out"

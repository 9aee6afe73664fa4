#!/usr/bin/env bash
# deps.sh -- install EPFIOT's build and test dependencies from Debian's
# repositories (idempotent: apt runs only when a package is missing).
# Sourced or run by scripts/setup.sh and scripts/test.sh; needs root (or sudo).
set -euo pipefail

EPFIOT_APT_PACKAGES=(
  # build
  build-essential meson ninja-build pkg-config
  # fuzzing and the sanitizer runtimes (libFuzzer ships with clang's runtime)
  clang libclang-rt-14-dev
  # libraries
  libjansson-dev libcbor-dev libsqlite3-dev libsodium-dev libvirt-dev libxml2-dev libisofs-dev
  libmicrohttpd-dev libinih-dev libcrypt-dev libcurl4-gnutls-dev libcoap3-dev
  # real VMs in tests: a private libvirtd + QEMU (TCG) inside a network namespace,
  # a busybox guest built from Debian packages (no libvirt-daemon-system: it would
  # start a system libvirtd with a default network in the root namespace)
  libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils dnsmasq-base
  iptables iproute2 busybox-static kmod cpio xz-utils e2fsprogs
  # vm-cloudinit: a Debian 12 guest with the real cloud-init, made by mmdebstrap
  mmdebstrap
  # test and benchmark tools
  gnutls-bin openssl wrk chromium
  # the seed_cloud_init_schema test validates generated cloud-config against
  # cloud-init's own JSON schema (the cloud-init package is downloaded, not installed)
  python3-jsonschema python3-yaml
  # UEFI guests: libvirt's firmware autoselection finds OVMF's descriptors
  ovmf
  # test tools: graphql-js (the GraphQL reference) is installed from npm at test time
  nodejs npm
)

missing=()
for p in "${EPFIOT_APT_PACKAGES[@]}"; do
  # A machine may have node and npm from elsewhere than Debian's packages.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

#!/usr/bin/env bash
# run.sh -- set up (if needed) and run the EPFIOT appliance daemon in the foreground.
#
# Installs the dependencies, builds, assembles the web console (build/web) and
# starts epfiotd with its database in ./var/. On the first start with an empty
# database it prints the generated admin password once (or takes it from
# EPFIOT_ADMIN_PASSWORD). Open http://127.0.0.1:8080/ and log in as admin.
#
# Environment (each also a flag of epfiotd; extra arguments are passed on):
#   EPFIOT_LIBVIRT_URI  libvirt connection. Default: a demo host on libvirt's
#                       built-in test hypervisor (tests/driver/fixtures/host.xml:
#                       two base images, a network, USB devices including a
#                       Coral), where the whole API works but no VM really
#                       boots and state lives only while epfiotd runs. On a host
#                       prepared for VMs: qemu:///system, with EPFIOT_IMAGE_POOL
#                       and EPFIOT_NETWORK naming its pool and network.
#   EPFIOT_LISTEN       address (default 127.0.0.1), EPFIOT_PORT (default 8080)
#   EPFIOT_DATA         directory of the database (default ./var)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
data=${EPFIOT_DATA:-$PWD/var}
mkdir -p "$data"
if [ -z "${EPFIOT_LIBVIRT_URI:-}" ]; then
  EPFIOT_LIBVIRT_URI="test://$PWD/tests/driver/fixtures/host.xml"
  EPFIOT_IMAGE_POOL=${EPFIOT_IMAGE_POOL:-default-pool}
  EPFIOT_NETWORK=${EPFIOT_NETWORK:-epfiot}
fi
exec build/src/daemon/epfiotd \
  --database "$data/epfiot.db" \
  --static-dir "$PWD/build/web" \
  --libvirt-uri "$EPFIOT_LIBVIRT_URI" \
  --image-pool "${EPFIOT_IMAGE_POOL:-default}" \
  --network "${EPFIOT_NETWORK:-default}" \
  --listen "${EPFIOT_LISTEN:-127.0.0.1}" \
  --port "${EPFIOT_PORT:-8080}" \
  "$@"

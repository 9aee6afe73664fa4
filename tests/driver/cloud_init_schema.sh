#!/bin/sh
# cloud_init_schema.sh -- validates the seed's generated cloud-config (every
# golden user-data under golden/seed/, which test_seed checks byte for byte
# against the generator) with REAL cloud-init's JSON schema.
#
# Debian 12's cloud-init package is downloaded (never installed) into a cache
# directory of the build tree and unpacked with dpkg-deb; its
# schema-cloud-config-v1.json is then applied with python3-jsonschema and
# python3-yaml (Debian's python3, whatever python3 is first in PATH).
# Exit 77 (skipped) only when apt cannot download the package.
set -eu
data=${TEST_DATA_DIR:?}
cache=${CLOUD_INIT_CACHE:?}
mkdir -p "$cache"
deb=$(ls "$cache"/cloud-init_*_all.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
    # apt-get download writes into the current directory. As root it warns
    # that the _apt user cannot write there; the download works all the same.
    if ! (cd "$cache" && apt-get download -q cloud-init >download.log 2>&1); then
        echo "SKIP: apt-get download cloud-init failed:" >&2
        cat "$cache/download.log" >&2
        exit 77
    fi
    deb=$(ls "$cache"/cloud-init_*_all.deb | head -n 1)
fi
root="$cache/root"
schema="$root/usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json"
if [ ! -f "$schema" ]; then
    rm -rf "$root"
    dpkg-deb -x "$deb" "$root"
fi
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$data/cloud_init_schema.py" "$schema" "$data/golden/seed"

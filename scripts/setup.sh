#!/usr/bin/env bash
# setup.sh -- install the build dependencies (Debian 12) and build EPFIOT into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -d build ] || meson setup build --buildtype=debugoptimized
ninja -C build
echo "setup: built into build/"

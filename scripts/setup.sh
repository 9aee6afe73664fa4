#!/usr/bin/env bash
# setup.sh -- install the build dependencies (Debian 12), build EPFIOT into
# build/ and assemble the web console (with GraphiQL from npm) into build/web/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
# build/ may exist without a configuration (tests/vm/run.sh caches its guest there).
[ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized
ninja -C build
./scripts/web-deps.sh build/web >/dev/null
echo "setup: built into build/, web console in build/web/"

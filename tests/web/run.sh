#!/bin/sh
# run.sh -- the web suite: the console in Debian's chromium (headless),
# driven by playwright-core, against a real epfiotd serving the console.
#
# npm packages (playwright-core for the tests; GraphiQL and React for the
# console, via scripts/web-deps.sh) go to $EPFIOT_NPM_DIR when set (reused
# across runs), else to a temporary directory removed at exit. The console's
# static directory is assembled into the temporary directory.
# Screenshots of each main page are written to $EPFIOT_SCREENSHOTS (default:
# docs/screenshots/ of the repository).
# Usage: run.sh EPFIOTD [node --test options]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 EPFIOTD [node --test options]" >&2
    exit 2
fi
EPFIOTD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export EPFIOTD
# The LwM2M device simulator, for the live bootstrap test.
EPFIOT_THING=${EPFIOT_THING:-$(dirname "$EPFIOTD")/../../tools/epfiot-thing}
export EPFIOT_THING
shift
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "run.sh: $CHROMIUM not found (apt-get install chromium)" >&2
    exit 1
fi
export CHROMIUM

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-web-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
npmroot=${EPFIOT_NPM_DIR:-$tmp/npm}
mkdir -p "$npmroot/web-tests"

version=1.65.1
installed=$(node -e "try{console.log(require('$npmroot/web-tests/node_modules/playwright-core/package.json').version)}catch(e){}" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    [ -f "$npmroot/web-tests/package.json" ] || echo '{"name":"epfiot-web-tests","private":true}' > "$npmroot/web-tests/package.json"
    npm install --prefix "$npmroot/web-tests" --no-audit --no-fund --silent "playwright-core@$version" >&2
fi
export EPFIOT_PLAYWRIGHT="$npmroot/web-tests/node_modules/playwright-core/index.js"

EPFIOT_NPM_DIR=$npmroot "$repo/scripts/web-deps.sh" "$tmp/static" > /dev/null
export EPFIOT_STATIC_DIR="$tmp/static"
export EPFIOT_SCREENSHOTS=${EPFIOT_SCREENSHOTS:-$repo/docs/screenshots}

if nm "$EPFIOTD" 2>/dev/null | grep -q __asan_init; then
    export EPFIOT_TEST_SLOW=${EPFIOT_TEST_SLOW:-4}
fi
status=0
node --test --test-reporter=tap "$@" "$here"/*.test.mjs > "$tmp/tap" 2>&1 || status=$?
cat "$tmp/tap"
exit $status

#!/bin/sh
# run.sh -- the daemon suite: node's built-in test runner (node --test) over
# tests/daemon/*.test.mjs, each file driving its own real epfiotd over HTTP
# on 127.0.0.1 (see daemon.mjs).
#
# graphql-http (for the audit in http.test.mjs) is installed with npm into
# $EPFIOT_NPM_DIR/daemon-audit when EPFIOT_NPM_DIR is set (reused across
# runs), else into a temporary directory removed at exit.
# Prints node's "# pass N" / "# fail M" and a final "daemon: N passed, M
# failed" line; exits non-zero on any failure.
# Usage: run.sh EPFIOTD [node --test options, e.g. --test-name-pattern=RE]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 EPFIOTD [node --test options]" >&2
    exit 2
fi
EPFIOTD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export EPFIOTD
shift

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-daemon-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -n "${EPFIOT_NPM_DIR:-}" ]; then
    dir=$EPFIOT_NPM_DIR/daemon-audit
else
    dir=$tmp/npm
fi
mkdir -p "$dir"
version=1.23.1
installed=$(node -e "try{console.log(require('$dir/node_modules/graphql-http/package.json').version)}catch(e){}" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    [ -f "$dir/package.json" ] || echo '{"name":"epfiot-daemon-audit","private":true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --silent "graphql-http@$version" >&2
fi
export EPFIOT_AUDIT_NPM_DIR="$dir"

# A sanitizer build runs several times slower; the harness stretches its waits.
if nm "$EPFIOTD" 2>/dev/null | grep -q __asan_init; then
    export EPFIOT_TEST_SLOW=${EPFIOT_TEST_SLOW:-4}
fi

# Not exec: the EXIT trap must still remove the temporary directory.
status=0
node --test --test-reporter=tap "$@" "$here"/*.test.mjs > "$tmp/tap" 2>&1 || status=$?
cat "$tmp/tap"
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/tap" | tail -1)
fail=${fail:-1}
# node failing without a counted failure (a crash of the runner itself) still counts.
[ "$status" = 0 ] || [ "$fail" != 0 ] || fail=1
echo "daemon: ${pass:-0} passed, $fail failed"
[ "$fail" = 0 ] || status=1
exit $status

#!/bin/sh
# run_audit.sh -- the graphql-http audit suite (npm graphql-http@1.23.1,
# serverAudits) against http_testd: every audit must pass with no error and
# no warning.
#
# graphql-http is installed with npm into $EPFIOT_NPM_DIR/http-audit when
# EPFIOT_NPM_DIR is set (reused across runs), else into a temporary
# directory removed at exit. The server is started here, on 127.0.0.1 with a
# free port, and stopped by its PID.
# Usage: run_audit.sh HTTP_TESTD
set -eu

here=$(cd "$(dirname "$0")" && pwd)
testd=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-audit.XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ -n "${EPFIOT_NPM_DIR:-}" ]; then
    dir=$EPFIOT_NPM_DIR/http-audit
else
    dir=$tmp/npm
fi
mkdir -p "$dir"

version=1.23.1
installed=$(node -e "try{console.log(require('$dir/node_modules/graphql-http/package.json').version)}catch(e){}" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    [ -f "$dir/package.json" ] || echo '{"name":"epfiot-http-audit","private":true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --silent "graphql-http@$version" >&2
fi

"$testd" > "$tmp/port" &
pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$tmp/port")
    [ -n "$port" ] && break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "run_audit: http_testd did not start" >&2
    exit 1
fi

node "$here/audit.mjs" "http://127.0.0.1:$port/graphql" "$dir"

#!/bin/sh
# run.sh -- run the differential suite: tests/graphql/diff/run.mjs with the
# given gqlrun binary against graphql-js 17.1.0.
#
# graphql-js is installed with npm into $EPFIOT_NPM_DIR when it is set (and
# reused there across runs), else into a temporary directory removed at exit.
# Usage: run.sh GQLRUN [run.mjs options...]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 GQLRUN [--filter TEXT] [--messages] [--verbose] [--show]" >&2
    exit 2
fi
gqlrun=$1
shift

if [ -n "${EPFIOT_NPM_DIR:-}" ]; then
    dir=$EPFIOT_NPM_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-diff.XXXXXX")
    trap 'rm -rf "$dir"' EXIT INT TERM
fi

version=17.1.0
installed=$(node -e "try{console.log(require('$dir/node_modules/graphql/package.json').version)}catch(e){}" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    [ -f "$dir/package.json" ] || echo '{"name":"epfiot-diff","private":true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --silent "graphql@$version" >&2
fi

# Not exec: the EXIT trap must still remove a temporary install afterwards.
status=0
node "$here/run.mjs" "$gqlrun" --graphql-js "$dir" "$@" || status=$?
exit $status

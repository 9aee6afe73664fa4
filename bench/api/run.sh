#!/bin/sh
# run.sh -- bench/api: epfiotd over HTTP against a graphql-js server serving
# the same schema and data, measured with wrk (see README.md and bench.mjs).
#
# Builds epfiotd in a release build (build-bench/, or $BENCH_BUILD_DIR)
# unless --epfiotd names a binary, installs graphql@17.1.0 and
# graphql-http@1.23.1 into $EPFIOT_NPM_DIR/api-bench (reused across runs) or
# a temporary directory, and runs bench.mjs in a temporary working directory
# (database, snapshot, request bodies) that is removed at exit. bench.mjs
# starts and stops both servers by PID.
#
# Usage: bench/api/run.sh [--smoke] [--epfiotd PATH] [--seconds S]
#                         [--connections C] [--threads T] [--json FILE]
#   default: 10 s per wrk run, 8 connections, 1 wrk thread (about 2 minutes)
#   --smoke: 1 s per run, no warm-up (the meson test in suite 'bench')
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

epfiotd=
args=
while [ $# -gt 0 ]; do
    case "$1" in
    --epfiotd) epfiotd=$2; shift 2 ;;
    --smoke) args="$args --smoke"; shift ;;
    --seconds | --connections | --threads | --json) args="$args $1 $2"; shift 2 ;;
    *) echo "usage: $0 [--smoke] [--epfiotd PATH] [--seconds S] [--connections C] [--threads T] [--json FILE]" >&2
       exit 2 ;;
    esac
done

for tool in node npm wrk; do
    command -v "$tool" >/dev/null || { echo "bench/api: $tool not found (scripts/deps.sh installs it)" >&2; exit 1; }
done

if [ -z "$epfiotd" ]; then
    build=${BENCH_BUILD_DIR:-$root/build-bench}
    if [ ! -f "$build/build.ninja" ]; then
        meson setup "$build" "$root" --buildtype=release -Db_ndebug=true >/dev/null
    fi
    ninja -C "$build" src/daemon/epfiotd >/dev/null
    epfiotd=$build/src/daemon/epfiotd
fi
epfiotd=$(cd "$(dirname "$epfiotd")" && pwd)/$(basename "$epfiotd")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-api-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -n "${EPFIOT_NPM_DIR:-}" ]; then
    npm_dir=$EPFIOT_NPM_DIR/api-bench
else
    npm_dir=$tmp/npm
fi
mkdir -p "$npm_dir"
version() {
    node -e "try{console.log(require('$npm_dir/node_modules/$1/package.json').version)}catch(e){}" 2>/dev/null || true
}
if [ "$(version graphql)" != 17.1.0 ] || [ "$(version graphql-http)" != 1.23.1 ]; then
    [ -f "$npm_dir/package.json" ] || echo '{"name":"epfiot-api-bench","private":true}' > "$npm_dir/package.json"
    echo "bench/api: installing graphql@17.1.0 graphql-http@1.23.1 into $npm_dir" >&2
    # graphql 17 declares node >= 22 but runs on Debian's node 20 (bench/graphql
    # uses it there too): npm only warns.
    npm install --prefix "$npm_dir" --no-audit --no-fund --silent \
        graphql@17.1.0 graphql-http@1.23.1 >&2
fi

mkdir -p "$tmp/work"
# Not exec: the EXIT trap must still remove the temporary directory.
status=0
# shellcheck disable=SC2086 # $args is a list of words
node "$here/bench.mjs" --epfiotd "$epfiotd" --npm "$npm_dir" --work "$tmp/work" $args || status=$?
if [ "$status" -ne 0 ] && [ -n "$(ls "$tmp/work"/*.epfiotd.json 2>/dev/null)" ]; then
    keep=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-api-bench-diff.XXXXXX")
    cp "$tmp/work"/*.epfiotd.json "$tmp/work"/*.graphqljs.json "$keep/"
    echo "bench/api: differing responses kept in $keep" >&2
fi
exit "$status"

#!/bin/sh
# run.sh -- compare the C engine with graphql-js 17.1.0 on the benchmark queries.
#
# Builds bench_graphql (release build in build-bench/ unless $BENCH_BUILD_DIR
# names an existing build), installs graphql@17.1.0 into a temporary npm
# directory (or uses $EPFIOT_NPM_DIR, which must contain or may receive
# node_modules/graphql), runs both sides on the same schema, data and queries,
# checks that they return the same normalised results and prints the table:
# ops/s per side, the ratio (target >= 10x) and memory per request.
#
# Usage: bench/graphql/run.sh [SECONDS]   (seconds per timed run, default 2;
# the whole run stays well under two minutes at the default)
set -eu

seconds=${1:-2}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}

if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" --buildtype=release -Db_ndebug=true >/dev/null
fi
ninja -C "$build" bench/graphql/bench_graphql >/dev/null

npm_dir=${EPFIOT_NPM_DIR:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$npm_dir" ]; then
    npm_dir=$tmp/npm
    mkdir -p "$npm_dir"
fi
if [ "$(node -e "try{console.log(require('$npm_dir/node_modules/graphql/package.json').version)}catch(e){}")" != "17.1.0" ]; then
    echo "installing graphql@17.1.0 into $npm_dir" >&2
    (cd "$npm_dir" && npm install --silent --no-audit --no-fund --no-save graphql@17.1.0 >/dev/null)
fi

mkdir -p "$tmp/out"
echo "C: bench_graphql ($seconds s per timed run)" >&2
"$build/bench/graphql/bench_graphql" --json --seconds "$seconds" --out "$tmp/out" > "$tmp/c.json"
echo "graphql-js: bench.mjs" >&2
status=0
node --expose-gc --max-semi-space-size=64 "$here/bench.mjs" --graphql "$npm_dir" \
    --seconds "$seconds" --c-results "$tmp/c.json" --c-out "$tmp/out" || status=$?
if [ "$status" -ne 0 ]; then
    keep=$(mktemp -d)
    cp -r "$tmp/out" "$keep/"
    echo "results differ; responses kept in $keep/out" >&2
fi
exit "$status"

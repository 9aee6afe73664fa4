#!/bin/sh
# web-deps.sh -- assembles the web console's static directory, the one
# epfiotd serves with --static-dir (static_dir in epfiotd.conf).
#
# The console itself (web/) is plain HTML/CSS/JS with no build step. Its
# GraphQL console needs GraphiQL 3.9.0 (the last major with a UMD bundle)
# and React 18's UMD builds; they come from npm here, at set-up time, and are
# copied next to the console so that nothing is fetched at run time (an edge
# site may have no Internet). graphql@16 is installed as GraphiQL's peer; the
# bundle embeds its own copy.
#
# Usage: scripts/web-deps.sh [OUT]   (default OUT: build/web)
#   OUT/            a copy of web/
#   OUT/graphiql/vendor/  react.production.min.js, react-dom.production.min.js,
#                         graphiql.min.js, graphiql.min.css
# npm packages go to $EPFIOT_NPM_DIR/web-deps when EPFIOT_NPM_DIR is set
# (reused across runs), else to OUT-npm (beside OUT, never served). Run it again after editing web/.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/build/web}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -n "${EPFIOT_NPM_DIR:-}" ]; then
    npmdir=$EPFIOT_NPM_DIR/web-deps
else
    npmdir=$out-npm
fi
mkdir -p "$npmdir"

want="graphiql@3.9.0 react@18.3.1 react-dom@18.3.1 graphql@16"
have=$(node -e "try{const v=p=>require('$npmdir/node_modules/'+p+'/package.json').version;console.log(v('graphiql')+' '+v('react')+' '+v('react-dom'))}catch(e){}" 2>/dev/null || true)
if [ "$have" != "3.9.0 18.3.1 18.3.1" ]; then
    [ -f "$npmdir/package.json" ] || echo '{"name":"epfiot-web-deps","private":true}' > "$npmdir/package.json"
    # shellcheck disable=SC2086
    npm install --prefix "$npmdir" --no-audit --no-fund --silent $want >&2
fi

# The console: a fresh copy of web/ (files removed from web/ go too).
find "$out" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
cp -R "$repo/web/." "$out/"
vendor=$out/graphiql/vendor
mkdir -p "$vendor"
nm=$npmdir/node_modules
cp "$nm/react/umd/react.production.min.js" \
   "$nm/react-dom/umd/react-dom.production.min.js" \
   "$nm/graphiql/graphiql.min.js" "$nm/graphiql/graphiql.min.css" "$vendor/"
# Static files are served only as plain files: no symbolic links.
find "$out" -type l | grep -q . && {
    echo "web-deps.sh: symbolic links in $out are not served" >&2; exit 1; }
echo "$out"

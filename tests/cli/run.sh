#!/bin/sh
# run.sh -- the cli suite: node --test over tests/cli/*.test.mjs, epfiotctl
# against real epfiotd daemons started by tests/daemon/daemon.mjs.
# Usage: run.sh EPFIOTD EPFIOTCTL [node --test options]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ]; then
    echo "usage: $0 EPFIOTD EPFIOTCTL [node --test options]" >&2
    exit 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
EPFIOTD=$(abs "$1")
EPFIOTCTL=$(abs "$2")
export EPFIOTD EPFIOTCTL
shift 2
if nm "$EPFIOTD" 2>/dev/null | grep -q __asan_init; then
    export EPFIOT_TEST_SLOW=${EPFIOT_TEST_SLOW:-4}
fi
exec node --test --test-reporter=tap "$@" "$here"/*.test.mjs

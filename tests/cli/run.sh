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
# Under UBSan a runtime error ends epfiotctl with a failure status, so a
# test sees it (ASan and LeakSanitizer do so already).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec node --test --test-reporter=tap "$@" "$here"/*.test.mjs

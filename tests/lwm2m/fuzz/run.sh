#!/bin/sh
# run.sh -- fuzz the LwM2M decoders and the bootstrap server for a while.
#
# Usage: tests/lwm2m/fuzz/run.sh SECONDS [TARGET...]
#   TARGET  tlv, senml_json, senml_cbor, bs_server (default: all)
#
# Shares build-fuzz/ (or $FUZZ_BUILD_DIR) with tests/fuzz/run.sh: clang,
# -Dfuzz=true, ASan+UBSan. Each target runs on a scratch copy of its corpus
# (tests/lwm2m/fuzz/corpus/<target>/ is only read) with a 5 s limit per input,
# a 2 GiB RSS limit and leak detection; any crash, leak, timeout or sanitizer
# report fails the run and leaves the artifact in the printed directory.
set -u
if [ $# -lt 1 ]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2
fi
seconds=$1
shift
targets=${*:-tlv senml_json senml_cbor bs_server}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$root" -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false >/dev/null || exit 1
fi
for t in $targets; do
    ninja -C "$build" "tests/lwm2m/fuzz/fuzz_lwm2m_$t" >/dev/null || {
        echo "fuzz: cannot build fuzz_lwm2m_$t" >&2
        exit 1
    }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-lwm2m-fuzz.XXXXXX")
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
failed=""
for t in $targets; do
    mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
    cp "$here/corpus/$t/"* "$work/corpus/$t/" 2>/dev/null
    if ! "$build/tests/lwm2m/fuzz/fuzz_lwm2m_$t" -max_total_time="$seconds" -timeout=5 \
        -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$t/" "$work/corpus/$t" >"$work/$t.log" 2>&1; then
        failed="$failed $t"
        tail -n 40 "$work/$t.log"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: failures in:$failed (artifacts in $work/artifacts)"
    exit 1
fi
rm -rf "$work"
echo "fuzz: no crash, leak, timeout or sanitizer report (lwm2m $targets; $seconds s each)"

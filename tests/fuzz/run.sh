#!/bin/sh
# run.sh -- build the libFuzzer targets with clang and run each for a while.
#
# Usage: tests/fuzz/run.sh SECONDS [TARGET...]
#   SECONDS  time per target (libFuzzer -max_total_time)
#   TARGET   graphql, parse, json, schema (default: all)
#
# Builds in build-fuzz/ (or $FUZZ_BUILD_DIR) with
#   CC=clang meson setup -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
# and runs every target on a scratch copy of its seed corpus (the checked-in
# corpus and tests/fuzz/regressions/<target>/ are only read), with the
# dictionary, a 5 s limit per input, a 2 GiB RSS limit and leak detection.
# UBSan reports are fatal. Fails on any crash, leak, timeout, OOM or
# sanitizer report; crash artifacts are left in a temporary directory, which
# is printed with a dump of each artifact. To keep a failing input fixed,
# copy it to tests/fuzz/regressions/<target>/ (replayed by `meson test`).
# $FUZZ_KEEP_CORPUS=DIR starts from and keeps the grown corpora in DIR/<target>/.
set -u

if [ $# -lt 1 ]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2
fi
seconds=$1
shift
targets=${*:-graphql parse json schema}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$root" -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false >/dev/null || exit 1
fi
for t in $targets; do
    ninja -C "$build" "tests/fuzz/fuzz_$t" >/dev/null || {
        echo "fuzz: cannot build fuzz_$t" >&2
        exit 1
    }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/epfiot-fuzz.XXXXXX")
export FUZZ_SCHEMA_DIR="$root/tests/graphql/diff/schemas"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"

corpus_of() {
    case $1 in
        parse) echo graphql ;;
        *) echo "$1" ;;
    esac
}

failed=""
for t in $targets; do
    c=$(corpus_of "$t")
    mkdir -p "$work/corpus/$t" "$work/artifacts"
    if [ -n "${FUZZ_KEEP_CORPUS:-}" ] && [ -d "$FUZZ_KEEP_CORPUS/$t" ]; then
        cp "$FUZZ_KEEP_CORPUS/$t/"* "$work/corpus/$t/" 2>/dev/null
    fi
    dict=""
    [ "$t" != json ] && dict="-dict=$here/graphql.dict"
    echo "fuzz: $t for $seconds s" >&2
    regress="$here/regressions/$t"
    [ -d "$regress" ] || regress=""
    # shellcheck disable=SC2086 # $dict and $regress are empty or one word
    "$build/tests/fuzz/fuzz_$t" "$work/corpus/$t" "$here/corpus/$c" $regress \
        -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -detect_leaks=1 -print_final_stats=1 $dict \
        -artifact_prefix="$work/artifacts/$t-" >"$work/$t.log" 2>&1
    rc=$?
    tail -n 12 "$work/$t.log" | grep -E '^(stat::|#[0-9]+.*DONE|Done)' >&2
    if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$work/$t.log"; then
        failed="$failed $t"
        echo "fuzz: $t FAILED (exit $rc); log: $work/$t.log" >&2
        grep -E -A 30 'ERROR: |runtime error:|^fuzz: ' "$work/$t.log" | head -n 60 >&2
    fi
    if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
        mkdir -p "$FUZZ_KEEP_CORPUS/$t"
        cp "$work/corpus/$t/"* "$FUZZ_KEEP_CORPUS/$t/" 2>/dev/null
    fi
done

found=0
for a in "$work"/artifacts/*; do
    [ -e "$a" ] || continue
    case $(basename "$a") in
        *slow-unit-*) continue ;; # slow but within the timeout: not a failure
    esac
    found=1
    echo "fuzz: artifact $a ($(wc -c <"$a") bytes):" >&2
    od -c "$a" | head -n 20 >&2
done

if [ -n "$failed" ] || [ $found -ne 0 ]; then
    echo "fuzz: FAILED:$failed; artifacts and logs in $work" >&2
    exit 1
fi
echo "fuzz: no crash, leak, timeout or sanitizer report ($targets; $seconds s each)" >&2
rm -rf "$work"
exit 0

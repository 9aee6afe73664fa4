#!/usr/bin/env bash
# test.sh -- run every EPFIOT test on a Debian 12 machine, from scratch if need be.
#
#   1. installs the build and test dependencies (scripts/deps.sh)
#   2. builds with -Werror and runs the whole meson suite (unit, golden,
#      differential against graphql-js, corpus replay, benchmark smoke runs)
#   3. builds with ASan + UBSan and runs the same suite again
#   4. builds the libFuzzer targets with clang and fuzzes each for a bounded
#      time (FUZZ_SECONDS per target, default 30; 0 skips this step)
#
# A meson test that fails is run once more, alone; one that passes then is
# listed as flaky (and must be mended), one that fails again fails the run.
# Ends with one line "tests: N passed, M failed" counting the test cases of
# every executable in both builds (scripts/testlog.py reads meson's logs),
# and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./scripts/deps.sh || exit 1

# graphql-js and friends for the differential tests and benchmarks are
# installed once per run into this directory (never into the source tree).
export EPFIOT_NPM_DIR="${EPFIOT_NPM_DIR:-$root/build-npm}"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
# Any sanitizer report fails the test that caused it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

status=0
passed=0
failed=0
: >"$root/build-testlog-notes.txt"

run_suite() { # name, build dir, meson setup args...
  local name=$1 dir=$2; shift 2
  echo "=== $name build ($dir)"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || { echo "meson setup failed"; status=1; failed=$((failed + 1)); return; }
  fi
  if ! ninja -C "$dir"; then
    echo "$name: build failed"; status=1; failed=$((failed + 1)); return
  fi
  echo "=== $name tests"
  local log=$dir/meson-logs/testlog.json first=$dir/meson-logs/testlog-first.json
  meson test -C "$dir" --print-errorlogs --num-processes 2
  cp "$log" "$first"
  # A test that failed is run once more, alone, on a quieter machine: tests
  # that boot real VMs under TCG or race a browser on two cores can lose to
  # load. It is reported as flaky below and counts with its second run; a
  # test that fails twice fails the run.
  local again
  mapfile -t again < <(python3 scripts/testlog.py failed "$first")
  local counts=("$first")
  if [ "${#again[@]}" -gt 0 ]; then
    echo "=== $name: running again, one at a time: ${again[*]}"
    meson test -C "$dir" --print-errorlogs --num-processes 1 "${again[@]}"
    counts+=("$log")
  fi
  local summary p f
  summary=$(python3 scripts/testlog.py count "${counts[@]}") || { status=1; failed=$((failed + 1)); return; }
  read -r p f <<<"$(head -n 1 <<<"$summary")"
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -eq 0 ] || status=1
  if tail -n +2 <<<"$summary" | grep -q .; then
    tail -n +2 <<<"$summary" | sed "s|^|$name: |" | tee -a "$root/build-testlog-notes.txt"
  fi
}

run_suite "normal (-Werror)" build --buildtype=debugoptimized -Dwerror=true
run_suite "sanitizer (ASan+UBSan)" build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

if [ "$FUZZ_SECONDS" != 0 ]; then
  echo "=== fuzzing ($FUZZ_SECONDS s per target)"
  for fuzz in tests/fuzz/run.sh tests/lwm2m/fuzz/run.sh; do
    if ./$fuzz "$FUZZ_SECONDS"; then
      passed=$((passed + 1))
    else
      echo "fuzzing ($fuzz) found a problem"; status=1; failed=$((failed + 1))
    fi
  done
fi

if [ -s "$root/build-testlog-notes.txt" ]; then
  echo "=== tests that failed or were flaky"
  cat "$root/build-testlog-notes.txt"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status

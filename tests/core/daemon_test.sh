#!/usr/bin/env bash
# daemon_test.sh EPFIOTD SCHEMA_FILE -- epfiotd as a program: its flags
# (--help, --version, --print-schema, unknown flags), start-up on port 0
# with a fresh database (the first admin), a request, graceful SIGTERM, and
# a restart that keeps the database. Loopback only; cleans up after itself.
set -u
EPFIOTD=$1
SCHEMA=$2
fail=0
check() { # name, command...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}

tmp=$(mktemp -d /tmp/epfiotd-test-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

check help_exits_zero_and_lists_every_key \
  bash -c "'$EPFIOTD' --help | grep -q -- '--libvirt-uri' && '$EPFIOTD' --help | grep -q -- '--admin-password-file'"
check version_prints_the_version bash -c "'$EPFIOTD' --version | grep -q '^epfiotd [0-9]'"
check print_schema_is_the_sdl bash -c "'$EPFIOTD' --print-schema | cmp -s - '$SCHEMA'"
check an_unknown_flag_exits_2 bash -c "'$EPFIOTD' --no-such-flag 2>/dev/null; [ \$? -eq 2 ]"
check a_bad_config_file_is_an_error bash -c "printf '[http]\nbogus = 1\n' > '$tmp/bad.conf'; ! '$EPFIOTD' --config '$tmp/bad.conf' --print-schema >/dev/null 2>&1"

start() {
  "$EPFIOTD" --listen 127.0.0.1 --port 0 --database "$tmp/db.sqlite" \
    --libvirt-uri test:///default --image-pool default-pool --network default \
    --lwm2m-port 0 --lwm2m-dtls-port 0 --admin-password-file "$tmp/pw" 2>"$tmp/log$1" &
  pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/log$1")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  return 1
}
login() {
  curl -s -X POST "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    -d '{"query":"mutation{login(name:\"admin\",password:\"first-admin-pw\"){user{name role}}}"}'
}

printf 'first-admin-pw\n' > "$tmp/pw"
check starts_and_prints_the_port start 1
check creates_the_first_admin grep -q 'created the first admin account "admin"' "$tmp/log1"
check the_password_is_not_logged bash -c "! grep -q first-admin-pw '$tmp/log1'"
check healthz_answers bash -c "curl -sf http://127.0.0.1:$port/healthz >/dev/null"
check the_admin_logs_in bash -c "$(declare -f login); port=$port; login | grep -q '\"role\":\"ADMIN\"'"
check anonymous_graphql_is_401 bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:$port/graphql -H 'content-type: application/json' -d '{\"query\":\"{me{id}}\"}') = 401 ]"
kill -TERM "$pid"
wait "$pid"; rc=$?; pid=
check sigterm_exits_cleanly [ "$rc" -eq 0 ]
check sigterm_is_logged grep -q 'SIGTERM: stopping' "$tmp/log1"

printf 'another-password\n' > "$tmp/pw"
check restarts start 2
check a_restart_creates_no_second_admin bash -c "! grep -q 'first admin' '$tmp/log2'"
check the_database_survives_the_restart bash -c "$(declare -f login); port=$port; login | grep -q '\"name\":\"admin\"'"
kill -TERM "$pid"; wait "$pid"; pid=

# No password given: one is generated and printed once.
gen() {
  env -u EPFIOT_ADMIN_PASSWORD "$EPFIOTD" --listen 127.0.0.1 --port 0 --database "$tmp/gen.sqlite" \
    --libvirt-uri test:///default --image-pool default-pool --lwm2m-port -1 --lwm2m-dtls-port -1 \
    2>"$tmp/log3" &
  pid=$!
  for _ in $(seq 100); do grep -q 'listening on' "$tmp/log3" && return 0; sleep 0.1; done
  return 1
}
check generates_a_password_when_none_is_given gen
check prints_the_generated_password_once bash -c "[ \$(grep -c 'first admin account \"admin\" with password [A-Za-z0-9_-]\{24\} (shown only now)' '$tmp/log3') -eq 1 ]"
kill -TERM "$pid"; wait "$pid"; pid=
exit $fail

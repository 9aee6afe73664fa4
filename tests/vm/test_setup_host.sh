#!/usr/bin/env bash
# test_setup_host.sh -- `epfiotd setup-host` against the private libvirtd of
# tests/vm/harness (started by run.sh: EPFIOT_VM_URI, EPFIOT_VM_DIR), and the
# daemon's start-up check.
#
#   run.sh test_setup_host.sh EPFIOTD LVQ
#
# The network (a bridge with 10.128.0.1) only ever exists inside the
# harness's network namespace; the test checks that too.
set -uo pipefail
epfiotd=${1:?usage: test_setup_host.sh EPFIOTD LVQ}
lvq=${2:?usage: test_setup_host.sh EPFIOTD LVQ}
uri=${EPFIOT_VM_URI:?}
dir=${EPFIOT_VM_DIR:?}
ns=$(cat "$dir/netns")
passed=0
failed=0
pid=""
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; shift; printf '  %s\n' "$@"; failed=$((failed + 1)); }
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir/epfiotd"
}
trap cleanup EXIT
mkdir -p "$dir/epfiotd"
echo "Setup-Host-Test-Pw-1" >"$dir/epfiotd/pw"

opts=(--config /dev/null --libvirt-uri "$uri" --image-pool epfiot-images --vm-pool epfiot-vms
      --network epfiot --image-dir "$dir/pool/images" --vm-dir "$dir/pool/vms"
      --dhcp-start 10.128.0.10 --dhcp-end 10.128.0.250 --log-level info
      --lwm2m-port -1 --lwm2m-dtls-port -1 --kvm-probe-kernel vmlinux)

# The daemon refuses to start on a host that is not set up, and says why
# and what to run.
out=$("$epfiotd" "${opts[@]}" --database "$dir/epfiotd/db" --port 0 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "missing network epfiot, storage pool epfiot-images, storage pool epfiot-vms; run \`epfiotd setup-host\`" <<<"$out"; then
    ok daemon_refuses_a_host_that_is_not_set_up
else
    bad daemon_refuses_a_host_that_is_not_set_up "rc=$rc" "$out"
fi

out=$("$epfiotd" setup-host "${opts[@]}" 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q "created network epfiot: routed, 10.128.0.1/24 on bridge epfiotbr0, DHCP 10.128.0.10-10.128.0.250" <<<"$out" &&
    grep -q "created storage pool epfiot-images in $dir/pool/images" <<<"$out" &&
    grep -q "created storage pool epfiot-vms in $dir/pool/vms" <<<"$out" &&
    grep -q "is ready (9 changes)" <<<"$out"; then
    ok setup_host_creates_network_and_pools
else
    bad setup_host_creates_network_and_pools "rc=$rc" "$out"
fi

# What libvirtd now has: a routed network with DHCP, active and autostarted,
# and the pools (lvq is only the test's observer).
v() { "$lvq" "$uri" "$@" 2>&1; }
netxml=$(v net epfiot)
if grep -q "<forward mode='route'/>" <<<"$netxml" && grep -q "address='10.128.0.1' prefix='24'" <<<"$netxml" &&
    grep -q "range start='10.128.0.10' end='10.128.0.250'" <<<"$netxml" &&
    grep -q "^active=1 autostart=1" <<<"$netxml" &&
    grep -q "^active=1 autostart=1" <<<"$(v pool epfiot-images)" &&
    grep -q "<path>$dir/pool/vms</path>" <<<"$(v pool epfiot-vms)" &&
    grep -q "^active=1 autostart=1" <<<"$(v pool epfiot-vms)"; then
    ok libvirtd_has_an_active_autostarted_routed_network_and_pools
else
    bad libvirtd_has_an_active_autostarted_routed_network_and_pools "$netxml" "$(v pool epfiot-vms)"
fi

# The bridge with its private address exists in the harness's namespace
# and not in the machine's.
if ip netns exec "$ns" ip -4 addr show epfiotbr0 2>/dev/null | grep -q "10.128.0.1/24" &&
    ! ip link show epfiotbr0 >/dev/null 2>&1; then
    ok the_bridge_exists_only_in_the_test_namespace
else
    bad the_bridge_exists_only_in_the_test_namespace "$(ip netns exec "$ns" ip -4 addr 2>&1)"
fi

out=$("$epfiotd" setup-host "${opts[@]}" 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q "nothing to do on $uri: network epfiot and storage pools epfiot-images and epfiot-vms exist, are active and start automatically" <<<"$out" &&
    [ "$(wc -l <<<"$out")" -eq 1 ]; then
    ok second_setup_host_changes_nothing_and_says_so
else
    bad second_setup_host_changes_nothing_and_says_so "rc=$rc" "$out"
fi

# An inactive pool (a host rebooted without autostart) is started by the
# daemon at start; then it serves.
v pool-stop epfiot-vms >/dev/null
"$epfiotd" "${opts[@]}" --database "$dir/epfiotd/db" --port 0 \
    --admin-password-file "$dir/epfiotd/pw" 2>"$dir/epfiotd/log" &
pid=$!
up=""
for _ in $(seq 1200); do
    grep -q "listening on" "$dir/epfiotd/log" && { up=1; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -n "$up" ] && grep -q "started storage pool epfiot-vms (it was inactive)" "$dir/epfiotd/log" &&
    grep -q "^active=1" <<<"$(v pool epfiot-vms)"; then
    ok daemon_starts_an_inactive_pool_and_serves
else
    bad daemon_starts_an_inactive_pool_and_serves "$(cat "$dir/epfiotd/log")"
fi
# The host claims KVM, but a KVM guest hangs here (nested virtualisation):
# the daemon's probe guest shows it, and the daemon uses TCG and says why.
if grep -q "VMs run under TCG" "$dir/epfiotd/log" &&
    grep -q "warn: KVM is claimed but a kvm probe guest printed nothing on its console in 10 s" "$dir/epfiotd/log"; then
    ok daemon_probes_kvm_and_falls_back_to_tcg_with_the_reason
else
    bad daemon_probes_kvm_and_falls_back_to_tcg_with_the_reason "$(cat "$dir/epfiotd/log")"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=""

# Under a sanitizer build, whatever it found (leaks are reported at exit).
if grep -q "Sanitizer" "$dir/epfiotd/log"; then
    bad no_sanitizer_report "$(grep -A20 "Sanitizer" "$dir/epfiotd/log" | head -40)"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

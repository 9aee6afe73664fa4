#!/usr/bin/env bash
# vmenv.sh -- a private libvirtd for tests that run real VMs.
#
#   vmenv.sh start DIR   start libvirtd in its own network and mount namespace;
#                        prints the URI to reach it: qemu:///system?socket=DIR/libvirt-sock
#   vmenv.sh restart DIR restart libvirtd alone (its VMs keep running), as after
#                        a crash or an upgrade of libvirtd
#   vmenv.sh stop DIR    stop everything started for DIR, by PID, and remove the
#                        network namespace (DIR itself is left to the caller)
#
# Why: the tests must never put a bridge or an address from a private range
# into the machine's root network namespace (DESIGN.md, test environment
# rules), and must not depend on (or disturb) a system libvirtd. So libvirtd,
# the bridges and dnsmasq it creates and the QEMU processes it starts all live
# in a network namespace made here (`ip netns add`, a unique name), inside a
# private mount namespace in which /run and libvirt's config, state,
# cache and log directories are bind-mounted from DIR. The daemon and tests
# stay in the root namespace and talk to libvirtd over its UNIX socket, which
# crosses network namespaces (shared/notes/vm-testing.md has the measurements).
#
# Everything started is recorded in DIR (netns name, libvirtd's PID) and
# stopped by PID: libvirtd, then whatever still runs in the namespace (QEMU,
# dnsmasq: all of it started by this libvirtd), then the namespace goes.
set -euo pipefail

die() { echo "vmenv: $*" >&2; exit 1; }

# The cgroup v1 controllers mounted in the root namespace, as "name:options".
# `ip netns exec` remounts /sys and so drops them; libvirtd needs them back.
cgroup_mounts() {
    awk '$3 == "cgroup" { split($2, p, "/"); print p[length(p)] ":" $4 }' /proc/self/mounts
}

write_config() {
    local dir=$1
    mkdir -p "$dir"/{etc/qemu/networks/autostart,etc/storage,lib,cache,log/qemu,run,pool}
    cat >"$dir/etc/libvirtd.conf" <<EOF
unix_sock_dir = "$dir"
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$dir/log/libvirtd.log"
EOF
    # root: this libvirtd serves only the test's own images in DIR, and there
    # is no libvirt-qemu user without libvirt-daemon-system. stdio_handler
    # "file" writes QEMU's logs directly instead of through virtlogd.
    cat >"$dir/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
stdio_handler = "file"
security_driver = "none"
EOF
    : >"$dir/etc/libvirt.conf"
    # libvirtd resolves its built-in QEMU user (libvirt-qemu) at start-up even
    # when qemu.conf says root; that user comes with libvirt-daemon-system,
    # which the tests do not need. A copy of passwd/group with it, bind-mounted
    # in the private mount namespace only, leaves the host's accounts alone.
    cp /etc/passwd "$dir/passwd"
    cp /etc/group "$dir/group"
    getent passwd libvirt-qemu >/dev/null ||
        echo "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin" >>"$dir/passwd"
    getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:" >>"$dir/group"
}

# Runs inside the new network namespace: makes the mount namespace private,
# then becomes libvirtd (exec, so the recorded PID is libvirtd's).
inner() {
    local dir=$1 cgroups=$2
    # /run is DIR/run, not a fresh tmpfs: libvirtd keeps the state of its
    # running domains and networks there, and a restarted libvirtd must find
    # it to take its QEMU processes back.
    mount --bind "$dir/run" /run
    mkdir -p /run/lock /run/libvirt
    mount --bind "$dir/etc" /etc/libvirt
    mount --bind "$dir/passwd" /etc/passwd
    mount --bind "$dir/group" /etc/group
    mount --bind "$dir/lib" /var/lib/libvirt
    mount --bind "$dir/cache" /var/cache/libvirt
    mount --bind "$dir/log" /var/log/libvirt
    mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
    local c
    for c in $cgroups; do
        mkdir -p "/sys/fs/cgroup/${c%%:*}"
        mount -t cgroup -o "${c#*:}" cgroup "/sys/fs/cgroup/${c%%:*}"
    done
    ip link set lo up
    exec libvirtd -f "$dir/etc/libvirtd.conf"
}

# Starts libvirtd in the namespace recorded in DIR and waits for its socket.
launch() {
    local dir=$1 ns
    ns=$(cat "$dir/netns")
    rm -f "$dir"/libvirt-sock*
    local cg
    cg=$(cgroup_mounts | tr '\n' ' ')
    setsid ip netns exec "$ns" unshare -m --propagation private \
        "$0" _inner "$dir" "$cg" </dev/null >>"$dir/log/stdout.log" 2>&1 &
    echo $! >"$dir/libvirtd.pid"
    local i
    for i in $(seq 1 600); do
        [ -S "$dir/libvirt-sock" ] && { echo "qemu:///system?socket=$dir/libvirt-sock"; return 0; }
        kill -0 "$(cat "$dir/libvirtd.pid")" 2>/dev/null || break
        sleep 0.1
    done
    cat "$dir/log/stdout.log" >&2 || true
    return 1
}

start() {
    local dir=$1
    [ -e "$dir/netns" ] && die "$dir is in use (stop it first)"
    command -v libvirtd >/dev/null || die "libvirtd is not installed"
    for d in /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
        mkdir -p "$d" # mount points; empty and unused in the root namespace
    done
    write_config "$dir"
    local ns="epfiot-vm-$$-$RANDOM"
    ip netns add "$ns"
    echo "$ns" >"$dir/netns"
    launch "$dir" && return 0
    stop "$dir" || true
    die "libvirtd did not start (log: $dir/log/libvirtd.log)"
}

# Stops libvirtd (TERM, then KILL after 10 s); its QEMU processes go on.
stop_libvirtd() {
    local dir=$1 pid
    [ -s "$dir/libvirtd.pid" ] || return 0
    pid=$(cat "$dir/libvirtd.pid")
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 100 || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || true
    rm -f "$dir/libvirtd.pid"
}

restart() {
    local dir=$1
    [ -e "$dir/netns" ] || die "$dir is not started"
    stop_libvirtd "$dir"
    launch "$dir" || die "libvirtd did not restart (log: $dir/log/libvirtd.log)"
}

# Waits up to $2 tenths of a second for PID $1 to end.
wait_gone() {
    local i
    for i in $(seq 1 "$2"); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

stop() {
    local dir=$1 pid ns
    [ -e "$dir/netns" ] || return 0
    ns=$(cat "$dir/netns")
    stop_libvirtd "$dir"
    # libvirtd leaves its QEMU and dnsmasq processes running when it stops;
    # every process in the namespace was started by it.
    local pids
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $pids; do wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    rm -f "$dir/netns" "$dir/libvirtd.pid" "$dir"/libvirt-sock* "$dir"/libvirt-admin-sock
}

case "${1:-}" in
start) [ $# -eq 2 ] || die "usage: vmenv.sh start DIR"; start "$(realpath "$2")" ;;
restart) [ $# -eq 2 ] || die "usage: vmenv.sh restart DIR"; restart "$(realpath "$2")" ;;
stop) [ $# -eq 2 ] || die "usage: vmenv.sh stop DIR"; stop "$(realpath "$2")" ;;
_inner) inner "$2" "$3" ;;
*) die "usage: vmenv.sh start|stop DIR" ;;
esac

#!/usr/bin/env bash
# Runs a command in a fresh network namespace whose only ways out are loopback and one virtual Ethernet
# link carrying the default route (so anything not for this machine would leave through it), then prints
# the packets each interface sent: "<lo TX> <v0 TX>". Needs root and iproute2 (unshare -n, ip). Used by
# tests/lsl_io.rs to check that LSL under tests/lsl/lsl_api.cfg sends nothing off loopback.
set -euo pipefail
exec unshare -n bash -c '
set -e
# No IPv6 in here: the kernel neighbour discovery would be counted otherwise.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add v0 type veth peer name v1
ip addr add 10.99.0.1/24 dev v0
ip link set lo up; ip link set v0 up; ip link set v1 up
ip route add default dev v0
"$@" >/dev/null 2>&1 || true
tx() { awk -F"[: ]+" -v n="$1" "\$2==n {print \$12}" /proc/net/dev; }
echo "$(tx lo) $(tx v0)"
' bash "$@"

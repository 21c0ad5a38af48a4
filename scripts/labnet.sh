#!/usr/bin/env bash
# The lab network: the guests' NICs, one bridge per Virtlab host, and the host side that pings them.
#
#   scripts/labnet.sh up [--hosts N] [--subnet A.B.C] [--prefix P]
#   scripts/labnet.sh down [--prefix P]
#   scripts/labnet.sh exec N COMMAND...          run COMMAND on lab host N (in its network namespace)
#
# up, with the defaults (prefix vlab, subnet 10.77.0, 2 hosts):
#
#   this machine ("outside", the talk's external pinger)  bridge vlab0, 10.77.0.1/24
#     ├─ veth vlab-h1 ──▶ netns vlab-h1: eth0 on its own bridge vlab0, 10.77.0.11/24  (Virtlab host 1)
#     └─ veth vlab-h2 ──▶ netns vlab-h2: eth0 on its own bridge vlab0, 10.77.0.12/24  (Virtlab host 2)
#
# Start a daemon on host N with `scripts/labnet.sh exec N ./virtlab daemon start --listen 10.77.0.1N:PORT` (its
# $VIRTLAB_HOME as usual; hosts after the first add `--tls-dir HOST1_HOME/ca` to share its CA, docs/SECURITY.md); its guests' taps join that host's vlab0, so a guest with
# `--network bridge=vlab0,ip=10.77.0.100/24` is reachable from this machine and from every host, and keeps its
# address when it migrates between hosts: a real second machine is then only a different address.
# With --hosts 0 only the bridge on this machine is made (one Virtlab host, no namespaces).
# Traffic stays on addresses this script creates. Needs root (CAP_NET_ADMIN) and iproute2.
set -euo pipefail

cmd=${1:-}
[ $# -gt 0 ] && shift
hosts=2 subnet=10.77.0 prefix=vlab
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts=$2; shift 2 ;;
    --subnet) subnet=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    *) break ;;
  esac
done
bridge=${prefix}0

ns_list() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${prefix}-h[0-9]+$" || true; }

case "$cmd" in
  up)
    if ! ip link show "$bridge" >/dev/null 2>&1; then
      ip link add "$bridge" type bridge
      ip addr add "$subnet.1/24" dev "$bridge"
    fi
    ip link set "$bridge" up
    for i in $(seq 1 "$hosts"); do
      ns=$prefix-h$i
      ip netns list | grep -qw "$ns" && continue
      ip netns add "$ns"
      ip link add "$ns" type veth peer name eth0 netns "$ns"
      ip link set "$ns" master "$bridge" up
      ip -n "$ns" link set lo up
      ip -n "$ns" link add "$bridge" type bridge
      ip -n "$ns" link set eth0 master "$bridge" up
      ip -n "$ns" addr add "$subnet.$((10 + i))/24" dev "$bridge"
      ip -n "$ns" link set "$bridge" up
    done
    echo "labnet: bridge $bridge $subnet.1/24$(for ns in $(ns_list); do printf ', %s %s' "$ns" "$(ip -n "$ns" -4 -o addr show "$bridge" | awk '{print $4}')"; done)"
    ;;
  down)
    for ns in $(ns_list); do ip netns del "$ns"; done
    ip link del "$bridge" 2>/dev/null || true
    echo "labnet: removed $bridge and its hosts"
    ;;
  exec)
    n=${1:?labnet.sh exec N COMMAND...}; shift
    exec ip netns exec "$prefix-h$n" "$@"
    ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac

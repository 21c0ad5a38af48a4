# Live migration to a second Virtlab host (the talk's "Live Migration" slides). The second host is a
# second daemon with its own home, listening on 127.0.0.1 with a token; the guest goes there and back.
section "A second Virtlab host: its own home, listening on TCP with a token"
host2_home=$(mktemp -d /tmp/virtlab-tour2-XXXXXX)
host2_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
             echo $((20000 + RANDOM % 20000)))
host2_uri="virtlab+tcp://127.0.0.1:$host2_port"
vl2() { printf '%s$ VIRTLAB_HOME=%s virtlab %s%s\n' "$bold" "$host2_home" "$*" "$off"; VIRTLAB_HOME="$host2_home" ./virtlab "$@"; }
host2_cleanup() {
  VIRTLAB_HOME="$host2_home" ./virtlab destroy "$vm" >/dev/null 2>&1 || true
  VIRTLAB_HOME="$host2_home" ./virtlab daemon stop >/dev/null 2>&1 || true
  rm -rf "$host2_home"
}
trap 'host2_cleanup; cleanup' EXIT
vl2 daemon start --listen "127.0.0.1:$host2_port"
say "(requests over TCP without the token in $host2_home/token get 401)"

section "Live migration with auto-converge (slide: 'move running VM to another host')"
vl migrate "$vm" "$host2_uri" --live --auto-converge --token-file "$host2_home/token" --measure
vl list --all
vl2 list

section "The talk's 'info migrate', from the destination's record of the job"
vl2 domjobinfo "$vm" --completed --info-migrate
say "(virsh's shape: virtlab domjobinfo $vm --completed)"
vl2 qemu-agent-command "$vm" '{"execute":"guest-ping"}'
say "(external ping across a lab network is not part of this tour: see docs/MIGRATION.md)"

section "And back to the first host"
tour_token=$(mktemp /tmp/virtlab-tour-token-XXXXXX)
./virtlab daemon stop >/dev/null
tour_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
            echo $((20000 + RANDOM % 20000)))
vl daemon start --listen "127.0.0.1:$tour_port"
cp "$VIRTLAB_HOME/token" "$tour_token"
vl2 migrate "$vm" "virtlab+tcp://127.0.0.1:$tour_port" --live --auto-converge --token-file "$tour_token"
rm -f "$tour_token"
vl list
vl2 daemon stop
host2_cleanup
trap cleanup EXIT

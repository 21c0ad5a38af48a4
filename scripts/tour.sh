#!/usr/bin/env bash
# make tour: the talk "Virtual vs. Physical Machines", shown on a real Debian guest under QEMU.
# It uses its own Virtlab home, so it never touches your VMs, and cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."

export VIRTLAB_HOME="${VIRTLAB_TOUR_HOME:-$(mktemp -d /tmp/virtlab-tour-XXXXXX)}"
vm=knoel1

bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
[ -t 1 ] || { bold="" dim="" off=""; }

section() { printf '\n%s== %s ==%s\n' "$bold" "$1" "$off"; }
say() { printf '%s%s%s\n' "$dim" "$1" "$off"; }
vl() { printf '%s$ virtlab %s%s\n' "$bold" "$*" "$off"; ./virtlab "$@"; }

cleanup() {
  ./virtlab destroy "$vm" >/dev/null 2>&1 || true
  ./virtlab daemon stop >/dev/null 2>&1 || true
  rm -rf "$VIRTLAB_HOME"
}
trap cleanup EXIT

section "The host: what Virtlab can run here"
vl capabilities | grep -Ev '^(Host CPU flags|CPU models):'
say "(the full flag and model lists: virtlab capabilities --json)"

section "A real Debian guest under QEMU (the talk's knoel1)"
vl create "$vm" --vcpus 2,maxvcpus=4 --memory 512M --wait-agent
vl list

section "vCPU hot-plug uses the guest agent (slide: 'vCPU Hot-plug: uses guest agent')"
vl qemu-agent-command "$vm" '{"execute":"guest-ping"}'
vl qemu-agent-command "$vm" '{"execute":"guest-info"}' | cut -c1-200
say "(guest-info lists every command the agent supports; cut at 200 characters)"
vl qemu-agent-command "$vm" '{"execute":"guest-get-vcpus"}' --pretty
vl qemu-agent-command "$vm" '{"execute":"guest-get-osinfo"}' --pretty

section "What the manager knows about it"
vl dominfo "$vm"

section "Done"
vl destroy "$vm"
vl list --all

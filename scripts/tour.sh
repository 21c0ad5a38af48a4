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

# Each part of the tour is a fragment in scripts/tour.d, run in name order in this shell: they
# share the functions above and the running guest "$vm".
for part in scripts/tour.d/*.sh; do
  # shellcheck source=/dev/null
  . "$part"
done


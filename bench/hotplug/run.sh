#!/usr/bin/env bash
# bench/hotplug: latency of vCPU plug (1→2, until online in the guest), unplug (2→1, until ejected) and
# setmem (256→128→256 MiB, until query-balloon reaches the target), as the daemon measures them (the reply's
# "seconds"), on one guest created with --vcpus 1,maxvcpus=4 --memory 256M,maxmemory=1G. One run of RUNS cycles.
# libvirt is not driven here (not done yet); docs/PERFORMANCE.md quotes ENVIRONMENT.md's libvirt figures for scale.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
export VIRTLAB_HOME=$(mktemp -d /tmp/vl-bench-hp-XXXXXX)
trap './virtlab destroy hpbench >/dev/null 2>&1 || true; ./virtlab daemon stop >/dev/null 2>&1 || true; rm -rf "$VIRTLAB_HOME"' EXIT
./virtlab create hpbench --vcpus 1,maxvcpus=4 --memory 256M,maxmemory=1G --wait-agent=120 >/dev/null
secs() { python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'; }
plug=() unplug=() down=() up=()
for _ in $(seq "$runs"); do
  plug+=("$(./virtlab setvcpus hpbench 2 --live --json | secs)")
  unplug+=("$(./virtlab setvcpus hpbench 1 --live --json | secs)")
  down+=("$(./virtlab setmem hpbench 128M --json | secs)")
  up+=("$(./virtlab setmem hpbench 256M --json | secs)")
done
stats() { python3 -c 'import sys,statistics as s; v=[float(x)*1000 for x in sys.argv[2:]]; print(f"| {sys.argv[1]} | {len(v)} | {min(v):.0f} | {s.median(v):.0f} | {max(v):.0f} |")' "$@"; }
out=bench/hotplug/last-run.md
{
  echo "| operation (Virtlab, daemon-side) | n | min ms | median ms | max ms |"
  echo "|---|---|---|---|---|"
  stats "setvcpus 1→2 --live (plugged and online in the guest)" "${plug[@]}"
  stats "setvcpus 2→1 --live (offlined and ejected)" "${unplug[@]}"
  stats "setmem 256→128 MiB (balloon reached)" "${down[@]}"
  stats "setmem 128→256 MiB (balloon reached)" "${up[@]}"
} | tee "$out"

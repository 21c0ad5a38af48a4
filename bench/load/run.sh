#!/usr/bin/env bash
# bench/load: load on one daemon. N concurrent clients (CLIENTS, default "16 64"; each its own keep-alive connection
# to the unix socket) call list / dominfo / dommemstat in a loop while, on the same daemon, a vCPU hot-plug loop
# (`setvcpus hp 2 --live` onlines the CPU through the guest agent, then `setvcpus hp 1 --live`) and live migration
# round trips (VM mg to a second local daemon and back) run. The same jobs alone first, for the ratio. Before that,
# the daemon's RSS (/proc) with 0, 1 and 4 VMs running, for the per-VM cost. Writes bench/load/last-run.md.
#
#   bench/load/run.sh                  CLIENTS="16 64" CYCLES=3 ROUND_TRIPS=2 MIN_SECONDS=20
#
# Uses this checkout's build (./virtlab), two daemons with homes of their own under /tmp (TCP 127.0.0.1:16731 and
# :16732 for the migration), four guests (TCG); everything it starts is destroyed and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
clients=${CLIENTS:-16 64} cycles=${CYCLES:-3} round_trips=${ROUND_TRIPS:-2} min_seconds=${MIN_SECONDS:-20}
ports=(0 16731 16732)
out=${OUT:-bench/load/last-run.md}
./virtlab --help >/dev/null
cli=$(readlink -f .build/current/cli/virtlab)
daemon=$(readlink -f .build/current/daemon/virtlabd)
dotnet build bench/Virtlab.Bench -c Release -nologo -v q >/dev/null
work=$(mktemp -d /tmp/vl-bench-load-XXXXXX)
vms=(hp mg r1 r2)

vl() { local h=$1; shift; VIRTLAB_HOME=$work/h$h VIRTLAB_DAEMON=$daemon "$cli" "$@"; }
cleanup() {
  local rc=$? n v
  trap - EXIT INT TERM
  for n in 1 2; do
    if [ -d "$work/h$n" ]; then
      for v in "${vms[@]}"; do vl "$n" destroy "$v" >/dev/null 2>&1 || true; done
      vl "$n" daemon stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Host 1 makes the CA on its first --listen; host 2 issues its certificate from it (the hosts' mutual TLS, docs/SECURITY.md).
vl 1 daemon start --listen "127.0.0.1:${ports[1]}" >/dev/null
vl 2 daemon start --listen "127.0.0.1:${ports[2]}" --tls-dir "$work/h1/ca" >/dev/null
pid=$(cat "$work/h1/virtlabd.pid")
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
# Every VM read once (dominfo, dommemstat: the monitor and the agent connection open) and the daemon left 2 s to settle.
touch_all() { local v; vl 1 list --all >/dev/null; for v in "$@"; do vl 1 dominfo "$v" >/dev/null; vl 1 dommemstat "$v" >/dev/null; done; sleep 2; }
touch_all
rss0=$(rss)
vl 1 create hp --vcpus 1,maxvcpus=4 --memory 256M --wait-agent=300 >/dev/null
touch_all hp
rss1=$(rss)
vl 1 create mg --vcpus 1 --memory 256M --wait-agent=300 >/dev/null
for v in r1 r2; do vl 1 create "$v" --vcpus 1 --memory 128M --wait-agent=300 >/dev/null; done
touch_all "${vms[@]}"
rss4=$(rss)
awk -v a="$rss0" -v b="$rss1" -v c="$rss4" 'BEGIN {
  printf "The loaded daemon (virtlabd, %s), VmRSS from /proc/PID/status after every VM was read once (dominfo,\n", "this checkout'"'"'s build"
  printf "dommemstat) and 2 s of rest:\n\n| VMs running | RSS MiB | per VM, MiB |\n|---|---|---|\n"
  printf "| 0 | %.1f | |\n| 1 | %.1f | %.1f (1 − 0) |\n| 4 | %.1f | %.1f ((4 − 1) / 3) |\n", a/1024, b/1024, (b-a)/1024, c/1024, (c-b)/3/1024 }' >"$work/memory.md"
echo "bench/load: RSS $((rss0 / 1024)) / $((rss1 / 1024)) / $((rss4 / 1024)) MiB with 0 / 1 / 4 VMs" >&2

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rc=0
dotnet run --project bench/Virtlab.Bench -c Release --no-build -- load --virtlab "$cli" \
  --home-a "$work/h1" --home-b "$work/h2" --port-a "${ports[1]}" --port-b "${ports[2]}" \
  --hotplug-vm hp --migrate-vm mg --read-vms hp,r1,r2 --clients "${clients// /,}" \
  --hotplug-cycles "$cycles" --round-trips "$round_trips" --min-seconds "$min_seconds" \
  --memory "$work/memory.md" --out "$work/report.md" >/dev/null || rc=$?
{
  cat "$work/report.md"
  echo
  echo "Load average $load_before before the phases. $(qemu-system-x86_64 --version | head -1 | sed 's/ (.*//'), TCG;"
  echo "hp: 1 vCPU (maxvcpus 4), 256 MiB; mg: 1 vCPU, 256 MiB; r1, r2: 1 vCPU, 128 MiB; Virtlab $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' with uncommitted changes in src/')."
  if [ "$rc" != 0 ]; then
    echo; echo "The daemon's log lines about failures (last 20):"; echo; echo '```'
    grep -iE 'fail|error|unrespons|timed? ?out' "$work/h1/virtlabd.log" | tail -20 || true
    echo '```'
  fi
} >"$out"
cat "$out"
exit "$rc"

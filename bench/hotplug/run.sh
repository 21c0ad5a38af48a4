#!/usr/bin/env bash
# bench/hotplug: vCPU plug 1→2, unplug 2→1 and setmem 256→128→256 MiB, Virtlab against libvirt 11.3 (the peer,
# bench/peer/libvirt.sh) on the same guest, in one run of RUNS cycles, interleaved (the side that goes first
# alternates) so the machine's noise hits both. Virtlab: --vcpus 1,maxvcpus=4 --memory 256M,maxmemory=1G, timed
# by the daemon ("seconds" in --json) and as the whole CLI command's wall clock. libvirt: the same kernel, initrd,
# cmdline and devices, with the -smp Virtlab hands QEMU (maxcpus=32, see docs/PERFORMANCE.md), timed as virsh's
# wall clock: when virsh returned, and when the guest (or the balloon) got there. Writes bench/hotplug/last-run.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/peer/libvirt.sh
runs=${RUNS:-5}
lv_maxvcpus=${LV_MAXVCPUS:-32}   # 4 is libvirt's literal equivalent: QEMU 10.0 aborts on its 4th plug under TCG
vm=hpbench dom=hpbench-lv
work=$(mktemp -d /tmp/vl-bench-hp-XXXXXX)
export VIRTLAB_HOME=$work/home
data=$work/data notes=$work/notes
started_peer="" bg=""

cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then sleep 1; tail -n 3 "/var/log/libvirt/qemu/$dom.log" >&2 || true; fi
  [ -n "$bg" ] && kill "$bg" 2>/dev/null || true
  ./virtlab destroy "$vm" >/dev/null 2>&1 || true
  ./virtlab daemon stop >/dev/null 2>&1 || true
  peer_virsh 1 destroy "$dom" >/dev/null 2>&1 || true
  [ -n "$started_peer" ] && peer_stop 1
  rm -f "/var/log/libvirt/qemu/$dom.log"
  rm -rf "$work"
}
trap cleanup EXIT

now() { local t=$EPOCHREALTIME; echo "${t/./}"; }                    # microseconds
rec() { echo "$1 $(( ($3 - $2) / 1000 )).$(( ($3 - $2) % 1000 / 100 ))" >>"$data"; }  # rec KEY T0 T1 (ms)
until_ok() { local end=$(( $(now) + $1 * 1000000 )); shift      # until_ok SECONDS CMD...: poll CMD
  until "$@"; do [ "$(now)" -lt "$end" ] || return 1; sleep 0.02; done; }
lv() { peer_virsh 1 "$@"; }
guest() { lv guestvcpus "$dom" 2>/dev/null | awk -v k="$1" '$1 == k {print $3}'; }  # guest vcpus|online
guest_is() { [ "$(guest "$1")" = "$2" ]; }
balloon_is() { [ "$(lv dommemstat "$dom" 2>/dev/null | awk '$1 == "actual" {print $2}')" = "$1" ]; }
agent_up() { lv qemu-agent-command "$dom" '{"execute":"guest-ping"}' >/dev/null 2>&1; }
vl_secs() { sed -n 's/.*"seconds": *\([0-9.]*\).*/\1/p'; }

# --- the two guests --------------------------------------------------------------------------------------
peer_install
if ! peer_alive "$PEER_STATE/1/subreaper.pid"; then peer_start 1; started_peer=1; fi
./virtlab create "$vm" --vcpus 1,maxvcpus=4 --memory 256M,maxmemory=1G --wait-agent=120 >/dev/null
peer_xml "$dom" --vcpus 1 --maxvcpus "$lv_maxvcpus" --memory 256 --maxmemory 1024 --log "$work/$dom-serial.log" >"$work/$dom.xml"
lv create "$work/$dom.xml" >/dev/null
until_ok 120 agent_up

# --- one cycle per side ----------------------------------------------------------------------------------
virtlab_cycle() {
  local op target t0 out
  for op in plug:"setvcpus $vm 2 --live" unplug:"setvcpus $vm 1 --live" down:"setmem $vm 128M" up:"setmem $vm 256M"; do
    t0=$(now); read -ra target <<<"${op#*:}"
    out=$(./virtlab "${target[@]}" --json)
    rec "vl.${op%%:*}.cli" "$t0" "$(now)"
    grep -q '"result": "completed"' <<<"$out" || { echo "virtlab ${op#*:}: $out" >&2; exit 1; }
    echo "vl.${op%%:*}.daemon $(vl_secs <<<"$out" | awk '{print $1 * 1000}')" >>"$data"
  done
}

libvirt_cycle() {
  local t0 rc count qemu note
  t0=$(now); lv setvcpus "$dom" 2 --live >/dev/null; rec lv.plug.returned "$t0" "$(now)"
  lv setvcpus "$dom" 2 --guest >/dev/null; rec lv.plug.guest "$t0" "$(now)"
  until_ok 30 guest_is online 0-1; rec lv.plug.online "$t0" "$(now)"

  t0=$(now); lv setvcpus "$dom" 1 --live >"$work/unplug.out" 2>&1 & bg=$!
  until_ok 30 guest_is vcpus 0; rec lv.unplug.gone "$t0" "$(now)"
  if wait "$bg"; then rc=0; else rc=$?; fi; bg=""; rec lv.unplug.returned "$t0" "$(now)"
  count=$(lv vcpucount "$dom" --live --active)
  qemu=$(lv qemu-monitor-command "$dom" '{"execute":"query-hotpluggable-cpus"}' | grep -o '"qom-path"' | wc -l)
  note="virsh rc=$rc, \`$(tr -s '\n' ' ' <"$work/unplug.out" | sed 's/ *$//')\`; afterwards vcpucount $count,"
  note+=" QEMU $qemu vCPU(s), guest online CPUs $(guest online)"
  if [ "$count" != 1 ]; then   # libvirt's count is stale: a second call notices the vCPU is gone
    t0=$(now); lv setvcpus "$dom" 1 --live >/dev/null; rec lv.unplug.repair "$t0" "$(now)"
    count=$(lv vcpucount "$dom" --live --active)
    note+="; a second \`setvcpus 1 --live\` succeeded, vcpucount $count"
    [ "$count" = 1 ] || { echo "libvirt's vCPU count stays at $count" >&2; exit 1; }
  fi
  echo "$note" >>"$notes"

  t0=$(now); lv setmem "$dom" 128M --live >/dev/null; rec lv.down.returned "$t0" "$(now)"
  until_ok 60 balloon_is 131072; rec lv.down.reached "$t0" "$(now)"
  t0=$(now); lv setmem "$dom" 256M --live >/dev/null; rec lv.up.returned "$t0" "$(now)"
  until_ok 60 balloon_is 262144; rec lv.up.reached "$t0" "$(now)"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq "$runs"); do
  if [ $((i % 2)) = 1 ]; then virtlab_cycle; libvirt_cycle; else libvirt_cycle; virtlab_cycle; fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ----------------------------------------------------------------------------------------------
out=bench/hotplug/last-run.md
{
  echo "# bench/hotplug, last run"
  echo
  echo "$(date -u +%F), RUNS=$runs interleaved cycles, $(qemu-system-x86_64 --version | head -1 | sed 's/ (.*//'),"
  echo "libvirt $(libvirtd --version | awk '{print $3}'), TCG, load average $load_before before, $load_after after."
  echo
  python3 bench/hotplug/report.py "$data"
  echo
  echo "What libvirt's \`setvcpus 1 --live\` did (times it happened, out of $runs):"
  echo
  sort "$notes" | uniq -c | sed 's/^ *\([0-9]*\) /- \1×: /'
} | tee "$out"

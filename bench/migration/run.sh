#!/usr/bin/env bash
# bench/migration: live migration of the same guest (2 vCPUs, 256 MiB, Virtlab's image, a virtio NIC on one lab
# bridge) with Virtlab (two Virtlab hosts: two daemons on 127.0.0.1) and with libvirt 11.3 (two libvirtd instances,
# bench/peer/libvirt.sh, on the same QEMU 10.0), in one run, interleaved, for an IDLE guest and a guest DIRTYING
# memory (virtlab-probe pattern MIB /run/pattern RATE). Each round, per workload and side (the side that goes first
# alternates): one MEASURED migration (in-guest heartbeat, ping every 10 ms from this machine) and one PLAIN migration
# (nothing else running: the migrate command's wall clock alone). Writes bench/migration/last-run.md.
#
#   RUNS=3 bench/migration/run.sh
#   RUNS       rounds per workload (default 3)            WORKLOADS  "idle dirty" (default); dirty@R: at R MiB/s
#   DIRTY_MIB  MiB the dirtying guest rewrites (64)       DIRTY_RATE MiB/s it rewrites them at (64)
#   VIRTLAB_BUILD=head (default: build the committed HEAD into the work dir), tree (this checkout's ./virtlab),
#                 or a directory holding cli/ and daemon/ from an earlier build
#   OUT        the report (default bench/migration/last-run.md)
#   TLS=1      Virtlab's stream over TLS (its default); without it --no-tls, like libvirt's plain qemu+tcp peer
#
# Needs root (bridge, taps, ping -i 0.01). Creates bridge vlb0 (10.79.0.1/24, scripts/labnet.sh) and removes it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. bench/peer/libvirt.sh
runs=${RUNS:-3} workloads=${WORKLOADS:-idle dirty}
dirty_mib=${DIRTY_MIB:-64} dirty_rate=${DIRTY_RATE:-64}   # rate: every rate the probe reaches converged (rate-scan.md)
out=${OUT:-bench/migration/last-run.md}
prefix=vlb subnet=10.79.0 bridge=vlb0
vl_ip=10.79.0.100 lv_ip=10.79.0.101
. bench/migration/common.sh

# --- one migration -------------------------------------------------------------------------------------------
# migrate_once WORKLOAD SIDE MODE(m|p)
migrate_once() {
  local w=$1 side=$2 mode=$3 rate=$dirty_rate tpat=0 at src dst t0 t1 rc=0 out hb clk0 clk1 pingf=$work/ping.txt line
  if [ "$side" = vl ]; then src=$vl_at; else src=$lv_at; fi
  dst=$(other "$src")
  case $w in dirty@*) rate=${w#dirty@} ;; esac
  cur_mode=$mode
  if [[ $w == dirty* ]]; then
    tpat=$(now)
    gexec "$side" "$src" "rm -f /run/pattern.*; virtlab-probe pattern $dirty_mib /run/pattern $rate >/dev/null 2>&1 </dev/null &" >/dev/null
    sleep $(( dirty_mib / rate + 2 ))   # the first pass fills the area; then it runs at the rate
  fi
  if [ "$mode" = m ] && [ "$side" = lv ]; then
    clk0=$(clock_offset lv "$src")
    gexec lv "$src" "rm -f /run/hb.log*; virtlab-probe heartbeat 10 /run/hb.log >/dev/null 2>&1 </dev/null &" >/dev/null
    sleep 0.3   # as Virtlab's --measure does
  fi
  [ "$mode" = m ] && ping_start "$([ "$side" = vl ] && echo $vl_ip || echo $lv_ip)" "$pingf"
  if [ "$side" = vl ]; then
    local args=(migrate "$vm" "virtlab+tcp://127.0.0.1:${vl_ports[$dst]}" --live --token-file "$work/vl$dst/token"
                --timeout "$migrate_timeout" --timeout-action abort --json)
    [ "$mode" = m ] && args+=(--measure)
    # libvirt's peer migrates over plain TCP (qemu+tcp, no --tls): so does Virtlab here, unless TLS=1 (bench/tls measures TLS).
    [ "${TLS:-0}" = 1 ] || args+=(--no-tls)
    t0=$(now); vl "$src" "${args[@]}" >"$work/out.json" 2>"$work/err" || rc=$?; t1=$(now)
  else
    local lines dlines
    lines=$(wc -l <"$work/lv$src-mon.log" 2>/dev/null || echo 0); dlines=$(wc -l <"$work/lv$dst-mon.log" 2>/dev/null || echo 0)
    t0=$(now)
    timeout -s INT "$migrate_timeout" virsh -c "$(peer_uri "$src")" migrate --live "$dom" "$(peer_uri "$dst")" \
      >"$work/out.txt" 2>"$work/err" || rc=$?
    t1=$(now)
  fi
  [ "$mode" = m ] && ping_stop
  if [ "$rc" != 0 ]; then
    note "$w $side $mode: migrate from host $src failed (exit $rc) after $(ms "$t0" "$t1") ms: $(tr -s '\n' ' ' <"$work/err" | cut -c1-300)"
    rec "$w" "$side" failed 1
    [[ $w == dirty* ]] && gexec "$side" "$src" 'kill $(cat /run/pattern.pid)' >/dev/null || true
    [ "$mode$side" = mlv ] && gexec lv "$src" 'virtlab-probe heartbeat-report /run/hb.log' >/dev/null || true
    return 0
  fi
  rec "$w" "$side" "wall_$mode" "$(ms "$t0" "$t1")"
  if [ "$side" = vl ]; then
    vl_at=$dst
    py virtlab "$work/out.json" "$mode" | while read -r k v; do rec "$w" vl "$k" "$v"; done
  else
    lv_at=$dst
    until_ok 60 agent_up lv "$dst"; rec "$w" lv "ready_$mode" "$(ms "$t0" "$(now)")"   # + the agent answers there
    sleep 0.2
    py qemu "$work/lv$src-mon.log" "$lines" | while read -r k v; do rec "$w" lv "$k" "$v"; done
    py qemu-dest "$work/lv$dst-mon.log" "$dlines" | while read -r k v; do rec "$w" lv "$k" "$v"; done
    peer_virsh "$src" domjobinfo "$dom" --completed >"$work/jobinfo.txt" 2>&1 ||
      peer_virsh "$dst" domjobinfo "$dom" --completed >"$work/jobinfo.txt"
    py domjobinfo "$work/jobinfo.txt" | while read -r k v; do rec "$w" lv "$k" "$v"; done
    if [ "$mode" = m ]; then
      hb=$(gexec lv "$dst" "virtlab-probe heartbeat-report /run/hb.log")
      rec "$w" lv hb_gap "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["max_gap_ms"])' "$hb")"
      clk1=$(clock_offset lv "$dst")
      rec "$w" lv clock_src "$clk0"; rec "$w" lv clock_dst "$clk1"
      rec "$w" lv clock_step "$(python3 -c "print(round($clk1 - $clk0, 1))")"
    fi
  fi
  if [ "$mode" = m ]; then
    py ping "$pingf" | while read -r k v; do rec "$w" "$side" "$k" "$v"; done
  fi
  if [[ $w == dirty* ]]; then
    line=$(gexec "$side" "$dst" "virtlab-probe pattern-verify /run/pattern; kill \$(cat /run/pattern.pid)")
    rec "$w" "$side" bad_pages "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("bad_pages", -1))' "$line")"
    # The rate it reached: whole passes since it started (the first fills the area) over the time since (coarse).
    rec "$w" "$side" dirty_rate "$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1]).get("passes", 0) * int(sys.argv[2]) / ((int(sys.argv[4]) - int(sys.argv[3])) / 1e6), 1))' "$line" "$dirty_mib" "$tpat" "$(now)")"
    grep -q '"bad_pages":0' <<<"$line" || note "$w $side $mode: pattern-verify on host $dst: $line"
  fi
  echo "  $w $side $mode: host $src → $dst, $(ms "$t0" "$t1") ms" >&2
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for w in $workloads; do
  for i in $(seq "$runs"); do
    echo "bench/migration: $w, round $i of $runs" >&2
    if [ $((i % 2)) = 1 ]; then order="vl lv"; else order="lv vl"; fi
    for mode in m p; do for side in $order; do migrate_once "$w" "$side" "$mode"; done; done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------------------------------------------
{
  echo "# bench/migration, last run"
  echo
  echo "$(date -u '+%F %H:%M') UTC, RUNS=$runs rounds per workload (each: one measured and one plain migration per side,"
  echo "interleaved, the side that goes first alternating), $(qemu-system-x86_64 --version | head -1 | sed 's/ (.*//'),"
  echo "libvirt $(libvirtd --version | awk '{print $3}'), Virtlab $vl_build. TCG, 2 vCPUs, 256 MiB; dirtying"
  echo "workload: \`virtlab-probe pattern $dirty_mib /run/pattern RATE\` ($dirty_mib MiB rewritten at RATE MiB/s: $dirty_rate,"
  echo "or R for a workload named dirty@R), started in the guest $dirty_mib/RATE + 2 s (integer seconds) before the migration"
  echo "(the first pass fills the area), verified with \`pattern-verify\` on the destination and stopped after each migration."
  echo "Load average $load_before before, $load_after after. No auto-converge, default bandwidth (both unlimited), downtime limit 300 ms."
  echo
  py table "$data"
  if [ -s "$notes" ]; then echo; echo "Notes:"; echo; sed 's/^/- /' "$notes"; fi
  echo
  echo "The two QEMU command lines (the same guest; libvirt's monitor and secret arguments elided):"
  echo
  echo '```'
  cat "$work/argv"
  echo '```'
} >"$out"
cp "$data" "${out%.md}.data"   # the raw figures: WORKLOAD SIDE RUN-TYPE(m|p) KEY VALUE, one line each, in run order
cat "$out"

#!/usr/bin/env bash
# bench/migration/downtime.sh: does --max-downtime hold for what the guest and the network see? The same dirtying
# guest (2 vCPUs, 256 MiB, Virtlab's image, on one lab bridge; `virtlab-probe pattern MIB /run/pattern RATE`) is
# migrated, at each dirty RATE, by three methods on the same QEMU 10.0, with the same --bandwidth cap:
#   vl  Virtlab's closed loop: virtlab migrate --max-downtime LIMIT --postcopy --bandwidth B (--measure)
#   ac  libvirt 11.3: virsh migrate --live --auto-converge --bandwidth B
#   pc  libvirt 11.3: virsh migrate --live --postcopy --postcopy-after-precopy --bandwidth B
# Every migration is measured alike: the in-guest heartbeat (virtlab-probe heartbeat 10: largest monotonic gap) and
# `ping -D -i 0.01` from this machine (largest gap between replies). The limit "held" when both are ≤ LIMIT (and
# QEMU's downtime too). Interleaved: each round runs every (rate, method) once, the method order rotated per round,
# so the machine's load hits all methods alike. Writes bench/migration/downtime-run.md and .data.
#
#   RUNS=10 RATES="64 512" bench/migration/downtime.sh
#   RUNS (10)  DIRTY_MIB (64)  RATES ("64 512")  BANDWIDTH MiB/s (32)  LIMIT ms (200)  MIGRATE_TIMEOUT s (120)
#   VIRTLAB_BUILD as in run.sh (head, tree, or a directory)   OUT (bench/migration/downtime-run.md)
#   TLS=1 Virtlab's stream over TLS (its default); without it --no-tls, like libvirt's plain qemu+tcp peer (as run.sh)
#
# The helpers and the set-up are run.sh's too: bench/migration/common.sh.
# Needs root (bridge, taps, ping -i 0.01). Creates bridge vld0 (10.83.0.1/24, scripts/labnet.sh; LAB_PREFIX, LAB_SUBNET) and removes it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. bench/peer/libvirt.sh
runs=${RUNS:-10} rates=${RATES:-64 512} bw=${BANDWIDTH:-32} limit=${LIMIT:-200}
dirty_mib=${DIRTY_MIB:-64}
out=${OUT:-bench/migration/downtime-run.md}
prefix=${LAB_PREFIX:-vld} subnet=${LAB_SUBNET:-10.83.0}; bridge=${prefix}0   # apart from run.sh's vlb/10.79.0
vl_ip=$subnet.100 lv_ip=$subnet.101
. bench/migration/common.sh

# --- one migration -------------------------------------------------------------------------------------------
# migrate_once RATE METHOD(vl|ac|pc)
migrate_once() {
  local rate=$1 m=$2 side=lv w="dirty@$1" src dst t0 t1 rc=0 hb line pingf=$work/ping.txt
  [ "$m" = vl ] && side=vl
  if [ "$side" = vl ]; then src=$vl_at; else src=$lv_at; fi
  dst=$(other "$src")
  cur_mode=$m
  rec "$w" "$m" attempt "$round"
  gexec "$side" "$src" "rm -f /run/pattern.*; virtlab-probe pattern $dirty_mib /run/pattern $rate >/dev/null 2>&1 </dev/null &" >/dev/null
  sleep $(( dirty_mib / rate + 2 ))   # the first pass fills the area; then it runs at the rate
  if [ "$side" = lv ]; then
    gexec lv "$src" "rm -f /run/hb.log*; virtlab-probe heartbeat 10 /run/hb.log >/dev/null 2>&1 </dev/null &" >/dev/null
    peer_virsh "$src" migrate-setmaxdowntime "$dom" "$limit" >/dev/null 2>&1 || true
    sleep 0.3   # as Virtlab's --measure does
  fi
  ping_start "$([ "$side" = vl ] && echo $vl_ip || echo $lv_ip)" "$pingf"
  t0=$(now)
  case $m in
    vl) vl "$src" migrate "$vm" "virtlab+tcp://127.0.0.1:${vl_ports[$dst]}" --live --token-file "$work/vl$dst/token" \
          --max-downtime "$limit" --postcopy --bandwidth "$bw" --measure --timeout "$migrate_timeout" --timeout-action abort \
          $([ "${TLS:-0}" = 1 ] || echo --no-tls) --json >"$work/out.json" 2>"$work/err" || rc=$? ;;
    ac) timeout -s INT "$migrate_timeout" virsh -c "$(peer_uri "$src")" migrate --live --auto-converge --bandwidth "$bw" \
          "$dom" "$(peer_uri "$dst")" >"$work/out.txt" 2>"$work/err" || rc=$? ;;
    pc) timeout -s INT "$migrate_timeout" virsh -c "$(peer_uri "$src")" migrate --live --postcopy --postcopy-after-precopy \
          --bandwidth "$bw" "$dom" "$(peer_uri "$dst")" >"$work/out.txt" 2>"$work/err" || rc=$? ;;
  esac
  t1=$(now)
  ping_stop
  if [ "$rc" != 0 ]; then
    local why; why=$(tr -s '\n' ' ' <"$work/err" | cut -c1-400)
    if [ "$m" = vl ] && grep -q "cannot promise --max-downtime" "$work/err"; then
      rec "$w" "$m" refused 1; note "$w $m: refused up front: $why"
    else
      rec "$w" "$m" failed 1; note "$w $m: migrate from host $src failed (exit $rc) after $(ms "$t0" "$t1") ms: $why"
    fi
    gexec "$side" "$src" 'kill $(cat /run/pattern.pid) $(cat /run/hb.log.pid 2>/dev/null) 2>/dev/null' >/dev/null || true
    return 0
  fi
  rec "$w" "$m" wall "$(ms "$t0" "$t1")"
  if [ "$side" = vl ]; then
    vl_at=$dst
    python3 "$root/bench/migration/downtime-report.py" virtlab "$work/out.json" | while read -r k v; do rec "$w" "$m" "$k" "$v"; done
  else
    lv_at=$dst
    until_ok 60 agent_up lv "$dst" || true
    hb=$(gexec lv "$dst" "virtlab-probe heartbeat-report /run/hb.log")
    rec "$w" "$m" hb_gap "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["max_gap_ms"])' "$hb")"
    peer_virsh "$src" domjobinfo "$dom" --completed >"$work/jobinfo.txt" 2>&1 ||
      peer_virsh "$dst" domjobinfo "$dom" --completed >"$work/jobinfo.txt" 2>&1 || true
    python3 "$root/bench/migration/downtime-report.py" domjobinfo "$work/jobinfo.txt" | while read -r k v; do rec "$w" "$m" "$k" "$v"; done
  fi
  py ping "$pingf" | while read -r k v; do rec "$w" "$m" "$k" "$v"; done
  line=$(gexec "$side" "$dst" "virtlab-probe pattern-verify /run/pattern; kill \$(cat /run/pattern.pid)")
  rec "$w" "$m" bad_pages "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("bad_pages", -1))' "$line")"
  grep -q '"bad_pages":0' <<<"$line" || note "$w $m: pattern-verify on host $dst: $line"
  echo "  $w $m: host $src → $dst, $(ms "$t0" "$t1") ms" >&2
}

# --- report (rewritten after every round, so a run cut short still leaves its rounds) --------------------------------------------------------------------------------------------------
write_report() {
{
  echo "# bench/migration/downtime.sh, last run"
  echo
  echo "$started_at UTC, $(cat "$work/rounds_done") of RUNS=$runs rounds (each: every rate × method once, the method order rotated per round),"
  echo "$(qemu-system-x86_64 --version | head -1 | sed 's/ (.*//'), libvirt $(libvirtd --version | awk '{print $3}'), Virtlab $vl_build."
  echo "TCG, 2 vCPUs, 256 MiB; \`virtlab-probe pattern $dirty_mib /run/pattern RATE\`; --bandwidth $bw MiB/s for all;"
  echo "limit $limit ms (Virtlab: --max-downtime $limit --postcopy; libvirt: migrate-setmaxdowntime $limit, QEMU's downtime-limit)."
  echo "Load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) at the last round's end; 1-minute load after each round: $(tr '\n' ' ' <"$work/loads")."
  echo
  python3 "$root/bench/migration/downtime-report.py" table "$data" "$limit"
  if [ -s "$notes" ]; then echo; echo "Notes:"; echo; sed 's/^/- /' "$notes"; fi
} >"$out"
  cp "$data" "${out%.md}.data"   # RATE METHOD METHOD KEY VALUE, one line each, in run order
}

methods=(vl ac pc)
load_before=$(cut -d' ' -f1-3 /proc/loadavg); started_at=$(date -u '+%F %H:%M')
for i in $(seq "$runs"); do
  round=$i
  echo "bench/migration/downtime: round $i of $runs" >&2
  k=$(( (i - 1) % 3 )); order=("${methods[@]:k}" "${methods[@]:0:k}")   # rotated per round
  for rate in $rates; do for m in "${order[@]}"; do migrate_once "$rate" "$m"; done; done
  cut -d' ' -f1 /proc/loadavg >>"$work/loads"
  echo "$i" >"$work/rounds_done"; write_report
done
cat "$out"

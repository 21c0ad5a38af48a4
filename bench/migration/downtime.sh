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
#
# The helpers and the setup below are run.sh's (kept in step by hand).
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
#
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
vm=mgbench dom=mgbench-lv
vl_ports=(0 16711 16712)          # Virtlab host 1 and 2 (index = host)
migrate_timeout=${MIGRATE_TIMEOUT:-120}
work=$(mktemp -d /tmp/vl-bench-mig-XXXXXX)
bin=$work/bin data=$work/data notes=$work/notes
py() { python3 "$root/bench/migration/report.py" "$@"; }
PEER_IMAGE=$(readlink -f "$PEER_IMAGE")   # the image Virtlab resolves too, pinned for the whole run

started_peer=() made_bridge="" ping_pid="" log_restore=() cur_mode=""
cleanup() {
  local rc=$? n
  trap - EXIT INT TERM
  [ -n "$ping_pid" ] && kill "$ping_pid" 2>/dev/null || true
  for n in 1 2; do
    if [ -x "$bin/cli/virtlab" ] && [ -d "$work/vl$n" ]; then
      vl "$n" destroy "$vm" >/dev/null 2>&1 || true
      vl "$n" daemon stop >/dev/null 2>&1 || true
    fi
  done
  for n in 1 2; do
    if peer_alive "$PEER_STATE/$n/libvirtd.pid"; then
      peer_virsh "$n" destroy "$dom" >/dev/null 2>&1 || true
      peer_virsh "$n" undefine "$dom" >/dev/null 2>&1 || true
    fi
  done
  for n in "${started_peer[@]}"; do peer_stop "$n" || true; done
  for n in "${log_restore[@]}"; do lv_admin "$n" daemon-log-filters "" >/dev/null 2>&1 || true
                                   lv_admin "$n" daemon-log-outputs "3:stderr" >/dev/null 2>&1 || true; done
  [ -n "$made_bridge" ] && scripts/labnet.sh down --prefix "$prefix" >/dev/null
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { local t=$EPOCHREALTIME; echo "${t/./}"; }                     # microseconds
ms() { echo "$(( ($2 - $1) / 1000 )).$(( ($2 - $1) % 1000 / 100 ))"; } # ms T0 T1
rec() { echo "$1 $2 ${cur_mode:--} $3 $4" >>"$data"; }                 # rec WORKLOAD SIDE METRIC VALUE (+ run type)
note() { echo "$*" >>"$notes"; echo "  $*" >&2; }
vl() { local h=$1; shift; VIRTLAB_HOME=$work/vl$h VIRTLAB_DAEMON=$bin/daemon/virtlabd "$bin/cli/virtlab" "$@"; }
lv_admin() { local n=$1; shift   # virt-admin on instance N (instance 2 lives in its own mount namespace)
  if [ "$n" = 1 ]; then virt-admin -c libvirtd:///system "$@"
  else nsenter -t "$(cat "$PEER_STATE/2/libvirtd.pid")" -m virt-admin -c libvirtd:///system "$@"; fi; }
other() { echo $((3 - $1)); }

# The guest agent of SIDE's guest on host AT: agent SIDE AT JSON
agent() {
  if [ "$1" = vl ]; then vl "$2" qemu-agent-command "$vm" "$3"; else peer_virsh "$2" qemu-agent-command "$dom" "$3"; fi
}
agent_up() { agent "$1" "$2" '{"execute":"guest-ping"}' >/dev/null 2>&1; }
# gexec SIDE AT SHELL-COMMAND: run it in the guest through guest-exec, print its stdout
gexec() {
  local side=$1 at=$2 req pid st
  req=$(python3 -c 'import json,sys; print(json.dumps({"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c",sys.argv[1]],"capture-output":True}}))' "$3")
  pid=$(agent "$side" "$at" "$req" | python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])')
  for _ in $(seq 1200); do
    st=$(agent "$side" "$at" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}")
    if grep -q '"exited": *true' <<<"$st"; then
      python3 -c 'import base64,json,sys; r=json.loads(sys.argv[1])["return"]; print(base64.b64decode(r.get("out-data","")).decode(), end="")' "$st"
      return 0
    fi
    sleep 0.05
  done
  echo "guest-exec timed out: $3" >&2; return 1
}
# The guest's wall clock minus this machine's, in ms (guest-get-time; the agent round trip halved is the error)
clock_offset() {
  local t0 g t1
  t0=$(now); g=$(agent "$1" "$2" '{"execute":"guest-get-time"}' | sed 's/.*"return": *\([0-9]*\).*/\1/'); t1=$(now)
  python3 -c "print(round(($g / 1000 - ($t0 + $t1) / 2) / 1000, 1))"
}
ping_start() { ping -D -i 0.01 -W 1 "$1" >"$2" 2>&1 & ping_pid=$!; sleep 0.2; }
ping_stop() { sleep 0.5; kill -INT "$ping_pid" 2>/dev/null || true; wait "$ping_pid" 2>/dev/null || true; ping_pid=""; }
until_ok() { local end=$(( $(now) + $1 * 1000000 )); shift
  until "$@"; do [ "$(now)" -lt "$end" ] || return 1; sleep 0.02; done; }

# --- Virtlab: the committed HEAD built into the work dir (the other work in this checkout stays out) --------
build_virtlab() {
  mkdir -p "$bin"
  if [ -d "${VIRTLAB_BUILD:-}" ]; then
    cp -a "$VIRTLAB_BUILD"/{cli,daemon} "$bin"/
    vl_build="the build in $VIRTLAB_BUILD ($(cat "$VIRTLAB_BUILD/COMMIT" 2>/dev/null || echo "commit not recorded"))"
  elif [ "${VIRTLAB_BUILD:-head}" = tree ]; then
    ./virtlab --version >/dev/null
    cp -a "$(readlink -f .build/current)"/{cli,daemon} "$bin"/
    vl_build="this checkout's working tree at $(git rev-parse --short HEAD) (with any uncommitted changes)"
  else
    local src=$work/src
    mkdir -p "$src" && git archive HEAD | tar -x -C "$src"
    echo "bench/migration: building Virtlab $(git rev-parse --short HEAD) (about a minute)..." >&2
    dotnet publish "$src/src/Virtlab.Cli/Virtlab.Cli.csproj" -c Release -r linux-x64 -p:PublishAot=true -o "$bin/cli" \
      -nologo -v q >"$work/build.log" 2>&1 ||
      dotnet build "$src/src/Virtlab.Cli/Virtlab.Cli.csproj" -c Release -o "$bin/cli" -nologo -v q >>"$work/build.log" 2>&1 ||
      { tail -20 "$work/build.log" >&2; exit 1; }
    dotnet build "$src/src/Virtlab.Daemon/Virtlab.Daemon.csproj" -c Release -o "$bin/daemon" -nologo -v q >>"$work/build.log" 2>&1 ||
      { tail -20 "$work/build.log" >&2; exit 1; }
    rm -rf "$src"
    vl_build="commit $(git rev-parse --short HEAD) (git archive HEAD, built for this run)"
  fi
}

# --- setup ---------------------------------------------------------------------------------------------------
peer_install
build_virtlab
if ! ip link show "$bridge" >/dev/null 2>&1; then made_bridge=1; fi   # a bridge left by someone else stays
scripts/labnet.sh up --hosts 0 --prefix "$prefix" --subnet "$subnet" >/dev/null
for n in 1 2; do
  if ! peer_alive "$PEER_STATE/$n/subreaper.pid"; then peer_start "$n"; started_peer+=("$n"); fi
  # QEMU's own figures for libvirt's migrations: its monitor traffic (query-migrate replies) to a log, per instance.
  lv_admin "$n" daemon-log-filters "1:qemu.qemu_monitor" >/dev/null
  lv_admin "$n" daemon-log-outputs "1:file:$work/lv$n-mon.log" >/dev/null
  log_restore+=("$n")
  vl "$n" daemon start --listen "127.0.0.1:${vl_ports[$n]}" >/dev/null
done

vl 1 create "$vm" --vcpus 2 --memory 256M --network "bridge=$bridge,ip=$vl_ip/24" --wait-agent=120 >/dev/null
# libvirt: Virtlab's guest (PVH vmlinux, as Virtlab boots it; the boot is not timed here), defined on both hosts as
# a libvirt user with shared configuration would have it, started on host 1.
peer_xml "$dom" --vcpus 2 --maxvcpus 2 --memory 256 --kernel vmlinux --bridge "$bridge" --ip "$lv_ip/24" \
  --log "$work/$dom-serial.log" >"$work/$dom.xml"
for n in 1 2; do peer_virsh "$n" define "$work/$dom.xml" >/dev/null; done
peer_virsh 1 start "$dom" >/dev/null
until_ok 120 agent_up lv 1
vl_at=1 lv_at=1
for a in $vl_ip $lv_ip; do until_ok 30 ping -c 1 -W 1 "$a" >/dev/null; done
{
  echo "Virtlab QEMU: $(ps -o args= -C qemu-system-x86_64 | grep -- "guest=$vm," | sed 's/ -chardev.*-netdev/ … -netdev/')"
  echo "libvirt QEMU: $(ps -o args= -C qemu-system-x86_64 | grep -- "guest=$dom," | sed 's/ -object {"qom-type":"secret".*-accel/ … -accel/; s/ -chardev socket,id=charmonitor.*-kernel/ … -kernel/')"
} >"$work/argv"

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
          --json >"$work/out.json" 2>"$work/err" || rc=$? ;;
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

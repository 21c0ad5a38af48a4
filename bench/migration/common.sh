# bench/migration/common.sh: what run.sh and downtime.sh share, sourced by both after they set root, prefix, subnet,
# bridge, vl_ip, lv_ip, dirty_mib and out: the work dir and its cleanup, the helpers (the two Virtlab hosts, the two
# libvirt instances, the guest agent, guest-exec, ping), the Virtlab build, and the set-up: the lab bridge, both
# managers' hosts and one guest each, started on host 1. Host 2 takes its TLS certificate from host 1's CA.
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
  # Host 1 makes the CA (in its home) on its first --listen; host 2 issues its certificate from it (docs/SECURITY.md).
  tls=(); [ "$n" = 2 ] && tls=(--tls-dir "$work/vl1/ca")
  vl "$n" daemon start --listen "127.0.0.1:${vl_ports[$n]}" "${tls[@]}" >/dev/null
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

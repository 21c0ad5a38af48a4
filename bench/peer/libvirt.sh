#!/usr/bin/env bash
# bench/peer/libvirt.sh: libvirt 11.3 as the peer Virtlab is measured against (docs/LIBVIRT-PEER.md).
#   libvirt.sh install            install libvirt from bookworm-backports, once (idempotent, fast when done)
#   libvirt.sh start [N]          start libvirtd instance N (1: the system paths; 2: a private mount
#                                 namespace, listening on qemu+tcp://127.0.0.1:16510/system) and its virtlogd
#   libvirt.sh stop [N]           destroy the instance's domains, stop what 'start' started, by PID
#   libvirt.sh uri [N]            the connection URI of instance N
#   libvirt.sh xml NAME [opts]    print a domain XML for Virtlab's guest image (see peer_xml below)
# Sourced (`. bench/peer/libvirt.sh`), it only defines the peer_* functions.
set -euo pipefail

PEER_STATE=${PEER_STATE:-/tmp/virtlab-libvirt-peer}
PEER_IMAGE=${PEER_IMAGE:-$HOME/.cache/virtlab/images/default}
PEER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

peer_install() {
  if ! { libvirtd --version 2>/dev/null | grep -q ' 11\.' && command -v virsh >/dev/null; }; then
    # The suite is added by scripts/install-deps.sh (with the system's own URI): no host name here.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -t bookworm-backports \
      libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients >/dev/null
  fi
  # libvirtd looks this user up before it reads qemu.conf (the package usually creates it).
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  id libvirt-qemu >/dev/null 2>&1 ||
    useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
  local conf=/etc/libvirt/qemu.conf
  grep -q '^user = "root"' "$conf" || echo 'user = "root"' >>"$conf"
  grep -q '^group = "root"' "$conf" || echo 'group = "root"' >>"$conf"
  # No cgroups (docs/LIBVIRT-PEER.md): Virtlab puts QEMU in none, so both QEMUs compete for the CPU alike; and two
  # libvirtd instances on one machine name their cgroups machine/qemu-ID-NAME.libvirt-qemu with per-instance IDs that
  # collide, so a migration's destination QEMU landed in the source's cgroup and libvirt spent 1.2 s retrying rmdir.
  grep -q '^cgroup_controllers = \[ \]' "$conf" || echo 'cgroup_controllers = [ ]' >>"$conf"
  mkdir -p /var/log/libvirt/qemu
}

peer_uri() { if [ "${1:-1}" = 1 ]; then echo qemu:///system; else echo qemu+tcp://127.0.0.1:16510/system; fi; }
peer_virsh() { local n=$1; shift; virsh -c "$(peer_uri "$n")" "$@"; }

# The subreaper (bench/peer/subreaper.c), compiled once into the state directory.
peer_subreaper() {
  local bin=$PEER_STATE/subreaper
  if [ ! -x "$bin" ] || [ "$PEER_DIR/subreaper.c" -nt "$bin" ]; then
    mkdir -p "$PEER_STATE"
    gcc -O2 -Wall -o "$bin.tmp" "$PEER_DIR/subreaper.c" && mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

peer_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

peer_start() {
  local n=${1:-1} s=$PEER_STATE/${1:-1} reaper
  reaper=$(peer_subreaper)
  if peer_alive "$s/subreaper.pid"; then echo "libvirt peer $n: already running" >&2; return 0; fi
  mkdir -p "$s" && rm -f "$s"/*.pid
  local body="virtlogd -p $s/virtlogd.pid & exec $reaper libvirtd -p $s/libvirtd.pid"
  if [ "$n" = 1 ]; then
    setsid bash -c "$body" </dev/null >"$s/libvirtd.log" 2>&1 &
  else
    cat >"$s/libvirtd.conf" <<CONF
listen_tcp = 1
listen_tls = 0
tcp_port = "16510"
listen_addr = "127.0.0.1"
auth_tcp = "none"
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
CONF
    local mounts="for d in /run/libvirt /var/lib/libvirt /etc/libvirt/qemu; do mkdir -p \$d; mount -t tmpfs tmpfs \$d || exit 1; done"
    setsid unshare -m -- bash -c "$mounts; ${body/libvirtd -p/libvirtd --listen -f $s/libvirtd.conf -p}" \
      </dev/null >"$s/libvirtd.log" 2>&1 &
  fi
  echo $! >"$s/subreaper.pid"
  for _ in $(seq 300); do   # the first start probes QEMU's capabilities: up to ~10 s
    if peer_virsh "$n" version >/dev/null 2>&1; then return 0; fi
    peer_alive "$s/subreaper.pid" || break
    sleep 0.1
  done
  echo "libvirt peer $n did not come up; $s/libvirtd.log says:" >&2
  tail -5 "$s/libvirtd.log" >&2
  peer_stop "$n"
  return 1
}

peer_stop() {
  local n=${1:-1} s=$PEER_STATE/${1:-1} dom f p
  [ -d "$s" ] || return 0
  if peer_alive "$s/libvirtd.pid"; then
    for dom in $(peer_virsh "$n" list --name 2>/dev/null); do peer_virsh "$n" destroy "$dom" >/dev/null 2>&1 || true; done
  fi
  for f in libvirtd virtlogd; do
    peer_alive "$s/$f.pid" && kill "$(cat "$s/$f.pid")" 2>/dev/null || true
  done
  # The subreaper exits when its last child (libvirtd, virtlogd, any orphaned QEMU) is gone.
  for _ in $(seq 50); do peer_alive "$s/subreaper.pid" || break; sleep 0.1; done
  if peer_alive "$s/subreaper.pid"; then
    local reaper; reaper=$(cat "$s/subreaper.pid")
    # Whatever is still below it (a QEMU libvirtd left behind): kill those children by PID.
    for p in $(awk -v r="$reaper" '$4 == r {print $1}' /proc/[0-9]*/stat 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    sleep 0.2
    kill -9 "$reaper" 2>/dev/null || true
  fi
  rm -f "$s"/*.pid
}

# peer_xml NAME [--vcpus N] [--maxvcpus M] [--memory MiB] [--maxmemory MiB] [--slots S]
#               [--kernel vmlinuz|vmlinux] [--log FILE] [--bridge BR] [--ip A.B.C.D/N]
# Virtlab's guest image as a libvirt domain: TCG, direct kernel boot (vmlinuz through SeaBIOS is
# libvirt's way; vmlinux boots PVH), ACPI (libvirt 11 passes acpi=off without <acpi/>, and hot-plug
# needs it), no USB controller, the agent channel, a virtio balloon, the serial console appended to a file. --maxmemory adds <maxMemory slots> and the NUMA cell libvirt requires for it.
# --bridge adds a virtio NIC on that bridge (libvirt makes the tap, as Virtlab's --network bridge=BR), --ip puts
# virtlab.ip= on the kernel command line (the image's init gives eth0 that address), as Virtlab's ip=.
peer_xml() {
  local name=$1; shift
  local vcpus=1 maxvcpus=1 mem=256 maxmem="" slots=16 kernel=vmlinuz log="" bridge="" ip=""
  while [ $# -gt 0 ]; do
    case $1 in
      --vcpus) vcpus=$2 ;; --maxvcpus) maxvcpus=$2 ;; --memory) mem=$2 ;; --maxmemory) maxmem=$2 ;;
      --slots) slots=$2 ;; --kernel) kernel=$2 ;; --log) log=$2 ;; --bridge) bridge=$2 ;; --ip) ip=$2 ;;
      *) echo "peer_xml: unknown option $1" >&2; return 2 ;;
    esac
    shift 2
  done
  [ "$maxvcpus" -ge "$vcpus" ] || maxvcpus=$vcpus
  log=${log:-/var/log/libvirt/qemu/$name-serial.log}
  local cmdline="console=ttyS0 loglevel=4 virtlab.name=$name" maxmem_xml="" numa_xml="" nic_xml=""
  [ -z "$ip" ] || cmdline+=" virtlab.ip=$ip"
  [ -z "$bridge" ] || nic_xml="<interface type='bridge'><source bridge='$bridge'/><model type='virtio'/></interface>"
  # Virtlab's topology: one socket of maxvcpus cores (-smp N,maxcpus=M,sockets=1,cores=M,threads=1).
  local topology="<topology sockets='1' dies='1' cores='$maxvcpus' threads='1'/>"
  if [ -n "$maxmem" ]; then
    cmdline+=" memhp_default_state=online_movable swiotlb=noforce"
    maxmem_xml="<maxMemory slots='$slots' unit='MiB'>$maxmem</maxMemory>"
    numa_xml="<numa><cell id='0' cpus='0-$((maxvcpus - 1))' memory='$mem' unit='MiB'/></numa>"
  fi
  cat <<XML
<domain type='qemu'>
  <name>$name</name>
  <uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>
  $maxmem_xml
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu placement='static' current='$vcpus'>$maxvcpus</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$PEER_IMAGE/$kernel</kernel>
    <initrd>$PEER_IMAGE/initrd.img</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu>$topology$numa_xml</cpu>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <controller type='usb' model='none'/>
    <serial type='file'><source path='$log' append='on'/><target port='0'/></serial>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    $nic_xml
    <memballoon model='virtio'/>
  </devices>
</domain>
XML
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cmd=${1:-}; shift || true
  case $cmd in
    install) peer_install ;;
    start) peer_start "$@" ;;
    stop) peer_stop "$@" ;;
    uri) peer_uri "$@" ;;
    xml) peer_xml "$@" ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
fi

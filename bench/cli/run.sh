#!/usr/bin/env bash
# bench/cli: per-process wall and CPU time of `virtlab list`/`dominfo` against `virsh list`/`dominfo`
# (libvirt 11.3, bench/peer/libvirt.sh), interleaved, and the daemon's reply time on an open connection.
#   RUNS=200 REQUESTS=5000 bench/cli/run.sh      → bench/cli/last-run.md
#   BASELINE=/path/to/older/virtlab bench/cli/run.sh   also times an older CLI build, in the same rounds
# The same domain (bench/peer/libvirt.sh xml: Virtlab's guest image, defined, not started) is defined on
# both sides. The virtlab daemon gets a home of its own under /tmp; both it and the peer are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/peer/libvirt.sh
./virtlab --help >/dev/null
cli=$(readlink -f .build/current/cli/virtlab)
daemon=$(readlink -f .build/current/daemon/virtlabd)
dotnet build bench/Virtlab.Bench -c Release -nologo -v q >/dev/null

home=$(mktemp -d /tmp/virtlab-bench-cli-XXXXXX)
dom=clibench
xml=$home/$dom.xml
peer_started=
cleanup() {
  VIRTLAB_HOME=$home "$cli" daemon stop >/dev/null 2>&1 || true
  peer_virsh 1 undefine "$dom" >/dev/null 2>&1 || true
  [ -z "$peer_started" ] || peer_stop 1
  rm -rf "$home"
}
trap cleanup EXIT

peer_install
if ! peer_alive "$PEER_STATE/1/subreaper.pid"; then peer_start 1; peer_started=1; fi
peer_xml "$dom" --kernel vmlinux --log "$home/$dom-serial.log" >"$xml"
peer_virsh 1 define "$xml" >/dev/null
export VIRTLAB_DAEMON=$daemon
VIRTLAB_HOME=$home "$cli" daemon start >/dev/null
# Virtlab's XML subset has no <topology> or <controller> (it picks both itself): the same domain without them.
sed -e '/<cpu>.*<\/cpu>/d' -e "/<controller type='usb' model='none'\/>/d" "$xml" >"$home/$dom-virtlab.xml"
VIRTLAB_HOME=$home "$cli" define "$home/$dom-virtlab.xml" >/dev/null

dotnet run --project bench/Virtlab.Bench -c Release --no-build -- cli --virtlab "$cli" --home "$home" --domain "$dom" \
  --uri "$(peer_uri 1)" ${BASELINE:+--baseline "$BASELINE"} --runs "${RUNS:-200}" --requests "${REQUESTS:-5000}" --out bench/cli/last-run.md

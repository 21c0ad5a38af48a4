# Live migration between two Virtlab hosts (the talk's "Live Migration" slides), measured as the talk measures it:
# QEMU's info migrate, the pause the guest itself sees, and ping from outside. Each host is a daemon with its own
# home in its own network namespace on a lab network (scripts/labnet.sh); this machine is the "external system"
# that pings the guest. Needs root (network namespaces and bridges).
if [ "$(id -u)" != 0 ]; then
  section "Live migration"
  say "(skipped: the lab network needs root; run 'make tour' as root to see live migration measured by ping)"
  return 0
fi

lab=(--prefix vltour --subnet 10.77.7)
mig=mig1 mig_ip=10.77.7.100
h1_home=$(mktemp -d /tmp/virtlab-tour-h1-XXXXXX) h2_home=$(mktemp -d /tmp/virtlab-tour-h2-XXXXXX)
h1=virtlab+tcp://10.77.7.11:16600 h2=virtlab+tcp://10.77.7.12:16600
vlh() { local h=$1; shift; printf '%s[host%s]$ virtlab %s%s\n' "$bold" "$h" "$*" "$off"; VIRTLAB_HOME=$(eval echo "\$h${h}_home") ./virtlab "$@"; }
guest_sh() { VIRTLAB_HOME=$(eval echo "\$h$1_home") ./virtlab qemu-agent-command "$mig" "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"$2\"]}}" >/dev/null; }
verify() {
  local h=$1 pid
  pid=$(VIRTLAB_HOME=$(eval echo "\$h${h}_home") ./virtlab qemu-agent-command "$mig" '{"execute":"guest-exec","arguments":{"path":"/usr/bin/virtlab-probe","arg":["pattern-verify","/run/pattern"],"capture-output":true}}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])')
  sleep 1
  VIRTLAB_HOME=$(eval echo "\$h${h}_home") ./virtlab qemu-agent-command "$mig" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}" |
    python3 -c 'import base64,json,sys; print("pattern-verify in the guest:", base64.b64decode(json.load(sys.stdin)["return"].get("out-data","")).decode().strip())'
}
lab_cleanup() {
  for h in 1 2; do
    VIRTLAB_HOME=$(eval echo "\$h${h}_home") ./virtlab destroy "$mig" >/dev/null 2>&1 || true
    VIRTLAB_HOME=$(eval echo "\$h${h}_home") ./virtlab daemon stop >/dev/null 2>&1 || true
  done
  scripts/labnet.sh down "${lab[@]}" >/dev/null 2>&1 || true
  rm -rf "$h1_home" "$h2_home"
}
trap 'lab_cleanup; cleanup' EXIT

section "Two Virtlab hosts on a lab network, each in its own network namespace"
scripts/labnet.sh up --hosts 2 "${lab[@]}"
VIRTLAB_HOME=$h1_home scripts/labnet.sh exec "${lab[@]}" 1 ./virtlab daemon start --listen 10.77.7.11:16600
# Host 2 takes host 1's CA (made on host 1's first --listen): the hosts' mutual TLS needs one CA (docs/SECURITY.md).
VIRTLAB_HOME=$h2_home scripts/labnet.sh exec "${lab[@]}" 2 ./virtlab daemon start --listen 10.77.7.12:16600 --tls-dir "$h1_home/ca"
vlh 1 create "$mig" --vcpus 2 --memory 256M --network bridge=vltour0,ip=$mig_ip/24 --wait-agent
printf '%s$ ping -c 3 -i 0.2 %s%s\n' "$bold" "$mig_ip" "$off"; ping -c 3 -i 0.2 "$mig_ip" | tail -2

section "Live migration, downtime measured three ways: QEMU, inside the guest, and by ping from outside"
vlh 1 migrate "$mig" "$h2" --live --token-file "$h2_home/token" --measure --verify=16
say "(--verify: the guest rewrote 16 MiB with a known pattern while it moved; every page was checked on the destination)"
say "(the talk's slide: the ping reply marked * ends the largest gap; the rest of the trace is in --samples FILE.ping.csv)"

section "The talk's 'info migrate', from the destination's record of the job"
vlh 2 domjobinfo "$mig" --completed --info-migrate

section "A guest that dirties memory faster than the link carries it: plain pre-copy does not converge"
guest_sh 2 'virtlab-probe pattern 48 /run/pattern >/dev/null 2>&1 </dev/null &'
say "(the guest rewrites all of 48 MiB many times a second: QEMU counts about 40 MiB/s of pages dirtied, more than the link's 16 MiB/s cap)"
vlh 2 migrate "$mig" "$h1" --live --token-file "$h1_home/token" --bandwidth 16 --timeout 20 || true
say "(plain pre-copy resends what the guest dirtied meanwhile, for ever; the timeout cancels it and the guest stays put)"

section "The closed loop: measure the dirty rate and the link, predict, throttle (auto-converge), meet the limit"
vlh 2 migrate "$mig" "$h1" --live --token-file "$h1_home/token" --bandwidth 16 --max-downtime 200 --measure
say "(QEMU's stop-and-copy fits the limit; the guest-visible and ping gaps are larger: throttling stalls the vCPUs, as the talk's auto-converge ping trace shows)"
verify 1

section "Post-copy: switch after the first pass; the guest runs on the destination and pulls its pages"
vlh 1 migrate "$mig" "$h2" --live --token-file "$h2_home/token" --bandwidth 16 --postcopy --postcopy-after-precopy --measure
verify 2
lab_cleanup
trap cleanup EXIT

# The foundation: the host, a real guest, its agent, what the manager knows.
section "The host: what Virtlab can run here"
vl capabilities | grep -Ev '^(Host CPU flags|CPU models):'
say "(the full flag and model lists: virtlab capabilities --json)"

section "A real Debian guest under QEMU (the talk's knoel1)"
vl create "$vm" --vcpus 2,maxvcpus=4 --memory 512M,maxmemory=1G --wait-agent
vl list

section "vCPU hot-plug uses the guest agent (slide: 'vCPU Hot-plug: uses guest agent')"
vl qemu-agent-command "$vm" '{"execute":"guest-ping"}'
vl qemu-agent-command "$vm" '{"execute":"guest-info"}' | cut -c1-200
say "(guest-info lists every command the agent supports; cut at 200 characters)"
vl qemu-agent-command "$vm" '{"execute":"guest-get-vcpus"}' --pretty
vl qemu-agent-command "$vm" '{"execute":"guest-get-osinfo"}' --pretty

section "What the manager knows about it"
vl dominfo "$vm"


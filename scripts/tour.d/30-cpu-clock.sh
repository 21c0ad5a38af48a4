# The talk's "Processor Emulation", "Timers and Clocks" and "Performance Monitoring" slides, on
# live guests (docs/CPU-MODELS.md, docs/CLOCKS.md, docs/PMU.md).

section "CPU models: what this QEMU can give a guest (slide: 'Processor Emulation')"
vl cpu-models | grep -E '^ (Model|qemu64|Nehalem|SandyBridge|Haswell|Skylake-Server|max|host) '
say "(the full list: virtlab cpu-models; 'cannot give' is QEMU's unavailable-features for this accelerator)"

for model in max Nehalem; do
  section "CPU info in a guest ($model) vs the host (slide: 'CPU info - in guest')"
  vl create "cpu-$model" --cpu "$model" --memory 256M --wait-agent
  vl guest-cpuinfo "cpu-$model" --diff-host
  vl destroy "cpu-$model"
  ./virtlab undefine "cpu-$model" >/dev/null
done

section "Can this host run a model? (our own x86 check; it backs the migration preflight)"
vl cpu-compare --model Skylake-Server || true
say "(cpu-compare exits 1 for an incompatible CPU, as virsh does)"

section "Performance monitoring: does the guest have a PMU? (slide: 'Performance Monitoring - PMU')"
vl guest-pmu "$vm" || say "(this image's probe predates the pmu check: make image)"

section "Timers and clocks: the guest's clocksource (slide: 'Virtual Machine Timers and Clocks')"
vl guest-clock "$vm"

section "The clock trap: a paused guest's clock stops (slide: 'Adjust for live migration downtime')"
vl domtime "$vm" --sync
vl suspend "$vm"
say "(paused for 5 s...)"
sleep 5
vl resume "$vm"
vl domtime "$vm"
say "(the guest's wall clock is behind the host by about the pause, and does not catch up by itself)"
vl domtime "$vm" --sync
say "(fixed: guest-set-time from the host's clock; 'resume --sync-time' does it automatically)"

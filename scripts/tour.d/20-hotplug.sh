# CPU and memory hot-plug, ballooning (slides "vCPU In-Plug / Un-Plug using virsh commands",
# "Watch out for vCPU hot-plug", "Memory Ballooning"). $vm runs with 2 of 4 vCPUs, 512 MiB of 1 GiB.
section "vCPU in-plug: QEMU plugs, the agent onlines (slide: virsh setvcpus knoel1 3)"
vl vcpucount "$vm"
vl setvcpus "$vm" 3 --live
vl guest-view "$vm"

section "vCPU offline in the guest only (slide: virsh setvcpus knoel1 2 --guest)"
vl setvcpus "$vm" 2 --guest
vl guestvcpus "$vm" --json
say "(QEMU still has 3 vCPUs; the guest runs on 2: an application sees nproc change under it)"
vl guestvcpus "$vm" --cpulist 0 --disable || true

section "vCPU un-plug: offline, then eject (QEMU signals it only for .../lapic)"
vl setvcpus "$vm" 1 --live
vl vcpucount "$vm"
vl guest-view "$vm"

section "Memory ballooning: the guest's MemTotal follows the balloon"
vl setmem "$vm" 256M --live
vl dommemstat "$vm"
vl setmem "$vm" 48M --live || true
say "(refused: the floor comes from the guest's own MemAvailable)"

section "Memory hot-plug above the boot size (the talk's 'stay tuned'): a DIMM the guest onlines"
vl setmem "$vm" 768M --live
vl guest-view "$vm"
vl setmem "$vm" 512M --live
vl setvcpus "$vm" 2 --live >/dev/null

section "Automatic ballooning (the talk's other 'stay tuned'): reclaim from an idle guest"
vl autoballoon "$vm" --min 256M --max 512M --target-free 40 --interval 2
sleep 7
vl autoballoon "$vm"
vl guest-view "$vm"
vl autoballoon "$vm" --off
vl setmem "$vm" 512M --live >/dev/null

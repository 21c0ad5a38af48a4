"""Tables for bench/hotplug/run.sh: reads 'KEY MS' lines, prints min/median/max per key and Virtlab/libvirt ratios."""
import statistics
import sys
from collections import defaultdict

v = defaultdict(list)
for line in open(sys.argv[1]):
    key, ms = line.split()
    v[key].append(float(ms))

OPS = [("plug", "setvcpus 1→2"), ("unplug", "setvcpus 2→1"), ("down", "setmem 256→128 MiB"), ("up", "setmem 128→256 MiB")]
ROWS = {
    "plug": [("vl.plug.cli", "Virtlab: `setvcpus 2 --live`, CLI wall clock (returns when online in the guest)"),
             ("vl.plug.daemon", "Virtlab: the same, daemon's `seconds`"),
             ("lv.plug.returned", "libvirt: `setvcpus 2 --live` returned (plugged, offline in the guest)"),
             ("lv.plug.guest", "libvirt: … + `setvcpus 2 --guest` returned"),
             ("lv.plug.online", "libvirt: … + `guestvcpus` shows it online")],
    "unplug": [("vl.unplug.cli", "Virtlab: `setvcpus 1 --live`, CLI wall clock (offlined, ejected, count right)"),
               ("vl.unplug.daemon", "Virtlab: the same, daemon's `seconds`"),
               ("lv.unplug.gone", "libvirt: `setvcpus 1 --live` running, `guestvcpus` shows it gone"),
               ("lv.unplug.returned", "libvirt: `setvcpus 1 --live` returned"),
               ("lv.unplug.repair", "libvirt: a second `setvcpus 1 --live` (fixes the stale count)")],
}
for op in ("down", "up"):
    ROWS[op] = [(f"vl.{op}.cli", "Virtlab: `setmem`, CLI wall clock (returns when the balloon reached it)"),
                (f"vl.{op}.daemon", "Virtlab: the same, daemon's `seconds`"),
                (f"lv.{op}.returned", "libvirt: `setmem --live` returned"),
                (f"lv.{op}.reached", "libvirt: … + `dommemstat` shows `actual` at the target")]
DONE = {"plug": "lv.plug.online", "unplug": "lv.unplug.gone", "down": "lv.down.reached", "up": "lv.up.reached"}
RET = {"plug": "lv.plug.returned", "unplug": "lv.unplug.returned", "down": "lv.down.returned", "up": "lv.up.returned"}

med = lambda k: statistics.median(v[k])
print("| operation | what is timed | n | min ms | median ms | max ms |")
print("|---|---|---|---|---|---|")
for op, title in OPS:
    for key, what in ROWS[op]:
        if v[key]:
            print(f"| {title} | {what} | {len(v[key])} | {min(v[key]):.0f} | {med(key):.0f} | {max(v[key]):.0f} |")
print()
print("Ratios of medians, Virtlab / libvirt (below 1: Virtlab is faster):")
print()
print("| operation | Virtlab CLI / libvirt done in the guest | Virtlab CLI / virsh returned | Virtlab daemon / libvirt done |")
print("|---|---|---|---|")
for op, title in OPS:
    cli, dmn = med(f"vl.{op}.cli"), med(f"vl.{op}.daemon")
    print(f"| {title} | {cli / med(DONE[op]):.2f} | {cli / med(RET[op]):.2f} | {dmn / med(DONE[op]):.2f} |")

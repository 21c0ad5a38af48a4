"""bench/migration/downtime.sh helpers.

  downtime-report.py virtlab OUT.json     `virtlab migrate --json` → "KEY VALUE" lines
  downtime-report.py domjobinfo FILE      `virsh domjobinfo --completed` → libvirt's elapsed/downtime
  downtime-report.py table DATA LIMIT     "WORKLOAD METHOD METHOD KEY VALUE" lines → Markdown tables
"""
import json
import re
import statistics
import sys
from collections import defaultdict

NAMES = {"vl": "Virtlab `--max-downtime L --postcopy`", "ac": "libvirt `--auto-converge`",
         "pc": "libvirt `--postcopy --postcopy-after-precopy`"}


def emit(**kv):
    for k, v in kv.items():
        if v is not None:
            print(k, round(v, 3) if isinstance(v, float) else v)


def virtlab(path):
    d = json.load(open(path))
    j, g, p, c = d["job"], d.get("guestGap") or {}, d.get("ping") or {}, d.get("convergence") or {}
    st = c.get("stalls") or {}
    steps = d.get("steps") or []
    emit(qemu_total=j.get("timeElapsedMs"), qemu_downtime=j.get("downtimeMs"), hb_gap=g.get("largestGapMs"),
         own_ping_gap=p.get("largestGapMs"), stall_before=st.get("beforeSwitchOverMs"),
         stall_after=st.get("afterSwitchOverMs"), met=1 if c.get("met") else 0,
         postcopy=1 if any(s.get("action") == "post-copy" for s in steps) else 0,
         max_throttle=max((s.get("throttlePercent", 0) for s in d.get("samples") or []), default=0),
         throttle_cap=c.get("maxThrottle"))


def domjobinfo(path):
    text = open(path).read()
    get = lambda label: (m := re.search(rf"^{label}:\s+([0-9.]+)", text, re.M)) and float(m.group(1))
    emit(qemu_total=get("Time elapsed"), qemu_downtime=get("Total downtime"))
    if "Postcopy" in text or re.search(r"^Postcopy requests:", text, re.M):
        emit(postcopy=1)


def table(path, limit):
    v = defaultdict(list)           # (rate, method, key) → values in run order
    for line in open(path):
        w, m, _, key, val = line.split()
        v[(w, m, key)].append(float(val))
    fmt = lambda xs: f"{statistics.median(xs):.0f} ({min(xs):.0f}–{max(xs):.0f})" if xs else "–"
    med = lambda xs: statistics.median(xs) if xs else None
    for w in dict.fromkeys(k[0] for k in v):
        runs = {}
        for m in NAMES:
            hb, pg = v.get((w, m, "hb_gap"), []), v.get((w, m, "ping_gap"), [])
            dt = v.get((w, m, "qemu_downtime"), [])
            gaps = [max(a, b, c) for a, b, c in zip(hb, pg, dt + [0] * (len(hb) - len(dt)))]
            runs[m] = gaps
        print(f"### {w}: `virtlab-probe pattern` at {w.split('@')[1]} MiB/s")
        print()
        print(f"Median (min–max) in ms over the completed migrations; 'held': the guest-visible stop (the larger of the heartbeat gap,"
              f" the ping gap and QEMU's downtime) ≤ {limit} ms.")
        print()
        print("| method | completed / refused / failed | limit held | guest-visible gap (heartbeat) | ping gap | "
              "largest stop | total time (QEMU / libvirt elapsed) | migrate command wall clock | QEMU downtime | post-copy used | bad pages |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for m, name in NAMES.items():
            g = runs[m]
            n_ref, n_fail = len(v.get((w, m, "refused"), [])), len(v.get((w, m, "failed"), []))
            held = sum(1 for x in g if x <= limit)
            print(f"| {name} | {len(g)} / {n_ref} / {n_fail} | {held} of {len(g)} | {fmt(v.get((w, m, 'hb_gap'), []))} | "
                  f"{fmt(v.get((w, m, 'ping_gap'), []))} | {fmt(g)} | {fmt(v.get((w, m, 'qemu_total'), []))} | "
                  f"{fmt(v.get((w, m, 'wall'), []))} | {fmt(v.get((w, m, 'qemu_downtime'), []))} | "
                  f"{int(sum(v.get((w, m, 'postcopy'), [])))} | {int(sum(x for x in v.get((w, m, 'bad_pages'), []) if x > 0))} |")
        print()
        sb, sa = v.get((w, "vl", "stall_before"), []), v.get((w, "vl", "stall_after"), [])
        if sb or sa:
            print(f"Virtlab's own report: largest heartbeat stall before the switch-over {fmt(sb)} ms, at/after it {fmt(sa)} ms, "
                  f"QEMU stop-and-copy downtime {fmt(v.get((w, 'vl', 'qemu_downtime'), []))} ms; throttle reached "
                  f"{fmt(v.get((w, 'vl', 'max_throttle'), []))} % (cap {fmt(v.get((w, 'vl', 'throttle_cap'), []))} %); "
                  f"its verdict 'met' in {int(sum(v.get((w, 'vl', 'met'), [])))} of {len(runs['vl'])}; libvirt auto-converge's "
                  f"throttle is not recorded here.")
            print()
        print("| ratio of medians, Virtlab / peer | guest-visible gap | ping gap | largest stop | total time (QEMU) |")
        print("|---|---|---|---|---|")
        for m in ("ac", "pc"):
            cells = []
            for key in ("hb_gap", "ping_gap", None, "qemu_total"):
                a = med(runs["vl"]) if key is None else med(v.get((w, "vl", key), []))
                b = med(runs[m]) if key is None else med(v.get((w, m, key), []))
                cells.append(f"{a / b:.2f}" if a is not None and b else "–")
            print(f"| vs {NAMES[m]} | " + " | ".join(cells) + " |")
        print()
        over = [i for i, x in enumerate(runs["ac"]) if x > limit]
        paired = [runs["vl"][i] for i in over if i < len(runs["vl"])]
        print(f"Goal (runs where libvirt's auto-converge exceeded {limit} ms: {len(over)} of {len(runs['ac'])}): Virtlab's run of the same "
              f"round held the limit in {sum(1 for x in paired if x <= limit)} of {len(paired)}"
              + (f" ({100 * sum(1 for x in paired if x <= limit) / len(paired):.0f} %)" if paired else "") + ".")
        print()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "virtlab":
        virtlab(args[0])
    elif cmd == "domjobinfo":
        domjobinfo(args[0])
    elif cmd == "table":
        table(args[0], float(args[1]))
    else:
        sys.exit(__doc__)

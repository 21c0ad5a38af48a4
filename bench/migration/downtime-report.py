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
    if (m := re.search(r"^Postcopy requests:\s+(\d+)", text, re.M)) and int(m.group(1)) > 0:
        emit(postcopy=1)


def table(path, limit):
    attempts = defaultdict(list)    # (rate, method) → one dict per attempt, in run order
    for line in open(path):
        w, m, _, key, val = line.split()
        if key == "attempt":
            attempts[(w, m)].append({"round": int(float(val))})
        elif attempts[(w, m)]:
            attempts[(w, m)][-1][key] = float(val)
    for a in (x for xs in attempts.values() for x in xs):
        if "hb_gap" in a and "ping_gap" in a:
            a["stop"] = max(a["hb_gap"], a["ping_gap"], a.get("qemu_downtime", 0))
    fmt = lambda xs: f"{statistics.median(xs):.0f} ({min(xs):.0f}–{max(xs):.0f})" if xs else "–"
    med = lambda xs: statistics.median(xs) if xs else None
    col = lambda w, m, key: [a[key] for a in attempts[(w, m)] if key in a]
    for w in dict.fromkeys(k[0] for k in attempts):
        print(f"### {w}: `virtlab-probe pattern` at {w.split('@')[1]} MiB/s")
        print()
        print(f"Median (min–max) in ms over the completed migrations; 'held': the guest-visible stop (the larger of the heartbeat gap,"
              f" the ping gap and QEMU's downtime) ≤ {limit:.0f} ms.")
        print()
        print("| method | completed / refused / failed | limit held | guest-visible gap (heartbeat) | ping gap | "
              "largest stop | total time (QEMU / libvirt elapsed) | migrate command wall clock | QEMU downtime | post-copy used | bad pages |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for m, name in NAMES.items():
            g = col(w, m, "stop")
            n_ref, n_fail = len(col(w, m, "refused")), len(col(w, m, "failed"))
            held = sum(1 for x in g if x <= limit)
            print(f"| {name} | {len(g)} / {n_ref} / {n_fail} | {held} of {len(g)} | {fmt(col(w, m, 'hb_gap'))} | "
                  f"{fmt(col(w, m, 'ping_gap'))} | {fmt(g)} | {fmt(col(w, m, 'qemu_total'))} | "
                  f"{fmt(col(w, m, 'wall'))} | {fmt(col(w, m, 'qemu_downtime'))} | "
                  f"{int(sum(col(w, m, 'postcopy')))} | {int(sum(x for x in col(w, m, 'bad_pages') if x > 0))} |")
        print()
        sb, sa = col(w, "vl", "stall_before"), col(w, "vl", "stall_after")
        if sb or sa:
            print(f"Virtlab's own report: largest heartbeat stall before the switch-over {fmt(sb)} ms, at/after it {fmt(sa)} ms, "
                  f"QEMU stop-and-copy downtime {fmt(col(w, 'vl', 'qemu_downtime'))} ms; throttle reached "
                  f"{fmt(col(w, 'vl', 'max_throttle'))} % (cap {fmt(col(w, 'vl', 'throttle_cap'))} %); "
                  f"its verdict 'met' in {int(sum(col(w, 'vl', 'met')))} of {len(col(w, 'vl', 'stop'))}.")
            print()
        print("| ratio of medians, Virtlab / peer | guest-visible gap | ping gap | largest stop | total time (QEMU) |")
        print("|---|---|---|---|---|")
        for m in ("ac", "pc"):
            cells = []
            for key in ("hb_gap", "ping_gap", "stop", "qemu_total"):
                x, y = med(col(w, "vl", key)), med(col(w, m, key))
                cells.append(f"{x / y:.2f}" if x is not None and y else "–")
            print(f"| vs {NAMES[m]} | " + " | ".join(cells) + " |")
        print()
        vl = {a["round"]: a for a in attempts[(w, "vl")]}
        over = [a["round"] for a in attempts[(w, "ac")] if a.get("stop", 0) > limit]
        outcome = [vl.get(r, {}) for r in over]
        held = sum(1 for a in outcome if a.get("stop", float("inf")) <= limit)
        refused = sum(1 for a in outcome if "refused" in a)
        print(f"Goal (rounds where libvirt's auto-converge stopped the guest for more than {limit:.0f} ms: {len(over)} of "
              f"{len(attempts[(w, 'ac')])}): Virtlab's migration of the same round held the limit in {held} of {len(outcome)}, "
              f"refused up front in {refused}, missed it in {len(outcome) - held - refused}.")
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

"""bench/migration/run.sh helpers: extract one migration's figures, and print the tables.

  report.py virtlab OUT.json MODE      `virtlab migrate --json` → "KEY VALUE" lines
  report.py qemu MONITOR.log FROM      the last completed query-migrate reply after line FROM of a libvirtd monitor log
  report.py qemu-dest MONITOR.log FROM the destination QEMU's start-up under libvirt: QMP commands before migrate-incoming
  report.py domjobinfo FILE            `virsh domjobinfo --completed` → libvirt's own elapsed/downtime
  report.py ping FILE                  `ping -D -i 0.01` output → largest gap between consecutive replies, lost
  report.py table DATA                 "WORKLOAD SIDE RUN-TYPE KEY VALUE" lines → Markdown tables
"""
import json
import re
import statistics
import sys
from collections import defaultdict

MIB = 1024 * 1024


def emit(**kv):
    for k, v in kv.items():
        if v is not None:
            print(k, round(v, 3) if isinstance(v, float) else v)


def virtlab(path, mode):
    d = json.load(open(path))
    j = d["job"]
    emit(qemu_total=j.get("timeElapsedMs"), qemu_downtime=j.get("downtimeMs"), qemu_setup=j.get("setupTimeMs"),
         mib=(j.get("memoryProcessed") or 0) / MIB, iters=j.get("iteration"),
         agent=1 if d.get("agentAnswered") else 0)
    if mode != "m":
        return
    g, p, c = d.get("guestGap") or {}, d.get("ping") or {}, d.get("clock") or {}
    emit(hb_gap=g.get("largestGapMs"), own_ping_gap=p.get("largestGapMs"),
         own_ping_lost=(p["sent"] - p["received"]) if p else None)
    if c.get("sourceOffsetMs") is not None:
        emit(clock_src=c["sourceOffsetMs"], clock_dst=c["offsetBeforeMs"],
             clock_step=c["offsetBeforeMs"] - c["sourceOffsetMs"], clock_final=c["offsetAfterMs"])


def qemu(path, start):
    last = None
    with open(path, errors="replace") as f:
        for i, line in enumerate(f):
            if i < start or "QEMU_MONITOR_RECV_REPLY" not in line or '"total-time"' not in line:
                continue
            r = json.loads(line.split("reply=", 1)[1])["return"]
            if r.get("status") == "completed":
                last = r
    if last is None:
        print("qemu_missing 1")
        return
    ram = last.get("ram", {})
    emit(qemu_total=last.get("total-time"), qemu_downtime=last.get("downtime"), qemu_setup=last.get("setup-time"),
         mib=ram.get("transferred", 0) / MIB, iters=ram.get("dirty-sync-count"))


def qemu_dest(path, start):
    """From qmp_capabilities to migrate-incoming on the destination: what libvirt asks a fresh QEMU before it listens."""
    t0 = t1 = None
    n = 0
    stamp = lambda line: sum(float(x) * m for x, m in zip(line[11:23].split(":"), (3600, 60, 1)))
    with open(path, errors="replace") as f:
        for i, line in enumerate(f):
            if i < start or "QEMU_MONITOR_SEND_MSG" not in line:
                continue
            if '"qmp_capabilities"' in line:
                t0, n = stamp(line), 0
            elif t0 is not None:
                n += 1
                if '"migrate-incoming"' in line:
                    t1 = stamp(line)
                    break
    if t0 is not None and t1 is not None:
        emit(lv_dst_qmp_ms=(t1 - t0) * 1000, lv_dst_qmp_cmds=n)


def domjobinfo(path):
    text = open(path).read()
    get = lambda label: (m := re.search(rf"^{label}:\s+([0-9.]+)", text, re.M)) and float(m.group(1))
    emit(lv_elapsed=get("Time elapsed"), lv_downtime=get("Total downtime"))


def ping(path):
    times, sent, received = [], None, None
    for line in open(path, errors="replace"):
        m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)", line)
        if m:
            times.append(float(m.group(1)))
        m = re.match(r"(\d+) packets transmitted, (\d+) received", line)
        if m:
            sent, received = int(m.group(1)), int(m.group(2))
    gap = max((b - a for a, b in zip(times, times[1:])), default=None)
    emit(ping_gap=gap * 1000 if gap is not None else None,
         ping_lost=(sent - received) if sent is not None else None)


# --- tables ------------------------------------------------------------------------------------------------
# (Virtlab key, libvirt key, what it is). A key of None: that side has no such figure.
ROWS = [
    ("wall_p", "wall_p", "**migrate command, wall clock** (plain run): `virtlab migrate` / `virsh migrate` returned"),
    ("wall_p", "ready_p", "… until the guest agent answers on the destination (Virtlab's command includes it; "
                          "libvirt: `virsh migrate` + `guest-ping` polled)"),
    ("wall_m", "wall_m", "migrate command, wall clock, measured run (Virtlab: with `--measure`, see the method)"),
    ("qemu_total", "qemu_total", "QEMU total-time (query-migrate, source)"),
    ("qemu_downtime", "qemu_downtime", "**QEMU downtime** (query-migrate, source)"),
    ("qemu_setup", "qemu_setup", "QEMU setup-time"),
    (None, "lv_elapsed", "libvirt's `domjobinfo --completed` Time elapsed (libvirt's own clock)"),
    (None, "lv_downtime", "libvirt's `domjobinfo --completed` Total downtime (source STOP → destination resumed)"),
    (None, "lv_dst_qmp_ms", "libvirt: destination QEMU's QMP start-up, `qmp_capabilities` → `migrate-incoming`"),
    (None, "lv_dst_qmp_cmds", "libvirt: … QMP commands sent in it (count)"),
    ("mib", "mib", "RAM transferred, MiB"),
    ("iters", "iters", "iterations (dirty-sync-count)"),
    ("hb_gap", "hb_gap", "**guest-visible gap**: largest in-guest heartbeat gap (10 ms stamps, monotonic)"),
    ("ping_gap", "ping_gap", "**external ping gap**: largest gap between replies, `ping -D -i 0.01` from this machine"),
    ("own_ping_gap", None, "Virtlab's own ping gap (`--measure`, ping.largestGapMs)"),
    ("ping_lost", "ping_lost", "ping replies lost (`ping -i 0.01`, whole trace)"),
    ("own_ping_lost", None, "Virtlab's own ping: replies lost"),
    ("dirty_rate", "dirty_rate", "dirtying: rate the pattern reached, MiB/s (whole passes × MiB ÷ time since it started; coarse)"),
    ("clock_step", "clock_step", "guest wall clock vs host: change across the migration, before any correction"),
    ("clock_final", "clock_dst", "guest wall clock vs host afterwards (Virtlab: after its `guest-set-time`; "
                                 "libvirt: not corrected, and it accumulates)"),
]
NOT_RATIO = {"clock_step", "clock_final", "clock_dst", "dirty_rate"}


def table(path):
    v, by_mode = defaultdict(list), defaultdict(list)
    for line in open(path):
        w, side, mode, key, val = line.split()
        v[(w, side, key)].append(float(val))
        by_mode[(w, side, mode, key)].append(float(val))
    for w in dict.fromkeys(k[0] for k in v):
        print(f"### {w}")
        print()
        print("Median (min–max), ms unless stated; n = migrations.")
        print()
        print("| figure | Virtlab | libvirt 11.3 | Virtlab / libvirt |")
        print("|---|---|---|---|")
        fmt = lambda xs: (f"{statistics.median(xs):.1f} ({min(xs):.1f}–{max(xs):.1f}), n={len(xs)}" if xs else "–")
        for kv, kl, what in ROWS:
            a, b = v.get((w, "vl", kv), []) if kv else [], v.get((w, "lv", kl), []) if kl else []
            if not a and not b:
                continue
            ratio = "–"
            if a and b and kv not in NOT_RATIO and statistics.median(b) > 0:
                ratio = f"{statistics.median(a) / statistics.median(b):.2f}"
            print(f"| {what} | {fmt(a)} | {fmt(b)} | {ratio} |")
        for side, name in (("vl", "Virtlab"), ("lv", "libvirt")):
            bad = v.get((w, side, "bad_pages"), [])
            if bad:
                print(f"| pattern-verify on the destination, {name} | bad pages: {int(sum(bad))} in {len(bad)} checks "
                      f"(max {int(max(bad))}) | | |")
            failed = v.get((w, side, "failed"), [])
            if failed:
                print(f"| migrations that failed, {name} | {len(failed)} | | |")
            agent = v.get((w, side, "agent"), [])
            if agent and min(agent) < 1:
                print(f"| {name}: agent did not answer on the destination | {agent.count(0.0)} | | |")
        missing = v.get((w, "lv", "qemu_missing"), [])
        if missing:
            print(f"| libvirt: QEMU's completed reply not found in the monitor log | {len(missing)} | | |")
        print()
        print(f"QEMU's figures above pool both run types; split (measured runs: heartbeat and pings running; plain: nothing):")
        print()
        print("| figure | Virtlab, measured | Virtlab, plain | libvirt, measured | libvirt, plain |")
        print("|---|---|---|---|---|")
        for key, what in (("qemu_total", "QEMU total-time"), ("qemu_downtime", "QEMU downtime"), ("mib", "RAM transferred, MiB")):
            cells = [fmt(by_mode.get((w, s, m, key), [])) for s in ("vl", "lv") for m in ("m", "p")]
            print(f"| {what} | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "virtlab":
        virtlab(args[0], args[1])
    elif cmd == "qemu":
        qemu(args[0], int(args[1]))
    elif cmd == "qemu-dest":
        qemu_dest(args[0], int(args[1]))
    elif cmd == "domjobinfo":
        domjobinfo(args[0])
    elif cmd == "ping":
        ping(args[0])
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""bench/tls: what TLS costs a live migration. Two Virtlab hosts on 127.0.0.1 (two daemons, one CA), one guest
(2 vCPUs, 256 MiB, Virtlab's image) migrated back and forth, TLS (the default: QEMU's tls-creds-x509 on both ends)
and plain TCP (--no-tls) interleaved, the order alternating each round, for an IDLE guest and a BUSY one
(--verify=32 --auto-converge: the guest rewrites 32 MiB with a pattern during the migration; every page is checked on
the destination). Per migration: QEMU's total time, downtime and throughput (from the migrate command's --json).
Writes bench/tls/last-run.md with medians and the ratios TLS / plain.

    RUNS=5 bench/tls/run.py          RUNS rounds per workload (default 5; each round one TLS and one plain migration)
    WORKLOADS="idle busy"            OUT  the report (default bench/tls/last-run.md)

Uses this checkout's ./virtlab (built if needed). Argument vectors only, no shell.
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
cli = os.path.join(root, "virtlab")
runs = int(os.environ.get("RUNS", "5"))
workloads = os.environ.get("WORKLOADS", "idle busy").split()
out = os.environ.get("OUT", os.path.join(root, "bench/tls/last-run.md"))
work = tempfile.mkdtemp(prefix="vl-bench-tls-")
homes = {1: os.path.join(work, "h1"), 2: os.path.join(work, "h2")}
vm = "tlsbench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ports = {1: free_port(), 2: free_port()}


def vl(host, *args, check=True, timeout=300):
    env = dict(os.environ, VIRTLAB_HOME=homes[host])
    env.pop("VIRTLAB_TLS_DIR", None)
    p = subprocess.run([cli, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise SystemExit(f"virtlab {' '.join(args)} (host {host}) failed: {p.stderr.strip()}")
    return p


def migrate(src, dst, tls, busy):
    args = ["migrate", vm, f"virtlab+tcp://127.0.0.1:{ports[dst]}", "--live", "--token-file", os.path.join(homes[dst], "token"), "--json"]
    if not tls:
        args.append("--no-tls")
    if busy:
        args += ["--verify=32", "--auto-converge"]
    started = time.monotonic()
    r = json.loads(vl(src, *args).stdout)
    wall = time.monotonic() - started
    job = r["job"]
    assert r["transport"].startswith("TLS" if tls else "plain"), r["transport"]
    assert r["agentAnswered"], "the agent did not answer on the destination"
    if busy:
        assert r["integrity"]["badPages"] == 0 and not r["integrity"]["kernelProblems"], r["integrity"]
    return {"total_ms": job["timeElapsedMs"], "downtime_ms": job["downtimeMs"], "mbps": job["memoryBandwidthMbps"], "wall_s": wall,
            "transferred_mib": (job.get("memoryProcessed") or 0) / 2**20}


def main():
    results = {w: {"tls": [], "plain": []} for w in workloads}
    try:
        vl(1, "daemon", "start", "--listen", f"127.0.0.1:{ports[1]}")
        vl(2, "daemon", "start", "--listen", f"127.0.0.1:{ports[2]}", "--tls-dir", os.path.join(homes[1], "ca"))
        vl(1, "create", vm, "--vcpus", "2", "--memory", "256M", "--wait-agent=120")
        at = 1
        for w in workloads:
            for i in range(runs):
                order = ["tls", "plain"] if i % 2 == 0 else ["plain", "tls"]
                for mode in order:
                    other = 2 if at == 1 else 1
                    m = migrate(at, other, mode == "tls", w == "busy")
                    results[w][mode].append(m)
                    print(f"{w} round {i + 1} {mode:5}: host {at} -> {other}: total {m['total_ms']} ms, downtime {m['downtime_ms']} ms, "
                          f"{m['mbps']:.0f} mbps, {m['transferred_mib']:.0f} MiB", flush=True)
                    at = other
        report(results)
    finally:
        for h in (1, 2):
            vl(h, "destroy", vm, check=False)
            vl(h, "daemon", "stop", check=False)
        shutil.rmtree(work, ignore_errors=True)


def report(results):
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = ["# bench/tls: the cost of TLS on a live migration", "",
             f"`RUNS={runs} bench/tls/run.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {qemu}; TCG, 2 shared cores; "
             "two Virtlab hosts on 127.0.0.1; guest 2 vCPUs, 256 MiB; TLS and plain interleaved, order alternating. Medians (min-max).", "",
             "| workload | stream | n | total time ms | downtime ms | throughput mbps | transferred MiB |", "|---|---|---|---|---|---|---|"]
    ratios = []
    for w, modes in results.items():
        med = {}
        for mode in ("tls", "plain"):
            xs = modes[mode]
            if not xs:
                continue
            cell = lambda k, f="{:.0f}": f"{f.format(statistics.median(x[k] for x in xs))} ({f.format(min(x[k] for x in xs))}-{f.format(max(x[k] for x in xs))})"
            med[mode] = {k: statistics.median(x[k] for x in xs) for k in ("total_ms", "downtime_ms", "mbps")}
            lines.append(f"| {w} | {mode} | {len(xs)} | {cell('total_ms')} | {cell('downtime_ms')} | {cell('mbps')} | {cell('transferred_mib')} |")
        if "tls" in med and "plain" in med:
            r = lambda k: med["tls"][k] / med["plain"][k] if med["plain"][k] else float("nan")
            ratios.append(f"| {w} | {r('total_ms'):.2f} | {r('downtime_ms'):.2f} | {r('mbps'):.2f} |")
    lines += ["", "Ratios TLS / plain (of the medians):", "", "| workload | total time | downtime | throughput |", "|---|---|---|---|", *ratios, "",
              "Every run, in order:", ""]
    for w, modes in results.items():
        for mode, xs in modes.items():
            lines.append(f"- {w} {mode}: total " + ", ".join(str(x["total_ms"]) for x in xs) + " ms; downtime " + ", ".join(str(x["downtime_ms"]) for x in xs) + " ms")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())

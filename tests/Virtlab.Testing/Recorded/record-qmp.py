#!/usr/bin/env python3
"""Record QMP replies from a real QEMU for the fake QMP server in the protocol tests.

Usage: python3 record-qmp.py qmp/
Starts qemu-system-x86_64 -S (no guest), talks QMP over a unix socket, writes each reply
line exactly as QEMU sent it (one JSON document per file), then quits QEMU.
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="vl-rec-")
sock_path = os.path.join(tmp, "qmp.sock")
proc = subprocess.Popen(["qemu-system-x86_64", "-S", "-nodefaults", "-display", "none",
                         "-machine", "pc", "-accel", "tcg", "-smp", "1,maxcpus=4", "-m", "128", "-device", "virtio-balloon-pci,id=balloon0",
                         "-qmp", f"unix:{sock_path},server=on,wait=off"])
try:
    for _ in range(100):
        if os.path.exists(sock_path):
            break
        time.sleep(0.05)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    f = s.makefile("rb")

    def line():
        return f.readline().rstrip(b"\n")

    def save(name, raw):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(raw + b"\n")

    save("greeting.json", line())
    events = []
    n = [0]

    def ex(name, cmd, args=None):
        n[0] += 1
        req = {"execute": cmd, "id": f"rec-{n[0]}"}
        if args is not None:
            req["arguments"] = args
        s.sendall(json.dumps(req).encode() + b"\n")
        while True:
            raw = line()
            obj = json.loads(raw)
            if "event" in obj:
                events.append(raw)
                continue
            if name:
                save(name, raw)
            return obj, raw

    ex("qmp_capabilities.json", "qmp_capabilities")
    ex("query-status.json", "query-status")
    ex("query-version.json", "query-version")
    ex("query-kvm.json", "query-kvm")
    ex("query-hotpluggable-cpus.json", "query-hotpluggable-cpus")
    ex("query-cpus-fast.json", "query-cpus-fast")
    defs, raw = ex(None, "query-cpu-definitions")
    keep = {"qemu64", "max", "host", "Nehalem", "SandyBridge", "SandyBridge-v1", "Haswell", "EPYC", "base"}
    trimmed = dict(defs)
    trimmed["return"] = [d for d in defs["return"] if d["name"] in keep]
    # re-serialize in QEMU's own style (", " and ": " separators, no newline inside)
    save("query-cpu-definitions.json", json.dumps(trimmed).encode())
    print("cpu definitions:", len(defs["return"]), "kept", len(trimmed["return"]))
    ex("query-balloon.json", "query-balloon")
    ex("balloon.json", "balloon", {"value": 64 * 1024 * 1024})
    ex("qom-set.json", "qom-set", {"path": "/machine/peripheral/balloon0",
                                    "property": "guest-stats-polling-interval", "value": 2})
    ex("qom-get.json", "qom-get", {"path": "/machine/peripheral/balloon0",
                                    "property": "guest-stats-polling-interval"})
    machines, raw = ex(None, "query-machines")
    keepm = {"pc", "q35", "pc-i440fx-10.0", "pc-q35-10.0", "microvm", "none"}
    save("query-machines.json", json.dumps({"return": [m for m in machines["return"] if m["name"] in keepm],
                                            "id": machines["id"]}).encode())
    print("machines:", len(machines["return"]))
    cmds, raw = ex(None, "query-commands")
    keepc = {"qmp_capabilities", "query-status", "device_add", "device_del", "quit", "query-hotpluggable-cpus"}
    save("query-commands.json", json.dumps({"return": [c for c in cmds["return"] if c["name"] in keepc],
                                            "id": cmds["id"]}).encode())
    print("commands:", len(cmds["return"]))
    # A second client while this one holds the monitor: QEMU accepts the connection but sends nothing.
    s2 = socket.socket(socket.AF_UNIX)
    s2.connect(sock_path)
    s2.settimeout(1.0)
    try:
        got = s2.recv(4096)
        print("second client got:", got)
    except socket.timeout:
        print("second client: connected, no greeting within 1 s")
    s2.close()
    ex("error-device_del-missing.json", "device_del", {"id": "nope"})
    ex("error-command-not-found.json", "no-such-command")
    ex("device_add.json", "device_add", {"driver": "qemu64-x86_64-cpu", "id": "cpu1",
                                             "socket-id": 0, "core-id": 1, "thread-id": 0})
    time.sleep(0.3)
    ex("query-cpus-fast-after-plug.json", "query-cpus-fast")
    # Unplug request of the CPU just plugged, guest never started: QEMU 10.0.2 refuses it (legacy ACPI CPU
    # hot-plug mode until a guest switches to the modern interface).
    ex("error-device_del-cpu-unplug-unsupported.json", "device_del", {"id": "cpu1"})
    ex("stop.json", "stop")
    ex("cont.json", "cont")
    time.sleep(0.2)
    ex("query-status-running.json", "query-status")
    ex("system_powerdown.json", "system_powerdown")
    ex("stop.json", "stop")
    time.sleep(0.2)
    ex("quit.json", "quit")
    try:
        while True:
            raw = line()
            if not raw:
                break
            events.append(raw)
    except OSError:
        pass
    for i, e in enumerate(events):
        name = json.loads(e)["event"]
        save(f"event-{i:02d}-{name}.json", e)
finally:
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    print("qemu exit", proc.returncode)

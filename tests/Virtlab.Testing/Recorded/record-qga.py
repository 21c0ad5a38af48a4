#!/usr/bin/env python3
"""Record qemu-guest-agent replies for the fake agent in the protocol tests.

Usage: python3 record-qga.py PATH/TO/qemu-ga OUTDIR
Runs the agent ON THE HOST in unix-listen mode (no guest needed; it then reports the host's CPUs, OS and
hostname), with only harmless read-only RPCs and guest-exec allowed, and writes each reply line as the agent
sent it. Get the binary with `apt-get download qemu-guest-agent` and `dpkg-deb -x`.
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time

qemu_ga, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
d = tempfile.mkdtemp(prefix="vl-qga-")
os.chmod(d, 0o700)
sp = os.path.join(d, "qga.sock")
allow = ("guest-sync-delimited,guest-sync,guest-ping,guest-info,guest-get-vcpus,guest-get-osinfo,"
         "guest-get-time,guest-get-host-name,guest-exec,guest-exec-status")
p = subprocess.Popen([qemu_ga, "-m", "unix-listen", "-p", sp, "-t", d, "-f", d + "/ga.pid", "-a", allow])
try:
    for _ in range(100):
        if os.path.exists(sp):
            break
        time.sleep(0.05)
    s = socket.socket(socket.AF_UNIX)
    s.connect(sp)
    s.settimeout(2)
    buf = b""

    def readline():
        global buf
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        return line

    def save(name, raw):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(raw + b"\n")

    # 0xFF first: the agent answers it with the "stray" parse error, then the sync reply preceded by 0xFF.
    s.sendall(b'\xff{"execute":"guest-sync-delimited","arguments":{"id":1510596464}}\n')
    save("stray-byte-error.json", readline())
    sync = readline()
    assert sync[:1] == b"\xff", sync
    save("guest-sync-delimited.json", sync[1:])  # stored without the 0xFF (kept out of a text file)

    def ex(name, req):
        s.sendall(json.dumps(req).encode() + b"\n")
        line = readline()
        save(name, line)
        return json.loads(line)

    ex("guest-ping.json", {"execute": "guest-ping"})
    ex("guest-info.json", {"execute": "guest-info"})
    ex("guest-get-vcpus.json", {"execute": "guest-get-vcpus"})
    ex("guest-get-osinfo.json", {"execute": "guest-get-osinfo"})
    ex("guest-get-time.json", {"execute": "guest-get-time"})
    ex("guest-get-host-name.json", {"execute": "guest-get-host-name"})
    r = ex("guest-exec.json", {"execute": "guest-exec", "arguments": {
        "path": "/bin/sh", "arg": ["-c", "echo hello from the guest; echo oops >&2; exit 3"], "capture-output": True}})
    time.sleep(0.3)
    ex("guest-exec-status.json", {"execute": "guest-exec-status", "arguments": {"pid": r["return"]["pid"]}})
    ex("error-disabled-command.json", {"execute": "guest-shutdown", "arguments": {"mode": "powerdown"}})
    ex("error-unknown-command.json", {"execute": "guest-no-such-command"})
    ex("guest-sync.json", {"execute": "guest-sync", "arguments": {"id": 4242}})
    s.close()
finally:
    p.terminate()
    p.wait(5)
    shutil.rmtree(d, ignore_errors=True)

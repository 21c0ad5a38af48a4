#!/usr/bin/env python3
"""bench/boot/profile.py: where the time of one boot goes (docs/PERFORMANCE.md, "Boot").

Starts bare QEMU with the serial console on a pipe, stamps every console line with the host
time since QEMU's exec, and waits on the agent socket (0xFF + guest-sync-delimited resent every
50 ms, then guest-ping) as the manager does. Prints the console lines with their host times
and QEMU's CPU time so far (a figure the machine's load moves much less than wall time),
then a summary: exec -> first console line -> virtlab-init markers -> agent answered.

  bench/boot/profile.py [--image DIR] [--bz] [--append EXTRA] [--cmdline FULL] [--qemu-arg ARG]...

--bz boots vmlinuz through SeaBIOS (libvirt's way) instead of the PVH vmlinux. --append adds to
the default cmdline; --cmdline replaces it. Add e.g. `--append "initcall_debug loglevel=8"` to see
each initcall's duration (the console output itself then costs time: profile, do not measure).
Not a benchmark: bench/boot/run.sh is (interleaved, several rounds).
"""
import argparse
import json
import os
import random
import select
import socket
import subprocess
import sys
import tempfile
import time


def cpu(pid):
    """QEMU's CPU time so far (user + system, all threads), in seconds: a load-independent proxy."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", default=None)
    ap.add_argument("--bz", action="store_true")
    ap.add_argument("--append", default="")
    ap.add_argument("--cmdline", default=None)
    ap.add_argument("--initrd", default=None)
    ap.add_argument("--qemu-arg", action="append", default=[])
    ap.add_argument("--machine", default="pc")
    ap.add_argument("--smp", default="1,maxcpus=4")
    ap.add_argument("--quiet", action="store_true", help="only the summary")
    a = ap.parse_args()
    image = a.image or subprocess.run(
        [os.path.join(os.path.dirname(__file__), "../../guest/build-image.sh"), "--print-dir"],
        capture_output=True, text=True).stdout.strip().splitlines()[-1]
    d = tempfile.mkdtemp(prefix="vlprof-")
    qga = os.path.join(d, "qga.sock")
    cmdline = a.cmdline if a.cmdline is not None else "console=ttyS0 loglevel=4 virtlab.name=prof"
    if a.append:
        cmdline += " " + a.append
    argv = ["qemu-system-x86_64", "-machine", a.machine, "-accel", "tcg", "-cpu", "qemu64", "-m", "256",
            "-smp", a.smp, "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", os.path.join(image, "vmlinuz" if a.bz else "vmlinux"),
            "-initrd", a.initrd or os.path.join(image, "initrd.img"), "-append", cmdline,
            "-serial", "stdio",
            "-device", "virtio-serial-pci,id=virtio-serial0",
            "-chardev", f"socket,id=qga0,path={qga},server=on,wait=off",
            "-device", "virtserialport,bus=virtio-serial0.0,nr=1,chardev=qga0,id=channel0,name=org.qemu.guest_agent.0",
            "-device", "virtio-balloon-pci,id=balloon0"] + a.qemu_arg
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    lines = []
    buf = b""
    sock = None
    sent = set()
    latest = None
    next_send = 0.0
    answered = None
    rbuf = b""
    try:
        while answered is None:
            now = time.monotonic() - t0
            if now > 120:
                raise SystemExit("timeout")
            if sock is None and os.path.exists(qga):
                sock = socket.socket(socket.AF_UNIX)
                sock.connect(qga)
            if sock is not None and now >= next_send:
                latest = random.randint(1, 1 << 53)
                sent.add(latest)
                sock.sendall(b"\xff" + json.dumps({"execute": "guest-sync-delimited", "arguments": {"id": latest}}).encode() + b"\n")
                next_send = now + 0.05
            fds = [p.stdout] + ([sock] if sock else [])
            r, _, _ = select.select(fds, [], [], 0.01)
            for f in r:
                if f is p.stdout:
                    chunk = os.read(p.stdout.fileno(), 65536)
                    if not chunk:
                        raise SystemExit("qemu exited")
                    buf += chunk
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        lines.append((time.monotonic() - t0, cpu(p.pid), line.decode(errors="replace").rstrip("\r")))
                else:
                    rbuf += sock.recv(65536)
                    while b"\n" in rbuf:
                        line, rbuf = rbuf.split(b"\n", 1)
                        line = line.lstrip(b"\xff")
                        try:
                            m = json.loads(line)
                        except ValueError:
                            continue
                        if isinstance(m, dict) and m.get("return") in sent:
                            if "first_answer" not in locals():
                                first_answer = time.monotonic() - t0
                            if m.get("return") == latest:
                                answered = time.monotonic() - t0
        sock.settimeout(30)  # a lost reply must not leave QEMU running
        sock.sendall(b'{"execute":"guest-ping"}\n')
        while b"return" not in rbuf:
            rbuf += sock.recv(65536)
        ping = time.monotonic() - t0
        ping_cpu = cpu(p.pid)
    finally:
        p.kill()
        p.wait()
    if not a.quiet:
        for t, c, l in lines:
            print(f"{t:7.3f} {c:6.2f} {l}")
    marks = {}
    for t, c, l in lines:
        for k in ("virtlab-init: start", "virtlab-init: modules loaded", "virtlab-init: agent started"):
            if k in l and k not in marks:
                marks[k.split(": ")[1]] = [round(t, 3), round(c, 2)]
    first = [round(lines[0][0], 3), round(lines[0][1], 2)] if lines else None
    print(json.dumps({"first_line": first, **marks, "first_sync_answer": round(first_answer, 3),
                      "ping": [round(ping, 3), round(ping_cpu, 2)],
                      "load": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()

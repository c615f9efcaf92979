#!/usr/bin/env python3
"""bench/ready.py [--exit] CMD [ARG...]: how long CMD takes to start.

Starts CMD with NOTIFY_SOCKET set to a datagram socket of its own and prints
two numbers: the milliseconds from just before the exec to the READY=1 the
daemon sends when it serves (src/sd.c, as systemd would hear it), and the
CPU milliseconds (user + system) it had used by then, from /proc.  Then it
stops CMD (SIGTERM) and waits for it.  With --exit, the same two numbers
for CMD running to its exit (CPU from the kernel's accounting of the child):
an anchor such as sqlite3 is timed by the same code.  CMD's output goes to
/dev/null.  Exit status 1 if CMD exits or 60 s pass before READY=1.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0


def cpu_ms_of(pid):
    """User and system time of a running process, in ms (fields 14 and 15 of stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def until_exit(cmd):
    t0 = time.monotonic()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(child.pid, 0)
    took = (time.monotonic() - t0) * 1000
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"ready.py: {cmd[0]} exited {child.returncode}")
    return took, int((ru.ru_utime + ru.ru_stime) * 1000)


def until_ready(cmd):
    with tempfile.TemporaryDirectory(prefix="ready.") as d:
        path = os.path.join(d, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        t0 = time.monotonic()
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        # The daemon may send STATUS= or other lines first: wait for READY=1 itself.
        sock.settimeout(0.5)
        while True:
            try:
                msg = sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                msg = ""
            if "READY=1" in msg.split("\n"):
                took = (time.monotonic() - t0) * 1000
                break
            if child.poll() is not None or time.monotonic() - t0 > TIMEOUT:
                child.kill()
                child.wait()
                sys.exit(f"ready.py: no READY=1 from {cmd[0]}")
        cpu = cpu_ms_of(child.pid)
        child.send_signal(signal.SIGTERM)
        child.wait()
        return took, cpu


def main():
    args = sys.argv[1:]
    to_exit = bool(args) and args[0] == "--exit"
    cmd = args[1:] if to_exit else args
    if not cmd:
        sys.exit(__doc__)
    took, cpu = until_exit(cmd) if to_exit else until_ready(cmd)
    print(f"{took:.0f} {cpu}")


if __name__ == "__main__":
    main()

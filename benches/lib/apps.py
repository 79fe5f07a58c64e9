"""What the bench scripts that start the test applications from Python share (benches/startup/run,
startup/run-shop, startup/phases, memory/run): a free loopback port to start one on, the probe
that says it is up (GET /health answers 200), and a process's CPU time from /proc.

The scripts are bash with their Python inline (python3 - <<'PY'); they put this folder on
PYTHONPATH and `import apps`.
"""
import http.client
import os
import socket

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    """A loopback port nobody listens on now (the application binds it right after)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def healthy(port, timeout=2):
    """True when GET /health on 127.0.0.1:port answers 200; False while nothing answers yet."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", "/health")
        return c.getresponse().status == 200
    except OSError:
        return False
    finally:
        c.close()


def cpu_ms(pid):
    """The process's CPU time so far, user + system (fields 14 and 15 of /proc/PID/stat), in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK

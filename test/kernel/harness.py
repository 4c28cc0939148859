"""Helpers for driving the real tsflink kernel with jupyter_client (test and bench drivers).

The kernelspec is found through JUPYTER_PATH / JUPYTER_DATA_DIR set by the caller. Every driver
prints one JSON object on its last stdout line; the vitest side asserts on it.
"""
import atexit
import json
import os
import subprocess
import sys
import time
import urllib.request

from jupyter_client.manager import KernelManager

KERNEL_NAME = os.environ.get("TSFLINK_KERNEL_NAME", "tsflink")
_managers = []


@atexit.register
def _no_kernel_left_behind():
    """A driver that fails half-way must not leave its kernel (and JVM) running."""
    for km in _managers:
        try:
            if km.is_alive():
                km.shutdown_kernel(now=True)
        except Exception as e:  # noqa: BLE001 - best effort at exit
            print(f"could not stop kernel: {e}", file=sys.stderr)


def thread_dump(km, path):
    """Writes the kernel JVM's thread dump and heap (jcmd) to path, for a cell that timed out: the
    test reads it (test/hang-report.ts) so that a hang seen only in CI explains itself."""
    pid = getattr(km.provisioner, "pid", None)
    if pid is None:
        return None
    with open(path, "w") as f:
        for command in ("GC.heap_info", "Thread.print"):
            try:
                f.write(subprocess.run(["jcmd", str(pid), command], capture_output=True, text=True, timeout=20).stdout)
            except Exception as e:  # noqa: BLE001 - best effort, for diagnosis only
                f.write(f"(jcmd {command} failed: {e})\n")
    return path


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def start(timeout=120, stderr_path=None, cwd=None, env=None):
    """Starts the kernel; returns (km, kc, seconds until kernel_info answered).

    The kernel's stderr goes to stderr_path when given (for asserting on its log); cwd is the
    notebook's folder (default this process's); env adds environment variables."""
    t0 = time.monotonic()
    km = KernelManager(kernel_name=KERNEL_NAME)
    _managers.append(km)
    kwargs = {}
    if stderr_path:
        kwargs["stderr"] = open(stderr_path, "w")
    if cwd:
        kwargs["cwd"] = cwd
    if env:
        kwargs["env"] = {**os.environ, **env}
    km.start_kernel(**kwargs)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=timeout)
    return km, kc, time.monotonic() - t0


_pending = {}


def _remaining(deadline, what):
    """Seconds left until deadline; TimeoutError naming what did not come once it passed."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError(what)
    return remaining


def next_iopub(kc, msg_id, timeout):
    """The next iopub message for msg_id; messages of other requests are kept for later."""
    queue = _pending.setdefault(msg_id, [])
    if queue:
        return queue.pop(0)
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=_remaining(deadline, f"no iopub message for {msg_id}"))
        parent = msg["parent_header"].get("msg_id")
        if parent == msg_id:
            return msg
        _pending.setdefault(parent, []).append(msg)


def collect(kc, msg_id, timeout=120):
    """Iopub messages with parent msg_id, up to and including status idle."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        msg = next_iopub(kc, msg_id, _remaining(deadline, f"no idle for {msg_id}; got {[m['msg_type'] for m in out]}"))
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def reply_for(kc, msg_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=_remaining(deadline, f"no reply for {msg_id}"))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run(kc, code, timeout=120, **kwargs):
    """Executes code; returns (reply, iopub messages)."""
    msg_id = kc.execute(code, **kwargs)
    reply = reply_for(kc, msg_id, timeout)
    msgs = collect(kc, msg_id, timeout)
    return reply, msgs


def summary(msgs):
    """Compact view of iopub messages for assertions."""
    out = []
    for m in msgs:
        c = m["content"]
        t = m["msg_type"]
        if t == "status":
            out.append({"type": t, "state": c["execution_state"]})
        elif t == "stream":
            out.append({"type": t, "name": c["name"], "text": c["text"]})
        elif t in ("display_data", "update_display_data", "execute_result"):
            out.append({"type": t, "data": c["data"], "display_id": c.get("transient", {}).get("display_id"), "execution_count": c.get("execution_count")})
        elif t == "error":
            out.append({"type": t, "ename": c["ename"], "evalue": c["evalue"], "traceback": c["traceback"]})
        else:
            out.append({"type": t, "content": c})
    return out


def text_result(msgs):
    for m in msgs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"].get("text/plain")
    return None


def running_jobs(web_ui):
    with urllib.request.urlopen(f"{web_ui}/jobs/overview", timeout=5) as r:
        jobs = json.load(r)["jobs"]
    return [j for j in jobs if j["state"] not in ("FINISHED", "CANCELED", "FAILED")]


def descendants(pid):
    """Pids of all live descendants of pid (from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def emit(result):
    print(json.dumps(result, default=str), flush=True)

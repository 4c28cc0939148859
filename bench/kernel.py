"""Kernel benchmark driver (jupyter_client): start-up, trivial cell, bounded SQL, first streaming row.

With --long [N] (default 400 cells; the issue's case is 2000) it instead drives one kernel through N
cells alternating a trivial TS cell (`const vN: number = N; vN * 2`) and a small %%bsql query, and
prints per-cell p50 of each kind and the kernel's RSS for every 500 cells (issue 18, item 10).

Run through bench/kernel.sh, which prepares the venv, the build and a private kernelspec.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, sys.argv[1])  # test/kernel, for the harness
from harness import collect, next_iopub, reply_for, run, start  # noqa: E402


def ms(s):
    return f"{s * 1000:.0f} ms"


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def tree_rss_mb(pid):
    """RSS of the kernel process and its descendants (the JVM runs in-process; this is to be sure)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except OSError:
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def shutdown(km, kc):
    msg = kc.session.msg("shutdown_request", {"restart": False})
    kc.control_channel.send(msg)
    kc.control_channel.get_msg(timeout=60)
    kc.stop_channels()
    deadline = time.monotonic() + 20
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    km.cleanup_resources()


def long_session(cells):
    """One kernel, `cells` cells alternating trivial TS and a small %%bsql query."""
    km, kc, _ = start(timeout=180)
    pid = km.provisioner.process.pid
    run(kc, "1 + 1")
    ts, sql = [], []
    block = 500 if cells >= 1000 else 100
    print(f"long session: {cells} cells alternating a trivial TS cell and a small %%bsql query; block = {block} cells")
    print(f"{'cells':>6} {'TS p50':>8} {'TS p90':>8} {'SQL p50':>8} {'RSS MB':>8} {'load':>5}")
    print(f"{0:>6} {'':>8} {'':>8} {'':>8} {tree_rss_mb(pid):>8.0f} {loadavg():>5}")
    block_ts, block_sql = [], []
    t_all = time.monotonic()
    for i in range(1, cells + 1):
        n = (i + 1) // 2
        code = f"const v{n}: number = {n}; v{n} * 2" if i % 2 else f"%%bsql\nSELECT COUNT(*) AS c, SUM(x) AS s FROM (VALUES (1), (2), ({n})) AS t(x)"
        t = time.monotonic()
        reply, _ = run(kc, code, 120)
        dt = time.monotonic() - t
        assert reply["content"]["status"] == "ok", reply["content"]
        (block_ts if i % 2 else block_sql).append(dt)
        if i % block == 0:
            q = sorted(block_ts)
            print(f"{i:>6} {ms(statistics.median(q)):>8} {ms(q[int(len(q) * 0.9)]):>8} {ms(statistics.median(block_sql)):>8} {tree_rss_mb(pid):>8.0f} {loadavg():>5}", flush=True)
            ts.extend(block_ts)
            sql.extend(block_sql)
            block_ts, block_sql = [], []
    print(f"total {time.monotonic() - t_all:.0f} s; TS p50 over all {ms(statistics.median(ts))}, SQL p50 over all {ms(statistics.median(sql))}")
    shutdown(km, kc)


if "--long" in sys.argv:
    at = sys.argv.index("--long")
    long_session(int(sys.argv[at + 1]) if len(sys.argv) > at + 1 else 400)
    sys.exit(0)

km, kc, ready = start(timeout=180)
t0 = time.monotonic() - ready
msg_id = kc.execute("1 + 1")
reply_for(kc, msg_id, 180)
first_reply = time.monotonic() - t0
collect(kc, msg_id)

info_rtt = []
for i in range(30):
    t = time.monotonic()
    mid = kc.kernel_info()
    reply_for(kc, mid)
    collect(kc, mid)
    info_rtt.append(time.monotonic() - t)

trivial = []
for i in range(40):
    t = time.monotonic()
    run(kc, f"{i} + 1")
    trivial.append(time.monotonic() - t)
trivial = trivial[5:]

sql = []
for i in range(6):
    t = time.monotonic()
    reply, _ = run(kc, f"%%bsql\nSELECT COUNT(*) AS c, SUM(x) AS s FROM (VALUES (1), (2), ({i})) AS t(x)")
    assert reply["content"]["status"] == "ok", reply["content"]
    sql.append(time.monotonic() - t)

run(kc, "%%sql\nCREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000000')")
first_rows = []
for i in range(4):
    t = time.monotonic()
    msg_id = kc.execute("%%sql\nSELECT id FROM ticks")
    while True:
        m = next_iopub(kc, msg_id, 60)
        if m["msg_type"] in ("display_data", "update_display_data") and "|  1 |" in m["content"]["data"].get("text/plain", ""):
            first_rows.append(time.monotonic() - t)
            break
    interrupt = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(interrupt)
    kc.control_channel.get_msg(timeout=10)
    reply_for(kc, msg_id, 30)
    collect(kc, msg_id)

shutdown(km, kc)

with open("/proc/loadavg") as f:
    print(f"machine load average (1 min) at the end:  {f.read().split()[0]}  on {os.cpu_count()} cores")
print(f"kernel start -> kernel_info ready:         {ms(ready)}")
print(f"kernel start -> first execute_reply:       {ms(first_reply)}   (target <= 3000 ms)")
print(f"kernel_info round trip (protocol only):  p50 {ms(statistics.median(info_rtt))}")
print(f"trivial cell round trip (n={len(trivial)}):        p50 {ms(statistics.median(trivial))}, p90 {ms(sorted(trivial)[int(len(trivial) * 0.9)])}   (target p50 <= 30 ms)")
print(f"bounded %%bsql cell round trip (n={len(sql)}):    first {ms(sql[0])}, p50 {ms(statistics.median(sql[1:]))}")
print(f"first streaming row displayed (n={len(first_rows)}):   first {ms(first_rows[0])}, p50 of the rest {ms(statistics.median(first_rows[1:]))}   (target <= 1000 ms)")

"""Kernel benchmark driver (jupyter_client): start-up, trivial cell, bounded SQL, first streaming row.

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

msg = kc.session.msg("shutdown_request", {"restart": False})
kc.control_channel.send(msg)
kc.control_channel.get_msg(timeout=60)
kc.stop_channels()
deadline = time.monotonic() + 20
while km.is_alive() and time.monotonic() < deadline:
    time.sleep(0.05)
km.cleanup_resources()

with open("/proc/loadavg") as f:
    print(f"machine load average (1 min) at the end:  {f.read().split()[0]}  on {os.cpu_count()} cores")
print(f"kernel start -> kernel_info ready:         {ms(ready)}")
print(f"kernel start -> first execute_reply:       {ms(first_reply)}   (target <= 3000 ms)")
print(f"kernel_info round trip (protocol only):  p50 {ms(statistics.median(info_rtt))}")
print(f"trivial cell round trip (n={len(trivial)}):        p50 {ms(statistics.median(trivial))}, p90 {ms(sorted(trivial)[int(len(trivial) * 0.9)])}   (target p50 <= 30 ms)")
print(f"bounded %%bsql cell round trip (n={len(sql)}):    first {ms(sql[0])}, p50 {ms(statistics.median(sql[1:]))}")
print(f"first streaming row displayed (n={len(first_rows)}):   first {ms(first_rows[0])}, p50 of the rest {ms(statistics.median(first_rows[1:]))}   (target <= 1000 ms)")

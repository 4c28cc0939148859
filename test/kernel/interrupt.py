"""Interrupts (interrupt_request on control, and SIGINT) of unbounded streaming queries, history
across kernel restarts, restart=true, and shutdown. Prints one JSON record.

Usage: python interrupt.py <kernel-stderr-file>
"""
import json
import signal
import sys
import time

from harness import alive, collect, descendants, emit, log, next_iopub, reply_for, run, running_jobs, start, summary, text_result

out = {}
km, kc, out["ready_s"] = start(stderr_path=sys.argv[1])

reply, msgs = run(kc, "const keep = 41; session.webUi")
web_ui = json.loads(text_result(msgs).replace("'", '"'))
out["web_ui"] = web_ui
run(kc, "%%sql\nCREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000000')")


def first_row_then_interrupt(label, interrupt):
    """Starts an unbounded query, waits for a row on screen, interrupts; records timings."""
    t0 = time.monotonic()
    msg_id = kc.execute("%%sql\nSELECT id FROM ticks")
    seen = []
    first_row_s = None
    display_ids = set()
    while first_row_s is None:
        m = next_iopub(kc, msg_id, 60)
        seen.append(m)
        if m["msg_type"] in ("display_data", "update_display_data"):
            display_ids.add(m["content"]["transient"].get("display_id"))
            if "|  1 |" in m["content"]["data"]["text/plain"] or "| 1 |" in m["content"]["data"]["text/plain"]:
                first_row_s = time.monotonic() - t0
    jobs_while_running = running_jobs(web_ui)
    t1 = time.monotonic()
    interrupt_reply = interrupt()
    reply = reply_for(kc, msg_id, 30)
    reply_s = time.monotonic() - t1
    cancelled_s = None
    while time.monotonic() - t1 < 10:
        if not running_jobs(web_ui):
            cancelled_s = time.monotonic() - t1
            break
        time.sleep(0.05)
    seen += collect(kc, msg_id)
    out[label] = {
        "first_row_s": first_row_s,
        "jobs_while_running": len(jobs_while_running),
        "interrupt_reply": interrupt_reply,
        "reply": reply["content"],
        "reply_after_interrupt_s": reply_s,
        "jobs_cancelled_after_s": cancelled_s,
        "display_ids": sorted(i for i in display_ids if i),
        "iopub_types": [m["msg_type"] for m in seen],
        "last_display": [m["content"]["data"]["text/plain"] for m in seen if m["msg_type"] in ("display_data", "update_display_data")][-1],
    }
    log(label, out[label]["reply"]["status"], reply_s, cancelled_s)


def by_message():
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    r = kc.control_channel.get_msg(timeout=10)
    return {"msg_type": r["msg_type"], "content": r["content"], "parent": r["parent_header"]["msg_id"] == msg["header"]["msg_id"]}


def by_signal():
    km.signal_kernel(signal.SIGINT)
    return None


first_row_then_interrupt("interrupt_message", by_message)
reply, msgs = run(kc, "keep + 1")
out["after_interrupt"] = {"reply": reply["content"], "value": text_result(msgs)}
first_row_then_interrupt("interrupt_sigint", by_signal)
reply, msgs = run(kc, "%%sql\nSELECT COUNT(*) AS c FROM (VALUES (1), (2)) AS t(x)")
out["after_sigint"] = {"reply": reply["content"], "iopub": summary(msgs)}

# SIGINT also breaks synchronous code (the event loop is blocked, so only a signal can reach it)
msg_id = kc.execute("while (true) {}")
time.sleep(1.5)
t1 = time.monotonic()
km.signal_kernel(signal.SIGINT)
reply = reply_for(kc, msg_id, 30)
out["sync_loop_sigint"] = {"reply": reply["content"], "seconds": time.monotonic() - t1}
collect(kc, msg_id)

# history of earlier kernel sessions is on disk
msg_id = kc.history(hist_access_type="range", session=-1, start=1, stop=3, output=False, raw=True)
out["history_previous_session"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)

# restart=true: the old process goes, a new one answers
old_pid = km.provisioner.pid
km.restart_kernel(now=False)
kc.wait_for_ready(timeout=120)
out["restart_old_pid_alive"] = alive(old_pid)
reply, msgs = run(kc, "typeof keep")
out["after_restart"] = {"reply": reply["content"], "value": text_result(msgs)}

pid = km.provisioner.pid
kids = descendants(pid)
msg = kc.session.msg("shutdown_request", {"restart": False})
kc.control_channel.send(msg)
out["shutdown_reply"] = kc.control_channel.get_msg(timeout=60)["content"]
deadline = time.monotonic() + 20
while alive(pid) and time.monotonic() < deadline:
    time.sleep(0.05)
out["pid_alive_after"] = alive(pid)
time.sleep(0.5)
out["descendants_alive_after"] = [k for k in kids if alive(k)]
kc.stop_channels()
km.cleanup_resources()
emit(out)

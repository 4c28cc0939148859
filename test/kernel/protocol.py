"""Drives one tsflink kernel through every message type; prints a JSON record of what came back.

Usage: python protocol.py <kernel-stderr-file>
"""
import os
import sys
import time

import zmq
from jupyter_client.session import Session

from harness import collect, emit, log, reply_for, run, start, summary

stderr_file = sys.argv[1]
out = {}

km, kc, ready_s = start(stderr_path=stderr_file)
out["ready_s"] = ready_s

# kernel_info on shell and on control
msg_id = kc.kernel_info()
info = reply_for(kc, msg_id)
out["kernel_info"] = info["content"]
out["kernel_info_iopub"] = summary(collect(kc, msg_id))
ctl = kc.session.msg("kernel_info_request", {})
kc.control_channel.send(ctl)
out["kernel_info_control"] = kc.control_channel.get_msg(timeout=30)["msg_type"]


def cell(name, code, **kw):
    t0 = time.monotonic()
    reply, msgs = run(kc, code, **kw)
    out[name] = {
        "reply": reply["content"],
        "reply_parent": reply["parent_header"]["msg_id"],
        "msg_id": reply["parent_header"]["msg_id"],
        "iopub": summary(msgs),
        "iopub_parents": sorted({m["parent_header"]["msg_id"] for m in msgs}),
        "seconds": time.monotonic() - t0,
    }
    log(name, out[name]["reply"]["status"], round(out[name]["seconds"], 3))


cell("value", "const x: number = 40; x + 2")
cell("stream", "console.log('hello'); console.error('careful'); undefined")
cell("display", "await display('shown via display'); await display(tEnv.fromValues([{ a: 1, b: 'x' }]))")
cell("table_result", "tEnv.fromValues([{ k: 'a', v: 1 }, { k: 'b', v: 2 }])")
cell("type_error", "const bad: string = 1;")
cell("runtime_error", "throw new RangeError('boom')")
cell("after_error", "x * 2")

# stop_on_error: the two cells queued behind a failing one are aborted, not run
ids = [
    kc.execute("await new Promise((r) => setTimeout(r, 500)); throw new Error('first fails')"),
    kc.execute("globalThis.ranAfterAbort = true; 1"),
    kc.execute("2"),
]
out["stop_on_error"] = [reply_for(kc, i)["content"] for i in ids]
for i in ids:
    collect(kc, i)
cell("after_abort", "(globalThis as any).ranAfterAbort === true")
# stop_on_error=False: the next queued cell runs
ids = [
    kc.execute("await new Promise((r) => setTimeout(r, 300)); throw new Error('tolerated')", stop_on_error=False),
    kc.execute("'ran anyway'"),
]
out["no_stop_on_error"] = [reply_for(kc, i)["content"] for i in ids]
for i in ids:
    collect(kc, i)

cell("silent", "x + 1000", silent=True)
cell("no_history", "x + 2000", store_history=False)
cell("count_after", "x")

# complete / inspect / is_complete
code = "tEnv.exec"
msg_id = kc.complete(code, len(code))
out["complete"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)
code = "tEnv.executeSql"
msg_id = kc.inspect(code, len(code))
out["inspect"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)
out["is_complete"] = {}
for label, code in [("complete", "1 + 1"), ("incomplete", "function f() {"), ("sql", "%%sql\nSELECT 1"), ("sql_done", "%%sql\nSELECT 1;")]:
    msg_id = kc.is_complete(code)
    out["is_complete"][label] = reply_for(kc, msg_id)["content"]
    collect(kc, msg_id)

# history
msg_id = kc.history(hist_access_type="tail", n=50, output=False, raw=True)
out["history_tail"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)
msg_id = kc.history(hist_access_type="search", pattern="const x*", output=False, raw=True)
out["history_search"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)

# comm_info
msg = kc.session.msg("comm_info_request", {})
kc.shell_channel.send(msg)
r = reply_for(kc, msg["header"]["msg_id"])
out["comm_info"] = {"msg_type": r["msg_type"], "content": r["content"]}
collect(kc, msg["header"]["msg_id"])

# badly signed and unsigned messages on shell: no reply, logged, kernel stays alive
ctx = zmq.Context.instance()
bad = ctx.socket(zmq.DEALER)
bad.linger = 0
bad.connect(f"{km.transport}://{km.ip}:{km.shell_port}")
rejected = []
for label, key in [("bad_signature", b"not-the-key"), ("unsigned", b"")]:
    s = Session(key=key, username="intruder")
    m = s.msg("execute_request", {"code": "globalThis.pwned = true", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    s.send(bad, m)
    rejected.append(m["header"]["msg_id"])
got_reply = bad.poll(3000)
out["bad_signature_replied"] = bool(got_reply)
cell("after_bad_signature", "(globalThis as any).pwned === true")
bad.close()

# SQL cells: update mode updates one display in place; clear mode uses clear_output; batch SQL
cell("sql_ddl", "%%sql\nCREATE TEMPORARY VIEW words AS SELECT * FROM (VALUES ('a'), ('b'), ('a')) AS t(w)")
cell("sql_update", "%%sql type=update refreshInterval=100\nSELECT w, COUNT(*) AS n FROM words GROUP BY w")
cell("sql_clear", "%%sql type=update liveDisplay=clear\nSELECT w, COUNT(*) AS n FROM words GROUP BY w")
cell("bsql", "%%bsql\nSHOW TABLES")
cell("arrow", "import { tableFromArrays } from 'apache-arrow';\ntableFromArrays({ id: Int32Array.from([1, 2, 3]), name: ['a', 'b', 'c'] })")
cell("session_web_ui", "session.webUi")

# shutdown: reply on control, the process and everything it started are gone
pid = km.provisioner.pid if hasattr(km.provisioner, "pid") else km.provisioner.process.pid
from harness import alive, descendants

kids = descendants(pid)
msg = kc.session.msg("shutdown_request", {"restart": False})
kc.control_channel.send(msg)
t0 = time.monotonic()
out["shutdown_reply"] = kc.control_channel.get_msg(timeout=60)["content"]
deadline = time.monotonic() + 20
while alive(pid) and time.monotonic() < deadline:
    time.sleep(0.05)
out["exit_s"] = time.monotonic() - t0
out["pid_alive_after"] = alive(pid)
time.sleep(0.5)
out["descendants_before"] = kids
out["descendants_alive_after"] = [k for k in kids if alive(k)]
kc.stop_channels()
km.cleanup_resources()
with open(stderr_file) as f:
    out["kernel_stderr_rejections"] = [line.strip() for line in f if "rejected a message" in line]
emit(out)

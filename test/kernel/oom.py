"""A heap-exhausting job in a kernel started with a small session heap (issue 18, item 1): the
error is shown in the cell, with what to do, and the next cells answer. Prints one JSON record.

Then the session's cluster is stopped behind its back (a session that cannot go on): the cell
that finds it gone says that the session was restarted, and the next cells run on the new one,
with tEnv, bEnv, sql and session rebound and earlier TypeScript declarations kept.

Usage: python oom.py <kernel-stderr-file> <kernel build root>
"""
import os
import sys

from harness import emit, log, run, start, summary, text_result, thread_dump

out = {}
km, kc, out["ready_s"] = start(stderr_path=sys.argv[1], env={"TSFLINK_JVM_OPTS": "-Xmx400m"})


def cell(name, code, timeout=180):
    try:
        reply, msgs = run(kc, code, timeout=timeout)
        out[name] = {"reply": reply["content"], "iopub": summary(msgs), "value": text_result(msgs)}
    except Exception as e:  # noqa: BLE001 - a hang is recorded for the assertions, with what the JVM did
        out[name] = {"timeout": repr(e), "dump": thread_dump(km, os.path.join(os.path.dirname(sys.argv[1]), f"{name}-threads.txt"))}
    log(name, out[name].get("reply", {}).get("status"), (out[name].get("value") or "")[:80])


cell("warm", "1 + 1")
# one value larger than the heap: the job's task gets the error at once (a heap filled bit by bit may
# leave the JVM collecting, or the error in another thread: the heap watch's case, test/shell.test.ts)
cell("ddl", "%%sql\nCREATE TEMPORARY TABLE big (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.n.min' = '500000000', 'fields.n.max' = '500000000')")
cell("oom", "%%sql(refreshInterval=2000)\nSELECT CHAR_LENGTH(REPEAT('x', n)) AS len FROM big")
cell("next_ts", "const n: number = 20; n + 22", timeout=60)
cell("next_sql", "%%bsql\nSELECT 1 + 1 AS two", timeout=90)
cell("web_before", "session.webUi")
cell("kill_cluster", "const { LocalClusterFacade } = require(%r);\nawait LocalClusterFacade.stop();\n'stopped'" % (sys.argv[2] + "/dist/src/gateway/facade.js"), timeout=60)
cell("finds_it_gone", "await session.listJobs()", timeout=120)
cell("restarted_sql", "%%bsql\nSELECT 2 + 2 AS four", timeout=90)
cell("restarted_ts", "[session.webUi, n + 1, (await (await tEnv.sqlQuery('SELECT 5 AS five').execute()).toArray()).length]", timeout=90)
km.shutdown_kernel(now=False)
emit(out)

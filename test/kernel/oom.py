"""A heap-exhausting job in a kernel started with a small session heap (issue 18, item 1): the
error is shown in the cell, with what to do, and the next cells answer. Prints one JSON record.

Then the session's cluster is stopped behind its back (a session that cannot go on): the cell
that finds it gone says that the session was restarted, and the next cells run on the new one,
with tEnv, bEnv, sql and session rebound and earlier TypeScript declarations kept.

Usage: python oom.py <kernel-stderr-file> <kernel build root>
"""
import sys

from harness import emit, log, run, start, summary, text_result

out = {}
km, kc, out["ready_s"] = start(stderr_path=sys.argv[1], env={"TSFLINK_JVM_OPTS": "-Xmx400m"})


def cell(name, code, timeout=180):
    try:
        reply, msgs = run(kc, code, timeout=timeout)
        out[name] = {"reply": reply["content"], "iopub": summary(msgs), "value": text_result(msgs)}
    except Exception as e:  # noqa: BLE001 - a hang is recorded for the assertions
        out[name] = {"timeout": repr(e)}
    log(name, out[name].get("reply", {}).get("status"), (out[name].get("value") or "")[:80])


cell("warm", "1 + 1")
cell("ddl", "%%sql\nCREATE TEMPORARY TABLE orders (order_id BIGINT, k INT) WITH ('connector' = 'datagen', 'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', 'fields.order_id.end' = '100000000', 'fields.k.min' = '1', 'fields.k.max' = '5')")
cell("oom", "%%sql(refreshInterval=2000)\nSELECT k, COUNT(*) AS c FROM orders GROUP BY k")
cell("next_ts", "const n: number = 20; n + 22", timeout=60)
cell("next_sql", "%%bsql\nSELECT 1 + 1 AS two", timeout=90)
cell("web_before", "session.webUi")
cell("kill_cluster", "const { LocalClusterFacade } = require(%r);\nawait LocalClusterFacade.stop();\n'stopped'" % (sys.argv[2] + "/dist/src/gateway/facade.js"), timeout=60)
cell("finds_it_gone", "await session.listJobs()", timeout=120)
cell("restarted_sql", "%%bsql\nSELECT 2 + 2 AS four", timeout=90)
cell("restarted_ts", "[session.webUi, n + 1, (await (await tEnv.sqlQuery('SELECT 5 AS five').execute()).toArray()).length]", timeout=90)
km.shutdown_kernel(now=False)
emit(out)

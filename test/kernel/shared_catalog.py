"""One catalog per kernel session: what %%sql / tEnv register, %%bsql / bEnv see, and back.

Usage: python shared_catalog.py <kernel-stderr-file>
"""
import sys
import time

from harness import emit, log, run, start, summary

stderr_file = sys.argv[1]
out = {}
km, kc, _ = start(stderr_path=stderr_file)


def cell(name, code, **kw):
    t0 = time.monotonic()
    reply, msgs = run(kc, code, **kw)
    out[name] = {"reply": reply["content"], "iopub": summary(msgs)}
    log(name, reply["content"]["status"], round(time.monotonic() - t0, 3))


# a temporary view made by a streaming paragraph, read by a batch one
cell("sql_view", "%%sql\nCREATE TEMPORARY VIEW shared_v AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) AS t(x, y)")
cell("bsql_reads_view", "%%bsql\nSELECT COUNT(*) AS n, SUM(x) AS s FROM shared_v")
# a view made by a batch paragraph (on the view above), read by a streaming one
cell("bsql_view", "%%bsql\nCREATE VIEW doubled AS SELECT x * 2 AS d FROM shared_v")
cell("sql_reads_view", "%%sql(type=append)\nSELECT d FROM doubled WHERE d > 2")
# a TypeScript UDF and a Table API view registered on tEnv, used from %%bsql and bEnv
cell("ts_register", "tEnv.createTemporarySystemFunction('shout', udf((s) => (s === null ? null : s.toUpperCase() + '!'), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING() }));\n"
     "tEnv.createTemporaryView('from_ts', tEnv.fromValues([{ k: 'z', n: 7 }]));")
cell("bsql_uses_udf", "%%bsql\nSELECT shout(y) AS s FROM shared_v WHERE x = 1")
cell("bsql_reads_ts_view", "%%bsql\nSELECT k, n FROM from_ts")
cell("benv_lists", "[bEnv.listViews().sort().join(','), bEnv.listUserDefinedFunctions().includes('shout')].join(' ')")
# event-time tables made by a streaming paragraph (one temporary): batch reads them (without the
# rowtime attribute, which the batch planner rejects) and streaming windows still see it
for name, temporary in (("ev", ""), ("tev", "TEMPORARY ")):
    cell(f"sql_{name}", f"%%sql\nCREATE {temporary}TABLE {name} (ts TIMESTAMP(3), k INT, WATERMARK FOR ts AS ts) WITH ("
         "'connector' = 'datagen', 'number-of-rows' = '20', 'fields.k.min' = '1', 'fields.k.max' = '1')")
    cell(f"bsql_reads_{name}", f"%%bsql\nSELECT * FROM {name}")
    cell(f"sql_window_{name}", f"%%sql(type=update)\nSELECT SUM(n) AS total FROM (SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE {name}, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end)")
    cell(f"bsql_after_window_{name}", f"%%bsql\nSELECT MAX(k) AS m, COUNT(ts) AS c FROM {name}")
# SET / RESET in a paragraph: session-wide (both environments), RESET back to the session's value
cell("sql_set", "%%sql\nSET 'table.local-time-zone' = 'Asia/Tokyo';\nSET 'pipeline.name' = 'from-sql'")
cell("after_set", "[tEnv.getConfig().get('table.local-time-zone'), bEnv.getConfig().get('pipeline.name')].join(' ')")
cell("bsql_reset", "%%bsql\nRESET 'table.local-time-zone'")
cell("after_reset", "[String(bEnv.getConfig().get('table.local-time-zone')), tEnv.getConfig().get('pipeline.name')].join(' ')")
# a TypeScript UDF module from pure SQL
cell("sql_ts_function", "%%sql\nCREATE TEMPORARY SYSTEM FUNCTION euro AS '../sql-client-fixtures/udfs.ts#toEuro'")
cell("bsql_uses_ts_function", "%%bsql\nSELECT euro(CAST(10 AS DOUBLE)) AS e")
# each environment keeps its own runtime mode
cell("modes", "[tEnv.getConfig().get('execution.runtime-mode'), bEnv.getConfig().get('execution.runtime-mode')].join(' ')")

km.shutdown_kernel(now=True)
emit(out)

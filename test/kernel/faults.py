"""Faults and the process around cells (issue 18): child processes during a TS UDF job (item 9),
listening sockets on loopback only (item 11), interrupting a synchronous loop by message (item 6),
apache-arrow from a notebook folder outside the repo (item 7), errors nobody awaited (item 1).
Prints one JSON record.

Usage: python faults.py <kernel-stderr-file> <notebook-dir>
"""
import os
import signal
import sys
import time

from harness import collect, descendants, emit, log, reply_for, run, start, summary, text_result

out = {}
km, kc, out["ready_s"] = start(stderr_path=sys.argv[1], cwd=sys.argv[2])
pid = km.provisioner.pid


def cell(name, code, timeout=120):
    try:
        reply, msgs = run(kc, code, timeout=timeout)
        out[name] = {"reply": reply["content"], "iopub": summary(msgs), "value": text_result(msgs)}
    except Exception as e:  # noqa: BLE001 - a hang (queue.Empty, TimeoutError) is recorded for the assertions
        out[name] = {"timeout": repr(e)}
    log(name, out[name].get("reply", {}).get("status"), (out[name].get("value") or "")[:80])


# item 7: the notebook's folder has no node_modules; apache-arrow is the one TSFlink hands out
cell("arrow_import", "import { tableFromArrays } from 'apache-arrow';\nconst at = tableFromArrays({ a: Int32Array.from([1, 2, 3]) });\nconst back = await tEnv.fromArrow(at).toArrow();\n[process.cwd(), back.numRows]")

# item 9: a helper child stays alive (as an npm package's would), then a TS UDF job starts
cell("udf_job", """import { exec, execSync, spawn } from 'node:child_process';
const helper = spawn('sleep', ['300'], { stdio: 'ignore' });
const same = udf((x: bigint | null) => x, { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT() });
const ticks = tEnv.from(TableDescriptor.forConnector('datagen').schema(Schema.newBuilder().column('id', DataTypes.BIGINT()).build()).option('rows-per-second', '20').build());
const job = await ticks.select(call(same, $('id')).as('id')).execute();
const rows = job.collect()[Symbol.asyncIterator]();
(await rows.next()).done""")
cell("exec_sync", "execSync('echo ok', { timeout: 10000 }).toString().trim()", timeout=40)
cell("exec_async", "await new Promise<string>((resolve) => exec('echo ok', (err, out) => resolve(err ? String(err) : out.trim())))", timeout=40)


# item 11: every listening TCP socket of the kernel process and its children, while the job runs
def listening_sockets(pids):
    inodes = {}
    for p in pids:
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                try:
                    target = os.readlink(f"/proc/{p}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes[target[8:-1]] = p
        except OSError:
            continue
    found = []
    for table in ("tcp", "tcp6"):
        with open(f"/proc/{pid}/net/{table}") as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                local, state, inode = cols[1], cols[3], cols[9]
                if state == "0A" and inode in inodes:
                    found.append({"table": table, "local": local, "pid": inodes[inode]})
    return found


def address(entry):
    hexaddr, port = entry["local"].split(":")
    port = int(port, 16)
    raw = bytes.fromhex(hexaddr)
    if len(raw) == 4:
        return ".".join(str(b) for b in raw[::-1]), port
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
    full = b"".join(words)
    if full[:12] == b"\0" * 10 + b"\xff\xff":
        return "::ffff:" + ".".join(str(b) for b in full[12:]), port
    return ":".join(full[i:i + 2].hex() for i in range(0, 16, 2)), port


out["listening"] = [dict(zip(("address", "port"), address(e)), pid=e["pid"], own=e["pid"] == pid) for e in listening_sockets([pid, *descendants(pid)])]
cell("udf_job_stop", "await rows.return?.(undefined); helper.kill(); 'stopped'")

# item 1: an error nobody awaited is shown in the cell, the kernel carries on
cell("stray_rejection", "void Promise.reject(new Error('stray failure in a callback'));\nawait new Promise((r) => setTimeout(r, 300));\n'after'")

# item 3: rich display from TypeScript, and rows shown as a table
cell("rich_display", """await display.html('<b>bold</b>');
await display.markdown('# Title');
await display.svg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
await display.png(new Uint8Array([137, 80, 78, 71]));
await display.mime({ 'text/html': '<i>chart</i>', 'application/vnd.vegalite.v5+json': { mark: 'bar' } });
'done'""")
cell("bad_mime", "await display.mime({ 'application/json': 'not an object' })")
cell("rows_literal", "[{ a: 1, b: 'x' }, { a: 2, c: true }]")
cell("rows_collected", "await (await tEnv.sqlQuery('SELECT * FROM (VALUES (1, 2), (3, 4)) AS t(x, y)').execute()).toArray()")

# item 2: charts, of rows here and of a streaming SQL query updated in place
cell("chart_rows", "await display(chart([{ w: 'a', n: 3 }, { w: 'b', n: 5 }], { type: 'bar', x: 'w', y: 'n' }))")
cell("chart_ddl", "%%sql\nCREATE TEMPORARY TABLE ticks_k (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '40', 'fields.k.min' = '1', 'fields.k.max' = '3')")
cell("chart_sql", "%%sql(type=update, chart=bar, x=k, y=c, refreshInterval=300, stopAfter=4000)\nSELECT k, COUNT(*) AS c FROM ticks_k GROUP BY k")
cell("bounded_ddl", "%%bsql\nCREATE TEMPORARY TABLE bounded_k (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '200000', 'rows-per-second' = '50000', 'fields.k.min' = '1', 'fields.k.max' = '3')")
cell("bounded_progress", "%%bsql(refreshInterval=200)\nSELECT k, COUNT(*) AS c FROM bounded_k GROUP BY k")
cell("chart_bad", "%%sql(chart=bar, x=nope, y=c)\nSELECT 1 AS c")

# item 5: errors worth reading
cell("err_location", "const before = 1;\nthrow new RangeError('bad value ' + before)")
cell("err_api", "tEnv.sqlQuery('SELEC 1')")
cell("err_parse", "%%sql\nSELECT * FROM ticks_k WHERE")

# item 8: completions carry their kinds
msg_id = kc.complete("tEnv.executeS", 13)
out["complete_kinds"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)
msg_id = kc.complete("const keepName = 1; keepN", 25)
out["complete_kinds_variable"] = reply_for(kc, msg_id)["content"]
collect(kc, msg_id)

# item 6: a synchronous endless loop, interrupted by interrupt_request (message mode)
cell("keep", "const keep = 41; keep")
msg_id = kc.execute("while (true) {}")
time.sleep(1.5)
t1 = time.monotonic()
msg = kc.session.msg("interrupt_request", {})
kc.control_channel.send(msg)
try:
    ir = kc.control_channel.get_msg(timeout=15)
    out["sync_loop_interrupt_reply"] = ir["content"]
    reply = reply_for(kc, msg_id, 30)
    out["sync_loop"] = {"reply": reply["content"], "seconds": time.monotonic() - t1}
    collect(kc, msg_id)
except Exception as e:  # noqa: BLE001 - recorded for the assertion
    out["sync_loop"] = {"timeout": repr(e)}
    km.signal_kernel(signal.SIGINT)  # unstick the kernel so the rest is still recorded
cell("after_loop", "keep + 1", timeout=30)

km.shutdown_kernel(now=False)
emit(out)

/**
 * Embedded mode (docs/embedded.md) on the real mini-cluster: scalar TypeScript UDFs run in a V8
 * isolate inside the TaskManager's task thread (TSFlink's EmbeddedScalarFunction, Javet), from the
 * Table API and SQL, with the common SQL types, user errors with the TypeScript line, and the
 * open/close lifecycle; async UDFs on a runtime thread with an event loop.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { $, asyncUdf, call, DataTypes, lit, ScalarFunction, Session, udf, UdfPresets, udtf, type FunctionContext, type TableEnvironment } from '../src/index';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rowsOf, sorted, streamingEnv, tempDir } from './helpers';
import { embeddedPlatformProblem } from '../src/api/udf/execution-mode';

let tEnv: TableEnvironment;

beforeAll(async () => {
  tEnv = await streamingEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

/** The plan names the operator Flink uses: a Python calc in process mode, none in embedded mode. */
function planOf(t: { explain(): Promise<string> }): Promise<string> {
  return t.explain();
}

describe('embedded scalar UDFs', () => {
  it('run in the TaskManager JVM from the Table API: no Python operator, no Node worker', async () => {
    const rate = 0.5;
    const pidProbe = typeof process;
    const half = udf((x: number | null) => (x === null ? null : x * rate), {
      inputTypes: [DataTypes.INT()],
      resultType: DataTypes.DOUBLE(),
      mode: 'embedded',
      name: 'half',
    });
    // V8 mode: a bare isolate, no Node.js globals (proof the code does not run in the worker)
    const where = udf(() => `${typeof process}/${pidProbe}`, { inputTypes: [], resultType: DataTypes.STRING(), mode: 'embedded' });
    const t = tEnv.fromValues([{ x: 1 }, { x: 4 }, { x: null }]).select($('x'), call(half, $('x')).as('h'), call(where).as('w'));
    const plan = await planOf(t);
    expect(plan).not.toMatch(/PythonCalc/);
    expect(sorted(await rowsOf(t))).toEqual(
      sorted([
        { x: 1, h: 0.5, w: 'undefined/object' },
        { x: 4, h: 2, w: 'undefined/object' },
        { x: null, h: null, w: 'undefined/object' },
      ]),
    );
  });

  it('class form with open(ctx)/close(), registered for SQL, chained with literals', async () => {
    class Scale extends ScalarFunction<[bigint | null, number | null], bigint | null> {
      factor = 0n;
      open(ctx: FunctionContext): void {
        this.factor = BigInt(ctx.getJobParameter('no.such.key', '10')) + BigInt(ctx.getNumberOfParallelSubtasks() > 0 ? 0 : 1000);
      }
      eval(v: bigint | null, plus: number | null): bigint | null {
        return v === null ? null : v * this.factor + BigInt(plus ?? 0);
      }
    }
    tEnv.createTemporarySystemFunction('emb_scale', udf(new Scale(), { inputTypes: [DataTypes.BIGINT(), DataTypes.INT()], resultType: DataTypes.BIGINT(), mode: 'embedded' }));
    const rows = await rowsOf(tEnv.sqlQuery("SELECT s, emb_scale(emb_scale(s, 1), 2) AS t FROM (VALUES (CAST(3 AS BIGINT)), (CAST(NULL AS BIGINT)), (9007199254740993)) AS v(s)"));
    expect(sorted(rows.map((r) => ({ ...r })))).toEqual(
      sorted([
        { s: 3n, t: 312n },
        { s: null, t: null },
        { s: 9007199254740993n, t: 900719925474099312n },
      ]),
    );
    const lits = await rowsOf(tEnv.fromValues([{ a: 1 }]).select(call('emb_scale', lit(5n), lit(7)).as('r')));
    expect(lits).toEqual([{ r: 57n }]);
  });

  const FIELDS: [string, string][] = [
    ['b', 'BOOLEAN'],
    ['ti', 'TINYINT'],
    ['si', 'SMALLINT'],
    ['i', 'INT'],
    ['bi', 'BIGINT'],
    ['f', 'FLOAT'],
    ['d', 'DOUBLE'],
    ['dec', 'DECIMAL(10, 3)'],
    ['s', 'STRING'],
    ['c', 'CHAR(3)'],
    ['vc', 'VARCHAR(10)'],
    ['vb', 'BYTES'],
    ['dt', 'DATE'],
    ['tm', 'TIME(3)'],
    ['ts', 'TIMESTAMP(3)'],
    ['ltz', 'TIMESTAMP_LTZ(3)'],
    ['arr', 'ARRAY<INT>'],
  ];
  const full: Record<string, unknown> = {
    b: true,
    ti: -7,
    si: 12345,
    i: -2147483648,
    bi: 9007199254740993n,
    f: 1.5,
    d: -0.1,
    dec: '1234567.891',
    s: 'grüße ✓ 🐿️',
    c: 'abc',
    vc: '',
    vb: Uint8Array.of(1, 2, 255),
    dt: new Date('2024-02-29T00:00:00Z'),
    tm: '23:59:58.123',
    ts: new Date('1969-07-20T20:17:40.123Z'),
    ltz: new Date('2024-01-02T03:04:05.678Z'),
    arr: [1, null, -3],
  };
  const nulls = Object.fromEntries(Object.keys(full).map((k) => [k, null]));
  const rowType = DataTypes.of<Record<string, unknown>>(`ROW<${FIELDS.map(([n, t]) => `\`${n}\` ${t}`).join(', ')}>`);
  const source = () => tEnv.fromValues(rowType, [full, nulls]);

  it('identity UDFs return what they get, for each common SQL type and NULL', async () => {
    const projections = FIELDS.map(([n, sql]) => {
      const type = DataTypes.of(sql);
      return call(udf((v: unknown) => v, { inputTypes: [type], resultType: type, name: `eid_${n}`, mode: 'embedded' }), $(n)).as(n);
    });
    const rows = await rowsOf(source().select(...projections));
    expect(rows).toHaveLength(2);
    expect({ ...rows.find((r) => r.b === null)! }).toEqual(nulls);
    expect({ ...rows.find((r) => r.b === true)! }).toEqual(full);
  });

  it('the function sees the JavaScript types process mode documents', async () => {
    const describeArgs = udf(
      (...args: unknown[]) =>
        args
          .map((a) => (a === null ? 'null' : a instanceof Date ? 'Date' : a instanceof Uint8Array ? 'Uint8Array' : Array.isArray(a) ? 'Array' : typeof a))
          .join(','),
      { inputTypes: FIELDS.map(([, sql]) => DataTypes.of(sql)), resultType: DataTypes.STRING(), mode: 'embedded' },
    );
    const rows = await rowsOf(source().filter($('b').isNotNull()).select(call(describeArgs, ...FIELDS.map(([n]) => $(n))).as('types')));
    expect(rows[0].types).toBe('boolean,number,number,number,bigint,number,number,string,string,string,string,Uint8Array,Date,string,Date,Date,Array');
  });

  it("a throwing function fails the job with the user's message and TypeScript line", async () => {
    const explode = udf(
      (x: number) => {
        if (x > 1) throw new RangeError(`too big: ${x}`);
        return x;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'explode' },
    );
    tEnv.createTemporarySystemFunction('emb_explode', explode);
    const failure = rowsOf(tEnv.sqlQuery('SELECT emb_explode(x) AS y FROM (VALUES (1), (2)) AS t(x)'));
    const error = await failure.then(
      () => undefined,
      (e: Error) => e,
    );
    // the line of the throw, found in this file (a fixed number broke whenever lines were added above)
    const line = fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes('throw new RangeError(`too big')) + 1;
    expect(error?.message).toMatch(new RegExp(`TypeScript UDF 'explode' failed: RangeError: too big: 2\\n\\s+at .*test/embedded\\.test\\.ts:${line}:`));
    // no frames of TSFlink's own call glue
    expect(error?.message).not.toMatch(/tsflink-embedded-glue/);
  });

  it('a result of the wrong type names the UDF and the value', async () => {
    const bad = udf((x: number) => `not a number ${x}` as unknown as number, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'badResult', mode: 'embedded' });
    await expect(rowsOf(tEnv.fromValues([{ x: 1 }]).select(call(bad, $('x'))))).rejects.toThrow(
      /TypeScript UDF 'badResult' returned a value that does not match its result type: expected INT, got string 'not a number 1'/,
    );
  });

  it('numbers and booleans take the shared-buffer path: results are range- and type-checked like the general path', async () => {
    const tooBig = udf((x: number) => x * 1e10, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'tooBig', mode: 'embedded' });
    await expect(rowsOf(tEnv.fromValues([{ x: 3 }]).select(call(tooBig, $('x'))))).rejects.toThrow(
      /TypeScript UDF 'tooBig' returned a value that does not match its result type: expected INT, got number 30000000000 \(out of range\)/,
    );
    const notBool = udf((x: number) => (x > 0 ? 'yes' : false) as unknown as boolean, { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.BOOLEAN(), name: 'notBool', mode: 'embedded' });
    await expect(rowsOf(tEnv.fromValues([{ x: 1.5 }]).select(call(notBool, $('x'))))).rejects.toThrow(
      /TypeScript UDF 'notBool' returned a value that does not match its result type: expected BOOLEAN, got string 'yes'/,
    );
    const mixed = udf((b: boolean | null, t: number | null, l: bigint | null, f: number | null) => (b === null ? null : `${b} ${t} ${l} ${f}`), {
      inputTypes: [DataTypes.BOOLEAN(), DataTypes.TINYINT(), DataTypes.BIGINT(), DataTypes.FLOAT()],
      resultType: DataTypes.STRING(),
      mode: 'embedded',
    });
    const sum = udf((b: boolean | null, t: number | null, l: bigint | null, f: number | null) => (b === null ? null : BigInt(t ?? 0) + (l ?? 0n) + BigInt(Math.round(f ?? 0))), {
      inputTypes: [DataTypes.BOOLEAN(), DataTypes.TINYINT(), DataTypes.BIGINT(), DataTypes.FLOAT()],
      resultType: DataTypes.BIGINT(),
      mode: 'embedded',
    });
    const rows = await rowsOf(
      tEnv
        .sqlQuery('SELECT * FROM (VALUES (TRUE, CAST(-7 AS TINYINT), CAST(-9223372036854775800 AS BIGINT), CAST(2.5 AS FLOAT)), (CAST(NULL AS BOOLEAN), CAST(NULL AS TINYINT), CAST(NULL AS BIGINT), CAST(NULL AS FLOAT))) AS t(b, t, l, f)')
        .select(call(mixed, $('b'), $('t'), $('l'), $('f')).as('text'), call(sum, $('b'), $('t'), $('l'), $('f')).as('total')),
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => ({ ...r }))).toEqual(expect.arrayContaining([{ text: 'true -7 -9223372036854775800 2.5', total: -9223372036854775804n }, { text: null, total: null }]));
  });

  it('a call that never returns is stopped after callTimeoutMs and fails the job naming the function; the session goes on', async () => {
    const spin = (x: number): number => {
      while (x > 1) x += 0; // never ends for x > 1
      return x;
    };
    // the shared-buffer path (numbers) and the general path (strings) are both timed
    const spinNumber = udf(spin, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'spinNumber', callTimeoutMs: 1500 });
    const spinText = udf((s: string) => String(spin(s.length)), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), mode: 'embedded', name: 'spinText', callTimeoutMs: 1500 });
    const t0 = Date.now();
    await expect(rowsOf(tEnv.fromValues([{ x: 1 }, { x: 2 }]).select(call(spinNumber, $('x'))))).rejects.toThrow(
      /TypeScript UDF 'spinNumber' ran longer than its call timeout of 1500 ms and was stopped \(a loop that never ends\?\); the udf\(\) option callTimeoutMs sets the limit/,
    );
    await expect(rowsOf(tEnv.fromValues([{ s: 'ab' }]).select(call(spinText, $('s'))))).rejects.toThrow(/TypeScript UDF 'spinText' ran longer than its call timeout of 1500 ms/);
    // fromValues and datagen are legacy sources (a thread of their own); a FLIP-27 source (files here)
    // calls from the task thread, where the runtime holds V8's lock across calls: the stop request
    // gets through there too
    const dir = tempDir('tsflink-spin-rows-');
    fs.writeFileSync(path.join(dir, 'rows.csv'), '1\n2\n3\n');
    await tEnv.executeSql(`CREATE TEMPORARY TABLE spin_rows (x INT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`);
    await expect(rowsOf(tEnv.from('spin_rows').select(call(spinNumber, $('x'))))).rejects.toThrow(/TypeScript UDF 'spinNumber' ran longer than its call timeout of 1500 ms/);
    expect(Date.now() - t0).toBeLessThan(60_000);
    // the task thread came back: the next job runs on the same cluster
    expect(await rowsOf(tEnv.fromValues([{ x: 1 }]).select(call(spinNumber, $('x')).as('y')))).toEqual([{ y: 1 }]);
    expect(() => udf(spin, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'process', callTimeoutMs: 10 })).toThrow(
      /udf: callTimeoutMs limits calls in embedded mode, and this function runs in process mode; remove mode: 'process' or callTimeoutMs/,
    );
    expect(() => asyncUdf(async (x: number) => x, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), callTimeoutMs: 10 })).toThrow(
      /asyncUdf: callTimeoutMs limits calls in embedded mode, and this function runs in process mode; add mode: 'embedded' or remove callTimeoutMs \(in process mode an asyncUdf is bounded by table.exec.async-scalar.timeout\)/,
    );
    expect(() => udf(spin, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', callTimeoutMs: -1 })).toThrow(/callTimeoutMs must be a whole number of milliseconds ≥ 0/);
  });

  it('a function using more JavaScript heap than its maxHeapMb is stopped and fails the job naming the function; the session goes on', async () => {
    // values kept across calls: each call is short, the heap grows row by row
    const kept: number[][] = [];
    const hoard = udf(
      (n: number) => {
        kept.push(new Array(250_000).fill(n)); // about 1 MB a row
        return kept.length;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'hoard', maxHeapMb: 64 },
    );
    // one call allocating without end
    const grow = udf(
      (n: number) => {
        // (not `new Array(k).fill(i)`: V8 drops the stop check from a loop around a builtin call, see docs/embedded.md)
        const all: { i: number }[] = [];
        for (let i = 0; i < n; i++) all.push({ i });
        return all.length;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'grow', maxHeapMb: 64 },
    );
    await tEnv.executeSql(
      "CREATE TEMPORARY TABLE hoard_rows (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2000', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '2000')",
    );
    tEnv.createTemporarySystemFunction('hoard', hoard);
    await expect(rowsOf(tEnv.sqlQuery('SELECT MAX(hoard(n)) AS most FROM hoard_rows'))).rejects.toThrow(
      /TypeScript UDF 'hoard' used more than its JavaScript heap limit of 64 MB and was stopped \(values kept across calls\?\); the udf\(\) option maxHeapMb sets the limit/,
    );
    await expect(rowsOf(tEnv.fromValues([{ n: 50_000_000 }]).select(call(grow, $('n'))))).rejects.toThrow(/TypeScript UDF 'grow' used more than its JavaScript heap limit of 64 MB/);
    // the next job runs on the same cluster, and a function within its limit is untouched
    expect(await rowsOf(tEnv.fromValues([{ n: 1000 }]).select(call(grow, $('n')).as('m')))).toEqual([{ m: 1000 }]);
    expect(() => udf((x: number) => x, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'process', maxHeapMb: 64 })).toThrow(
      /udf: maxHeapMb limits the JavaScript heap in embedded mode, and this function runs in process mode .*; remove mode: 'process' or maxHeapMb/,
    );
    expect(() => udf((x: number) => x, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', maxHeapMb: 0 })).toThrow(/maxHeapMb must be a whole number of megabytes ≥ 1/);
  });

  it("tsflink.udf.execution-mode (UdfPresets.embedded) places functions without a mode of their own; a function's own mode wins", async () => {
    const env = await streamingEnv();
    env.getConfig().addConfiguration(UdfPresets.embedded);
    const plusOne = udf((x: number | null) => (x === null ? null : x + 1), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'plusOne' });
    const pinned = udf((x: number | null) => (x === null ? null : x * 10), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'process', name: 'pinned' });
    const pairs = udtf((x: number | null) => [[x, 0], [x, 1]], {
      inputTypes: [DataTypes.INT()],
      resultType: DataTypes.ROW(DataTypes.FIELD('v', DataTypes.INT()), DataTypes.FIELD('j', DataTypes.INT())),
      name: 'pairs',
    });
    // a closure over the runtime: 'embedded' has no `process` global, the worker has
    // (not deterministic: the planner would otherwise fold the embedded call into a constant)
    const where = udf(() => typeof process, { inputTypes: [], resultType: DataTypes.STRING(), name: 'where', deterministic: false });
    const mixed = env.fromValues([{ x: 1 }, { x: 2 }]).select($('x'), call(plusOne, $('x')).as('a'), call(pinned, $('x')).as('b'), call(where).as('w'));
    const plan = await mixed.explain();
    const execution = plan.slice(plan.indexOf('== Optimized Execution Plan =='));
    // pinned: its own mode; plusOne and where: the environment's option
    expect(execution).toMatch(/PythonCalc\(select=\[x, \*org\.apache\.flink\.table\.functions\.python\.PythonScalarFunction\$\w+\*\(x\) AS f0\]\)/);
    expect(execution).toMatch(/Calc\(select=\[x, \*dev\.tsflink\.embedded\.EmbeddedScalarFunction\$\w+\*\(x\) AS a, f0 AS b, \*dev\.tsflink\.embedded\.EmbeddedScalarFunction\$\w+\*\(\) AS w\]\)/);
    expect(sorted(await rowsOf(mixed))).toEqual([
      { x: 1, a: 2, b: 10, w: 'undefined' },
      { x: 2, a: 3, b: 20, w: 'undefined' },
    ]);
    const lateral = env.fromValues([{ x: 7 }]).joinLateral(call(pairs, $('x'))).select($('v'), $('j'));
    expect(await lateral.explain()).not.toMatch(/PythonCorrelate/);
    expect(sorted(await rowsOf(lateral))).toEqual([{ v: 7, j: 0 }, { v: 7, j: 1 }]);

    // the same functions in an environment without the option: process mode
    const inProcess = tEnv.fromValues([{ x: 1 }]).select(call(plusOne, $('x')).as('a'), call(where).as('w'));
    expect(await inProcess.explain()).toMatch(/PythonCalc/);
    expect(await rowsOf(inProcess)).toEqual([{ a: 2, w: 'object' }]);

    // SQL: a registration takes the mode in force then (SET in the SQL client, kernel and shell sets the option)
    env.createTemporarySystemFunction('where_embedded', where);
    env.getConfig().set('tsflink.udf.execution-mode', 'process');
    env.createTemporarySystemFunction('where_process', where);
    const sql = await env.executeSql('SELECT where_embedded() AS e, where_process() AS p');
    expect(await sql.toArray()).toEqual([{ e: 'undefined', p: 'object' }]);

    env.getConfig().set('tsflink.udf.execution-mode', 'thread');
    expect(() => env.fromValues([{ x: 1 }]).select(call(plusOne, $('x')))).toThrow(
      /tsflink\.udf\.execution-mode must be 'process' or 'embedded', got 'thread' \(PyFlink's thread mode is 'embedded' here\)/,
    );
  });

  it('npm packages the function uses are bundled into its runtime; one needing Node.js built-ins is refused for the v8 engine, naming them', async () => {
    // d3-format: a pure-JS ESM package from node_modules; the v8 engine has no require of its own
    const { format } = (await import('d3-format' as string)) as { format(spec: string): (n: number) => string };
    const money = udf((x: number | null) => (x === null ? null : format('$,.2f')(x)), { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.STRING(), mode: 'embedded', name: 'money' });
    expect(sorted(await rowsOf(tEnv.fromValues([{ x: 1234.5 }, { x: null }]).select(call(money, $('x')).as('m'))))).toEqual(sorted([{ m: '$1,234.50' }, { m: null }]));
    // debug's Node.js build needs 'tty'
    const createDebug = ((await import('debug' as string)) as { default: (ns: string) => unknown }).default;
    const logs = udf((x: number) => (createDebug('t') ? x : x), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'logs' });
    expect(() => logs.toJavaHandle()).toThrow(
      /TypeScript UDF 'logs': npm package 'debug' needs Node\.js's 'tty', which embedded mode's v8 engine does not have; use engine: 'node' \(standalone clusters\) or process mode/,
    );
  });

  it("the node engine refuses to start inside the session's Node.js process (the mini-cluster), with the reason", async () => {
    const viaNode = udf((s: string) => s, { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), mode: 'embedded', engine: 'node', name: 'viaNode' });
    await expect(rowsOf(tEnv.fromValues([{ s: 'abc' }]).select(call(viaNode, $('s')).as('h')))).rejects.toThrow(
      /TypeScript UDF 'viaNode': embedded mode's node engine cannot start inside a Node.js process .*use engine 'v8', or run the job on a standalone cluster/,
    );
  });

  it('where embedded mode cannot run, a function asking for it runs in process mode, with a warning naming why', async () => {
    expect(embeddedPlatformProblem('linux', 'x64')).toBeUndefined();
    expect(embeddedPlatformProblem('darwin', 'arm64')).toBe('embedded mode needs Linux on x86-64 (the Javet native library TSFlink ships), and this machine is darwin/arm64');
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    const warned: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((m: unknown) => void warned.push(String(m)));
    const plus1 = udf((x: number) => x + 1, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'plus1' });
    let t;
    let plan: string;
    try {
      // as on a Mac: the Java function is made (when the expression is) while the platform says darwin
      Object.defineProperty(process, 'platform', { value: 'darwin' });
      t = tEnv.fromValues([{ x: 1 }]).select(call(plus1, $('x')).as('y'));
      tEnv.fromValues([{ x: 2 }]).select(call(plus1, $('x')));
      plan = await planOf(t);
    } finally {
      Object.defineProperty(process, 'platform', platform);
      warn.mockRestore();
    }
    const told = warned.filter((m) => m.includes("'plus1'"));
    expect(told).toEqual([
      `TypeScript UDF 'plus1': embedded mode needs Linux on x86-64 (the Javet native library TSFlink ships), and this machine is darwin/${process.arch}, so it runs in process mode (the Node worker) instead`,
    ]);
    expect(plan).toMatch(/PythonCalc/);
    expect(await rowsOf(t)).toEqual([{ y: 2 }]);
  });

  it('unsupported kinds and types are refused when defined or used', () => {
    expect(() => udf((m: unknown) => m, { inputTypes: [DataTypes.MULTISET(DataTypes.STRING())], resultType: DataTypes.INT(), mode: 'embedded', name: 'counter' }).toJavaHandle()).toThrow(
      /TypeScript UDF 'counter': TypeScript UDFs do not support values of type MULTISET<STRING> \(in either mode/,
    );
    expect(() => udf((x: number) => x, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'threads' as never })).toThrow(/mode must be 'process' or 'embedded'/);
    const bagRows = DataTypes.ROW(DataTypes.FIELD('k', DataTypes.STRING()), DataTypes.FIELD('m', DataTypes.MULTISET(DataTypes.STRING())));
    expect(() => udtf((k: string) => [{ k, m: null }], { inputTypes: [DataTypes.STRING()], resultType: bagRows, mode: 'embedded', name: 'bagRows' }).toJavaHandle()).toThrow(
      /TypeScript UDF 'bagRows': TypeScript UDFs do not support values of type MULTISET<STRING> \(in either mode/,
    );
  });
});

describe('embedded async UDFs: a runtime on a thread of its own, with an event loop', () => {
  it('run in the async calc operator of Flink (no Python operator), many calls in flight on one runtime, timers included', async () => {
    const delayedSquare = asyncUdf(
      async (x: number) => {
        const began = Date.now();
        await new Promise<void>((r) => setTimeout(r, 200));
        let ticks = 0;
        await new Promise<void>((r) => {
          const t = setInterval(() => {
            if (++ticks === 3) {
              clearInterval(t);
              r();
            }
          }, 5);
        });
        await new Promise((r) => setImmediate(r));
        await new Promise<void>((r) => queueMicrotask(r));
        // a cleared timer never fires
        const cleared = setTimeout(() => {
          throw new Error('a cleared timer fired');
        }, 0);
        clearTimeout(cleared);
        // 'late': the 200 ms timer was waited for; 'slow': a timer set after another one fired waited for
        // the loop's idle wakeup instead of its own time
        const took = Date.now() - began;
        return `${x * x}@${took < 200 ? 'early' : took < 900 ? 'late' : 'slow'}@${began}`;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.STRING(), mode: 'embedded', name: 'delayedSquare' },
    );
    const xs = tEnv.fromValues(Array.from({ length: 20 }, (_, i) => ({ x: i })));
    const query = xs.select($('x'), call(delayedSquare, $('x')).as('sq'));
    const plan = await planOf(query);
    expect(plan).toMatch(/AsyncCalc\(select=\[x, \*dev\.tsflink\.embedded\.EmbeddedAsyncScalarFunction\$\w+\*\(x\) AS sq\]\)/);
    expect(plan).not.toMatch(/Python/);
    const rows = await rowsOf(query);
    const began = rows.map((r) => Number(String(r.sq).split('@')[2]));
    expect(sorted(rows.map((r) => ({ x: r.x, sq: String(r.sq).split('@').slice(0, 2).join('@') })))).toEqual(
      sorted(Array.from({ length: 20 }, (_, i) => ({ x: i, sq: `${i * i}@late` }))),
    );
    // calls of 200 ms each are in flight together (Flink's default: up to 10 at once): one after the
    // other, no two would begin within 200 ms
    const first = Math.min(...began);
    expect(began.filter((t) => t - first < 150).length).toBeGreaterThanOrEqual(5);
  });

  it("a rejection, a throw in a timer and a loop that never ends fail the job naming the function and the user's line; the session goes on", async () => {
    const rejects = asyncUdf(
      async (x: number) => {
        await new Promise((r) => setTimeout(r, 10));
        if (x > 1) throw new RangeError(`async too big: ${x}`);
        return x;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'rejects' },
    );
    const xs = () => tEnv.fromValues([{ x: 1 }, { x: 2 }]);
    const error = await rowsOf(xs().select(call(rejects, $('x')))).then(
      () => undefined,
      (e: Error) => e,
    );
    const line = fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes('throw new RangeError(`async too big')) + 1;
    expect(error?.message).toMatch(new RegExp(`TypeScript UDF 'rejects' failed: RangeError: async too big: 2\\n\\s+at .*test/embedded\\.test\\.ts:${line}:`));
    expect(error?.message).not.toMatch(/tsflink-embedded-glue/);

    const timerThrows = asyncUdf(
      (x: number) =>
        new Promise<number>((resolve) => {
          setTimeout(() => {
            throw new TypeError(`timer failed for ${x}`);
          }, 1);
          setTimeout(() => resolve(x), 50);
        }),
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'timerThrows' },
    );
    await expect(rowsOf(xs().select(call(timerThrows, $('x'))))).rejects.toThrow(/TypeScript UDF 'timerThrows' failed in a timer or callback: TypeError: timer failed for \d/);

    const spinsLater = asyncUdf(
      async (x: number) => {
        await new Promise((r) => setTimeout(r, 5));
        while (x > 0) x += 0; // never ends, after the call has returned its Promise
        return x;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', name: 'spinsLater', callTimeoutMs: 1000 },
    );
    await expect(rowsOf(xs().select(call(spinsLater, $('x'))))).rejects.toThrow(/TypeScript UDF 'spinsLater' ran longer than its call timeout of 1000 ms/);
    expect(await rowsOf(xs().filter($('x').isEqual(1)).select(call(rejects, $('x')).as('y')))).toEqual([{ y: 1 }]);
  });
});

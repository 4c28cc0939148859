/**
 * bench/gateway: TSFlink's gateway (java-bridge, in-process JVM) side by side with PyFlink's Py4J
 * gateway, same Flink version (2.3.0), one run, one table.
 *
 *   npm run bench:gateway                 (= node --import ./node_modules/tsx/dist/loader.mjs bench/gateway.ts)
 *   npm run bench:gateway -- --quick      a short smoke run
 *   options: --starts N (cold starts per side, default 3), --no-pyflink, --json
 *
 * PyFlink runs from .venv/pyflink (bench/lib/pyflink-venv.sh creates it) with bench/gateway_pyflink.py.
 * Measured: (a) per-call overhead of tEnv.getConfig().get(key), (b) a 20-call Table API chain,
 * (c) collecting 1e5 rows, (d) session start in a fresh process, (e) RSS growth over 1e6 calls of (a).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pyflinkPython } from './lib/pyflink';
import { formatTable, median, percentile, machineLoad } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';

const ROWS = 100_000;
const DDL = (rows: number) =>
  `CREATE TEMPORARY TABLE gen (id BIGINT, name STRING, v DOUBLE) WITH ('connector' = 'datagen', ` +
  `'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}', ` +
  `'rows-per-second' = '1000000000', 'fields.name.length' = '10', 'fields.v.min' = '0', 'fields.v.max' = '1000')`;
const QUERY = 'SELECT id, name, v FROM gen';
const SQL = { ddl: DDL(ROWS), smallDdl: DDL(3), query: QUERY, rows: ROWS };

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const STARTS = flag('--starts', quick ? 1 : 3);
const CALLS = quick ? 20_000 : 100_000;
const RSS_CALLS = quick ? 100_000 : 1_000_000;
const PY_RSS_CALLS = quick ? 10_000 : 100_000;
const REPS = quick ? 2 : 5;

type Tsf = typeof import('../src/index');

async function tsColdStart(): Promise<{ startMs: number; firstQueryMs: number }> {
  const t0 = performance.now();
  const { EnvironmentSettings, TableEnvironment } = (await import('../src/index')) as Tsf;
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
  const t1 = performance.now();
  await env.executeSql(SQL.smallDdl);
  const rows = await (await env.executeSql('SELECT id FROM gen')).toArray();
  const t2 = performance.now();
  if (rows.length !== 3) throw new Error(`expected 3 rows, got ${rows.length}`);
  const { Session } = await import('../src/session/session');
  await (await Session.running())?.close();
  return { startMs: t1 - t0, firstQueryMs: t2 - t1 };
}

function timeCalls(n: number, f: () => unknown): { medianUs: number; p99Us: number } {
  for (let i = 0; i < Math.min(n, 5000); i++) f();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    f();
    samples[i] = (performance.now() - a) * 1000;
  }
  const s = Array.from(samples);
  return { medianUs: median(s), p99Us: percentile(s, 0.99) };
}

async function tsInSession() {
  const { EnvironmentSettings, TableEnvironment, $, lit } = (await import('../src/index')) as Tsf;
  const { callAsync, callSync } = await import('../src/gateway/jvm');
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
  await env.executeSql(SQL.ddl);

  const configGet = timeCalls(CALLS, () => env.getConfig().get('parallelism.default'));
  const rawCall = timeCalls(CALLS, () => callSync<string>('java.lang.System', 'getProperty', 'java.version'));
  const asyncSamples: number[] = [];
  for (let i = 0; i < (quick ? 500 : 2000) * 2; i++) {
    const a = performance.now();
    await callAsync<string>('java.lang.System', 'getProperty', 'java.version');
    if (i >= (quick ? 500 : 2000)) asyncSamples.push((performance.now() - a) * 1000);
  }
  const asyncCall = { medianUs: median(asyncSamples), p99Us: percentile(asyncSamples, 0.99) };

  const chain = () => {
    const t = env
      .from('gen') // 1
      .select($('id'), $('name'), $('v')) // 2
      .filter($('id').isGreater(10)) // 3
      .addColumns($('id').plus(1).as('d')) // 4
      .renameColumns($('name').as('nm')) // 5
      .where($('v').isNotNull()) // 6
      .select($('id'), $('nm'), $('v'), $('d')) // 7
      .dropColumns($('d')) // 8
      .addColumns(lit(1).as('one')) // 9
      .addOrReplaceColumns($('v').times(2).as('v')) // 10
      .filter($('id').isLess(1000000)) // 11
      .distinct() // 12
      .select($('id'), $('nm'), $('v'), $('one')) // 13
      .addColumns($('nm').charLength().as('len')) // 14
      .where($('len').isGreater(0)) // 15
      .groupBy($('nm')) // 16
      .select($('nm'), $('v').sum().as('s'), $('one').count().as('n')) // 17
      .filter($('n').isGreater(0)) // 18
      .renameColumns($('s').as('total')); // 19
    t.getResolvedSchema(); // 20
    return t;
  };
  for (let i = 0; i < 3; i++) await chain().explain();
  const build: number[] = [];
  const buildExplain: number[] = [];
  for (let i = 0; i < REPS * 4; i++) {
    const a = performance.now();
    const t = chain();
    const b = performance.now();
    await t.explain();
    build.push(b - a);
    buildExplain.push(performance.now() - a);
  }

  const table = env.sqlQuery(QUERY);
  const collectors: Record<string, () => Promise<number>> = {
    'collect()': async () => {
      let n = 0;
      for await (const _ of (await table.execute()).collect()) n++;
      return n;
    },
    'toArray()': async () => (await (await table.execute()).toArray()).length,
    'toArrow()': async () => (await table.toArrow()).numRows,
  };
  const collect: Record<string, number> = {};
  for (const [name, run] of Object.entries(collectors)) {
    await run();
    let best = 0;
    for (let i = 0; i < REPS; i++) {
      const a = performance.now();
      const n = await run();
      const s = (performance.now() - a) / 1000;
      if (n !== ROWS) throw new Error(`${name}: expected ${ROWS} rows, got ${n}`);
      best = Math.max(best, n / s);
    }
    collect[name] = best;
  }

  const cfg = () => env.getConfig().get('parallelism.default');
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  for (let i = 0; i < RSS_CALLS; i++) cfg();
  const rssAfter = process.memoryUsage().rss / 2 ** 20;
  return {
    configGet,
    rawCall,
    asyncCall,
    chain: { buildMs: median(build), buildExplainMs: median(buildExplain) },
    collect,
    rss: { calls: RSS_CALLS, growthMb: rssAfter - rssBefore, rssMb: rssAfter },
  };
}

interface PyResult {
  configGet: { medianUs: number; p99Us: number };
  rawCall: { medianUs: number; p99Us: number };
  chain: { buildMs: number; buildExplainMs: number };
  collectRowsPerSec: { collect: number; to_pandas: number };
  rss: { calls: number; growthMb: number; rssMb: number };
}

function runPy<T>(python: string, pyArgs: string[]): T {
  const r = spawnSync(python, [path.join(__dirname, 'gateway_pyflink.py'), ...pyArgs], {
    env: { ...process.env, TSFLINK_BENCH_SQL: JSON.stringify(SQL) },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`PyFlink bench failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** Each cold start in a fresh Node process (the JVM cannot be restarted inside one). */
function tsColdStartChild(): { startMs: number; firstQueryMs: number } {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child-start'], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`TSFlink cold start failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
}

async function main(): Promise<void> {
  if (args.includes('--child-start')) {
    console.log(JSON.stringify(await tsColdStart()));
    process.exit(0);
  }
  const loadBefore = machineLoad();
  const noPy = args.includes('--no-pyflink');
  const python = noPy ? undefined : pyflinkPython();

  process.stderr.write(`[bench:gateway] cold starts (${STARTS} per side)\n`);
  const tsStarts = [];
  const pyStarts = [];
  for (let i = 0; i < STARTS; i++) {
    tsStarts.push(tsColdStartChild());
    if (python) pyStarts.push(runPy<{ createMs: number; firstQueryMs: number }>(python, ['--start']));
  }
  process.stderr.write('[bench:gateway] TSFlink in-session measurements\n');
  const ts = await tsInSession();
  let py: PyResult | undefined;
  if (python) {
    process.stderr.write('[bench:gateway] PyFlink in-session measurements\n');
    py = runPy<PyResult>(python, ['--calls', String(CALLS), '--rss-calls', String(PY_RSS_CALLS), '--reps', String(REPS)]);
  }
  const loadAfter = machineLoad();

  const f = (x: number | undefined, d = 1) => (x === undefined ? 'n/a' : x.toFixed(d));
  const k = (x: number | undefined) => (x === undefined ? 'n/a' : `${Math.round(x).toLocaleString('en-US')}`);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'MET' : 'MISSED');
  const tsStart = median(tsStarts.map((s) => s.startMs));
  const pyStart = py || pyStarts.length ? median(pyStarts.map((s) => s.createMs)) : undefined;
  const pyBestCollect = py ? Math.max(py.collectRowsPerSec.collect, py.collectRowsPerSec.to_pandas) : undefined;
  const tsBestCollect = Math.max(...Object.values(ts.collect));
  const rows: string[][] = [
    ['(a) getConfig().get() median µs', f(ts.configGet.medianUs, 2), f(py?.configGet.medianUs, 2), '≤ 10 µs', verdict(ts.configGet.medianUs <= 10)],
    ['(a) getConfig().get() p99 µs', f(ts.configGet.p99Us, 2), f(py?.configGet.p99Us, 2), '', ''],
    ['    one String-returning static call, median µs', f(ts.rawCall.medianUs, 2), f(py?.rawCall.medianUs, 2), '', ''],
    ['    the same call awaited (java-bridge async), median µs', f(ts.asyncCall.medianUs, 1), '', '', ''],
    ['(b) 20-call Table API chain, build ms', f(ts.chain.buildMs, 2), f(py?.chain.buildMs, 2), '', ''],
    ['(b) 20-call chain + explain() ms', f(ts.chain.buildExplainMs), f(py?.chain.buildExplainMs), '', ''],
    ...Object.entries(ts.collect).map(([name, v]) => [`(c) collect 1e5 rows, TS ${name} rows/s`, k(v), '', '', '']),
    ['(c) collect 1e5 rows, PyFlink execute().collect() rows/s', '', k(py?.collectRowsPerSec.collect), '', ''],
    ['(c) collect 1e5 rows, PyFlink to_pandas() rows/s', '', k(py?.collectRowsPerSec.to_pandas), '', ''],
    ['(c) best collect rows/s', k(tsBestCollect), k(pyBestCollect), '≥ PyFlink best', verdict(pyBestCollect === undefined ? undefined : tsBestCollect >= pyBestCollect)],
    [`(d) session start ms (median of ${STARTS} cold starts)`, f(tsStart, 0), f(pyStart, 0), '≤ 3000 ms', verdict(tsStart <= 3000)],
    ['(d) then first query (3 rows) ms', f(median(tsStarts.map((s) => s.firstQueryMs)), 0), pyStarts.length ? f(median(pyStarts.map((s) => s.firstQueryMs)), 0) : 'n/a', '', ''],
    [`(e) RSS growth MB over N calls of (a)`, `${f(ts.rss.growthMb)} (N=${ts.rss.calls.toExponential(0)})`, py ? `${f(py.rss.growthMb)} (N=${py.rss.calls.toExponential(0)})` : 'n/a', '≤ 50 MB / 1e6', verdict(ts.rss.growthMb <= 50)],
  ];
  const out = formatTable(['measurement', 'TSFlink', 'PyFlink 2.3.0', 'target', 'TSFlink'], rows);
  console.log(out);
  console.log(
    `notes: TSFlink session start = JVM + MiniCluster ready + first TableEnvironment; PyFlink = TableEnvironment.create incl. gateway JVM ` +
      `start (its mini-cluster only starts at the first job, so compare "then first query" too). PyFlink's get() is ` +
      `several Py4J calls (contains_key + get_string); (e) for PyFlink counts Python + gateway JVM RSS.`,
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; 2 cores.`);
  if (args.includes('--json')) console.log(JSON.stringify({ ts, tsStarts, py, pyStarts }));
  const { Session } = await import('../src/session/session');
  await (await Session.running())?.close();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

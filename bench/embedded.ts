/**
 * bench/embedded: the bench/udf projection (Nexmark-q1 style) with the same one-line UDF three
 * ways, same Flink 2.3.0, same machine, one run, each in a process (and JVM) of its own:
 *   (b) a Java ScalarFunction (Flink's generated code calls it; the ceiling),
 *   (a) a TypeScript UDF in process mode (flink-python's operator + our Node worker, bundles of 1000),
 *   (e) the TypeScript UDF in embedded mode (EmbeddedScalarFunction: a V8 isolate in the task thread).
 *
 *   npm run bench:embedded                  (25 s measured per variant after 5 s of warm-up)
 *   npm run bench:embedded -- --quick       (5 s + 2 s)
 *   options: --seconds N, --warmup N, --only b,a,e
 *
 *   SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids
 *
 * rows/s = rows LatencyProbe counted after the warm-up / the time between the first and last of
 * them; latency = generation in the source to the probe after the UDF (at saturation: the source is
 * unthrottled).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchServicesJar } from './lib/bench-jar';
import { formatTable, machineLoad, type ProbeStats } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(opt('--seconds') ?? (quick ? 5 : 25));
const WARMUP = Number(opt('--warmup') ?? (quick ? 2 : 5));
const ONLY = (opt('--only') ?? 'b,a,e').split(',');

const BIDS_DDL =
  `CREATE TEMPORARY TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, ` +
  `date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT) WITH ('connector' = 'tsflink-bench-bids')`;
const SINK_DDL = `CREATE TEMPORARY TABLE sink (auction BIGINT, bidder BIGINT, price DOUBLE, date_time TIMESTAMP(3), extra STRING) WITH ('connector' = 'blackhole')`;
const PROBE_DDL = `CREATE TEMPORARY SYSTEM FUNCTION latency_probe AS 'dev.tsflink.bench.LatencyProbe' LANGUAGE JAVA`;
const INSERT = `INSERT INTO sink SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids`;

const NAMES: Record<string, string> = {
  b: '(b) Java ScalarFunction',
  a: '(a) TypeScript UDF, process mode (Node worker, bundles of 1000)',
  e: '(e) TypeScript UDF, embedded mode (V8 in the task thread)',
};

type Outcome = ProbeStats | { unavailable: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One variant in this (child) process. */
async function variant(key: string): Promise<ProbeStats> {
  const { callSync } = await import('../src/gateway/jvm');
  const { DataTypes, EnvironmentSettings, TableEnvironment, udf } = await import('../src/index');
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 1, parallelism: 1, classpath: [benchServicesJar()] });
  const file = path.join(os.tmpdir(), `tsflink-bench-embedded-${process.pid}-${key}.json`);
  fs.rmSync(file, { force: true });
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.file', file);
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.warmup.ms', String(WARMUP * 1000));
  await env.executeSql(BIDS_DDL);
  await env.executeSql(SINK_DDL);
  await env.executeSql(PROBE_DDL);
  if (key === 'b') {
    await env.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION toEuro AS 'dev.tsflink.bench.ToEuro' LANGUAGE JAVA`);
  } else {
    // process mode with Flink's default bundle options (as bench/udf's "default" configuration)
    env.getConfig().set('python.fn-execution.bundle.size', '1000');
    env.getConfig().set('python.fn-execution.bundle.time', '1000');
    const toEuro = udf((price: bigint | null) => (price === null ? null : Number(price) * 0.908), {
      inputTypes: [DataTypes.BIGINT()],
      resultType: DataTypes.DOUBLE(),
      mode: key === 'e' ? 'embedded' : 'process',
    });
    env.createTemporarySystemFunction('toEuro', toEuro);
  }
  const result = await env.executeSql(INSERT);
  await sleep((WARMUP + SECONDS) * 1000);
  const status = await result.getJobStatus();
  await result.cancel();
  if (status && status !== 'RUNNING') throw new Error(`job ended early: ${status}`);
  await sleep(1500);
  const { Session } = await import('../src/session/session');
  await (await Session.running())?.close();
  if (!fs.existsSync(file)) throw new Error('the job produced no rows');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeStats;
}

const CHILD_RESULT = 'bench:embedded child result: ';

function inChild(key: string): Outcome {
  process.stderr.write(`[bench:embedded] ${NAMES[key]}\n`);
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...args, '--child', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith(CHILD_RESULT));
  if (!line) return { unavailable: `failed (exit ${r.status}): ${r.stdout.trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` };
  return JSON.parse(line.slice(CHILD_RESULT.length)) as Outcome;
}

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const results = new Map<string, Outcome>();
  for (const key of ONLY) results.set(key, inChild(key));
  const loadAfter = machineLoad();
  const rate = (k: string) => {
    const r = results.get(k);
    return r && 'count' in r && r.seconds > 0 ? r.count / r.seconds : undefined;
  };
  const java = rate('b');
  const rows = [...results].map(([k, r]) => {
    if ('unavailable' in r) return [NAMES[k], 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable];
    const x = rate(k)!;
    return [NAMES[k], r.count.toLocaleString('en-US'), r.seconds.toFixed(1), Math.round(x).toLocaleString('en-US'), java ? `${(x / java).toFixed(2)}×` : 'n/a', r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), ''];
  });
  console.log(formatTable(['variant', 'rows', 'seconds', 'rows/s', 'vs Java', 'p50 ms', 'p99 ms', 'note'], rows));
  const a = rate('a');
  const e = rate('e');
  if (a && e) console.log(`embedded vs process mode: ${(e / a).toFixed(2)}×`);
  console.log(`setup: ${SECONDS} s measured per variant after ${WARMUP} s of warm-up, 1 slot, parallelism 1, unthrottled source (latency at saturation).`);
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; ${os.cpus().length} cores.`);
  process.exit(0);
}

async function childMain(key: string): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await variant(key);
  } catch (e) {
    outcome = { unavailable: (e as Error).message.split('\n')[0].slice(0, 200) };
  }
  console.log(CHILD_RESULT + JSON.stringify(outcome));
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(child) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});

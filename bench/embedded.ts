/**
 * bench/embedded: the bench/udf projection (Nexmark-q1 style) with the same one-line UDF three
 * ways, same Flink 2.3.0, same machine, one run, each in a process (and JVM) of its own:
 *   (b) a Java ScalarFunction (Flink's generated code calls it; the ceiling),
 *   (a) a TypeScript UDF in process mode (flink-python's operator + our Node worker, bundles of 1000),
 *   (e) the TypeScript UDF in embedded mode (EmbeddedScalarFunction: a V8 isolate in the task thread).
 *
 *   npm run bench:embedded                  (25 s measured per variant after 5 s of warm-up)
 *   npm run bench:embedded -- --quick       (5 s + 2 s)
 *   options: --seconds N, --warmup N, --only b,a,e, --no-jni (skip the JNI call-cost table)
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
import { benchArgs } from './lib/args';
import { benchServicesJar, glueJar } from './lib/bench-jar';
import { INSERT, JAVA_TO_EURO_DDL, PROBE_DDL, SINK_DDL, bidsDdl, probeFile, rateOf, readProbe, runThenCancel, useProbe } from './lib/bids';
import { outcomeLine, runVariantChild } from './lib/child';
import { formatTable, machineLoad, type ProbeStats } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';

const { args, quick, opt } = benchArgs();
const SECONDS = Number(opt('--seconds') ?? (quick ? 5 : 25));
const WARMUP = Number(opt('--warmup') ?? (quick ? 2 : 5));
const ONLY = (opt('--only') ?? 'b,a,e').split(',');

const NAMES: Record<string, string> = {
  b: '(b) Java ScalarFunction',
  a: '(a) TypeScript UDF, process mode (Node worker, bundles of 1000)',
  e: '(e) TypeScript UDF, embedded mode (V8 in the task thread)',
};

type Outcome = ProbeStats | { unavailable: string };

/** One variant in this (child) process. */
async function variant(key: string): Promise<ProbeStats> {
  const { DataTypes, EnvironmentSettings, TableEnvironment, udf } = await import('../src/index');
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 1, parallelism: 1, classpath: [benchServicesJar()] });
  const file = probeFile('embedded', key);
  await useProbe(file, WARMUP);
  await env.executeSql(bidsDdl());
  await env.executeSql(SINK_DDL);
  await env.executeSql(PROBE_DDL);
  if (key === 'b') {
    await env.executeSql(JAVA_TO_EURO_DDL);
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
  await runThenCancel(await env.executeSql(INSERT), WARMUP, SECONDS);
  return readProbe(file);
}

const CHILD_RESULT = 'bench:embedded child result: ';

function inChild(key: string): Outcome {
  process.stderr.write(`[bench:embedded] ${NAMES[key]}\n`);
  return runVariantChild<Outcome>(__filename, [...args, '--child', key], CHILD_RESULT, NAMES[key]);
}

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const results = new Map<string, Outcome>();
  for (const key of ONLY) results.set(key, inChild(key));
  const loadAfter = machineLoad();
  const rate = (k: string) => rateOf(results.get(k));
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
  if (!args.includes('--no-jni')) printJniCallCost();
  process.exit(0);
}

/**
 * Why (e) is slower than (a): the cost of one Java → V8 call, in a JVM of its own without Flink
 * (src/jvm/.../bench/JavetCallCost.java), per row when called per row and when 1000 rows share a call.
 */
function printJniCallCost(): void {
  const classpath = [glueJar(), ...fs.readdirSync(path.join(path.dirname(glueJar()), 'lib')).filter((f) => f.startsWith('javet')).map((f) => path.join(path.dirname(glueJar()), 'lib', f))];
  const r = spawnSync('java', ['-cp', classpath.join(path.delimiter), 'dev.tsflink.bench.JavetCallCost'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`JNI call cost: unavailable (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-1)[0]}`);
    return;
  }
  const rows = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => l.split('\t'));
  console.log(`\nJava → V8 call cost (Javet, no Flink; one trivial function, median of 6 rounds of 1,000,000 rows):`);
  console.log(formatTable(['way', 'ns per row'], rows));
}

async function childMain(key: string): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await variant(key);
  } catch (e) {
    outcome = { unavailable: (e as Error).message.split('\n')[0].slice(0, 200) };
  }
  console.log(outcomeLine(CHILD_RESULT, outcome));
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(child) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});

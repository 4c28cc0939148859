/**
 * bench/kafka: Kafka → UDF → Kafka against a real Kafka broker (KRaft, test/services/kafka.ts),
 * same Flink 2.3.0, one run: (a) a TypeScript UDF (our Node worker under flink-python) vs (b) the
 * same logic as a Java ScalarFunction. Each variant runs in a process (and JVM) of its own, with
 * topics of its own on the one broker.
 *
 *   npm run bench:kafka                   (= node --import ./node_modules/tsx/dist/loader.mjs bench/kafka.ts)
 *   npm run bench:kafka -- --quick        a short smoke run (3 s warm-up + 8 s per variant)
 *   options: --seconds N (measured per variant, default 20), --warmup N (default 5),
 *            --rate R (rows/s offered, default 5000; 0 = unthrottled: throughput, with latency at
 *            saturation), --only a,b, --preset default|lowLatency|highThroughput (flink-python's
 *            bundle options for (a), default: Flink's own)
 *
 * Each variant's mini-cluster (3 slots, parallelism 1) runs three jobs at once:
 *   generator  tsflink-bench-bids (gen_ns = System.nanoTime() at generation) → topic in-<v> (JSON)
 *   pipeline   topic in-<v> → toEuro(price) (the UDF under test) → topic out-<v> (JSON)
 *   reader     topic out-<v> → latency_probe(gen_ns, price) → blackhole
 * so latency is end to end: generation → Kafka → the pipeline's UDF → Kafka → a consumer (nanoTime
 * is one clock across the machine). rows/s = rows the reader counted / time between the first and
 * last of them (below --rate means the pipeline did not keep up). The sinks use Kafka's default
 * at-least-once delivery: exactly-once would add up to a checkpoint interval of latency (records
 * become visible when their transaction commits).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UdfPresets } from '../src/api/udf/presets';
import { startKafka } from '../test/services/kafka';
import { benchArgs } from './lib/args';
import { benchServicesJar } from './lib/bench-jar';
import { outcomeLine, runVariantChild } from './lib/child';
import { formatTable, machineLoad, type ProbeStats } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';

const { args, quick, opt } = benchArgs();
const SECONDS = Number(opt('--seconds') ?? (quick ? 8 : 20));
const WARMUP = Number(opt('--warmup') ?? (quick ? 3 : 5));
const RATE = Number(opt('--rate') ?? 5000);
const ONLY = new Set((opt('--only') ?? 'a,b').split(','));
const PRESET = opt('--preset') ?? 'default';
const PRESETS: Record<string, Record<string, string>> = {
  default: { 'python.fn-execution.bundle.size': '1000', 'python.fn-execution.bundle.time': '1000', 'python.fn-execution.arrow.batch.size': '1000' },
  lowLatency: { ...UdfPresets.lowLatency },
  highThroughput: { ...UdfPresets.highThroughput },
};
if (!PRESETS[PRESET]) throw new Error(`unknown --preset '${PRESET}' (${Object.keys(PRESETS).join(', ')})`);

type Outcome = ProbeStats | { unavailable: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const kafkaTable = (name: string, topic: string, columns: string, bootstrap: string, source: boolean) =>
  `CREATE TEMPORARY TABLE ${name} (${columns}) WITH ('connector' = 'kafka', 'topic' = '${topic}', ` +
  `'properties.bootstrap.servers' = '${bootstrap}', 'format' = 'json'` +
  (source ? `, 'properties.group.id' = '${name}', 'scan.startup.mode' = 'earliest-offset'` : '') +
  `)`;

/** One variant ('a' or 'b'), run in this process against the broker at `bootstrap`. */
async function variant(key: string, bootstrap: string): Promise<Outcome> {
  const { callSync } = await import('../src/gateway/jvm');
  const { DataTypes, EnvironmentSettings, TableEnvironment, udf } = await import('../src/index');
  const { Session } = await import('../src/session/session');
  const env = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { slots: 3, parallelism: 1, classpath: [benchServicesJar()], connectors: ['kafka'] });
  const file = path.join(os.tmpdir(), `tsflink-bench-kafka-${process.pid}-${key}.json`);
  fs.rmSync(file, { force: true });
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.file', file);
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.warmup.ms', String(WARMUP * 1000));
  await env.executeSql(
    `CREATE TEMPORARY TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT) ` +
      `WITH ('connector' = 'tsflink-bench-bids'${RATE > 0 ? `, 'rows-per-second' = '${RATE}'` : ''})`,
  );
  await env.executeSql(kafkaTable('gen_out', `in-${key}`, 'auction BIGINT, bidder BIGINT, price BIGINT, gen_ns BIGINT', bootstrap, false));
  await env.executeSql(kafkaTable('pipe_in', `in-${key}`, 'auction BIGINT, bidder BIGINT, price BIGINT, gen_ns BIGINT', bootstrap, true));
  await env.executeSql(kafkaTable('pipe_out', `out-${key}`, 'auction BIGINT, bidder BIGINT, price DOUBLE, gen_ns BIGINT', bootstrap, false));
  await env.executeSql(kafkaTable('reader_in', `out-${key}`, 'auction BIGINT, bidder BIGINT, price DOUBLE, gen_ns BIGINT', bootstrap, true));
  await env.executeSql(`CREATE TEMPORARY TABLE sink (price DOUBLE) WITH ('connector' = 'blackhole')`);
  await env.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION latency_probe AS 'dev.tsflink.bench.LatencyProbe' LANGUAGE JAVA`);
  if (key === 'a') {
    const toEuro = udf((price: bigint | null) => (price === null ? null : Number(price) * 0.908), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.DOUBLE() });
    env.createTemporarySystemFunction('toEuro', toEuro);
  } else {
    await env.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION toEuro AS 'dev.tsflink.bench.ToEuro' LANGUAGE JAVA`);
  }
  // the reader and the pipeline first, so they are waiting when the generator's first rows arrive
  const reader = await env.executeSql('INSERT INTO sink SELECT latency_probe(gen_ns, price) FROM reader_in');
  const pipeline = await (async () => {
    for (const [k, v] of Object.entries(key === 'a' ? PRESETS[PRESET] : {})) env.getConfig().set(k, v);
    return env.executeSql('INSERT INTO pipe_out SELECT auction, bidder, toEuro(price) AS price, gen_ns FROM pipe_in');
  })();
  const generator = await env.executeSql('INSERT INTO gen_out SELECT auction, bidder, price, gen_ns FROM bids');
  const jobs = [generator, pipeline, reader];
  // the probe skips --warmup seconds from the reader's first row and writes its file from the first
  // row it counts on: from there, measure
  const started = Date.now();
  while (!fs.existsSync(file) && Date.now() - started < 120_000 + WARMUP * 1000) await sleep(200);
  await sleep(SECONDS * 1000);
  const states = await Promise.all(jobs.map((j) => j.getJobStatus()));
  for (const j of jobs) await j.cancel().catch(() => undefined);
  if (states.some((s) => s && s !== 'RUNNING')) throw new Error(`a job ended early: ${states.join(', ')}`);
  await sleep(1500);
  await (await Session.running())?.close();
  if (!fs.existsSync(file)) throw new Error('the reader saw no rows');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeStats;
}

const CHILD_RESULT = 'bench:kafka child result: ';

function variantInChild(key: string, bootstrap: string, label: string): Outcome {
  process.stderr.write(`[bench:kafka] ${label}\n`);
  return runVariantChild<ProbeStats>(__filename, [...args, '--child', key, '--bootstrap', bootstrap], CHILD_RESULT, label);
}

async function childMain(key: string): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await variant(key, opt('--bootstrap')!);
  } catch (e) {
    outcome = { unavailable: (e as Error).message.split('\n')[0].slice(0, 160) };
  }
  console.log(outcomeLine(CHILD_RESULT, outcome));
  process.exit(0);
}

async function main(): Promise<void> {
  process.stderr.write('[bench:kafka] starting a Kafka broker\n');
  const kafka = await startKafka();
  const results: Record<string, Outcome> = {};
  const names: Record<string, string> = { a: '(a) TypeScript UDF (Node worker)', b: '(b) Java ScalarFunction' };
  const loadBefore = machineLoad();
  try {
    for (const key of ['b', 'a'].filter((k) => ONLY.has(k))) {
      await kafka.createTopic(`in-${key}`);
      await kafka.createTopic(`out-${key}`);
      results[key] = variantInChild(key, kafka.bootstrap, names[key]);
    }
  } finally {
    await kafka.stop();
  }
  const loadAfter = machineLoad();
  const rate = (k: string) => {
    const r = results[k];
    return r && 'count' in r && r.seconds > 0 ? r.count / r.seconds : undefined;
  };
  const rows = Object.entries(results).map(([k, r]) =>
    'unavailable' in r
      ? [names[k], 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', r.unavailable]
      : [names[k], r.count.toLocaleString('en-US'), r.seconds.toFixed(1), Math.round(r.count / r.seconds).toLocaleString('en-US'), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), ''],
  );
  console.log(formatTable(['variant', 'rows', 'seconds', 'rows/s', 'e2e p50 ms', 'e2e p99 ms', 'note'], rows));
  const [a, b] = [rate('a'), rate('b')];
  if (a !== undefined && b !== undefined) console.log(`TS vs Java (rows/s): ${(a / b).toFixed(2)}×`);
  console.log(
    `setup: Kafka 4.1.1 (one KRaft broker on loopback), ${SECONDS} s measured per variant after ${WARMUP} s of warm-up, ` +
      `${RATE > 0 ? `${RATE} rows/s offered` : 'unthrottled generator (latency at saturation)'}; generator, pipeline and reader jobs in one mini-cluster, ` +
      `parallelism 1 each; (a)'s flink-python bundle options: ${PRESET} (${Object.entries(PRESETS[PRESET]).map(([k, v]) => `${k.replace('python.fn-execution.', '')} ${v}`).join(', ')}).`,
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; ${os.cpus().length} cores.`);
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(child) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});

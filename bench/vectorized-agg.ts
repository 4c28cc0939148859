/**
 * bench/vectorized-agg: a batch GROUP BY over bench/udf's bids, bounded to N rows (default 1e7),
 * with a mean of the price three ways, same Flink 2.3.0, same machine, one run, each variant in a
 * process (and JVM) of its own: (v) a vectorized TypeScript UDAF (one call per group with its
 * column as an Arrow vector; flink-python's batch Arrow group-aggregate operator), (p) PyFlink's
 * pandas UDAF (the same operator, pandas.Series per group; .venv/pyflink), (j) a Java
 * AggregateFunction (BenchAvg).
 *
 *   npm run bench:vectorized-agg              (= node --import ./node_modules/tsx/dist/loader.mjs bench/vectorized-agg.ts)
 *   options: --rows N (default 10000000), --only v,p,j, --quick (1e6 rows)
 *
 *   INSERT INTO sink SELECT auction, mean(price) FROM bids GROUP BY auction      (batch mode, 1,000 auctions)
 *
 * rows/s = N / the job's wall time from submission to its end (planning and scheduling included,
 * alike for every variant).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type * as arrow from 'apache-arrow';
import { JVM_TUNING_OPTIONS } from '../src/gateway/jvm-tuning';
import { benchArgs } from './lib/args';
import { benchServicesJar, glueJar } from './lib/bench-jar';
import { reportVariant, runVariantChild } from './lib/child';
import { pyflinkPython } from './lib/pyflink';
import { formatTable, machineLoad, ratioAgainst } from './lib/report';

process.env.TSFLINK_QUIET ??= '1';

const { args, quick, opt } = benchArgs();
const ROWS = Number(opt('--rows') ?? (quick ? 1e6 : 1e7));
const ONLY = new Set((opt('--only') ?? 'v,p,j').split(','));

const BIDS_DDL =
  `CREATE TEMPORARY TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, ` +
  `date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT) WITH ('connector' = 'tsflink-bench-bids', 'number-of-rows' = '${ROWS}')`;
const SINK_DDL = `CREATE TEMPORARY TABLE sink (auction BIGINT, mean_price DOUBLE) WITH ('connector' = 'blackhole')`;
const INSERT = 'INSERT INTO sink SELECT auction, mean(price) FROM bids GROUP BY auction';
const JAVA_MEAN_DDL = `CREATE TEMPORARY SYSTEM FUNCTION mean AS 'dev.tsflink.bench.BenchAvg' LANGUAGE JAVA`;

interface Timing {
  seconds: number;
}
type Outcome = Timing | { unavailable: string };

/** (v) or (j), run in this (child) process. */
async function variant(key: string): Promise<Timing> {
  const { DataTypes, EnvironmentSettings, TableEnvironment, vectorizedUdaf } = await import('../src/index');
  const env = await TableEnvironment.create(EnvironmentSettings.inBatchMode(), { slots: 1, parallelism: 1, classpath: [benchServicesJar()] });
  await env.executeSql(BIDS_DDL);
  await env.executeSql(SINK_DDL);
  if (key === 'v') {
    env.createTemporarySystemFunction(
      'mean',
      vectorizedUdaf(
        (price: arrow.Vector) => {
          // the source has no NULL prices
          const p = price.toArray() as BigInt64Array;
          let sum = 0;
          for (let i = 0; i < p.length; i++) sum += Number(p[i]);
          return p.length === 0 ? null : sum / p.length;
        },
        { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.DOUBLE() },
      ),
    );
  } else {
    await env.executeSql(JAVA_MEAN_DDL);
  }
  const t0 = process.hrtime.bigint();
  await (await env.executeSql(INSERT)).await();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const CHILD_RESULT = 'bench:vectorized-agg child result: ';

function childMain(key: string): Promise<never> {
  return reportVariant(CHILD_RESULT, () => variant(key));
}

/** (p): bench/vectorized_agg_pyflink.py in a process of its own. */
function pyflinkVariant(): Outcome {
  // the environment this bench started with (no TSFlink session ran in this process)
  const r = spawnSync(pyflinkPython(), [path.join(__dirname, 'vectorized_agg_pyflink.py')], {
    env: {
      ...process.env,
      JVM_ARGS: JVM_TUNING_OPTIONS.join(' '),
      TSFLINK_BENCH_JARS: [glueJar(), benchServicesJar()].join(';'),
      TSFLINK_BENCH_SQL: JSON.stringify({ bids: BIDS_DDL, sink: SINK_DDL, insert: INSERT }),
    },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) return { unavailable: `PyFlink failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Timing;
}

async function main(): Promise<void> {
  const names: Record<string, string> = {
    j: '(j) Java AggregateFunction',
    v: '(v) TypeScript vectorized UDAF (Arrow)',
    p: '(p) PyFlink pandas UDAF',
  };
  const loadBefore = machineLoad();
  const results: Record<string, Outcome> = {};
  for (const k of ['j', 'v', 'p']) {
    if (!ONLY.has(k)) continue;
    process.stderr.write(`[bench:vectorized-agg] ${names[k]}\n`);
    results[k] = k === 'p' ? pyflinkVariant() : runVariantChild<Outcome>(__filename, [...args, '--child', k], CHILD_RESULT, names[k]);
  }
  const loadAfter = machineLoad();
  const rate = (k: string) => {
    const r = results[k];
    return r && !('unavailable' in r) ? ROWS / r.seconds : undefined;
  };
  const rows = Object.entries(results).map(([k, r]) =>
    'unavailable' in r ? [names[k], 'n/a', 'n/a', r.unavailable] : [names[k], r.seconds.toFixed(1), Math.round(ROWS / r.seconds).toLocaleString('en-US'), ''],
  );
  console.log(formatTable(['variant', 'seconds', 'rows/s', 'note'], rows));
  console.log(`TS vectorized vs PyFlink pandas UDAF: ${ratioAgainst(rate('v'), rate('p'), 2)}`);
  console.log(`TS vectorized vs Java:               ${ratioAgainst(rate('v'), rate('j'), 0.5)}`);
  console.log(
    `setup: ${ROWS.toLocaleString('en-US')} rows, batch mode, 1 slot, parallelism 1, 1,000 auctions (groups); seconds = submission to the job's end, ` +
      'planning and scheduling included; flink-python defaults (bundle.size 1000, arrow.batch.size 1000; an aggregate sees a whole group).',
  );
  console.log(`machine load (1/5/15 min): before ${loadBefore}, after ${loadAfter}; 2 cores.`);
  process.exit(0);
}

const child = opt('--child');
(child ? childMain(child) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});

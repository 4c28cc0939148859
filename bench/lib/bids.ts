/**
 * The query the scalar-UDF benchmarks share (bench/udf, bench/vectorized, bench/embedded): a
 * Nexmark-q1-style projection `toEuro(price)` over the bench jar's generated bids, measured by the
 * LatencyProbe placed after the function under test and written to a JSON file when the job ends.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TableResult } from '../../src/index';
import type { ProbeStats } from './report';

/** The bids source; `rowsPerSecond` > 0 throttles it (0: unthrottled, latency at saturation). */
export function bidsDdl(rowsPerSecond = 0): string {
  return (
    `CREATE TEMPORARY TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, ` +
    `date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT) WITH ('connector' = 'tsflink-bench-bids'` +
    (rowsPerSecond > 0 ? `, 'rows-per-second' = '${rowsPerSecond}'` : '') +
    `)`
  );
}
export const SINK_DDL =
  `CREATE TEMPORARY TABLE sink (auction BIGINT, bidder BIGINT, price DOUBLE, date_time TIMESTAMP(3), extra STRING) ` +
  `WITH ('connector' = 'blackhole')`;
export const PROBE_DDL = `CREATE TEMPORARY SYSTEM FUNCTION latency_probe AS 'dev.tsflink.bench.LatencyProbe' LANGUAGE JAVA`;
export const INSERT = `INSERT INTO sink SELECT auction, bidder, latency_probe(gen_ns, toEuro(price)) AS price, date_time, extra FROM bids`;
export const JAVA_TO_EURO_DDL = `CREATE TEMPORARY SYSTEM FUNCTION toEuro AS 'dev.tsflink.bench.ToEuro' LANGUAGE JAVA`;

/**
 * The JSON workload (Flink 1.15's PyFlink thread-mode post: parse a JSON string of about `bytes`
 * bytes, return one field): the bid as a JSON object, padded to size, built in SQL before the
 * function (the same work for every variant); `jsonPrice(json)` returns its price.
 */
export function jsonInsert(bytes: number): string {
  // {"auction":…,"bidder":…,"price":…,"pad":"…"} is 40 characters plus the three numbers (~14)
  const pad = Math.max(0, bytes - 54);
  const json = `CONCAT('{"auction":', CAST(auction AS STRING), ',"bidder":', CAST(bidder AS STRING), ',"price":', CAST(price AS STRING), ',"pad":"', RPAD('', ${pad}, 'x'), '"}')`;
  return `INSERT INTO sink SELECT auction, bidder, latency_probe(gen_ns, jsonPrice(${json})) AS price, date_time, extra FROM bids`;
}
export const JAVA_JSON_PRICE_DDL = `CREATE TEMPORARY SYSTEM FUNCTION jsonPrice AS 'dev.tsflink.bench.JsonPrice' LANGUAGE JAVA`;

/** A fresh (absent) probe file for one variant of one benchmark. */
export function probeFile(bench: string, variant: string): string {
  const f = path.join(os.tmpdir(), `tsflink-bench-${bench}-${process.pid}-${variant.replace(/\W/g, '')}.json`);
  fs.rmSync(f, { force: true });
  return f;
}

export function readProbe(file: string): ProbeStats {
  if (!fs.existsSync(file)) throw new Error(`the job produced no rows (no ${file})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeStats;
}

/** Points this process's LatencyProbe at `file`, counting only after the warm-up. */
export async function useProbe(file: string, warmupSeconds: number): Promise<void> {
  const { callSync } = await import('../../src/gateway/jvm');
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.file', file);
  callSync('java.lang.System', 'setProperty', 'tsflink.bench.probe.warmup.ms', String(warmupSeconds * 1000));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lets a submitted unbounded job run for warm-up + measured seconds, cancels it (the probe writes
 * its file as the job closes) and closes the session. Returns when the measured part began (epoch
 * ms), for the worker's timing lines. A job that ended by itself is an error: its count would be short.
 */
export async function runThenCancel(result: TableResult, warmupSeconds: number, seconds: number): Promise<number> {
  const measuredFrom = Date.now() + warmupSeconds * 1000;
  await sleep((warmupSeconds + seconds) * 1000);
  const status = await result.getJobStatus();
  await result.cancel();
  if (status && status !== 'RUNNING') throw new Error(`job ended early: ${status}`);
  await sleep(1500);
  const { Session } = await import('../../src/session/session');
  await (await Session.running())?.close();
  return measuredFrom;
}

/** rows/s of an outcome, if it has one. */
export function rateOf(outcome: ProbeStats | { unavailable: string } | undefined): number | undefined {
  return outcome && 'count' in outcome && outcome.seconds > 0 ? outcome.count / outcome.seconds : undefined;
}

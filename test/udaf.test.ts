/**
 * TypeScript aggregate functions on the real mini-cluster: flink-python's group-aggregate operators
 * run our Node worker, which keeps accumulators (and ListView/MapView fields) in Flink's keyed state
 * through the Fn API state service.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  $,
  AggregateFunction,
  call,
  DataTypes,
  ListView,
  lit,
  MapView,
  Session,
  Slide,
  Tumble,
  rowInterval,
  type GroupWindow,
  TableAggregateFunction,
  type RetractableCollector,
  type Counter,
  type FunctionContext,
  udaf,
  asyncUdf,
  udtaf,
  type FlinkError,
  type TableEnvironment,
} from '../src/index';
import { batchEnv, changelogOf, failureOf, rowsOf, sorted, streamingEnv, tempDir, until } from './helpers';
import { expectedSums, PidReportingSum, Sum } from './udaf-fixtures';

let tEnv: TableEnvironment;

beforeAll(async () => {
  tEnv = await streamingEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

const BIDS = DataTypes.ROW(DataTypes.FIELD('auction', DataTypes.STRING()), DataTypes.FIELD('bidder', DataTypes.STRING()), DataTypes.FIELD('price', DataTypes.DOUBLE()));
const bids = () =>
  tEnv.fromValues(BIDS, [
    ['a', 'ann', 10],
    ['b', 'bob', 20],
    ['a', 'cy', 30],
    ['a', 'ann', 50],
    ['b', 'dee', null],
  ]);

interface AvgAcc {
  sum: number;
  count: bigint;
}

class TsAvg extends AggregateFunction<number | null, AvgAcc, [number | null]> {
  createAccumulator(): AvgAcc {
    return { sum: 0, count: 0n };
  }
  accumulate(acc: AvgAcc, price: number | null): void {
    if (price === null) return;
    acc.sum += price;
    acc.count += 1n;
  }
  retract(acc: AvgAcc, price: number | null): void {
    if (price === null) return;
    acc.sum -= price;
    acc.count -= 1n;
  }
  getValue(acc: AvgAcc): number | null {
    return acc.count === 0n ? null : acc.sum / Number(acc.count);
  }
}

const AVG_ACC = DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.DOUBLE()), DataTypes.FIELD('count', DataTypes.BIGINT()));
const tsAvg = () => udaf(new TsAvg(), { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC });

/** Final rows of a changelog: the last value of each key. */
function finalRows(log: [string, Record<string, unknown>][], key: string): Record<string, unknown>[] {
  const byKey = new Map<unknown, Record<string, unknown>>();
  for (const [kind, row] of log) {
    if (kind === '+I' || kind === '+U') byKey.set(row[key], row);
    else byKey.delete(row[key]);
  }
  return sorted([...byKey.values()]);
}

describe('udaf', () => {
  it('runs in SQL GROUP BY next to built-in aggregates, with its state in Flink', async () => {
    tEnv.createTemporarySystemFunction('tsAvg', tsAvg());
    tEnv.createTemporaryView('bids', bids());
    const log = await changelogOf(await tEnv.executeSql('SELECT auction, tsAvg(price) AS avgPrice, COUNT(*) AS n, MAX(price) AS top FROM bids GROUP BY auction'));
    expect(finalRows(log, 'auction')).toEqual([
      { auction: 'a', avgPrice: 30, n: 3n, top: 50 },
      { auction: 'b', avgPrice: 20, n: 2n, top: 20 },
    ]);
  });

  it('Table API groupBy().select() and aggregate()', async () => {
    const f = tsAvg();
    const rows = await rowsOf(bids().groupBy($('auction')).select($('auction'), call(f, $('price')).as('avgPrice')));
    expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
      { auction: 'a', avgPrice: 30 },
      { auction: 'b', avgPrice: 20 },
    ]);
  });

  it('retracts over an updating input (an aggregate of an aggregate)', async () => {
    tEnv.createTemporarySystemFunction('tsAvg2', tsAvg());
    // per bidder totals update as bids arrive; the average over bidders must follow the retractions
    const log = await rowByRow(async () =>
      changelogOf(await tEnv.executeSql(`SELECT tsAvg2(total) AS avgTotal, COUNT(*) AS bidders FROM (SELECT bidder, SUM(price) AS total FROM bids WHERE price IS NOT NULL GROUP BY bidder)`)),
    );
    // one row per bundle: each change of the average is emitted as -U/+U
    expect(log.filter(([k]) => k === '-U').length).toBeGreaterThan(0);
    // ann's total goes 10 → 60: without retract() the average would count her twice (and 4 bidders)
    const last = log.filter(([k]) => k === '+I' || k === '+U').pop()![1];
    expect(last).toEqual({ avgTotal: (60 + 20 + 30) / 3, bidders: 3n });
  });

  it('DISTINCT: each argument value counts once per group, and leaves it with its last copy', async () => {
    tEnv.createTemporarySystemFunction('tsAvgD', tsAvg());
    tEnv.createTemporaryView(
      'revisions',
      tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('k', DataTypes.STRING()), DataTypes.FIELD('id', DataTypes.INT()), DataTypes.FIELD('price', DataTypes.DOUBLE())), [
        ['a', 1, 10],
        ['a', 2, 10],
        ['a', 3, 40],
        ['b', 4, 5],
        ['a', 1, 20], // id 1 is revised: one copy of 10 leaves, 20 enters
        ['a', 3, 20], // id 3 too: 40 leaves for good, a second 20 enters
      ]),
    );
    // the latest price per id is an updating input: the DISTINCT calls see retractions
    const log = await rowByRow(async () =>
      changelogOf(
        await tEnv.executeSql(`SELECT k, tsAvgD(DISTINCT price) AS distinctAvg, tsAvgD(price) AS avgPrice, COUNT(DISTINCT price) AS prices
          FROM (SELECT k, id, LAST_VALUE(price) AS price FROM revisions GROUP BY k, id) GROUP BY k`),
      ),
    );
    expect(finalRows(log, 'k')).toEqual([
      { k: 'a', distinctAvg: (10 + 20) / 2, avgPrice: (20 + 10 + 20) / 3, prices: 2n },
      { k: 'b', distinctAvg: 5, avgPrice: 5, prices: 1n },
    ]);
  });

  it('FILTER (WHERE ...) picks the rows each aggregate sees', async () => {
    tEnv.createTemporarySystemFunction('tsAvgF', tsAvg());
    tEnv.createTemporaryView('fbids', bids());
    const rows = await rowsOf(tEnv.executeSql(`SELECT auction, tsAvgF(price) FILTER (WHERE bidder = 'ann') AS ann, tsAvgF(price) AS allBids FROM fbids GROUP BY auction`));
    expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
      { auction: 'a', ann: 30, allBids: 30 },
      { auction: 'b', ann: null, allBids: 20 },
    ]);
  });

  it('table.exec.state.ttl: an idle key\'s accumulators are cleaned up and it starts afresh', async () => {
    const env = await streamingEnv();
    env.getConfig().set('table.exec.state.ttl', '300 ms').set('python.fn-execution.bundle.size', '1');
    await env.executeSql(`CREATE TEMPORARY TABLE fourIds (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '4',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '4')`);
    // rows a second apart: the source sends them at once, so an async TS UDF releases row n after n s
    // (without blocking the worker, which also runs the aggregate)
    env.createTemporarySystemFunction('slowly', asyncUdf((id: bigint | null) => new Promise<bigint | null>((r) => setTimeout(() => r(id), Number(id) * 1000)), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT() }));
    env.createTemporarySystemFunction('tsSumTtl', udaf(new PidReportingSum(path.join(os.tmpdir(), `tsflink-ttl-${process.pid}`)), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType: DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.BIGINT())) }));
    const log = await changelogOf(await env.executeSql(`SELECT k, tsSumTtl(id) AS total FROM (SELECT 'k' AS k, slowly(id) AS id FROM fourIds) GROUP BY k`));
    // state is kept 300-450 ms: every row finds its key cleaned up, so no -U/+U, only new +I rows
    expect(log).toEqual([1n, 2n, 3n, 4n].map((total) => ['+I', { k: 'k', total }]));
  });

  it('open(ctx) gets the metric group: a UDAF\'s counter is visible in the REST API while the job runs', async () => {
    class Counted extends TsAvg {
      rows?: Counter;
      open(ctx: FunctionContext): void {
        this.rows = ctx.getMetricGroup().addGroup('udaf').counter('tsAggRows');
      }
      override accumulate(acc: AvgAcc, price: number | null): void {
        this.rows!.inc();
        super.accumulate(acc, price);
      }
    }
    const f = udaf(new Counted(), { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC });
    const env = await streamingEnv();
    await env.executeSql(`CREATE TEMPORARY TABLE mticks (k INT, x DOUBLE) WITH ('connector' = 'datagen', 'rows-per-second' = '50', 'fields.k.min' = '1', 'fields.k.max' = '3')`);
    env.createTemporarySystemFunction('counted', f);
    const result = await env.executeSql('SELECT k, counted(x) FROM mticks GROUP BY k');
    try {
      const rest = (await Session.running())!.restAddress;
      const json = async <T>(p: string): Promise<T> => (await (await fetch(`${rest}${p}`)).json()) as T;
      const job = await json<{ vertices: { id: string; name: string }[] }>(`/jobs/${result.jobId}`);
      const vertex = job.vertices.find((v) => /Aggregate/i.test(v.name)) ?? job.vertices[job.vertices.length - 1];
      const id = await until('the UDAF counter', async () => (await json<{ id: string }[]>(`/jobs/${result.jobId}/vertices/${vertex.id}/metrics`)).map((m) => m.id).find((m) => m.endsWith('udaf.tsAggRows')));
      const value = await until('a counted row', async () => {
        const [m] = await json<{ value: string }[]>(`/jobs/${result.jobId}/vertices/${vertex.id}/metrics?get=${encodeURIComponent(id)}`);
        return Number(m?.value ?? 0) > 10 ? Number(m.value) : undefined;
      });
      expect(value).toBeGreaterThan(10);
    } finally {
      await result.cancel();
    }
  });

  it.each(['process', 'embedded'] as const)('without retract() over an updating input, the job fails saying why (%s mode)', async (mode) => {
    const name = `sumNoRetract_${mode}`;
    const noRetract = udaf(
      { createAccumulator: () => ({ sum: 0, count: 0n }), accumulate: (acc: AvgAcc, p: number | null) => void (acc.sum += p ?? 0), getValue: (acc: AvgAcc) => acc.sum },
      { name, inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC, mode },
    );
    tEnv.createTemporarySystemFunction(name, noRetract);
    tEnv.createTemporaryView(`nr_bids_${mode}`, bids());
    const err = await failureOf(tEnv.executeSql(`SELECT ${name}(total) FROM (SELECT bidder, SUM(price) AS total FROM nr_bids_${mode} GROUP BY bidder)`));
    expect(causes(err)).toMatch(new RegExp(`TypeScript UDAF '${name}' has no retract\\(\\) method`));
    expect(await rowsOf(tEnv.sqlQuery('SELECT 1 AS answer'))).toEqual([{ answer: 1 }]);
  });
});

const causes = (e: FlinkError) => e.causes.map((c) => c.message).join('\n');

describe('group windows', () => {
  /** A table of bids (auction, price, seconds past midnight) with event times, from a CSV file. */
  async function timedBids(name: string, rows: (string | number)[][] = STEADY_BIDS, watermarkDelaySeconds = 0): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-udaf-win-'));
    fs.writeFileSync(path.join(dir, 'bids.csv'), rows.map(([a, p, t]) => `${a},${p},2026-12-04 00:00:${String(t).padStart(2, '0')}`).join('\n') + '\n');
    await tEnv.executeSql(`CREATE TEMPORARY TABLE ${name} (auction STRING, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${watermarkDelaySeconds}' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`);
  }
  const STEADY_BIDS = [
    ['a', 10, 1],
    ['b', 20, 3],
    ['a', 30, 8],
    ['a', 50, 12],
    ['b', 40, 14],
    ['a', 70, 25],
  ];
  const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 0, 0, s));

  it('TUMBLE on event time in SQL: one row per key and window, with the window start', async () => {
    await timedBids('tbids');
    tEnv.createTemporarySystemFunction('tsAvgT', tsAvg());
    const rows = await rowsOf(
      tEnv.executeSql(`SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '10' SECOND) AS we, tsAvgT(price) AS avgPrice, COUNT(*) AS n
        FROM tbids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)`),
    );
    expect(sorted(rows.map((r) => ({ ...r })))).toEqual(
      sorted([
        { auction: 'a', ws: at(0), we: at(10), avgPrice: 20, n: 2n },
        { auction: 'b', ws: at(0), we: at(10), avgPrice: 20, n: 1n },
        { auction: 'a', ws: at(10), we: at(20), avgPrice: 50, n: 1n },
        { auction: 'b', ws: at(10), we: at(20), avgPrice: 40, n: 1n },
        { auction: 'a', ws: at(20), we: at(30), avgPrice: 70, n: 1n },
      ]),
    );
  });

  it.each(['process', 'embedded'] as const)('HOP windows from the Table API, with a MapView accumulator (%s mode)', async (mode) => {
    await timedBids(`hbids_${mode}`);
    // a Flink AggregateFunction (embedded mode) needs merge() for HOP windows: the planner says so, with what to do
    if (mode === 'embedded') {
      const noMerge = udaf(new TopBidders(), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: TOP_ACC, mode });
      const window = tEnv.from(`hbids_${mode}`).window(Slide.over(lit(10).seconds()).every(lit(5).seconds()).on($('ts')).as('w')).groupBy($('w'));
      expect((await failureOf(window.select(call(noMerge, $('auction'))).execute())).message).toMatch(/an embedded TypeScript aggregate needs a merge\(acc, others\) method/);
    }
    const top = udaf(mode === 'embedded' ? new MergingTopBidders() : new TopBidders(), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: TOP_ACC, mode });
    const rows = await rowsOf(
      tEnv
        .from(`hbids_${mode}`)
        .window(Slide.over(lit(10).seconds()).every(lit(5).seconds()).on($('ts')).as('w'))
        .groupBy($('w'))
        .select($('w').start().as('ws'), call(top, $('auction')).as('auctions')),
    );
    expect(sorted(rows.map((r) => ({ ...r })))).toEqual(
      sorted([
        { ws: at(-5), auctions: 'a:1,b:1 of 2' },
        { ws: at(0), auctions: 'a:2,b:1 of 3' },
        { ws: at(5), auctions: 'a:2,b:1 of 3' },
        { ws: at(10), auctions: 'a:1,b:1 of 2' },
        { ws: at(20), auctions: 'a:1 of 1' },
        { ws: at(25), auctions: 'a:1 of 1' },
      ]),
    );
  });

  it('DISTINCT in HOP windows: each price counts once per window, each window its own', async () => {
    // prices repeat within and across the overlapping 10 s windows sliding by 5 s
    await timedBids('dbids', [
      ['a', 10, 1],
      ['a', 10, 2],
      ['a', 30, 6],
      ['a', 30, 7],
      ['a', 10, 11],
    ]);
    tEnv.createTemporarySystemFunction('tsAvgHD', tsAvg());
    const rows = await rowsOf(
      tEnv.executeSql(`SELECT HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS ws, tsAvgHD(DISTINCT price) AS distinctAvg, tsAvgHD(price) AS avgPrice
        FROM dbids GROUP BY auction, HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)`),
    );
    expect(sorted(rows.map((r) => ({ ...r })))).toEqual(
      sorted([
        { ws: at(-5), distinctAvg: 10, avgPrice: 10 },
        { ws: at(0), distinctAvg: 20, avgPrice: 20 },
        { ws: at(5), distinctAvg: 20, avgPrice: (30 + 30 + 10) / 3 },
        { ws: at(10), distinctAvg: 10, avgPrice: 10 },
      ]),
    );
  });

  it('DISTINCT in a SESSION window is refused with the reason', async () => {
    await timedBids('sdbids');
    tEnv.createTemporarySystemFunction('tsAvgSD', tsAvg());
    const err = await failureOf(tEnv.executeSql(`SELECT tsAvgSD(DISTINCT price) AS a FROM sdbids GROUP BY auction, SESSION(ts, INTERVAL '5' SECOND)`));
    expect(causes(err)).toMatch(/DISTINCT calls of 'TsAvg' cannot be merged across SESSION windows yet/);
  });

  it('TUMBLE on processing time: every row lands in exactly one window', async () => {
    await tEnv.executeSql(`CREATE TEMPORARY TABLE pticks (x DOUBLE, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '60', 'rows-per-second' = '20', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '60')`);
    tEnv.createTemporarySystemFunction('tsAvgP', tsAvg());
    // row by row, so windows are registered (and fire) while the 3 s of input last
    const rows = await rowByRow(() =>
      rowsOf(tEnv.executeSql(`SELECT TUMBLE_START(pt, INTERVAL '1' SECOND) AS ws, tsAvgP(x) AS a, COUNT(*) AS n FROM pticks GROUP BY TUMBLE(pt, INTERVAL '1' SECOND)`)),
    );
    // Flink does not fire processing-time timers once the input ends, so the last window may be
    // missing; the windows that fired hold consecutive runs of the sequence 1, 2, 3, ...
    expect(rows.length).toBeGreaterThan(0);
    let next = 1;
    for (const r of [...rows].sort((x, y) => (x.ws as Date).getTime() - (y.ws as Date).getTime())) {
      const n = Number(r.n);
      expect(r.a).toBeCloseTo(next + (n - 1) / 2, 6);
      next += n;
    }
    expect(next - 1).toBeLessThanOrEqual(60);
  });

  it('row-count TUMBLE and HOP windows (Table API rowInterval): each key\'s rows in windows of 3, fired by their last row', async () => {
    // per key, ids in order: k=0 gets 2,4,...,20 and k=1 gets 1,3,...,19 (one source subtask: in order)
    const env = await streamingEnv();
    env.getConfig().set('parallelism.default', '1');
    await env.executeSql(`CREATE TEMPORARY TABLE seq (id BIGINT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '20', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '20')`);
    const sum = udaf(new PidReportingSum(path.join(tempDir('tsflink-udaf-count-'), 'worker.pid')), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType: DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.BIGINT())) });
    const windowed = (window: GroupWindow) =>
      rowsOf(
        env
          .from('seq')
          .select($('id').mod(2).as('k'), $('id'), $('pt'))
          .window(window)
          .groupBy($('k'), $('w'))
          .select($('k'), call(sum, $('id')).as('total'), $('id').count().as('n')),
      );
    const tumbling = await windowed(Tumble.over(rowInterval(3)).on($('pt')).as('w'));
    // 10 rows per key: three full windows each; the last row of each key waits for two more
    expect(sorted(tumbling.map((r) => ({ ...r })))).toEqual(
      sorted([
        { k: 0, total: 2n + 4n + 6n, n: 3n },
        { k: 0, total: 8n + 10n + 12n, n: 3n },
        { k: 0, total: 14n + 16n + 18n, n: 3n },
        { k: 1, total: 1n + 3n + 5n, n: 3n },
        { k: 1, total: 7n + 9n + 11n, n: 3n },
        { k: 1, total: 13n + 15n + 17n, n: 3n },
      ]),
    );
    // windows of 3 rows every 2 rows: rows 0-2, 2-4, 4-6, 6-8 of each key
    const sliding = await windowed(Slide.over(rowInterval(3)).every(rowInterval(2)).on($('pt')).as('w'));
    const expected = [0, 1].flatMap((k) =>
      [0, 2, 4, 6].map((first) => {
        const ids = [first, first + 1, first + 2].map((i) => BigInt(2 * i) + (k === 0 ? 2n : 1n));
        return { k, total: ids.reduce((a, b) => a + b, 0n), n: 3n };
      }),
    );
    expect(sorted(sliding.map((r) => ({ ...r })))).toEqual(sorted(expected));
  });

  it('SESSION windows merge sessions that a late row bridges, with the function\'s merge()', async () => {
    // a@6 arrives after a@10 (within the watermark's 10 s delay) and joins [1, 6) and [10, 15)
    await timedBids('sbids', [['a', 10, 1], ['a', 30, 10], ['a', 20, 6], ['b', 40, 3], ['a', 70, 25]], 10);
    class MergingAvg extends TsAvg {
      merge(acc: AvgAcc, others: AvgAcc[]): void {
        for (const o of others) (acc.sum += o.sum), (acc.count += o.count);
      }
    }
    tEnv.createTemporarySystemFunction('tsAvgS', udaf(new MergingAvg(), { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC }));
    const result = await rowsOf(
      tEnv.executeSql(`SELECT auction, SESSION_START(ts, INTERVAL '5' SECOND) AS s, SESSION_END(ts, INTERVAL '5' SECOND) AS e, tsAvgS(price) AS avgPrice, COUNT(*) AS n
        FROM sbids GROUP BY auction, SESSION(ts, INTERVAL '5' SECOND)`),
    );
    expect(sorted(result.map((r) => ({ ...r })))).toEqual(
      sorted([
        { auction: 'a', s: at(1), e: at(15), avgPrice: 20, n: 3n },
        { auction: 'b', s: at(3), e: at(8), avgPrice: 40, n: 1n },
        { auction: 'a', s: at(25), e: at(30), avgPrice: 70, n: 1n },
      ]),
    );
    // without merge(), merging two sessions fails saying so
    tEnv.createTemporarySystemFunction('tsAvgNoMerge', tsAvg());
    const err = await failureOf(tEnv.executeSql(`SELECT tsAvgNoMerge(price) FROM sbids GROUP BY auction, SESSION(ts, INTERVAL '5' SECOND)`));
    expect(causes(err)).toMatch(/TypeScript UDAF 'TsAvg' has no merge\(\) method, which SESSION windows need/);
  });
});

// docs/embedded.md: EmbeddedAggregateFunction, a Flink AggregateFunction whose ROW accumulator
// Flink keeps in its own state, running the methods in a V8 isolate in the task thread
describe('udaf in embedded mode', () => {
  const embeddedAvg = (name: string) =>
    udaf(new TsAvg(), { name, inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC, mode: 'embedded' });
  beforeAll(() => tEnv.createTemporaryView('ebids', bids()));

  it('runs in SQL GROUP BY and the Table API with the same results as process mode, and no Python operator', async () => {
    tEnv.createTemporarySystemFunction('tsAvgEmbedded', embeddedAvg('tsAvgEmbedded'));
    const query = 'SELECT auction, tsAvgEmbedded(price) AS avgPrice, COUNT(*) AS n, MAX(price) AS top FROM ebids GROUP BY auction';
    expect(await tEnv.explainSql(query)).not.toMatch(/Python/);
    expect(finalRows(await changelogOf(await tEnv.executeSql(query)), 'auction')).toEqual([
      { auction: 'a', avgPrice: 30, n: 3n, top: 50 },
      { auction: 'b', avgPrice: 20, n: 2n, top: 20 },
    ]);
    const rows = await rowsOf(bids().groupBy($('auction')).select($('auction'), call(embeddedAvg('avgT'), $('price')).as('avgPrice')));
    expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
      { auction: 'a', avgPrice: 30 },
      { auction: 'b', avgPrice: 20 },
    ]);
  });

  it('retracts over an updating input, and runs in batch mode too (a Flink AggregateFunction)', async () => {
    tEnv.createTemporarySystemFunction('tsAvgEmbedded2', embeddedAvg('tsAvgEmbedded2'));
    const log = await changelogOf(
      await tEnv.executeSql('SELECT tsAvgEmbedded2(total) AS avgTotal, COUNT(*) AS bidders FROM (SELECT bidder, SUM(price) AS total FROM ebids WHERE price IS NOT NULL GROUP BY bidder)'),
    );
    const last = log.filter(([k]) => k === '+I' || k === '+U').pop()![1];
    expect(last).toEqual({ avgTotal: (60 + 20 + 30) / 3, bidders: 3n });

    // batch: with a two-phase plan asked for, a function with merge() gets one (partial
    // accumulators combined by merge), one without keeps a single phase
    const bEnv = await batchEnv();
    bEnv.getConfig().set('table.optimizer.agg-phase-strategy', 'TWO_PHASE');
    class MergingAvg extends TsAvg {
      merge(acc: AvgAcc, others: AvgAcc[]): void {
        for (const o of others) (acc.sum += o.sum), (acc.count += o.count);
      }
    }
    const merging = udaf(new MergingAvg(), { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC, mode: 'embedded' });
    const input = bEnv.fromValues(BIDS, [['a', 'ann', 10], ['a', 'cy', 20], ['b', 'bob', 5]]);
    for (const f of [embeddedAvg('avgB'), merging]) {
      const t = input.groupBy($('auction')).select($('auction'), call(f, $('price')).as('avgPrice'));
      const plan = await t.explain();
      expect(plan.slice(plan.indexOf('== Optimized Execution Plan =='))).toMatch(f === merging ? /LocalHashAggregate|LocalSortAggregate/ : /^(?![\s\S]*Local(Hash|Sort)Aggregate)/);
      expect(sorted(await rowsOf(t))).toEqual([
        { auction: 'a', avgPrice: 15 },
        { auction: 'b', avgPrice: 5 },
      ]);
    }
  });

  it('strings and other non-numeric types take the general call path: results, and a bad accumulator field named', async () => {
    interface LongestAcc {
      best: string | null;
      len: number;
      since: Date | null;
    }
    class Longest extends AggregateFunction<string | null, LongestAcc, [string | null]> {
      createAccumulator(): LongestAcc {
        return { best: null, len: 0, since: null };
      }
      accumulate(acc: LongestAcc, s: string | null): void {
        if (s !== null && s.length > acc.len) Object.assign(acc, { best: s, len: s.length, since: new Date(Date.UTC(2026, 0, s.length)) });
      }
      getValue(acc: LongestAcc): string | null {
        return acc.best === null ? null : `${acc.best}@${acc.since!.toISOString().slice(0, 10)}`;
      }
    }
    const accType = DataTypes.ROW(DataTypes.FIELD('best', DataTypes.STRING()), DataTypes.FIELD('len', DataTypes.INT()), DataTypes.FIELD('since', DataTypes.TIMESTAMP(3)));
    const longest = udaf(new Longest(), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: accType, mode: 'embedded' });
    const rows = await rowsOf(bids().groupBy($('auction')).select($('auction'), call(longest, $('bidder')).as('longest')));
    expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
      { auction: 'a', longest: 'ann@2026-01-03' },
      { auction: 'b', longest: 'bob@2026-01-03' },
    ]);
    const badLen = udaf(
      { createAccumulator: () => ({ best: null, len: 0, since: null }), accumulate: (acc: LongestAcc) => void (acc.len = 'long' as unknown as number), getValue: () => null },
      { name: 'badLen', inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: accType, mode: 'embedded' },
    );
    expect(causes(await failureOf(bids().groupBy($('auction')).select($('auction'), call(badLen, $('bidder'))).execute()))).toMatch(
      /the accumulator of TypeScript UDAF 'badLen' does not match its accumulatorType .*field 'len': expected INT, got string 'long'/,
    );
  });

  it('accumulators embedded mode cannot keep are refused when the function is defined', () => {
    expect(() =>
      udaf({ createAccumulator: () => [0], accumulate: () => undefined, getValue: () => 0 }, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), accumulatorType: DataTypes.ARRAY(DataTypes.INT()), mode: 'embedded' }),
    ).toThrow(/udaf: in embedded mode the accumulator is a ROW \(an object with fields\), got ARRAY<INT>/);
    const emit = { createAccumulator: () => [0], accumulate: () => undefined, emitValue: function* () {} };
    expect(() => udtaf(emit, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), accumulatorType: DataTypes.ARRAY(DataTypes.INT()), mode: 'embedded' })).toThrow(
      /udtaf: in embedded mode the accumulator is a ROW \(an object with fields\), got ARRAY<INT>/,
    );
  });
});

describe('fault tolerance', () => {
  it('a worker killed mid-job: restored from the last checkpoint, nothing lost or counted twice', async () => {
    const env = await streamingEnv();
    env
      .getConfig()
      .set('execution.checkpointing.interval', '300 ms')
      .set('restart-strategy.type', 'fixed-delay')
      .set('restart-strategy.fixed-delay.attempts', '3')
      .set('restart-strategy.fixed-delay.delay', '500 ms')
      .set('python.fn-execution.bundle.size', '10');
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-udaf-ft-')), 'worker.pid');
    const N = 3000;
    await env.executeSql(`CREATE TEMPORARY TABLE ids (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '500',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}')`);
    env.createTemporarySystemFunction('tsSum', udaf(new PidReportingSum(pidFile), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType: DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.BIGINT())) }));
    // flink-python's state requests alias their keys in the heap backend, which then checkpoints
    // every key of a TS (or Python) aggregate as the last one used: with aggregates in use, TSFlink
    // environments default to RocksDB (docs/udaf.md § Fault tolerance)
    expect(env.getConfig().get('state.backend.type')).toBe('rocksdb');
    const chosen = await streamingEnv();
    chosen.getConfig().set('state.backend.type', 'hashmap');
    expect((await streamingEnv()).getConfig().get('state.backend.type')).toBe('rocksdb');
    expect(chosen.getConfig().get('state.backend.type')).toBe('hashmap');
    const result = await env.executeSql('SELECT id % 4 AS k, tsSum(id) AS total, COUNT(*) AS n FROM ids GROUP BY id % 4');
    const rows = changelogOf(result);
    const readPid = () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined);
    const first = await until('the worker', readPid);
    await new Promise((r) => setTimeout(r, 2500)); // a few checkpoints in
    process.kill(first, 'SIGKILL');
    await until('a restarted worker', () => {
      const p = readPid();
      return p !== undefined && p !== first ? p : undefined;
    });
    expect(finalRows(await rows, 'k')).toEqual(sorted(expectedSums(N, 4)));
  }, 120_000);

  // embedded mode: the accumulators are Flink's own Row state of a Java AggregateFunction
  it.each(['process', 'embedded'] as const)('stopped with a savepoint and resumed from it: the same totals as a run without a stop (%s mode)', async (mode) => {
    const env = await streamingEnv();
    env.getConfig().set('python.fn-execution.bundle.size', '10').set('parallelism.default', '1');
    const N = 2000;
    const ids = (rowsPerSecond: number) =>
      env.executeSql(`CREATE TEMPORARY TABLE ids (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '${rowsPerSecond}',
        'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}')`);
    // slow at first: the source runs ahead while the worker starts, and the stop must come mid-sequence
    await ids(20);
    const summer = mode === 'process' ? new PidReportingSum(path.join(tempDir('tsflink-udaf-sp-'), 'worker.pid')) : new Sum();
    env.createTemporarySystemFunction('tsSum', udaf(summer, { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType: DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.BIGINT())), mode }));
    const query = 'SELECT id % 4 AS k, tsSum(id) AS total, COUNT(*) AS n FROM ids GROUP BY id % 4';

    const first = await env.executeSql(query);
    const firstLog: [string, Record<string, unknown>][] = [];
    const reading = (async () => {
      for await (const r of first.collect()) firstLog.push([r.getKind(), { ...r }]);
    })();
    await until('the first results', () => firstLog.length > 0 || undefined);
    const savepoint = await first.getJobClient()!.stopWithSavepoint(false, `file://${tempDir('tsflink-udaf-savepoints-')}`);
    await reading;
    expect(await first.getJobStatus()).toBe('FINISHED');
    const before = finalRows(firstLog, 'k') as { k: number; n: bigint }[];
    const seenBefore = before.reduce((sum, r) => sum + r.n, 0n);
    expect(seenBefore).toBeGreaterThan(0n);
    expect(seenBefore).toBeLessThan(BigInt(N)); // stopped mid-job, not after the end

    // resumed (at full speed), the source goes on after the last id it read and the accumulators
    // hold the sums so far
    await env.executeSql('DROP TEMPORARY TABLE ids');
    await ids(100_000);
    // a SELECT's collect sink is a new operator on every run, so its old state has no claimant
    env.getConfig().set('execution.state-recovery.path', savepoint).set('execution.state-recovery.ignore-unclaimed-state', 'true');
    const resumedLog = await changelogOf(await env.executeSql(query));
    // each key's first change retracts the value it had at the stop: its accumulator came back
    const firstChanges = sorted([...new Map(resumedLog.map(([kind, row]) => [row.k, [kind, row]] as const).reverse()).values()]);
    expect(firstChanges).toEqual(sorted(before.map((row) => ['-U', row])));
    expect(finalRows(resumedLog, 'k')).toEqual(sorted(expectedSums(N, 4)));
  }, 120_000);
});

describe('errors', () => {
  it.each(['process', 'embedded'] as const)("a throwing accumulate fails the job with the message and the user's line; the session goes on (%s mode)", async (mode) => {
    const boom = udaf(
      {
        createAccumulator: () => ({ sum: 0, count: 0n }),
        accumulate(acc: AvgAcc, p: number | null) {
          if (p === 30) throw new RangeError(`no bids of ${p}`);
          acc.sum += p ?? 0;
        },
        getValue: (acc: AvgAcc) => acc.sum,
      },
      { name: `boom_${mode}`, inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC, mode },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(boom, $('price'))).execute());
    const text = causes(err);
    expect(text).toMatch(new RegExp(`TypeScript UDF 'boom_${mode}' failed in accumulate\\(\\): RangeError: no bids of 30`));
    expect(text).toMatch(/udaf\.test\.ts:\d+/);
    expect(await rowsOf(tEnv.sqlQuery('SELECT 1 AS answer'))).toEqual([{ answer: 1 }]);
  });

  it.each(['process', 'embedded'] as const)('an accumulator that does not fit its type names the UDAF, the field and the value (%s mode)', async (mode) => {
    const bad = udaf(
      { createAccumulator: () => ({ sum: 0, count: 0n }), accumulate: (acc: AvgAcc) => void (acc.count = 1.5 as unknown as bigint), getValue: () => 1 },
      { name: `badAcc_${mode}`, inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC, mode },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(bad, $('price'))).execute());
    expect(causes(err)).toMatch(new RegExp(`accumulator of TypeScript UDAF 'badAcc_${mode}' does not match its accumulatorType .*field 'count'.*1\\.5`));
  });

  it.each(['process', 'embedded'] as const)('a result that does not fit the result type names the UDAF and the value (%s mode)', async (mode) => {
    const bad = udaf(
      { createAccumulator: () => ({ sum: 0, count: 0n }), accumulate: () => undefined, getValue: () => 'lots' as unknown as number },
      { name: `badResult_${mode}`, inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC, mode },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(bad, $('price'))).execute());
    expect(causes(err)).toMatch(new RegExp(`TypeScript UDAF 'badResult_${mode}' produced a value that does not match its result type: .*["']lots["']`));
  });

  it('in batch mode, the planner\'s refusal says what to do instead', async () => {
    const bEnv = await batchEnv();
    bEnv.createTemporarySystemFunction('tsAvgB', tsAvg());
    bEnv.createTemporaryView('bbids', bEnv.fromValues(BIDS, [['a', 'ann', 10]]));
    let message = '';
    try {
      await rowsOf(bEnv.sqlQuery('SELECT auction, tsAvgB(price) FROM bbids GROUP BY auction'));
    } catch (e) {
      message = String((e as Error).message);
    }
    expect(message).toMatch(/TypeScript aggregate functions \(udaf\/udtaf\) .* run in streaming mode only: run the query on a streaming TableEnvironment/);
  });

  it('udaf() rejects what cannot work before any job runs', () => {
    expect(() => udaf((() => 1) as never, { inputTypes: [], resultType: DataTypes.INT(), accumulatorType: AVG_ACC })).toThrow(/createAccumulator/);
    expect(() => udaf(new TsAvg() as never, { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: DataTypes.DOUBLE() })).toThrow(
      /accumulatorType must be a ROW, ARRAY or MAP/,
    );
    expect(() => udaf({ accumulate() {} } as never, { inputTypes: [], resultType: DataTypes.INT(), accumulatorType: AVG_ACC })).toThrow(/without createAccumulator, getValue/);
  });
});

interface TopAcc {
  seen: MapView<string, bigint>;
  order: ListView<string>;
  total: bigint;
}

/** Counts bids per bidder in a MapView and remembers arrival order in a ListView. */
class TopBidders extends AggregateFunction<string | null, TopAcc, [string | null]> {
  createAccumulator(): TopAcc {
    return { seen: new MapView(), order: new ListView(), total: 0n };
  }
  async accumulate(acc: TopAcc, bidder: string | null): Promise<void> {
    if (bidder === null) return;
    const n = (await acc.seen.get(bidder)) ?? 0n;
    if (n === 0n) acc.order.add(bidder);
    acc.seen.put(bidder, n + 1n);
    acc.total += 1n;
  }
  async getValue(acc: TopAcc): Promise<string | null> {
    const parts: string[] = [];
    for await (const name of acc.order.get()) parts.push(`${name}:${await acc.seen.get(name)}`);
    return parts.length ? `${parts.join(',')} of ${acc.total}` : null;
  }
}

const TOP_ACC = DataTypes.ROW(
  DataTypes.FIELD('seen', DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.BIGINT())),
  DataTypes.FIELD('order', DataTypes.LIST_VIEW(DataTypes.STRING())),
  DataTypes.FIELD('total', DataTypes.BIGINT()),
);

/** TopBidders whose accumulators can be combined (the others' views read, their counts added). */
class MergingTopBidders extends TopBidders {
  async merge(acc: TopAcc, others: TopAcc[]): Promise<void> {
    for (const o of others) {
      for await (const name of o.order.get()) {
        const n = (await acc.seen.get(name)) ?? 0n;
        if (n === 0n) acc.order.add(name);
        acc.seen.put(name, n + ((await o.seen.get(name)) ?? 0n));
      }
      acc.total += o.total;
    }
  }
}

/**
 * Runs `fn` with one row per bundle and, by default, no worker-side cache (accumulators, MapView
 * entries): every row reads its key's state from Flink. With `cacheSize`, the next bundles read
 * what the cache kept of the earlier ones.
 */
async function rowByRow<T>(fn: () => Promise<T>, cacheSize = 0): Promise<T> {
  tEnv.getConfig().set('python.fn-execution.bundle.size', '1').set('python.state.cache-size', String(cacheSize));
  try {
    return await fn();
  } finally {
    tEnv.getConfig().set('python.fn-execution.bundle.size', '1000').set('python.state.cache-size', '1000');
  }
}

describe('data views', () => {
  it('outside a job, ListView and MapView are in-memory collections with the same API', async () => {
    const list = new ListView<string>();
    list.add('x');
    list.addAll(['y', 'z']);
    const got: string[] = [];
    for await (const v of list.get()) got.push(v);
    expect(got).toEqual(['x', 'y', 'z']);
    expect(() => list.add(null as unknown as string)).toThrow(/cannot hold null/);
    const map = new MapView<string, number>();
    map.put('a', 1);
    map.putAll([['b', 2], ['c', null]]);
    map.remove('a');
    expect(await map.get('a')).toBeNull();
    expect(await map.contains('c')).toBe(true);
    const entries: [string, number | null][] = [];
    for await (const e of map.entries()) entries.push(e);
    expect(entries).toEqual([['b', 2], ['c', null]]);
    map.clear();
    expect(await map.isEmpty()).toBe(true);
  });

  it.each([
    ['hashmap', 0, 'process'],
    ['rocksdb', 0, 'process'],
    ['hashmap', 1000, 'process'],
    // embedded: Flink's own StateMapView/StateListView of a Java AggregateFunction, no worker cache
    ['hashmap', 0, 'embedded'],
    ['rocksdb', 0, 'embedded'],
  ] as const)('ListView and MapView fields live in Flink state (%s backend, mini-batch on, worker cache of %i keys, %s mode)', async (backend, cacheSize, mode) => {
    const top = udaf(new TopBidders(), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      accumulatorType: TOP_ACC,
      mode,
    });
    const before = tEnv.getConfig().get('state.backend.type');
    tEnv
      .getConfig()
      .set('state.backend.type', backend)
      .set('table.exec.mini-batch.enabled', 'true')
      .set('table.exec.mini-batch.allow-latency', '100 ms')
      .set('table.exec.mini-batch.size', '2');
    try {
      const rows = await rowByRow(() => rowsOf(bids().groupBy($('auction')).select($('auction'), call(top, $('bidder')).as('bidders'))), cacheSize);
      expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
        { auction: 'a', bidders: 'ann:2,cy:1 of 3' },
        { auction: 'b', bidders: 'bob:1,dee:1 of 2' },
      ]);
    } finally {
      tEnv.getConfig().set('state.backend.type', before ?? 'rocksdb').set('table.exec.mini-batch.enabled', 'false');
    }
  });

  it('keys of one bundle, updated concurrently, each see their own views', async () => {
    const top = udaf(new TopBidders(), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      accumulatorType: DataTypes.ROW(
        DataTypes.FIELD('seen', DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.BIGINT())),
        DataTypes.FIELD('order', DataTypes.LIST_VIEW(DataTypes.STRING())),
        DataTypes.FIELD('total', DataTypes.BIGINT()),
      ),
    });
    // all five rows in one bundle: while key a waits for its MapView read, key b's update runs
    const rows = await rowsOf(bids().groupBy($('auction')).select($('auction'), call(top, $('bidder')).as('bidders')));
    expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
      { auction: 'a', bidders: 'ann:2,cy:1 of 3' },
      { auction: 'b', bidders: 'bob:1,dee:1 of 2' },
    ]);
  });
});

interface TallyAcc {
  counts: MapView<string, bigint>;
  log: ListView<string>;
  total: bigint;
}

/** Every ListView/MapView operation: counts per value, a log of what arrived, merge() over others' views. */
class Tally extends AggregateFunction<string | null, TallyAcc, [string | null]> {
  createAccumulator(): TallyAcc {
    return { counts: new MapView(), log: new ListView(), total: 0n };
  }
  async accumulate(acc: TallyAcc, s: string | null): Promise<void> {
    if (s === null) return;
    acc.counts.put(s, ((await acc.counts.get(s)) ?? 0n) + 1n);
    acc.log.add(s);
    acc.total += 1n;
  }
  async retract(acc: TallyAcc, s: string | null): Promise<void> {
    if (s === null) return;
    const n = (await acc.counts.get(s)) ?? 0n;
    if (n <= 1n) acc.counts.remove(s);
    else acc.counts.put(s, n - 1n);
    acc.total -= 1n;
  }
  async merge(acc: TallyAcc, others: TallyAcc[]): Promise<void> {
    for (const o of others) {
      for await (const [k, v] of o.counts.entries()) acc.counts.put(k, ((await acc.counts.get(k)) ?? 0n) + (v ?? 0n));
      for await (const s of o.log.get()) acc.log.add(s);
      acc.total += o.total;
    }
  }
  async getValue(acc: TallyAcc): Promise<string | null> {
    if (await acc.counts.isEmpty()) return null;
    const parts: string[] = [];
    for await (const [k, v] of acc.counts.entries()) parts.push(`${k}:${v}`);
    let keys = 0;
    for await (const _ of acc.counts.keys()) keys++;
    let sum = 0n;
    for await (const v of acc.counts.values()) sum += v ?? 0n;
    let logged = 0;
    for await (const _ of acc.log.get()) logged++;
    return `${parts.sort().join(',')} keys=${keys} sum=${sum} total=${acc.total} logged=${logged} has-x=${await acc.counts.contains('x')}`;
  }
}

const TALLY_ACC = DataTypes.ROW(
  DataTypes.FIELD('counts', DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.BIGINT())),
  DataTypes.FIELD('log', DataTypes.LIST_VIEW(DataTypes.STRING())),
  DataTypes.FIELD('total', DataTypes.BIGINT()),
);

// EmbeddedDataViews: the JS views call Flink's own ListView/MapView of the accumulator Row
describe('data views in embedded mode', () => {
  const tally = (name: string) => udaf(new Tally(), { name, inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: TALLY_ACC, mode: 'embedded' });

  it('every view operation, with retraction removing map entries (streaming, Flink map and list state)', async () => {
    tEnv.createTemporaryView('vbids', bids());
    tEnv.createTemporarySystemFunction('tallyR', tally('tallyR'));
    // the inner SUM updates ann's total (10, then 60): the outer aggregate retracts '10.0'
    const log = await changelogOf(
      await tEnv.executeSql('SELECT tallyR(CAST(total AS STRING)) AS t FROM (SELECT bidder, SUM(price) AS total FROM vbids WHERE price IS NOT NULL GROUP BY bidder)'),
    );
    const last = log.filter(([k]) => k === '+I' || k === '+U').pop()![1];
    expect(last).toEqual({ t: '20.0:1,30.0:1,60.0:1 keys=3 sum=3 total=3 logged=4 has-x=false' });
  });

  it('batch mode with a two-phase plan: merge() reads the partial accumulators\' views; iterations of more than one chunk', async () => {
    const bEnv = await batchEnv();
    bEnv.getConfig().set('table.optimizer.agg-phase-strategy', 'TWO_PHASE');
    await bEnv.executeSql(`CREATE TEMPORARY TABLE many (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1000',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000')`);
    bEnv.createTemporarySystemFunction('tallyB', tally('tallyB'));
    const query = "SELECT id % 2 AS k, tallyB(CAST(id % 600 AS STRING)) AS t FROM many GROUP BY id % 2";
    const plan = await bEnv.explainSql(query);
    expect(plan.slice(plan.indexOf('== Optimized Execution Plan =='))).toMatch(/LocalHashAggregate|LocalSortAggregate/);
    const expected = (k: number) => {
      const counts = new Map<string, number>();
      for (let id = 1; id <= 1000; id++) if (id % 2 === k) counts.set(String(id % 600), (counts.get(String(id % 600)) ?? 0) + 1);
      const parts = [...counts].map(([v, n]) => `${v}:${n}`).sort();
      return `${parts.join(',')} keys=${counts.size} sum=500 total=500 logged=500 has-x=false`;
    };
    expect(sorted(await rowsOf(bEnv.executeSql(query)))).toEqual([
      { k: 0, t: expected(0) },
      { k: 1, t: expected(1) },
    ]);
  });

  it('SESSION windows merge the views of sessions a late row bridges', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-udaf-vses-'));
    const rows: [string, number, number][] = [['a', 10, 1], ['a', 30, 10], ['a', 20, 6], ['b', 40, 3], ['a', 70, 25]];
    fs.writeFileSync(path.join(dir, 'bids.csv'), rows.map(([a, p, t]) => `${a},${p},2026-12-04 00:00:${String(t).padStart(2, '0')}`).join('\n') + '\n');
    await tEnv.executeSql(`CREATE TEMPORARY TABLE vsbids (auction STRING, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`);
    tEnv.createTemporarySystemFunction('tallyS', tally('tallyS'));
    const result = await rowsOf(tEnv.executeSql(`SELECT auction, tallyS(CAST(price AS STRING)) AS t FROM vsbids GROUP BY auction, SESSION(ts, INTERVAL '5' SECOND)`));
    expect(sorted(result.map((r) => ({ ...r })))).toEqual(
      sorted([
        { auction: 'a', t: '10.0:1,20.0:1,30.0:1 keys=3 sum=3 total=3 logged=3 has-x=false' },
        { auction: 'b', t: '40.0:1 keys=1 sum=1 total=1 logged=1 has-x=false' },
        { auction: 'a', t: '70.0:1 keys=1 sum=1 total=1 logged=1 has-x=false' },
      ]),
    );
  });

  // mini-batch: several accumulate calls per key before its getValue (the value kept with the accumulator must not go stale)
  it.each([false, true])('views of numbers go through the buffer shared with the JVM: a logged write is seen by the next read, a full log is applied mid-call (mini-batch %s)', async (miniBatch) => {
    interface BucketAcc {
      counts: MapView<bigint, number>;
      seen: ListView<number>;
      n: bigint;
    }
    class Buckets extends AggregateFunction<string, BucketAcc, [bigint]> {
      createAccumulator(): BucketAcc {
        return { counts: new MapView(), seen: new ListView(), n: 0n };
      }
      async accumulate(acc: BucketAcc, x: bigint): Promise<void> {
        if (acc.n === 0n) {
          acc.counts.put(-1n, 1);
          acc.counts.clear(); // logged after the put: -1 is gone
        }
        for (let i = 0n; i < 100n; i++) acc.counts.put(x * 1000n + i, Number(i)); // more writes than the log holds
        if ((await acc.counts.get(x * 1000n + 99n)) !== 99) throw new Error('a logged put not seen by get');
        acc.counts.remove(x * 1000n + 50n);
        if ((await acc.counts.get(x * 1000n + 50n)) !== null) throw new Error('a logged remove not seen by get');
        acc.counts.put(x * 1000n + 98n, null);
        acc.seen.add(Number(x));
        acc.n += 1n;
      }
      async summary(acc: BucketAcc): Promise<[number, number, number, number[]]> {
        let keys = 0;
        for await (const _ of acc.counts.keys()) keys++;
        let sum = 0;
        let nulls = 0;
        for await (const v of acc.counts.values()) v === null ? nulls++ : (sum += v);
        const seen: number[] = [];
        for await (const x of acc.seen.get()) seen.push(x);
        return [keys, sum, nulls, seen.sort()];
      }
      async getValue(acc: BucketAcc): Promise<string> {
        const [keys, sum, nulls, seen] = await this.summary(acc);
        return `keys=${keys} sum=${sum} nulls=${nulls} seen=${seen} has-1=${await acc.counts.contains(-1n)}`;
      }
    }
    /** The same with a BIGINT result: every type a number, so PrimitiveAggregateCall's path */
    class BucketCode extends Buckets {
      // @ts-expect-error a bigint result where Buckets has a string
      async getValue(acc: BucketAcc): Promise<bigint> {
        const [keys, sum, nulls] = await this.summary(acc);
        return BigInt(keys) * 1_000_000_000n + BigInt(sum) * 1000n + BigInt(nulls);
      }
    }
    const accumulatorType = DataTypes.ROW(
      DataTypes.FIELD('counts', DataTypes.MAP_VIEW(DataTypes.BIGINT(), DataTypes.DOUBLE())),
      DataTypes.FIELD('seen', DataTypes.LIST_VIEW(DataTypes.INT())),
      DataTypes.FIELD('n', DataTypes.BIGINT()),
    );
    const text = udaf(new Buckets(), { name: 'buckets', inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.STRING(), accumulatorType, mode: 'embedded' });
    const code = udaf(new BucketCode(), { name: 'bucketCode', inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType, mode: 'embedded' });
    const xs = tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('x', DataTypes.BIGINT())), [[1n], [2n], [3n], [4n], [5n]]);
    const keyed = xs.select($('x').mod(2).as('k'), $('x'));
    if (miniBatch) tEnv.getConfig().set('table.exec.mini-batch.enabled', 'true').set('table.exec.mini-batch.allow-latency', '1 s').set('table.exec.mini-batch.size', '100');
    const rows = await rowsOf(keyed.groupBy($('k')).select($('k'), call(text, $('x')).as('t'), call(code, $('x')).as('c'))).finally(() =>
      tEnv.getConfig().set('table.exec.mini-batch.enabled', 'false'),
    );
    // per x: keys x*1000+0..99 without 50 (99 keys), 98 set to null: sum 4950 - 50 - 98
    const final = finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'k');
    expect(final).toEqual([
      { k: 0, t: 'keys=198 sum=9604 nulls=2 seen=2,4 has-1=false', c: 198_000_000_000n + 9_604_000n + 2n },
      { k: 1, t: 'keys=297 sum=14406 nulls=3 seen=1,3,5 has-1=false', c: 297_000_000_000n + 14_406_000n + 3n },
    ]);
    const wrong = udaf(
      { createAccumulator: () => ({ counts: new MapView(), seen: new ListView(), n: 0n }), accumulate: (acc: BucketAcc) => acc.counts.put('one' as unknown as bigint, 1), getValue: () => 0n },
      { name: 'wrongBucket', inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType, mode: 'embedded' },
    );
    expect(causes(await failureOf(xs.groupBy($('x')).select(call(wrong, $('x'))).execute()))).toMatch(
      /TypeScript UDAF 'wrongBucket': a key of MapView 'counts': expected BIGINT, got string 'one'/,
    );
  });

  it('a Promise that awaits something other than the views fails the job saying so; the session goes on', async () => {
    const waits = udaf(
      { createAccumulator: () => ({ counts: new MapView(), log: new ListView(), total: 0n }), accumulate: () => new Promise<void>(() => undefined), getValue: () => null },
      { name: 'waitsForever', inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: TALLY_ACC, mode: 'embedded' },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(waits, $('bidder'))).execute());
    expect(causes(err)).toMatch(/TypeScript UDAF 'waitsForever': the Promise accumulate\(\) returned did not settle within the call: in embedded mode an aggregate's methods may await its ListView\/MapView reads, not timers or I\/O/);
    const wrongKey = udaf(
      { createAccumulator: () => ({ counts: new MapView(), log: new ListView(), total: 0n }), accumulate: (acc: TallyAcc) => acc.counts.put(42 as unknown as string, 1n), getValue: () => null },
      { name: 'wrongKey', inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), accumulatorType: TALLY_ACC, mode: 'embedded' },
    );
    expect(causes(await failureOf(bids().groupBy($('auction')).select($('auction'), call(wrongKey, $('bidder'))).execute()))).toMatch(
      /TypeScript UDAF 'wrongKey': a key of MapView 'counts': expected STRING, got number 42/,
    );
    expect(await rowsOf(tEnv.sqlQuery('SELECT 1 AS answer'))).toEqual([{ answer: 1 }]);
  });
});

interface Top2Acc {
  first: number | null;
  second: number | null;
}

class Top2 extends TableAggregateFunction<{ price: number; rank: number }, Top2Acc, [number | null]> {
  createAccumulator(): Top2Acc {
    return { first: null, second: null };
  }
  accumulate(acc: Top2Acc, price: number | null): void {
    if (price === null) return;
    if (acc.first === null || price > acc.first) {
      acc.second = acc.first;
      acc.first = price;
    } else if (acc.second === null || price > acc.second) acc.second = price;
  }
  *emitValue(acc: Top2Acc): Iterable<{ price: number; rank: number }> {
    if (acc.first !== null) yield { price: acc.first, rank: 1 };
    if (acc.second !== null) yield { price: acc.second, rank: 2 };
  }
}

interface Top1Acc {
  best: number | null;
  emitted: number | null;
}

/** The highest price, sending only its changes. */
class Top1 extends TableAggregateFunction<{ price: number }, Top1Acc, [number | null]> {
  createAccumulator(): Top1Acc {
    return { best: null, emitted: null };
  }
  accumulate(acc: Top1Acc, price: number | null): void {
    if (price !== null && (acc.best === null || price > acc.best)) acc.best = price;
  }
  emitUpdateWithRetract(acc: Top1Acc, out: RetractableCollector<{ price: number }>): void {
    if (acc.best === acc.emitted) return;
    if (acc.emitted !== null) out.retract({ price: acc.emitted });
    out.collect({ price: acc.best! });
    acc.emitted = acc.best;
  }
}

describe('udtaf', () => {
  // embedded: EmbeddedTableAggregateFunction, a Flink TableAggregateFunction in the planner's own operator
  it.each(['process', 'embedded'] as const)('emitUpdateWithRetract sends only what changed (%s mode)', async (mode) => {
    const top1 = udtaf(new Top1(), {
      inputTypes: [DataTypes.DOUBLE()],
      resultType: DataTypes.ROW(DataTypes.FIELD('price', DataTypes.DOUBLE())),
      accumulatorType: DataTypes.ROW(DataTypes.FIELD('best', DataTypes.DOUBLE()), DataTypes.FIELD('emitted', DataTypes.DOUBLE())),
      mode,
    });
    const log = await rowByRow(async () => changelogOf(await bids().groupBy($('auction')).flatAggregate(call(top1, $('price')).as('price')).select($('auction'), $('price')).execute()));
    expect(log.filter(([, r]) => r.auction === 'a')).toEqual([
      ['+I', { auction: 'a', price: 10 }],
      ['-D', { auction: 'a', price: 10 }],
      ['+I', { auction: 'a', price: 30 }],
      ['-D', { auction: 'a', price: 30 }],
      ['+I', { auction: 'a', price: 50 }],
    ]);
    expect(log.filter(([, r]) => r.auction === 'b')).toEqual([['+I', { auction: 'b', price: 20 }]]);
  });

  it.each(['process', 'embedded'] as const)('a table aggregate with a MapView and an async generator emitValue (%s mode)', async (mode) => {
    interface CountsAcc {
      counts: MapView<string, bigint>;
    }
    class Counts extends TableAggregateFunction<{ bidder: string; n: bigint }, CountsAcc, [string | null]> {
      createAccumulator(): CountsAcc {
        return { counts: new MapView() };
      }
      async accumulate(acc: CountsAcc, bidder: string | null): Promise<void> {
        if (bidder !== null) acc.counts.put(bidder, ((await acc.counts.get(bidder)) ?? 0n) + 1n);
      }
      async *emitValue(acc: CountsAcc): AsyncIterable<{ bidder: string; n: bigint }> {
        for await (const [bidder, n] of acc.counts.entries()) yield { bidder, n: n ?? 0n };
      }
    }
    const counts = udtaf(new Counts(), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.ROW(DataTypes.FIELD('bidder', DataTypes.STRING()), DataTypes.FIELD('n', DataTypes.BIGINT())),
      accumulatorType: DataTypes.ROW(DataTypes.FIELD('counts', DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.BIGINT()))),
      mode,
    });
    const result = await bids().groupBy($('auction')).flatAggregate(call(counts, $('bidder')).as('bidder', 'n')).select($('auction'), $('bidder'), $('n')).execute();
    const live = new Map<string, Record<string, unknown>>();
    for (const [kind, row] of await changelogOf(result)) {
      const id = JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
      if (kind === '+I' || kind === '+U') live.set(id, row);
      else expect(live.delete(id)).toBe(true);
    }
    expect(sorted([...live.values()])).toEqual(
      sorted([
        { auction: 'a', bidder: 'ann', n: 2n },
        { auction: 'a', bidder: 'cy', n: 1n },
        { auction: 'b', bidder: 'bob', n: 1n },
        { auction: 'b', bidder: 'dee', n: 1n },
      ]),
    );
  });

  it.each(['process', 'embedded'] as const)('flatAggregate emits several rows per group and retracts them on change (%s mode)', async (mode) => {
    const top2 = udtaf(new Top2(), {
      inputTypes: [DataTypes.DOUBLE()],
      resultType: DataTypes.ROW(DataTypes.FIELD('price', DataTypes.DOUBLE()), DataTypes.FIELD('rank', DataTypes.INT())),
      accumulatorType: DataTypes.ROW(DataTypes.FIELD('first', DataTypes.DOUBLE()), DataTypes.FIELD('second', DataTypes.DOUBLE())),
      mode,
    });
    const table = bids().groupBy($('auction')).flatAggregate(call(top2, $('price')).as('price', 'rank')).select($('auction'), $('price'), $('rank'));
    // embedded: Flink's own table-aggregate operator runs it, no Python one
    expect(await table.explain()).toMatch(mode === 'embedded' ? /^(?![\s\S]*Python)[\s\S]*GroupTableAggregate/ : /PythonGroupTableAggregate/);
    const result = await table.execute();
    const live = new Map<string, Record<string, unknown>>();
    for (const [kind, row] of await changelogOf(result)) {
      const id = JSON.stringify(row);
      if (kind === '+I' || kind === '+U') live.set(id, row);
      else expect(live.delete(id)).toBe(true);
    }
    expect(sorted([...live.values()])).toEqual(
      sorted([
        { auction: 'a', price: 50, rank: 1 },
        { auction: 'a', price: 30, rank: 2 },
        { auction: 'b', price: 20, rank: 1 },
      ]),
    );
  });
});

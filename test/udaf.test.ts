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
  MapView,
  Session,
  TableAggregateFunction,
  udaf,
  udtaf,
  FlinkError,
  type TableEnvironment,
  type TableResult,
} from '../src/index';
import { batchEnv, changelogOf, rowsOf, sorted, streamingEnv } from './helpers';

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

  it('without retract() over an updating input, the job fails saying why', async () => {
    const noRetract = udaf(
      { createAccumulator: () => ({ sum: 0, count: 0n }), accumulate: (acc: AvgAcc, p: number | null) => void (acc.sum += p ?? 0), getValue: (acc: AvgAcc) => acc.sum },
      { name: 'sumNoRetract', inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC },
    );
    tEnv.createTemporarySystemFunction('sumNoRetract', noRetract);
    const err = await failureOf(tEnv.executeSql(`SELECT sumNoRetract(total) FROM (SELECT bidder, SUM(price) AS total FROM bids GROUP BY bidder)`));
    expect(causes(err)).toMatch(/TypeScript UDAF 'sumNoRetract' has no retract\(\) method/);
  });
});

async function failureOf(result: Promise<TableResult>): Promise<FlinkError> {
  try {
    const r = await result;
    for await (const _ of r.collect()) {
      // drain until the job fails
    }
  } catch (e) {
    expect(e).toBeInstanceOf(FlinkError);
    return e as FlinkError;
  }
  throw new Error('the job did not fail');
}

const causes = (e: FlinkError) => e.causes.map((c) => c.message).join('\n');

interface SumAcc {
  sum: bigint;
}

/** Sums ids; open() reports the worker's pid, so the test can kill it. */
class PidReportingSum extends AggregateFunction<bigint, SumAcc, [bigint]> {
  constructor(private readonly pidFile: string) {
    super();
  }
  open(): void {
    require('node:fs').writeFileSync(this.pidFile, String(process.pid));
  }
  createAccumulator(): SumAcc {
    return { sum: 0n };
  }
  accumulate(acc: SumAcc, id: bigint): void {
    acc.sum += id;
  }
  retract(acc: SumAcc, id: bigint): void {
    acc.sum -= id;
  }
  getValue(acc: SumAcc): bigint {
    return acc.sum;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('fault tolerance', () => {
  it('a worker killed mid-job: restored from the last checkpoint, nothing lost or counted twice', async () => {
    const env = await streamingEnv();
    env
      .getConfig()
      .set('execution.checkpointing.interval', '300 ms')
      .set('restart-strategy.type', 'fixed-delay')
      .set('restart-strategy.fixed-delay.attempts', '3')
      .set('restart-strategy.fixed-delay.delay', '500 ms')
      .set('python.fn-execution.bundle.size', '10')
      // flink-python's state requests alias their keys in the heap backend, which then checkpoints
      // every key of a TS (or Python) aggregate as the last one used: docs/udaf.md § Fault tolerance
      .set('state.backend.type', 'rocksdb');
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-udaf-ft-')), 'worker.pid');
    const N = 3000;
    await env.executeSql(`CREATE TEMPORARY TABLE ids (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '500',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}')`);
    env.createTemporarySystemFunction('tsSum', udaf(new PidReportingSum(pidFile), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT(), accumulatorType: DataTypes.ROW(DataTypes.FIELD('sum', DataTypes.BIGINT())) }));
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
    const expected = [0, 1, 2, 3].map((k) => {
      let total = 0n;
      let n = 0n;
      for (let id = 1; id <= N; id++) if (id % 4 === k) (total += BigInt(id)), n++;
      return { k, total, n };
    });
    expect(finalRows(await rows, 'k')).toEqual(sorted(expected));
  }, 120_000);
});

describe('errors', () => {
  it('a throwing accumulate fails the job with the message and the user\'s line; the session goes on', async () => {
    const boom = udaf(
      {
        createAccumulator: () => ({ sum: 0, count: 0n }),
        accumulate(acc: AvgAcc, p: number | null) {
          if (p === 30) throw new RangeError(`no bids of ${p}`);
          acc.sum += p ?? 0;
        },
        getValue: (acc: AvgAcc) => acc.sum,
      },
      { name: 'boom', inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(boom, $('price'))).execute());
    const text = causes(err);
    expect(text).toMatch(/TypeScript UDF 'boom' failed in accumulate\(\): RangeError: no bids of 30/);
    expect(text).toMatch(/udaf\.test\.ts:\d+/);
    expect(await rowsOf(tEnv.sqlQuery('SELECT 1 AS answer'))).toEqual([{ answer: 1 }]);
  });

  it('an accumulator that does not fit its type names the UDAF, the field and the value', async () => {
    const bad = udaf(
      { createAccumulator: () => ({ sum: 0, count: 0n }), accumulate: (acc: AvgAcc) => void (acc.count = 1.5 as unknown as bigint), getValue: () => 1 },
      { name: 'badAcc', inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(bad, $('price'))).execute());
    expect(causes(err)).toMatch(/accumulator of TypeScript UDAF 'badAcc' does not match its accumulatorType .*field 'count'.*1\.5/);
  });

  it('a result that does not fit the result type names the UDAF and the value', async () => {
    const bad = udaf(
      { createAccumulator: () => ({ sum: 0, count: 0n }), accumulate: () => undefined, getValue: () => 'lots' as unknown as number },
      { name: 'badResult', inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: AVG_ACC },
    );
    const err = await failureOf(bids().groupBy($('auction')).select($('auction'), call(bad, $('price'))).execute());
    expect(causes(err)).toMatch(/TypeScript UDAF 'badResult' produced a value that does not match its result type: .*"lots"/);
  });

  it('a group window with a TypeScript aggregate fails saying what to do instead', async () => {
    await tEnv.executeSql(`CREATE TEMPORARY TABLE ticks (x DOUBLE, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '10')`);
    tEnv.createTemporarySystemFunction('tsAvgW', tsAvg());
    const err = await failureOf(tEnv.executeSql(`SELECT tsAvgW(x) FROM ticks GROUP BY TUMBLE(pt, INTERVAL '1' SECOND)`));
    expect(causes(err)).toMatch(/TypeScript aggregates in group windows .* do not run in the TSFlink worker yet/);
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
    expect(() => udaf(new TsAvg(), { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), accumulatorType: DataTypes.DOUBLE() })).toThrow(
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

/** Runs `fn` with one row per bundle and no worker-side accumulator cache: every row reads its key's state from Flink. */
async function rowByRow<T>(fn: () => Promise<T>): Promise<T> {
  tEnv.getConfig().set('python.fn-execution.bundle.size', '1').set('python.state.cache-size', '0');
  try {
    return await fn();
  } finally {
    tEnv.getConfig().set('python.fn-execution.bundle.size', '1000').set('python.state.cache-size', '1000');
  }
}

describe('data views', () => {
  it('ListView and MapView fields live in Flink state', async () => {
    const top = udaf(new TopBidders(), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
      accumulatorType: DataTypes.ROW(
        DataTypes.FIELD('seen', DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.BIGINT())),
        DataTypes.FIELD('order', DataTypes.LIST_VIEW(DataTypes.STRING())),
        DataTypes.FIELD('total', DataTypes.BIGINT()),
      ),
    });
    const rows = await rowByRow(() => rowsOf(bids().groupBy($('auction')).select($('auction'), call(top, $('bidder')).as('bidders'))));
    expect(finalRows(rows.map((r) => [r.getKind(), { ...r }]), 'auction')).toEqual([
      { auction: 'a', bidders: 'ann:2,cy:1 of 3' },
      { auction: 'b', bidders: 'bob:1,dee:1 of 2' },
    ]);
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

describe('udtaf', () => {
  it('flatAggregate emits several rows per group and retracts them on change', async () => {
    const top2 = udtaf(new Top2(), {
      inputTypes: [DataTypes.DOUBLE()],
      resultType: DataTypes.ROW(DataTypes.FIELD('price', DataTypes.DOUBLE()), DataTypes.FIELD('rank', DataTypes.INT())),
      accumulatorType: DataTypes.ROW(DataTypes.FIELD('first', DataTypes.DOUBLE()), DataTypes.FIELD('second', DataTypes.DOUBLE())),
    });
    const result = await bids().groupBy($('auction')).flatAggregate(call(top2, $('price')).as('price', 'rank')).select($('auction'), $('price'), $('rank')).execute();
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

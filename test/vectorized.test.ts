/**
 * Vectorized TypeScript UDFs and UDAFs (PyFlink's pandas UDFs) on the real mini-cluster: Flink's
 * Arrow operators (ArrowPythonScalarFunctionOperator, the Arrow aggregate operators) send Arrow
 * batches to our Node worker, which calls the functions with apache-arrow Vectors.
 */
import * as fs from 'node:fs';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, call, DataTypes, Session, udf, udaf, udtf, vectorizedUdaf, vectorizedUdf, type TableEnvironment } from '../src/index';
import { batchEnv, failureOf, rowsOf, sorted, streamingEnv } from './helpers';

let tEnv: TableEnvironment;
let batch: TableEnvironment;

beforeAll(async () => {
  tEnv = await streamingEnv();
  batch = await batchEnv();
  // Bundles end on size or at the input's end, never on flink-python's bundle timer: an error that
  // reaches its Arrow aggregate operator through that timer fails the task from outside, and the
  // interrupted operator's close() can then stop the TaskManager (docs/vectorized.md § Errors), so
  // the error tests below would see "The TaskExecutor is shutting down" instead of the function's
  // error on a slow machine. Batch jobs lose nothing by it (no latency to keep).
  batch.getConfig().set('python.fn-execution.bundle.time', '3600000');
});

afterAll(async () => {
  await (await Session.running())?.close();
});

function lineOf(marker: string): number {
  return fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
}

/** n rows (id BIGINT, price BIGINT, name STRING), price = id * 10, every 7th price NULL. */
function bids(env: TableEnvironment, n: number) {
  const rows = Array.from({ length: n }, (_, i) => [BigInt(i), i % 7 === 3 ? null : BigInt(i * 10), `n${i % 3}`]);
  return env.fromValues(
    DataTypes.ROW(DataTypes.FIELD('id', DataTypes.BIGINT()), DataTypes.FIELD('price', DataTypes.BIGINT()), DataTypes.FIELD('name', DataTypes.STRING())),
    rows,
  );
}

describe('vectorized scalar UDFs', () => {
  it('get one Arrow Vector per argument per batch and return a typed array (Table API), batches of arrow.batch.size rows', async () => {
    const sizes = new Set<number>();
    const toEuro = udf(
      (price: arrow.Vector) => {
        const out = new Array<number | null>(price.length);
        for (let i = 0; i < price.length; i++) {
          const p = price.get(i) as bigint | null;
          out[i] = p === null ? null : Number(p) * 0.5;
        }
        // the batch length comes back as a second output, to check the batch size
        return out;
      },
      { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.DOUBLE(), funcType: 'vectorized' },
    );
    const batchLength = vectorizedUdf((price: arrow.Vector) => new Int32Array(price.length).fill(price.length), {
      inputTypes: [DataTypes.BIGINT()],
      resultType: DataTypes.INT(),
    });
    tEnv.getConfig().set('python.fn-execution.arrow.batch.size', '4');
    tEnv.getConfig().set('python.fn-execution.bundle.size', '8');
    try {
      const rows = await rowsOf(bids(tEnv, 10).select($('id'), call(toEuro, $('price')).as('euro'), call(batchLength, $('price')).as('len')));
      expect(sorted(rows.map((r) => ({ id: r.id, euro: r.euro })))).toEqual(
        sorted(Array.from({ length: 10 }, (_, i) => ({ id: BigInt(i), euro: i % 7 === 3 ? null : i * 5 }))),
      );
      for (const r of rows) sizes.add(r.len as number);
      // 10 rows in batches of at most 4: 4, 4, 2
      expect([...sizes].sort()).toEqual([2, 4]);
    } finally {
      tEnv.getConfig().set('python.fn-execution.arrow.batch.size', '1000');
      tEnv.getConfig().set('python.fn-execution.bundle.size', '1000');
    }
  });

  it('run in SQL, mixed with a row UDF, chained, with literals, returning Vectors and typed arrays', async () => {
    const scale = vectorizedUdf(
      (x: arrow.Vector, factor: arrow.Vector) => {
        const xs = x.toArray() as BigInt64Array;
        const out = new BigInt64Array(x.length);
        for (let i = 0; i < x.length; i++) out[i] = xs[i] * (factor.get(i) as bigint);
        return out;
      },
      { inputTypes: [DataTypes.BIGINT().notNull(), DataTypes.BIGINT()], resultType: DataTypes.BIGINT().notNull() },
    );
    const shout = vectorizedUdf((s: arrow.Vector) => arrow.vectorFromArray([...s].map((v) => (v === null ? null : `${String(v).toUpperCase()}!`)), new arrow.Utf8()), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
    });
    const plusOne = udf((x: bigint | null) => (x === null ? null : x + 1n), { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.BIGINT() });
    tEnv.createTemporarySystemFunction('vscale', scale);
    tEnv.createTemporarySystemFunction('vshout', shout);
    tEnv.createTemporarySystemFunction('plus_one', plusOne);
    tEnv.createTemporaryView('ids', tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('id', DataTypes.BIGINT().notNull()), DataTypes.FIELD('name', DataTypes.STRING())), [[1n, 'a'], [2n, 'b'], [3n, null]]));
    const rows = await rowsOf(tEnv.executeSql('SELECT id, vscale(vscale(id, 3), 2) AS six, plus_one(vscale(id, 10)) AS ten1, vshout(name) AS s FROM ids'));
    expect(sorted(rows)).toEqual([
      { id: 1n, six: 6n, ten1: 11n, s: 'A!' },
      { id: 2n, six: 12n, ten1: 21n, s: 'B!' },
      { id: 3n, six: 18n, ten1: 31n, s: null },
    ]);
  });
});

describe('every SQL type of the Arrow path round-trips through a vectorized UDF', () => {
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
    ['bin', 'BINARY(2)'],
    ['vb', 'BYTES'],
    ['dt', 'DATE'],
    ['tm', 'TIME(3)'],
    ['ts', 'TIMESTAMP(3)'],
    ['ts6', 'TIMESTAMP(6)'],
    ['ltz', 'TIMESTAMP_LTZ(3)'],
    ['arr', 'ARRAY<INT>'],
    ['m', 'MAP<STRING NOT NULL, BIGINT>'],
    ['r', 'ROW<x INT, y STRING>'],
    ['nested', 'ARRAY<ROW<k STRING, v ARRAY<DOUBLE>>>'],
  ];
  /** Test rows; self-contained so it runs in the worker as a table function. */
  function typedRows(_k: number | null): Record<string, unknown>[] {
    const full = {
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
      bin: Uint8Array.of(0, 255),
      vb: Uint8Array.of(1, 2, 3),
      dt: new Date('2024-02-29T00:00:00Z'),
      tm: '23:59:58.123',
      ts: new Date('1969-07-20T20:17:40.123Z'),
      ts6: new Date('2038-01-19T03:14:08.001Z'),
      ltz: new Date('2024-01-02T03:04:05.678Z'),
      arr: [1, null, -3],
      m: new Map<string, bigint | null>([
        ['one', 1n],
        ['none', null],
      ]),
      r: { x: 42, y: null },
      nested: [{ k: 'p', v: [0.5, null] }, null],
    };
    const nulls = Object.fromEntries(Object.keys(full).map((k) => [k, null]));
    return [full, nulls, full];
  }
  const [full, nulls] = typedRows(0);
  const rowType = DataTypes.of<Record<string, unknown>>(`ROW<${FIELDS.map(([n, t]) => `\`${n}\` ${t}`).join(', ')}>`);

  it('Vectors returned as they came (Flink Arrow writer → worker → Flink Arrow reader), and rebuilt from their values', async () => {
    const t = tEnv
      .fromValues([{ k: 1 }])
      .joinLateral(call(udtf(typedRows, { inputTypes: [DataTypes.INT()], resultType: rowType }), $('k')))
      .select(...FIELDS.map(([n]) => $(n)));
    // values as apache-arrow reads them, for the types whose JS values TSFlink's value mapping takes back
    const byValue = new Set(['b', 'ti', 'si', 'i', 'bi', 'f', 'd', 's', 'c', 'vb', 'ts']);
    const projections = FIELDS.map(([n, sql]) => {
      const type = DataTypes.of(sql);
      const fn = byValue.has(n) ? (v: arrow.Vector) => Array.from(v) : (v: arrow.Vector) => v;
      return call(vectorizedUdf(fn, { inputTypes: [type], resultType: type, name: `vid_${n}` }), $(n)).as(n);
    });
    const rows = await rowsOf(t.select(...projections));
    expect(rows).toHaveLength(3);
    expect({ ...rows.find((r) => r.b === null)! }).toEqual(nulls);
    for (const r of rows.filter((x) => x.b === true)) expect({ ...r }).toEqual(full);
  });
});

describe('vectorized aggregate functions', () => {
  const mean = () =>
    udaf(
      (v: arrow.Vector) => {
        let sum = 0;
        let n = 0;
        for (const x of v) {
          if (x !== null) {
            sum += Number(x);
            n++;
          }
        }
        return n === 0 ? null : sum / n;
      },
      { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.DOUBLE(), funcType: 'vectorized', name: 'mean' },
    );

  it('aggregate a batch GROUP BY (Table API and SQL) over the whole group at once', async () => {
    const count = vectorizedUdaf((v: arrow.Vector) => v.length, { inputTypes: [DataTypes.BIGINT()], resultType: DataTypes.INT() });
    const n = 3000; // larger than arrow.batch.size: a group still arrives as one batch
    const rows = await rowsOf(bids(batch, n).groupBy($('name')).select($('name'), call(mean(), $('price')).as('av'), call(count, $('id')).as('cnt')));
    const expected = ['n0', 'n1', 'n2'].map((name) => {
      const ids = Array.from({ length: n }, (_, i) => i).filter((i) => `n${i % 3}` === name);
      const prices = ids.filter((i) => i % 7 !== 3).map((i) => i * 10);
      return { name, av: prices.reduce((a, b) => a + b, 0) / prices.length, cnt: ids.length };
    });
    expect(sorted(rows)).toEqual(sorted(expected));
    batch.createTemporarySystemFunction('vmean', mean());
    batch.createTemporaryView('bids_v', bids(batch, 20));
    const sql = await rowsOf(batch.executeSql('SELECT name, vmean(price) AS av FROM bids_v GROUP BY name'));
    const direct = await rowsOf(batch.executeSql('SELECT name, AVG(CAST(price AS DOUBLE)) AS av FROM bids_v GROUP BY name'));
    expect(sorted(sql)).toEqual(sorted(direct));
  });

  /** (k, v, ts TIMESTAMP(3)) rows; a Date's UTC fields are the TIMESTAMP's wall clock. */
  const series = (env: TableEnvironment, rows: [string, bigint, number][]) =>
    env.fromValues(
      DataTypes.ROW(DataTypes.FIELD('k', DataTypes.STRING()), DataTypes.FIELD('v', DataTypes.BIGINT()), DataTypes.FIELD('ts', DataTypes.TIMESTAMP(3))),
      rows.map(([k, v, t]) => [k, v, new Date(t)]),
    );

  it('aggregate tumbling and sliding group windows, in batch and streaming mode', async () => {
    batch.createTemporarySystemFunction('wmean', mean());
    batch.createTemporaryView('ticks_b', series(batch, [['a', 1n, 1000], ['a', 2n, 1500], ['b', 5n, 1800], ['a', 4n, 2500], ['b', 6n, 3100]]));
    const b = await rowsOf(batch.executeSql("SELECT k, TUMBLE_START(ts, INTERVAL '2' SECOND) AS ws, wmean(v) AS m FROM ticks_b GROUP BY k, TUMBLE(ts, INTERVAL '2' SECOND)"));
    expect(sorted(b.map((r) => ({ k: r.k, ws: (r.ws as Date).getTime(), m: r.m })))).toEqual(
      sorted([
        { k: 'a', ws: 0, m: 1.5 },
        { k: 'b', ws: 0, m: 5 },
        { k: 'a', ws: 2000, m: 4 },
        { k: 'b', ws: 2000, m: 6 },
      ]),
    );
    // sliding (HOP) windows of 2 s every 1 s: a row is in two windows
    const h = await rowsOf(batch.executeSql("SELECT k, HOP_START(ts, INTERVAL '1' SECOND, INTERVAL '2' SECOND) AS ws, wmean(v) AS m FROM ticks_b GROUP BY k, HOP(ts, INTERVAL '1' SECOND, INTERVAL '2' SECOND)"));
    expect(sorted(h.map((r) => ({ k: r.k, ws: (r.ws as Date).getTime(), m: r.m })))).toEqual(
      sorted([
        { k: 'a', ws: 0, m: 1.5 },
        { k: 'a', ws: 1000, m: 7 / 3 },
        { k: 'a', ws: 2000, m: 4 },
        { k: 'b', ws: 0, m: 5 },
        { k: 'b', ws: 1000, m: 5 },
        { k: 'b', ws: 2000, m: 6 },
        { k: 'b', ws: 3000, m: 6 },
      ]),
    );
    // streaming: an event-time window over a bounded table with a watermark (fires at the end of
    // input); datagen stamps its rows with the current time, so all fall into one 10-day window
    await tEnv.executeSql(
      "CREATE TEMPORARY TABLE ticks_s (v BIGINT, ts TIMESTAMP_LTZ(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '200')",
    );
    tEnv.createTemporarySystemFunction('smean', mean());
    const got = await rowsOf(tEnv.executeSql("SELECT k, smean(v) AS m FROM (SELECT MOD(v, 3) AS k, v, ts FROM ticks_s) GROUP BY k, TUMBLE(ts, INTERVAL '10' DAY)"));
    const expected = [0, 1, 2].map((k) => {
      const vs = Array.from({ length: 200 }, (_, i) => i + 1).filter((v) => v % 3 === k);
      return { k, m: vs.reduce((x, y) => x + y, 0) / vs.length };
    });
    expect(sorted(got)).toEqual(sorted(expected));
  });

  it('aggregate bounded over windows (ROWS and RANGE) in batch mode', async () => {
    batch.createTemporarySystemFunction('omean', mean());
    batch.createTemporaryView('over_in', series(batch, [['a', 1n, 1000], ['a', 3n, 2000], ['a', 5n, 3000], ['a', 7n, 4000], ['b', 10n, 1000], ['b', 20n, 5000]]));
    const rows = await rowsOf(
      batch.executeSql(
        'SELECT k, v, ' +
          'omean(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS r, ' +
          "omean(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS g, " +
          'omean(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS w ' +
          'FROM over_in',
      ),
    );
    const byV = Object.fromEntries(rows.map((r) => [String(r.v), [r.r, r.g, r.w]]));
    // r: this row and the one before; g: rows up to 2 s earlier; w: the whole partition
    expect(byV).toEqual({ '1': [1, 1, 4], '3': [2, 2, 4], '5': [4, 3, 4], '7': [6, 5, 4], '10': [10, 10, 15], '20': [15, 20, 15] });
  });
});

describe('vectorized aggregates in streaming mode', () => {
  // the largest value and the count: flink-python's streaming RANGE operator hands over a frame's
  // rows in the order of its map state, not in time order
  const last = () =>
    vectorizedUdaf((v: arrow.Vector) => (v.length === 0 ? null : ([...v].reduce((a, b) => ((b as bigint) > (a as bigint) ? b : a)) as bigint) * 100n + BigInt(v.length)), {
      inputTypes: [DataTypes.BIGINT()],
      resultType: DataTypes.BIGINT(),
    });

  it('aggregate bounded event-time over windows (ROWS and RANGE)', async () => {
    await tEnv.executeSql(
      "CREATE TEMPORARY TABLE seq_s (v BIGINT, ts AS TO_TIMESTAMP_LTZ(v * 1000, 3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '20')",
    );
    tEnv.createTemporarySystemFunction('vlast', last());
    // a streaming query computes all its OVER aggregates on one window: one query per frame
    const rows = await rowsOf(tEnv.executeSql('SELECT v, vlast(v) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS x FROM seq_s'));
    const range = await rowsOf(tEnv.executeSql("SELECT v, vlast(v) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW) AS x FROM seq_s"));
    // the ROWS frame of row v holds min(v, 3) rows ending with v; the RANGE frame the rows of the 3 s before (one a second): min(v, 4)
    const expected = (size: number) => sorted(Array.from({ length: 20 }, (_, i) => ({ v: BigInt(i + 1), x: BigInt(i + 1) * 100n + BigInt(Math.min(i + 1, size)) })));
    expect(sorted(rows)).toEqual(expected(3));
    expect(sorted(range)).toEqual(expected(4));
  });

  it('are refused by the planner in a streaming GROUP BY without a window, as PyFlink\'s pandas UDAFs', async () => {
    const xs = tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('x', DataTypes.BIGINT())), [[1n], [2n]]);
    await expect(rowsOf(xs.groupBy($('x')).select(call(last(), $('x'))))).rejects.toThrow(
      /Pandas UDAFs are not supported in streaming mode currently[\s\S]*for a streaming GROUP BY without a window, use a row udaf with an accumulator/,
    );
  });
});

describe('vectorized UDF errors', () => {
  const rowAvgOf = () =>
    udaf(
      {
        createAccumulator: () => [0, 0],
        accumulate: (acc: number[], v: number | null) => {
          if (v !== null) {
            acc[0] += v;
            acc[1]++;
          }
        },
        getValue: (acc: number[]) => (acc[1] === 0 ? null : acc[0] / acc[1]),
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.DOUBLE(), accumulatorType: DataTypes.ARRAY(DataTypes.DOUBLE()), name: 'rowAvg' },
    );

  it('a row-at-a-time udaf refused in batch mode or in an over window points to embedded mode and the vectorized form', async () => {
    const rowAvg = rowAvgOf();
    const xs = batch.fromValues(DataTypes.ROW(DataTypes.FIELD('x', DataTypes.INT())), [[1], [2]]);
    await expect(rowsOf(xs.groupBy($('x')).select(call(rowAvg, $('x'))))).rejects.toThrow(
      /in batch mode, run the aggregate embedded, udaf\(obj, \{ \.\.\., mode: 'embedded' \}\), a Flink AggregateFunction that runs in batch mode too .*, use Flink's built-in aggregates, or a vectorized aggregate, udaf\(fn, \{ \.\.\., funcType: 'vectorized' \}\)/,
    );
    await tEnv.executeSql(
      "CREATE TEMPORARY TABLE over_rows (x INT, ts AS TO_TIMESTAMP_LTZ(x * 1000, 3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '5')",
    );
    tEnv.createTemporarySystemFunction('rowAvgOver', rowAvgOf());
    await expect(rowsOf(tEnv.executeSql('SELECT rowAvgOver(x) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM over_rows'))).rejects.toThrow(
      /TypeScript row aggregates \(udaf with an accumulator\) cannot run in OVER windows.*use a vectorized aggregate/,
    );
  });


  const xs = (env: TableEnvironment) => env.fromValues(DataTypes.ROW(DataTypes.FIELD('x', DataTypes.INT())), [[1], [2], [3]]);

  it('a result of the wrong length names the function and the lengths; the session survives', async () => {
    const short = vectorizedUdf((x: arrow.Vector) => new Float64Array(x.length - 1), { inputTypes: [DataTypes.INT()], resultType: DataTypes.DOUBLE(), name: 'short' });
    const err = await failureOf(xs(tEnv).select(call(short, $('x'))).execute());
    expect(err.causes.map((c) => c.message).join('\n')).toContain("TypeScript vectorized UDF 'short' returned 2 values for a batch of 3 rows");
    expect(await rowsOf(xs(tEnv).select($('x').plus(1).as('y')))).toHaveLength(3);
  });

  it('a result of the wrong type names the function, the row and the value', async () => {
    const words = vectorizedUdf((x: arrow.Vector) => [...x].map((v) => (v === 2 ? 'two' : Number(v))) as never, { inputTypes: [DataTypes.INT()], resultType: DataTypes.DOUBLE(), name: 'words' });
    const err = await failureOf(xs(tEnv).select(call(words, $('x'))).execute());
    expect(err.causes.map((c) => c.message).join('\n')).toMatch(/TypeScript vectorized UDF 'words' returned a column that does not match its result type: row 1: cannot convert "two" to Arrow Float64/);
    const notColumn = vectorizedUdf((x: arrow.Vector) => x.length as never, { inputTypes: [DataTypes.INT()], resultType: DataTypes.DOUBLE(), name: 'notColumn' });
    const err2 = await failureOf(xs(tEnv).select(call(notColumn, $('x'))).execute());
    expect(err2.causes.map((c) => c.message).join('\n')).toContain("TypeScript vectorized UDF 'notColumn' returned a number, not a column");
    const column = vectorizedUdaf((x: arrow.Vector) => x as never, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'column' });
    const err3 = await failureOf(xs(batch).groupBy($('x')).select(call(column, $('x'))).execute());
    expect(err3.causes.map((c) => c.message).join('\n')).toContain("TypeScript vectorized UDAF 'column' returned an Arrow Int32 vector: a vectorized aggregate returns one value for its group, not a column");
  });

  it('a throwing function fails the job with its message and the user line, in UDFs and UDAFs', async () => {
    const boom = vectorizedUdf(
      (x: arrow.Vector) => {
        if (x.length > 0) throw new RangeError(`batch of ${x.length} refused`); // VTHROW-MARKER
        return x;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'boom' },
    );
    const text = (await failureOf(xs(tEnv).select(call(boom, $('x'))).execute())).causes.map((c) => c.message).join('\n');
    expect(text).toContain("TypeScript UDF 'boom' failed: RangeError: batch of 3 refused");
    expect(text).toContain(`vectorized.test.ts:${lineOf('VTHROW-MARKER')}`);
    const aggBoom = vectorizedUdaf(
      (x: arrow.Vector): number => {
        throw new Error(`group of ${x.length}`); // VATHROW-MARKER
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'aggBoom' },
    );
    const text2 = (await failureOf(xs(batch).groupBy($('x')).select(call(aggBoom, $('x'))).execute())).causes.map((c) => c.message).join('\n');
    expect(text2).toContain("TypeScript UDF 'aggBoom' failed: Error: group of 1");
    expect(text2).toContain(`vectorized.test.ts:${lineOf('VATHROW-MARKER')}`);
    expect(await rowsOf(xs(batch).select($('x').plus(1).as('y')))).toHaveLength(3);
  });

  it('refuses what has no vectorized form at definition time', () => {
    expect(() => vectorizedUdaf((x: arrow.Vector) => x.length as never, { inputTypes: [DataTypes.INT()], resultType: DataTypes.MAP(DataTypes.STRING().notNull(), DataTypes.INT()) as never })).toThrow(
      /vectorizedUdaf: a vectorized aggregate cannot return MAP/,
    );
    expect(() => udf(((x: number) => x) as never, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), funcType: 'pandas' as never })).toThrow(/funcType must be 'general' or 'vectorized'/);
  });
});

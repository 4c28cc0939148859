/** Arrow interop against the real mini-cluster: tEnv.fromArrow / table.toArrow / resultToArrow. */
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, ArrowConversionError, DataTypes, FLINK_TYPE_METADATA, FlinkError, Session, resultToArrow, type TableEnvironment } from '../src/index';
import { batchEnv, rowsOf, sorted, streamingEnv } from './helpers';

const { FIELD, ROW } = DataTypes;

// Every Flink type Flink's Arrow support covers, each column with a null.
const ALL_TYPES = ROW(
  FIELD('id', DataTypes.INT().notNull()),
  FIELD('bool', DataTypes.BOOLEAN()),
  FIELD('i8', DataTypes.TINYINT()),
  FIELD('i16', DataTypes.SMALLINT()),
  FIELD('i32', DataTypes.INT()),
  FIELD('i64', DataTypes.BIGINT()),
  FIELD('f32', DataTypes.FLOAT()),
  FIELD('f64', DataTypes.DOUBLE()),
  FIELD('dec', DataTypes.DECIMAL(10, 2)),
  FIELD('ch', DataTypes.CHAR(3)),
  FIELD('vc', DataTypes.VARCHAR(10)),
  FIELD('str', DataTypes.STRING()),
  FIELD('bin', DataTypes.BINARY(2)),
  FIELD('vbin', DataTypes.VARBINARY(5)),
  FIELD('bytes', DataTypes.BYTES()),
  FIELD('day', DataTypes.DATE()),
  FIELD('t0', DataTypes.TIME(0)),
  FIELD('t3', DataTypes.TIME(3)),
  FIELD('ts3', DataTypes.TIMESTAMP(3)),
  FIELD('ts6', DataTypes.TIMESTAMP(6)),
  FIELD('ltz3', DataTypes.TIMESTAMP_LTZ(3)),
  FIELD('ints', DataTypes.ARRAY(DataTypes.INT())),
  FIELD('strs', DataTypes.ARRAY(DataTypes.STRING())),
  FIELD('m', DataTypes.MAP(DataTypes.STRING().notNull(), DataTypes.INT())),
  FIELD('r', ROW(FIELD('a', DataTypes.INT()), FIELD('b', DataTypes.STRING()))),
);

const FULL = {
  id: 1,
  bool: true,
  i8: -128,
  i16: 32767,
  i32: -2147483648,
  i64: 9007199254740993n,
  f32: 1.5,
  f64: -2.25,
  dec: '12345678.91',
  ch: 'abc',
  vc: 'hello',
  str: 'grüße 🌍',
  bin: new Uint8Array([1, 2]),
  vbin: new Uint8Array([3, 4, 5]),
  bytes: new Uint8Array([0, 255]),
  day: new Date('2024-02-29T00:00:00Z'),
  t0: '12:34:56',
  t3: '23:59:59.123',
  ts3: new Date('2024-01-02T03:04:05.678Z'),
  ts6: new Date('1969-12-31T23:59:59.001Z'),
  ltz3: new Date('2030-06-15T10:20:30.405Z'),
  ints: [1, null, 3],
  strs: ['x', ''],
  m: new Map([['k', 1]]),
  r: { a: 7, b: 'seven' },
};
const EMPTY = Object.fromEntries(Object.keys(FULL).map((k) => [k, k === 'id' ? 2 : null]));

let batch: TableEnvironment;
let streaming: TableEnvironment;

beforeAll(async () => {
  batch = await batchEnv();
  streaming = await streamingEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => ({ ...r }));
}

describe('toArrow', () => {
  it('maps every supported Flink type to its Arrow type, with values and nulls', async () => {
    const t = await batch.fromValues(ALL_TYPES, [FULL, EMPTY]).orderBy($('id')).toArrow();
    expect(t.numRows).toBe(2);
    const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toEqual({
      id: 'Int32',
      bool: 'Bool',
      i8: 'Int8',
      i16: 'Int16',
      i32: 'Int32',
      i64: 'Int64',
      f32: 'Float32',
      f64: 'Float64',
      dec: 'Decimal[10e+2]',
      ch: 'Utf8',
      vc: 'Utf8',
      str: 'Utf8',
      bin: 'FixedSizeBinary[2]',
      vbin: 'Binary',
      bytes: 'Binary',
      day: 'Date32<DAY>',
      t0: 'Time32<SECOND>',
      t3: 'Time32<MILLISECOND>',
      ts3: 'Timestamp<MILLISECOND>',
      ts6: 'Timestamp<MICROSECOND>',
      ltz3: 'Timestamp<MILLISECOND, UTC>',
      ints: 'List<Int32>',
      strs: 'List<Utf8>',
      m: 'Map<{key:Utf8, value:Int32}>',
      r: 'Struct<{a:Int32, b:Utf8}>',
    });
    expect(t.schema.fields[0].nullable).toBe(false);
    expect(t.schema.fields[1].nullable).toBe(true);
    expect(t.schema.fields.find((f) => f.name === 'ch')!.metadata.get(FLINK_TYPE_METADATA)).toBe('CHAR(3)');

    const get = (name: string, row: number): unknown => t.getChild(name)!.get(row);
    expect(get('bool', 0)).toBe(true);
    expect(get('i8', 0)).toBe(-128);
    expect(get('i16', 0)).toBe(32767);
    expect(get('i32', 0)).toBe(-2147483648);
    expect(get('i64', 0)).toBe(9007199254740993n);
    expect(get('f32', 0)).toBe(1.5);
    expect(get('f64', 0)).toBe(-2.25);
    expect(String(get('dec', 0))).toBe('1234567891'); // unscaled; scale 2 in the type
    expect(get('ch', 0)).toBe('abc');
    expect(get('str', 0)).toBe('grüße 🌍');
    expect(get('bin', 0)).toEqual(new Uint8Array([1, 2]));
    expect(get('bytes', 0)).toEqual(new Uint8Array([0, 255]));
    expect(get('day', 0)).toBe(Date.UTC(2024, 1, 29));
    expect(get('t0', 0)).toBe(12 * 3600 + 34 * 60 + 56);
    expect(get('t3', 0)).toBe(((23 * 60 + 59) * 60 + 59) * 1000 + 123);
    expect(get('ts3', 0)).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(t.getChild('ts6')!.data[0].values[0]).toBe(-999000n); // microseconds before the epoch
    expect(get('ltz3', 0)).toBe(Date.UTC(2030, 5, 15, 10, 20, 30, 405));
    expect([...(get('ints', 0) as arrow.Vector)]).toEqual([1, null, 3]);
    expect([...(get('strs', 0) as arrow.Vector)]).toEqual(['x', '']);
    expect((get('m', 0) as { toJSON(): unknown }).toJSON()).toEqual({ k: 1 });
    expect((get('r', 0) as { toJSON(): unknown }).toJSON()).toEqual({ a: 7, b: 'seven' });
    for (const f of t.schema.fields.slice(1)) expect(get(f.name, 1), f.name).toBeNull();
  });

  it('returns an empty table with the schema for a query without rows', async () => {
    const t = await batch.fromValues(ALL_TYPES, [FULL]).filter($('id').isEqual(99)).toArrow();
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(Object.keys(FULL));
  });

  it('materializes an updating streaming result like PyFlink to_pandas', async () => {
    const words = streaming.fromValues(['a', 'b', 'a', 'c', 'a', 'b'].map((w) => ({ w })));
    const counts = words.groupBy($('w')).select($('w'), $('w').count().as('n'));
    const t = await counts.toArrow();
    const rows = t.toArray().map((r) => r.toJSON());
    expect(sorted(rows)).toEqual(sorted([{ w: 'a', n: 3n }, { w: 'b', n: 2n }, { w: 'c', n: 1n }]));
  });

  it('collects an insert-only streaming query in batches', async () => {
    const source = streaming.fromArrow(arrow.tableFromArrays({ i: Int32Array.from({ length: 2500 }, (_, i) => i) }));
    const t = await source.toArrow({ batchSize: 1000 });
    expect(t.numRows).toBe(2500);
    expect(t.batches.map((b) => b.numRows)).toEqual([1000, 1000, 500]);
    expect(t.getChild('i')!.toArray().reduce((a: number, b: number) => a + b, 0)).toBe((2499 * 2500) / 2);
  });

  it('an aborted toArrow() of an unbounded query rejects and cancels its job', async () => {
    await streaming.executeSql(
      "CREATE TEMPORARY TABLE endless (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100')",
    );
    const controller = new AbortController();
    const pending = streaming.from('endless').toArrow({ signal: controller.signal });
    setTimeout(() => controller.abort(), 3000);
    await expect(pending).rejects.toThrow(/abort/i);
    const session = (await Session.running())!;
    const deadline = Date.now() + 30_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = (await session.listJobs()).map((j) => j.state);
      if (!states.some((s) => !['FINISHED', 'CANCELED'].includes(s))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // The other tests' jobs finished; the unbounded one was cancelled, and nothing is left running.
    expect(states.filter((s) => s !== 'FINISHED')).toEqual(['CANCELED']);
  });

  it('resultToArrow reads an executed SQL query', async () => {
    const result = await batch.executeSql("SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS t(n, name)");
    const t = await resultToArrow(result);
    expect(t.toArray().map((r) => r.toJSON())).toEqual([
      { n: 1, name: 'one' },
      { n: 2, name: 'two' },
    ]);
  });

  it('names the column when a type has no Arrow mapping', async () => {
    const t = batch.sqlQuery("SELECT 1 AS ok, INTERVAL '2' DAY AS span");
    await expect(t.toArrow()).rejects.toThrow(/column span \(INTERVAL/);
    expect(await rowsOf(batch.sqlQuery('SELECT 1 AS still_works'))).toEqual([{ still_works: 1 }]);
  });
});

describe('fromArrow', () => {
  it('round trips every supported type incl. nulls through Arrow (batch and streaming)', async () => {
    for (const env of [batch, streaming]) {
      const source = env.fromValues(ALL_TYPES, [FULL, EMPTY]);
      const expected = plain(await rowsOf(source));
      const viaArrow = env.fromArrow(await source.toArrow());
      // toArrow records the exact Flink types, so CHAR(3), VARCHAR(10), BINARY(2)... come back as they were.
      expect(viaArrow.getResolvedSchema().columns.map((c) => c.type.sql)).toEqual(
        source.getResolvedSchema().columns.map((c) => c.type.sql),
      );
      expect(sorted(plain(await rowsOf(viaArrow)))).toEqual(sorted(expected));
      expect(expected.find((r) => r.id === 1)).toEqual(FULL);
    }
  });

  it('infers Flink types from plain Arrow columns', async () => {
    const table = new arrow.Table({
      b: arrow.vectorFromArray([true, null], new arrow.Bool()),
      i8: arrow.vectorFromArray([1, null], new arrow.Int8()),
      u16: arrow.vectorFromArray([65535, null], new arrow.Uint16()),
      i64: arrow.vectorFromArray([2n ** 62n, null], new arrow.Int64()),
      f: arrow.vectorFromArray([0.5, null], new arrow.Float32()),
      s: arrow.vectorFromArray(['dict', null]), // dictionary-encoded by apache-arrow
      d: arrow.vectorFromArray([new Date(Date.UTC(2000, 0, 1)), null], new arrow.DateMillisecond()),
      tus: arrow.vectorFromArray([3_723_000_456n, null], new arrow.TimeMicrosecond()),
      tsus: arrow.vectorFromArray([new Date(Date.UTC(2021, 5, 1, 12)), null], new arrow.TimestampMicrosecond()),
      tz: arrow.vectorFromArray([new Date(Date.UTC(2021, 5, 1, 12)), null], new arrow.TimestampMillisecond('Europe/Berlin')),
      l: arrow.vectorFromArray([[1.5, 2.5], null], new arrow.List(new arrow.Field('item', new arrow.Float64(), true))),
      st: arrow.vectorFromArray([{ x: 1, y: 'q' }, null], new arrow.Struct([new arrow.Field('x', new arrow.Int32()), new arrow.Field('y', new arrow.Utf8())])),
    });
    const t = batch.fromArrow(table);
    expect(t.getResolvedSchema().columns.map((c) => `${c.name} ${c.type.sql}`)).toEqual([
      'b BOOLEAN',
      'i8 TINYINT',
      'u16 INT',
      'i64 BIGINT',
      'f FLOAT',
      's VARCHAR(2147483647)',
      'd DATE',
      'tus TIME(6)',
      'tsus TIMESTAMP(6)',
      'tz TIMESTAMP(3) WITH LOCAL TIME ZONE',
      'l ARRAY<DOUBLE>',
      'st ROW<`x` INT NOT NULL, `y` VARCHAR(2147483647) NOT NULL>', // apache-arrow Fields default to NOT NULL
    ]);
    const rows = plain(await rowsOf(t));
    expect(rows).toEqual([
      {
        b: true,
        i8: 1,
        u16: 65535,
        i64: 2n ** 62n,
        f: 0.5,
        s: 'dict',
        d: new Date('2000-01-01T00:00:00Z'),
        tus: '01:02:03',
        tsus: new Date('2021-06-01T12:00:00Z'),
        tz: new Date('2021-06-01T12:00:00Z'),
        l: [1.5, 2.5],
        st: { x: 1, y: 'q' },
      },
      Object.fromEntries(Object.keys(rows[0]).map((k) => [k, null])),
    ]);
  });

  it('converts columns to an explicit schema and renames with a list of names', async () => {
    const table = arrow.tableFromArrays({ a: Int32Array.from([1, 2]), b: Float64Array.from([1.005, -7.5]) });
    const typed = batch.fromArrow(table, ROW(FIELD('big', DataTypes.BIGINT()), FIELD('price', DataTypes.DECIMAL(6, 2))));
    expect(plain(await rowsOf(typed))).toEqual([
      { big: 1n, price: '1.01' },
      { big: 2n, price: '-7.50' },
    ]);
    const renamed = batch.fromArrow(table, ['x', 'y ü']);
    expect(plain(await rowsOf(renamed.select($('x'), $('y ü').times(2).as('y2'))))).toEqual([
      { x: 1, y2: 2.01 },
      { x: 2, y2: -15 },
    ]);
    expect((await renamed.toArrow()).schema.fields.map((f) => f.name)).toEqual(['x', 'y ü']);
  });

  it('re-encodes Arrow columns into BINARY, DECIMAL, TIME, TIMESTAMP, ARRAY, MAP and ROW types', async () => {
    const table = new arrow.Table({
      bin: arrow.vectorFromArray([new Uint8Array([1, 2]), null], new arrow.Binary()),
      dec: arrow.vectorFromArray(['3.14159', null]),
      t: arrow.vectorFromArray([45_296_789, null], new arrow.TimeMillisecond()),
      ts: arrow.vectorFromArray([new Date(Date.UTC(2020, 1, 3, 4, 5, 6)), null], new arrow.TimestampSecond()),
      l: arrow.vectorFromArray([[1, 2], null], new arrow.List(new arrow.Field('x', new arrow.Int16(), true))),
      m: arrow.vectorFromArray([new Map([['a', 1]]), null], new arrow.Map_(new arrow.Field('entries', new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int8(), true)]), false))),
      r: arrow.vectorFromArray([{ p: 1, q: 'z' }, null], new arrow.Struct([new arrow.Field('p', new arrow.Int32(), true), new arrow.Field('q', new arrow.Utf8(), true)])),
    });
    const schema = ROW(
      FIELD('bin', DataTypes.BINARY(2)),
      FIELD('dec', DataTypes.DECIMAL(5, 3)),
      FIELD('t', DataTypes.TIME(0)),
      FIELD('ts', DataTypes.TIMESTAMP(9)),
      FIELD('l', DataTypes.ARRAY(DataTypes.BIGINT())),
      FIELD('m', DataTypes.MAP(DataTypes.VARCHAR(4).notNull(), DataTypes.DOUBLE())),
      FIELD('r', ROW(FIELD('q', DataTypes.STRING()), FIELD('p', DataTypes.INT()))),
    );
    for (const env of [batch, streaming]) {
      const rows = plain(await rowsOf(env.fromArrow(table, schema)));
      expect(rows).toEqual([
        {
          bin: new Uint8Array([1, 2]),
          dec: '3.142',
          t: '12:34:56',
          ts: new Date(Date.UTC(2020, 1, 3, 4, 5, 6)),
          l: [1n, 2n],
          m: new Map([['a', 1]]),
          r: { q: 'z', p: 1 },
        },
        { bin: null, dec: null, t: null, ts: null, l: null, m: null, r: null },
      ]);
    }
    const wrongWidth = new arrow.Table({ b: arrow.vectorFromArray([new Uint8Array([1, 2, 3])], new arrow.Binary()) });
    expect(() => batch.fromArrow(wrongWidth, ROW(FIELD('b', DataTypes.BINARY(2))))).toThrow(/column 'b', row 0: cannot convert bytes\[3\] to Arrow FixedSizeBinary\[2\] \(needs exactly 2 bytes\)/);
    const badElement = new arrow.Table({ l: arrow.vectorFromArray([[1], [2, 3.5]], new arrow.List(new arrow.Field('x', new arrow.Float64(), true))) });
    expect(() => batch.fromArrow(badElement, ROW(FIELD('l', DataTypes.ARRAY(DataTypes.INT()))))).toThrow(/column 'l\[\]', row 1: cannot convert 3.5/);
  });

  it('rejects a non-positive batch size', async () => {
    await expect(batch.fromValues([{ a: 1 }]).toArrow({ batchSize: 0 })).rejects.toThrow(/batchSize must be positive, got 0/);
  });

  it('moves 1e5 rows in bulk both ways, and Flink computes over them', async () => {
    const n = 100_000;
    const table = arrow.tableFromArrays({
      k: Int32Array.from({ length: n }, (_, i) => i % 10),
      v: Float64Array.from({ length: n }, (_, i) => i),
      s: Array.from({ length: n }, (_, i) => `row-${i} 🌍`),
    });
    const t = batch.fromArrow(table);
    const sums = plain(await rowsOf(t.groupBy($('k')).select($('k'), $('v').sum().as('total'), $('s').count().as('n'))));
    expect(sorted(sums)).toEqual(sorted(Array.from({ length: 10 }, (_, k) => ({ k, total: (n / 10) * k + 10 * ((n / 10) * (n / 10 - 1)) / 2, n: BigInt(n / 10) }))));
    const back = await t.toArrow();
    expect(back.numRows).toBe(n);
    expect(back.getChild('s')!.get(n - 1)).toBe(`row-${n - 1} 🌍`); // non-BMP text travels in the file, not the bridge
    expect(back.getChild('v')!.toArray()).toEqual(table.getChild('v')!.toArray());
  });

  it('gives clear errors for values and types that do not fit, and the session keeps working', async () => {
    const strings = arrow.tableFromArrays({ a: ['1', 'x'] });
    expect(() => batch.fromArrow(strings, ROW(FIELD('a', DataTypes.INT())))).toThrow(ArrowConversionError);
    expect(() => batch.fromArrow(strings, ROW(FIELD('a', DataTypes.INT())))).toThrow(/column 'a', row 0: cannot convert "1" to Arrow Int32/);
    const big = arrow.tableFromArrays({ a: Int32Array.from([1, 300]) });
    expect(() => batch.fromArrow(big, ROW(FIELD('a', DataTypes.TINYINT())))).toThrow(/column 'a', row 1: cannot convert 300 .*out of range/);
    const withNull = new arrow.Table({ a: arrow.vectorFromArray([1, null], new arrow.Int32()) });
    expect(() => batch.fromArrow(withNull, ROW(FIELD('a', DataTypes.INT().notNull())))).toThrow(/row 1: null in a NOT NULL column/);
    const duration = new arrow.Table({ d: arrow.vectorFromArray([1n], new arrow.DurationSecond()) });
    expect(() => batch.fromArrow(duration)).toThrow(/column 'd': Arrow type Duration.* has no Flink SQL type/);
    expect(() => batch.fromArrow(big, ROW(FIELD('a', DataTypes.INT()), FIELD('b', DataTypes.INT())))).toThrow(
      /row type has 2 fields but the Arrow table has 1 columns/,
    );
    expect(() => batch.fromArrow(big, ROW(FIELD('a', DataTypes.MULTISET(DataTypes.INT()))))).toThrow(/column a \(MULTISET/);
    expect(() => batch.fromArrow(big, DataTypes.of('ROW<a NOPE>'))).toThrow(FlinkError);
    const nullableKey = batch.fromValues(ROW(FIELD('m', DataTypes.MAP(DataTypes.STRING(), DataTypes.INT()))), [{ m: new Map([['k', 1]]) }]);
    await expect(nullableKey.toArrow()).rejects.toThrow(/column m \(MAP<VARCHAR\(2147483647\), INT>: a map key type must be NOT NULL/);
    expect(plain(await rowsOf(batch.fromArrow(big)))).toEqual([{ a: 1 }, { a: 300 }]);
  });
});

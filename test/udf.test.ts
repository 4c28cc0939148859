/**
 * TypeScript UDFs on the real mini-cluster: Flink's Python-UDF operators run our Node worker.
 * Each UDF kind from the Table API and SQL, class forms with open(), chained UDFs with literals,
 * and every SQL type round-tripped through the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  $,
  call,
  DataTypes,
  lit,
  ScalarFunction,
  TableFunction,
  AsyncScalarFunction,
  Session,
  udf,
  udtf,
  asyncUdf,
  type FunctionContext,
  type TableEnvironment,
} from '../src/index';
import { Gateway } from '../src/gateway/facade';
import { rowsOf, sorted, streamingEnv } from './helpers';

let tEnv: TableEnvironment;

beforeAll(async () => {
  tEnv = await streamingEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

const people = () =>
  tEnv.fromValues(
    DataTypes.ROW(DataTypes.FIELD('name', DataTypes.STRING()), DataTypes.FIELD('age', DataTypes.INT()), DataTypes.FIELD('score', DataTypes.BIGINT())),
    [
      ['ann', 31, 10n],
      ['bob', 42, 20n],
      ['cy', null, 30n],
    ],
  );

describe('scalar UDFs', () => {
  it('run in the Node worker from the Table API', async () => {
    const greet = udf((name: string | null, age: number | null) => `${name} is ${age ?? '?'} (pid ${process.pid > 0 ? 'ok' : 'bad'})`, {
      inputTypes: [DataTypes.STRING(), DataTypes.INT()],
      resultType: DataTypes.STRING(),
    });
    const rows = await rowsOf(people().select($('name'), call(greet, $('name'), $('age')).as('greeting')));
    expect(sorted(rows)).toEqual([
      { name: 'ann', greeting: 'ann is 31 (pid ok)' },
      { name: 'bob', greeting: 'bob is 42 (pid ok)' },
      { name: 'cy', greeting: 'cy is ? (pid ok)' },
    ]);
  });

  it.each(['process', 'embedded'] as const)('class form with open(ctx), registered for SQL, chained with literals (%s mode)', async (mode) => {
    class Scale extends ScalarFunction<[bigint | null, number | null], bigint | null> {
      factor = 0n;
      open(ctx: FunctionContext) {
        this.factor = BigInt(ctx.getJobParameter('scale.factor', '3'));
      }
      eval(x: bigint | null, plus: number | null) {
        return x === null ? null : x * this.factor + BigInt(plus ?? 0);
      }
    }
    const scale = udf(new Scale(), { inputTypes: [DataTypes.BIGINT(), DataTypes.INT()], resultType: DataTypes.BIGINT(), mode });
    const label = udf((prefix: string, n: bigint | null, d: string | null, flag: boolean) => `${prefix}:${n}:${d}:${flag}`, {
      inputTypes: [DataTypes.STRING(), DataTypes.BIGINT(), DataTypes.DECIMAL(5, 2), DataTypes.BOOLEAN()],
      resultType: DataTypes.STRING(),
      mode,
    });
    tEnv.createTemporarySystemFunction(`scale_${mode}`, scale);
    tEnv.createTemporaryFunction(`label_${mode}`, label);
    tEnv.createTemporaryView(`people_${mode}`, people());
    const result = await tEnv.executeSql(
      `SELECT name, scale_${mode}(score, 1) AS s, label_${mode}('x', scale_${mode}(score, age), CAST(1.50 AS DECIMAL(5, 2)), TRUE) AS l FROM people_${mode}`,
    );
    expect(sorted(await result.toArray())).toEqual([
      { name: 'ann', s: 31n, l: 'x:61:1.50:true' },
      { name: 'bob', s: 61n, l: 'x:102:1.50:true' },
      { name: 'cy', s: 91n, l: 'x:90:1.50:true' },
    ]);
  });

  it.each(['process', 'embedded'] as const)('open(ctx) sees its task: name with subtasks, parallelism, max parallelism, attempt (%s mode)', async (mode) => {
    class WhereAmI extends ScalarFunction<[string | null], string> {
      seen = '';
      open(ctx: FunctionContext) {
        this.seen = JSON.stringify([
          ctx.getTaskName(),
          ctx.getTaskNameWithSubtasks(),
          ctx.getIndexOfThisSubtask(),
          ctx.getNumberOfParallelSubtasks(),
          ctx.getMaxNumberOfParallelSubtasks(),
          ctx.getAttemptNumber(),
        ]);
      }
      eval() {
        return this.seen;
      }
    }
    const where = udf(new WhereAmI(), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), mode });
    const [row] = await rowsOf(people().filter($('name').isEqual('ann')).select(call(where, $('name')).as('w')));
    const [name, withSubtasks, index, parallelism, maxParallelism, attempt] = JSON.parse(row.w as string) as [string, string, number, number, number, number];
    expect(name).toMatch(mode === 'process' ? /PythonCalc/ : /^Source: .*Calc/);
    // Flink's format: name (index+1/parallelism)#attempt
    expect(withSubtasks).toBe(`${name} (${index + 1}/${parallelism})#${attempt}`);
    expect([index, parallelism, maxParallelism, attempt]).toEqual([0, 1, 128, 0]);
  });

  it.each(['process', 'embedded'] as const)('isDeterministic: declared by the class, overridden by the option, passed to the Java function the planner reads (%s mode)', (mode) => {
    class Dice extends ScalarFunction<[], number> {
      eval() {
        return Math.floor(Math.random() * 6) + 1;
      }
      override isDeterministic() {
        return false;
      }
    }
    class Plain extends ScalarFunction<[], number> {
      eval() {
        return 1;
      }
    }
    const javaSays = (f: { toJavaHandle(): number }) => Gateway.invoke(f.toJavaHandle(), 'isDeterministic').v;
    const dice = udf(new Dice(), { inputTypes: [], resultType: DataTypes.INT(), mode });
    const plain = udf(new Plain(), { inputTypes: [], resultType: DataTypes.INT(), mode });
    const forced = udf(new Dice(), { inputTypes: [], resultType: DataTypes.INT(), deterministic: true, mode });
    const arrow = udf(() => 1, { inputTypes: [], resultType: DataTypes.INT(), deterministic: false, mode });
    expect([new Dice().isDeterministic(), new Plain().isDeterministic()]).toEqual([false, true]);
    expect([dice, plain, forced, arrow].map((f) => [f.isDeterministic(), javaSays(f)])).toEqual([
      [false, false],
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it.each(['process', 'embedded'] as const)('ROW arguments and results: an object by field name, or an array of the fields (%s mode)', async (mode) => {
    const person = DataTypes.ROW(DataTypes.FIELD('name', DataTypes.STRING()), DataTypes.FIELD('age', DataTypes.INT()), DataTypes.FIELD('tags', DataTypes.ARRAY(DataTypes.STRING())));
    type Person = { name: string; age: number; tags: string[] | null };
    tEnv.createTemporarySystemFunction(
      `older_${mode}`,
      udf((p: Person | null) => (p === null ? null : { name: p.name.toUpperCase(), age: p.age + 1, tags: [...(p.tags ?? []), 'older'] }), { inputTypes: [person], resultType: person, mode }),
    );
    tEnv.createTemporarySystemFunction(`doubled_${mode}`, udf((p: Person) => [p.name, p.age * 2, null], { inputTypes: [person], resultType: person, mode }));
    const rows = await rowsOf(
      tEnv.sqlQuery(`SELECT older_${mode}(p) AS o, doubled_${mode}(p) AS d FROM (VALUES (CAST(ROW('ann', 30, ARRAY['x']) AS ROW<name STRING, age INT, tags ARRAY<STRING>>))) AS t(p)`),
    );
    expect(rows.map((r) => ({ ...r }))).toEqual([{ o: { name: 'ANN', age: 31, tags: ['x', 'older'] }, d: { name: 'ann', age: 60, tags: null } }]);
    // a misspelt field name is not a row of nulls
    const misspelt = udf(() => ({ nmae: 'x' }), { inputTypes: [], resultType: person, mode, name: `misspelt_${mode}` });
    await expect(rowsOf(tEnv.fromValues([{ x: 1 }]).select(call(misspelt)))).rejects.toThrow(/an object with none of the fields of ROW<.*> \(it has 'nmae'\)/);
  });

  it.each(['process', 'embedded'] as const)('MAP arguments arrive as Maps; a Map or an object is a MAP result; MAPs nest in ROWs and ARRAYs (%s mode)', async (mode) => {
    const counts = DataTypes.MAP(DataTypes.STRING(), DataTypes.BIGINT());
    tEnv.createTemporarySystemFunction(
      `bumped_${mode}`,
      udf((m: Map<string, bigint> | null) => (m instanceof Map ? new Map([...m].map(([k, v]) => [k.toUpperCase(), v + 1n])) : `not a Map: ${typeof m}`), {
        inputTypes: [counts],
        resultType: counts,
        mode,
      }),
    );
    tEnv.createTemporarySystemFunction(`asObject_${mode}`, udf((m: Map<string, bigint>) => Object.fromEntries(m), { inputTypes: [counts], resultType: counts, mode }));
    const nested = DataTypes.ROW(DataTypes.FIELD('all', DataTypes.ARRAY(counts)));
    tEnv.createTemporarySystemFunction(`wrapped_${mode}`, udf((m: Map<string, bigint>) => ({ all: [m, new Map([['z', null]])] }), { inputTypes: [counts], resultType: nested, mode }));
    const rows = await rowsOf(
      tEnv.sqlQuery(`SELECT bumped_${mode}(m) AS b, asObject_${mode}(m) AS o, wrapped_${mode}(m) AS w FROM (VALUES (MAP['a', CAST(1 AS BIGINT), 'b', CAST(2 AS BIGINT)])) AS t(m)`),
    );
    expect(rows.map((r) => ({ ...r }))).toEqual([
      {
        b: new Map([['A', 2n], ['B', 3n]]),
        o: new Map([['a', 1n], ['b', 2n]]),
        w: { all: [new Map([['a', 1n], ['b', 2n]]), new Map([['z', null]])] },
      },
    ]);
    const badValue = udf(() => new Map([['k', 'many']]), { inputTypes: [], resultType: counts, mode, name: `badValue_${mode}` });
    await expect(rowsOf(tEnv.fromValues([{ x: 1 }]).select(call(badValue)))).rejects.toThrow(/BIGINT/);
  });

  it.each(['process', 'embedded'] as const)('SQL literals of every literal type reach the UDF as TSFlink values (%s mode)', async (mode) => {
    const show = udf(
      (...args: unknown[]) =>
        args
          .map((a) => (a instanceof Date ? `Date(${a.toISOString()})` : typeof a === 'bigint' ? `${a}n` : `${typeof a}(${String(a)})`))
          .join(' '),
      {
        inputTypes: [
          DataTypes.TINYINT(),
          DataTypes.SMALLINT(),
          DataTypes.INT(),
          DataTypes.BIGINT(),
          DataTypes.DOUBLE(),
          DataTypes.DECIMAL(10, 3),
          DataTypes.STRING(),
          DataTypes.BOOLEAN(),
          DataTypes.DATE(),
          DataTypes.TIME(),
          DataTypes.TIMESTAMP(3),
          DataTypes.STRING(),
        ],
        resultType: DataTypes.STRING(),
        mode,
      },
    );
    tEnv.createTemporarySystemFunction(`show_args_${mode}`, show);
    const result = await tEnv.executeSql(
      `SELECT show_args_${mode}(CAST(-1 AS TINYINT), CAST(300 AS SMALLINT), 70000, 9007199254740993, CAST(2.5 AS DOUBLE), 12.345,
         'héllo', FALSE, DATE '2024-02-29', TIME '12:34:56', TIMESTAMP '2024-01-02 03:04:05.678', CAST(NULL AS STRING)) AS s
       FROM (VALUES (1)) AS t(x)`,
    );
    expect(await result.toArray()).toEqual([
      {
        s:
          'number(-1) number(300) number(70000) 9007199254740993n number(2.5) string(12.345) string(héllo) boolean(false) ' +
          'Date(2024-02-29T00:00:00.000Z) string(12:34:56) Date(2024-01-02T03:04:05.678Z) object(null)',
      },
    ]);
  });
});

describe('row-based operations', () => {
  it.each(['process', 'embedded'] as const)('Table.map with a ROW-returning UDF, Table.flatMap with a table UDF (%s mode)', async (mode) => {
    const describePerson = udf((name: string | null, age: number | null) => ({ upper: (name ?? '').toUpperCase(), next: age === null ? null : age + 1 }), {
      inputTypes: [DataTypes.STRING(), DataTypes.INT()],
      resultType: DataTypes.ROW(DataTypes.FIELD('upper', DataTypes.STRING()), DataTypes.FIELD('next', DataTypes.INT())),
      mode,
    });
    expect(sorted(await rowsOf(people().map(call(describePerson, $('name'), $('age')))))).toEqual([
      { upper: 'ANN', next: 32 },
      { upper: 'BOB', next: 43 },
      { upper: 'CY', next: null },
    ]);
    const letters = udtf((name: string | null) => [...(name ?? '')].map((c, i) => ({ c, i })), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.ROW(DataTypes.FIELD('c', DataTypes.STRING()), DataTypes.FIELD('i', DataTypes.INT())),
      mode,
    });
    const rows = await rowsOf(people().flatMap(call(letters, $('name'))));
    expect(rows).toHaveLength(8);
    expect(sorted(rows).slice(0, 2)).toEqual([
      { c: 'a', i: 0 },
      { c: 'b', i: 0 },
    ]);
  });
});

// The same cases in both execution modes (docs/embedded.md): flink-python's table function operator
// with the Node worker, and TSFlink's EmbeddedTableFunction in the task thread.
describe.each(['process', 'embedded'] as const)('table UDFs (%s mode)', (mode) => {
  const split = udtf(
    function* (line: string | null) {
      for (const w of (line ?? '').split(' ').filter(Boolean)) yield { word: w, len: w.length };
    },
    {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.ROW(DataTypes.FIELD('word', DataTypes.STRING()), DataTypes.FIELD('len', DataTypes.INT())),
      mode,
    },
  );
  const lines = () =>
    tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('id', DataTypes.INT()), DataTypes.FIELD('line', DataTypes.STRING())), [
      [1, 'to be or'],
      [2, ''],
      [3, 'not'],
    ]);

  it('joinLateral and leftOuterJoinLateral', async () => {
    const inner = await rowsOf(lines().joinLateral(call(split, $('line'))).select($('id'), $('word'), $('len')));
    expect(sorted(inner)).toEqual(
      sorted([
        { id: 1, word: 'to', len: 2 },
        { id: 1, word: 'be', len: 2 },
        { id: 1, word: 'or', len: 2 },
        { id: 3, word: 'not', len: 3 },
      ]),
    );
    const outer = await rowsOf(lines().leftOuterJoinLateral(call(split, $('line'))).select($('id'), $('word')));
    expect(sorted(outer).filter((r) => r.id === 2)).toEqual([{ id: 2, word: null }]);
    expect(outer).toHaveLength(5);
  });

  it('class form in SQL LATERAL TABLE, returning arrays', async () => {
    class Repeat extends TableFunction<[string | null, number | null], [string, number]> {
      eval(s: string | null, n: number | null) {
        return Array.from({ length: n ?? 0 }, (_, i) => [`${s}#${i}`, i] as [string, number]);
      }
    }
    tEnv.createTemporarySystemFunction(`rep_${mode}`, udtf(new Repeat(), {
      inputTypes: [DataTypes.STRING(), DataTypes.INT()],
      resultType: DataTypes.ROW(DataTypes.FIELD('v', DataTypes.STRING()), DataTypes.FIELD('i', DataTypes.INT())),
      mode,
    }));
    const result = await tEnv.executeSql(
      `SELECT k, v, i FROM (VALUES ('a', 2), ('b', 0), ('c', 1)) AS t(k, n), LATERAL TABLE(rep_${mode}(k, n)) AS r(v, i)`,
    );
    expect(sorted(await result.toArray())).toEqual([
      { k: 'a', v: 'a#0', i: 0 },
      { k: 'a', v: 'a#1', i: 1 },
      { k: 'c', v: 'c#0', i: 0 },
    ]);
  });

  it('mistakes name the UDF: a result that is not iterable, a row with none of the fields, a throwing generator', async () => {
    const rowType = DataTypes.ROW(DataTypes.FIELD('w', DataTypes.STRING()));
    const rowsFrom = (f: Parameters<typeof udtf>[0]) =>
      rowsOf(lines().joinLateral(call(udtf(f as (s: string | null) => Iterable<{ w: string }>, { inputTypes: [DataTypes.STRING()], resultType: rowType, mode }), $('line'))).select($('w')));
    function notIterable() {
      return 42 as unknown as Iterable<{ w: string }>;
    }
    await expect(rowsFrom(notIterable)).rejects.toThrow(
      /TypeScript UDF 'notIterable' returned a value that does not match its result type: a table function must return an iterable \(array or generator\) of rows, got number 42/,
    );
    function* misspelt() {
      yield { word: 'x' } as unknown as { w: string };
    }
    await expect(rowsFrom(misspelt)).rejects.toThrow(
      /TypeScript UDF 'misspelt' returned a value that does not match its result type: an object with none of the fields of ROW<`w` STRING> \(it has 'word'\)/,
    );
    function* partial() {
      yield {} as { w: string }; // a row of nulls, as a missing field is null
    }
    expect(await rowsFrom(partial)).toEqual([{ w: null }, { w: null }, { w: null }]);
    function* typeErrorInside(line: string | null) {
      yield { w: (line as unknown as { nope(): string }).nope() };
    }
    await expect(rowsFrom(typeErrorInside)).rejects.toThrow(/TypeScript UDF 'typeErrorInside' failed: TypeError: .*nope is not a function/);
  });

  it('one-column results from any iterable, typed fields, wrong rows named, and the operator the plan shows', async () => {
    tEnv.createTemporarySystemFunction(`digits_${mode}`, udtf((n: bigint | null) => new Set(String(n ?? '').split('').map(Number)), {
      inputTypes: [DataTypes.BIGINT()],
      resultType: DataTypes.INT(),
      mode,
    }));
    const digits = await tEnv.executeSql(`SELECT d FROM (VALUES (CAST(1223 AS BIGINT))) AS t(n), LATERAL TABLE(digits_${mode}(n)) AS r(d)`);
    expect(sorted(await digits.toArray())).toEqual([{ d: 1 }, { d: 2 }, { d: 3 }]);

    const typedType = DataTypes.ROW(DataTypes.FIELD('big', DataTypes.BIGINT()), DataTypes.FIELD('half', DataTypes.DOUBLE()), DataTypes.FIELD('odd', DataTypes.BOOLEAN()));
    const typed = udtf(
      function* (id: number | null) {
        yield [BigInt(id ?? 0) * 10_000_000_000n, (id ?? 0) / 2, (id ?? 0) % 2 === 1];
        yield { big: null, half: 0.25 }; // a missing field is NULL
      },
      { inputTypes: [DataTypes.INT()], resultType: typedType, mode },
    );
    const typedRows = lines().joinLateral(call(typed, $('id'))).select($('id'), $('big'), $('half'), $('odd'));
    const plan = await typedRows.explain();
    if (mode === 'process') expect(plan).toMatch(/PythonCorrelate/);
    else expect(plan).toMatch(/\n\+- Correlate\(invocation=\[\*dev\.tsflink\.embedded\.EmbeddedTableFunction\$/);
    expect(sorted(await rowsOf(typedRows))).toEqual(
      sorted([
        { id: 1, big: 10_000_000_000n, half: 0.5, odd: true },
        { id: 2, big: 20_000_000_000n, half: 1, odd: false },
        { id: 3, big: 30_000_000_000n, half: 1.5, odd: true },
        ...[1, 2, 3].map((id) => ({ id, big: null, half: 0.25, odd: null })),
      ]),
    );

    const rowsFrom = (f: (id: number | null) => Iterable<unknown>) =>
      rowsOf(lines().joinLateral(call(udtf(f as (id: number | null) => Iterable<unknown[]>, { inputTypes: [DataTypes.INT()], resultType: typedType, mode }), $('id'))));
    function shortRow() {
      return [[1n, 0.5]];
    }
    await expect(rowsFrom(shortRow)).rejects.toThrow(
      /TypeScript UDF 'shortRow' returned a value that does not match its result type: a row of ROW<`big` BIGINT, `half` DOUBLE, `odd` BOOLEAN> needs 3 value\(s\), got 2/,
    );
    function wrongType() {
      return [{ big: 1n, half: 'half', odd: true }];
    }
    await expect(rowsFrom(wrongType)).rejects.toThrow(
      mode === 'process'
        ? /TypeScript UDF 'wrongType' returned a value that does not match its result type: field 'half': cannot use "half" as a value of type DOUBLE/
        : /TypeScript UDF 'wrongType' returned a value that does not match its result type: field 'half': expected DOUBLE, got string 'half'/,
    );
  });
});

/** A streaming environment whose async calls time out after `timeout` and are tried twice, 10 ms apart. */
async function retryingEnv(timeout: string): Promise<TableEnvironment> {
  const env = await streamingEnv();
  env
    .getConfig()
    .set('table.exec.async-scalar.timeout', timeout)
    .set('table.exec.async-scalar.retry-strategy', 'FIXED_DELAY')
    .set('table.exec.async-scalar.retry-delay', '10 ms')
    .set('table.exec.async-scalar.max-attempts', '2');
  return env;
}

describe.each(['process', 'embedded'] as const)('async scalar UDFs (%s mode)', (mode) => {
  it('table.exec.async-scalar retries and timeout: a failing call is retried; one that never answers fails naming the UDF', async () => {
    const env = await retryingEnv('1 s');
    const flaky = asyncUdf(
      async (x: number) => {
        const seen = ((globalThis as { flakySeen?: Set<number> }).flakySeen ??= new Set<number>());
        if (seen.has(x)) return x * 10;
        seen.add(x);
        throw new Error(`first attempt for ${x} fails`);
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode, name: `flaky_${mode}` },
    );
    // an unbounded source: Flink's AsyncWaitOperator retries no more once its input has ended
    await env.executeSql(
      `CREATE TEMPORARY TABLE xs_${mode} (x INT) WITH ('connector' = 'datagen', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '100000', 'rows-per-second' = '20')`,
    );
    const live = await env.from(`xs_${mode}`).select(call(flaky, $('x')).as('y')).execute();
    const ys: unknown[] = [];
    for await (const row of live.collect()) {
      ys.push(row.y);
      if (ys.length === 3) break;
    }
    expect(ys).toEqual([10, 20, 30]);
    const xs = () => env.fromValues([{ x: 1 }, { x: 2 }]);
    const stuck = asyncUdf((_x: number) => new Promise<number>(() => {}), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'stuck', mode });
    env.getConfig().set('table.exec.async-scalar.retry-strategy', 'NO_RETRY');
    await expect(rowsOf(xs().select(call(stuck, $('x'))))).rejects.toThrow(/TypeScript UDF 'stuck' gave no result within 1000 ms \(table.exec.async-scalar.timeout\)/);
  });

  it(
    mode === 'process'
      ? 'process mode times each attempt: a hanging first attempt is retried'
      : "embedded mode has Flink's semantics: the timeout bounds a call with all its retries, and its error says so",
    async () => {
      const env = await retryingEnv('300 ms');
      const hangsFirst = asyncUdf(
        async (x: number) => {
          const seen = ((globalThis as { hangSeen?: Set<number> }).hangSeen ??= new Set<number>());
          if (seen.has(x)) return x * 10;
          seen.add(x);
          return new Promise<number>(() => {}); // the first attempt never answers
        },
        { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode, name: `hangsFirst_${mode}` },
      );
      const query = rowsOf(env.fromValues([{ x: 1 }, { x: 2 }]).select(call(hangsFirst, $('x')).as('y')));
      if (mode === 'process') {
        expect(sorted(await query)).toEqual([{ y: 10 }, { y: 20 }]);
      } else {
        await expect(query).rejects.toThrow(/Async function call has timed out[\s\S]*table\.exec\.async-scalar\.timeout bounds each call of an async function together with its retries/);
      }
    },
  );

  it('from the Table API, each result stays with its row despite out-of-order completion', async () => {
    const slowUpper = asyncUdf(
      async (s: string | null, delay: number | null) => {
        await new Promise((r) => setTimeout(r, delay ?? 0));
        return s === null ? null : s.toUpperCase();
      },
      { inputTypes: [DataTypes.STRING(), DataTypes.INT()], resultType: DataTypes.STRING(), mode },
    );
    const t = tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('s', DataTypes.STRING()), DataTypes.FIELD('d', DataTypes.INT())), [
      ['a', 300],
      ['b', 10],
      ['c', 150],
      [null, 0],
    ]);
    // (not a NULL column beside the call: Flink 2.3's async calc passes it on as '', docs/embedded.md)
    const rows = await rowsOf(t.select($('d'), call(slowUpper, $('s'), $('d')).as('u')));
    expect(sorted(rows)).toEqual(sorted([
      { d: 300, u: 'A' },
      { d: 10, u: 'B' },
      { d: 150, u: 'C' },
      { d: 0, u: null },
    ]));
  });

  it('class form from SQL', async () => {
    class Lookup extends AsyncScalarFunction<[number | null], string> {
      table = new Map<number, string>();
      open() {
        this.table = new Map([
          [1, 'one'],
          [2, 'two'],
        ]);
      }
      async eval(k: number | null) {
        await new Promise((r) => setImmediate(r));
        return this.table.get(k ?? -1) ?? 'unknown';
      }
    }
    tEnv.createTemporarySystemFunction(`lookup_${mode}`, asyncUdf(new Lookup(), { inputTypes: [DataTypes.INT()], resultType: DataTypes.STRING(), mode }));
    const result = await tEnv.executeSql(`SELECT k, lookup_${mode}(k) AS v FROM (VALUES (1), (2), (3)) AS t(k)`);
    expect(sorted(await result.toArray())).toEqual([
      { k: 1, v: 'one' },
      { k: 2, v: 'two' },
      { k: 3, v: 'unknown' },
    ]);
  });
});

describe('every SQL type round-trips through a UDF', () => {
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
    ['vc', 'VARCHAR(10)'],
    ['bin', 'BINARY(2)'],
    ['vb', 'BYTES'],
    ['dt', 'DATE'],
    ['tm', 'TIME(3)'],
    ['ts', 'TIMESTAMP(3)'],
    ['ts6', 'TIMESTAMP(6)'],
    ['ltz', 'TIMESTAMP_LTZ(3)'],
    ['arr', 'ARRAY<INT>'],
    ['m', 'MAP<STRING, BIGINT>'],
    ['r', 'ROW<x INT, y STRING>'],
    ['nested', 'ARRAY<ROW<k STRING, v ARRAY<DOUBLE>>>'],
  ];
  /** Test rows; self-contained so it can also run in the worker as a table function. */
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
      vc: '',
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
    return [full, nulls];
  }
  const [full, nulls] = typedRows(0);
  const rowType = DataTypes.of<Record<string, unknown>>(`ROW<${FIELDS.map(([n, t]) => `\`${n}\` ${t}`).join(', ')}>`);
  /** Rows of every type produced at run time (literals of some types cannot be UDF arguments in Flink). */
  const source = () =>
    tEnv
      .fromValues([{ k: 1 }])
      .joinLateral(call(udtf(typedRows, { inputTypes: [DataTypes.INT()], resultType: rowType }), $('k')))
      .select(...FIELDS.map(([n]) => $(n)));

  it.each(['process', 'embedded'] as const)('identity UDFs of every type (chained in one operator) return what they get (%s mode)', async (mode) => {
    const t = source();
    const projections = FIELDS.map(([n, sql]) => {
      const type = DataTypes.of(sql);
      return call(udf((v: unknown) => v, { inputTypes: [type], resultType: type, name: `id_${n}`, mode }), $(n)).as(n);
    });
    const rows = await rowsOf(t.select(...projections));
    expect(rows).toHaveLength(2);
    const byNull = rows.find((r) => r.b === null)!;
    const byFull = rows.find((r) => r.b === true)!;
    expect({ ...byNull }).toEqual(nulls);
    expect({ ...byFull }).toEqual(full);
  });

  it.each(['process', 'embedded'] as const)('a UDF sees the documented JavaScript types (%s mode)', async (mode) => {
    const describeArgs = udf(
      (...args: unknown[]) =>
        args
          .map((a) =>
            a === null
              ? 'null'
              : a instanceof Date
                ? 'Date'
                : a instanceof Uint8Array
                  ? 'Uint8Array'
                  : a instanceof Map
                    ? 'Map'
                    : Array.isArray(a)
                      ? 'Array'
                      : typeof a,
          )
          .join(','),
      { inputTypes: FIELDS.map(([, sql]) => DataTypes.of(sql)), resultType: DataTypes.STRING(), mode },
    );
    const rows = await rowsOf(source().filter($('b').isNotNull()).select(call(describeArgs, ...FIELDS.map(([n]) => $(n))).as('types')));
    expect(rows[0].types).toBe(
      'boolean,number,number,number,bigint,number,number,string,string,string,string,Uint8Array,Uint8Array,' +
        'Date,string,Date,Date,Date,Array,Map,object,Array',
    );
  });

  it('registering or calling a plain function says to wrap it with udf()', () => {
    const plain = (a: number) => a;
    expect(() => tEnv.createTemporarySystemFunction('plain', plain as never)).toThrow(
      /createTemporarySystemFunction takes a function made with udf\(\), udtf\(\) or asyncUdf\(\), or a Java function; got a plain function; wrap it/,
    );
    expect(() => call(plain as never, $('x'))).toThrow(/call\(\) takes a function made with udf\(\)/);
    expect(() => tEnv.createTemporaryFunction('p', null as never)).toThrow(/createTemporaryFunction takes .*; got null/);
  });

  it.each(['process', 'embedded'] as const)('a wrong result type fails with a message naming the UDF and the value (%s mode)', async (mode) => {
    const bad = udf((x: number) => `not a number ${x}` as unknown as number, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: `badResult_${mode}`, mode });
    // the worker's coder and embedded mode's JsValues word it differently; both name the UDF, the type and the value
    await expect(rowsOf(tEnv.fromValues([{ x: 1 }]).select(call(bad, $('x'))))).rejects.toThrow(
      mode === 'process'
        ? /TypeScript UDF 'badResult_process' returned a value that does not match its result type: cannot use "not a number 1" as a value of type INT/
        : /TypeScript UDF 'badResult_embedded' returned a value that does not match its result type: expected INT, got string 'not a number 1'/,
    );
  });

  it.each(['process', 'embedded'] as const)('an anonymous UDF takes the name it is registered under for its messages; a named one keeps its own (%s mode)', async (mode) => {
    const anonymous = udf(
      (x: number) => {
        throw new Error(`boom ${x}`);
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode },
    );
    expect(anonymous.name).toMatch(/^scalar_udf_\d+$/);
    tEnv.createTemporarySystemFunction(`explodes_${mode}`, anonymous);
    expect(anonymous.name).toBe(`explodes_${mode}`);
    await expect(rowsOf(tEnv.sqlQuery(`SELECT explodes_${mode}(x) AS y FROM (VALUES (1)) AS t(x)`))).rejects.toThrow(new RegExp(`TypeScript UDF 'explodes_${mode}' failed: Error: boom 1`));
    const named = udf((x: number) => x, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), name: 'identity', mode });
    tEnv.createTemporaryFunction(`\`default_catalog\`.\`default_database\`.\`same_${mode}\``, named);
    expect(named.name).toBe('identity');
    const later = udf((x: number) => x, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode });
    tEnv.createTemporaryFunction(`\`default_catalog\`.\`default_database\`.\`sameAgain_${mode}\``, later);
    expect(later.name).toBe(`sameAgain_${mode}`);
  });
});

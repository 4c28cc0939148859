/**
 * Table interop (issue #13 item 7) on the real mini-cluster: StreamTableEnvironment's
 * fromDataStream / createTemporaryView / toDataStream / toChangelogStream, with TS functions on both
 * sides, and the interactive core's senv sharing tEnv's catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, ChangelogMode, DataTypes, FileSink, Schema, Session, SimpleStringEncoder, StreamExecutionEnvironment, StreamTableEnvironment, TableEnvironment, EnvironmentSettings, Types, type RowKind } from '../src/index';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { createInteractiveCore, type TSFlinkCore } from '../src/repl/core';
import type { MimeBundle, OutputSink } from '../src/repl/types';

let env: StreamExecutionEnvironment;
let tEnv: StreamTableEnvironment;

type Sale = { shop: string; amount: number };
const SALE = Types.ROW_NAMED<Sale>(['shop', 'amount'], [Types.STRING(), Types.LONG()]);
const SALES: Sale[] = [
  { shop: 'a', amount: 1 },
  { shop: 'b', amount: 10 },
  { shop: 'a', amount: 2 },
  { shop: 'a', amount: 4 },
];

beforeAll(async () => {
  env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
  tEnv = await StreamTableEnvironment.create(env);
});

afterAll(async () => {
  await (await Session.running())?.close();
});

describe('DataStream → Table', () => {
  it('a typed stream becomes a typed table: a TS map, then SQL over it', async () => {
    const doubled = env.fromCollection(SALES, SALE).map((s: Sale) => ({ shop: s.shop.toUpperCase(), amount: s.amount * 2 }), SALE);
    const table = tEnv.fromDataStream(doubled);
    expect(table.getResolvedSchema().columns.map((c) => `${c.name} ${c.type.sql}`)).toEqual(['shop VARCHAR(2147483647)', 'amount BIGINT']);
    tEnv.createTemporaryView('doubled', table);
    const rows = [];
    for await (const r of (await tEnv.executeSql('SELECT shop, SUM(amount) AS total FROM doubled GROUP BY shop')).collect()) rows.push(r);
    // the final value per shop, folded from the changelog
    const totals = new Map<string, unknown>();
    for (const r of rows) if (r.getKind() === '+I' || r.getKind() === '+U') totals.set(r.shop as string, r.total);
    expect(Object.fromEntries(totals)).toEqual({ A: 14n, B: 20n });
  });

  it('createTemporaryView(name, stream, schema): a derived column, read by the Table API', async () => {
    const stream = env.fromCollection(SALES, SALE);
    tEnv.createTemporaryView('sales_v', stream, Schema.newBuilder().column('shop', DataTypes.STRING()).column('amount', DataTypes.BIGINT()).columnByExpression('cents', 'amount * 100').build());
    const rows = await collectRows(await tEnv.from('sales_v').where($('shop').isEqual('a')).select($('cents')).execute());
    expect(rows.map((r) => r.cents).sort()).toEqual([100n, 200n, 400n]);
  });

  it('bad input: an untyped stream, a stream of another environment, not a stream', async () => {
    expect(() => tEnv.fromDataStream(env.fromElements({ shop: 'a' }))).toThrow(/needs typed records, and this stream's are untyped/);
    const other = await StreamExecutionEnvironment.create();
    expect(() => tEnv.fromDataStream(other.fromCollection(SALES, SALE))).toThrow(/belongs to another StreamExecutionEnvironment/);
    expect(() => tEnv.fromDataStream({ handle: 1 } as never)).toThrow('fromDataStream() takes a DataStream, got a Object');
    expect(() => tEnv.toDataStream('SELECT 1' as never)).toThrow('toDataStream() takes a Table, got string SELECT 1');
    await expect(StreamTableEnvironment.create()).rejects.toThrow('takes a StreamExecutionEnvironment');
  });
});

describe('Table → DataStream', () => {
  it('fromDataStream → SQL aggregate → toChangelogStream → TS map sees each RowKind → executeAndCollect', async () => {
    const counts = tEnv.sqlQuery(`SELECT shop, COUNT(*) AS n, SUM(amount) AS total FROM ${tEnv.fromDataStream(env.fromCollection(SALES, SALE))} GROUP BY shop`);
    const changes = tEnv.toChangelogStream(counts);
    // the TS function gets the row (BIGINT as a number, as a DataStream LONG) with its RowKind
    const described = changes.map((r) => `${r.getKind()} ${String(r.shop)} n=${String(r.n)} total=${String(r.total)} ${typeof r.total}`, Types.STRING());
    const out = await described.collect();
    const perShop = (shop: string) => out.filter((l) => l.includes(` ${shop} `));
    expect(perShop('b')).toEqual(['+I b n=1 total=10 number']);
    // parallelism 1: shop a's changes in order
    expect(perShop('a')).toEqual(['+I a n=1 total=1 number', '-U a n=1 total=1 number', '+U a n=2 total=3 number', '-U a n=2 total=3 number', '+U a n=3 total=7 number']);
  });

  it('executeAndCollect of a changelog stream gives rows with getKind(), and a TS map keeps the kind', async () => {
    const counts = tEnv.sqlQuery(`SELECT shop, COUNT(*) AS n FROM ${tEnv.fromDataStream(env.fromCollection(SALES, SALE))} GROUP BY shop`);
    const direct = await tEnv.toChangelogStream(counts).collect();
    const kinds = (rows: { getKind(): RowKind; [column: string]: unknown }[]) => rows.filter((r) => r.shop === 'a').map((r) => `${r.getKind()}${String(r.n)}`);
    expect(kinds(direct)).toEqual(['+I1', '-U1', '+U2', '-U2', '+U3']);
    expect(typeof direct[0].n).toBe('number');
    // a row object handed on (spread keeps no getKind, the row itself does): the kind survives the map
    const ROW = Types.ROW_NAMED(['shop', 'n'], [Types.STRING(), Types.LONG()]);
    const passed = await tEnv.toChangelogStream(counts).map((r) => r, ROW).collect();
    expect(passed.filter((r) => r.shop === 'a').map((r) => (r as unknown as { getKind(): RowKind }).getKind())).toEqual(['+I', '-U', '+U', '-U', '+U']);
  });

  it('toDataStream of an insert-only table, and with a target type', async () => {
    const t = tEnv.sqlQuery("SELECT w, CHAR_LENGTH(w) AS len FROM (VALUES ('to'), ('be'), ('or')) AS v(w)");
    const rows = await tEnv.toDataStream(t).map((r) => `${String(r.w)}:${String(r.len)}:${r.getKind()}`, Types.STRING()).collect();
    expect(rows.sort()).toEqual(['be:2:+I', 'or:2:+I', 'to:2:+I']);
    const asLong = await tEnv.toDataStream(t, DataTypes.ROW(DataTypes.FIELD('w', DataTypes.STRING()), DataTypes.FIELD('len', DataTypes.BIGINT()))).collect();
    expect(asLong.map((r) => r.len)).toEqual([2, 2, 2]);
    const words = await tEnv.toDataStream(tEnv.sqlQuery("SELECT 'x' AS w"), DataTypes.STRING()).collect();
    expect(words).toEqual(['x']);
  });

  it('errors: an updating table in toDataStream, a column type with no DataStream type', async () => {
    const updating = tEnv.sqlQuery(`SELECT shop, COUNT(*) AS n FROM ${tEnv.fromDataStream(env.fromCollection(SALES, SALE))} GROUP BY shop`);
    expect(() => tEnv.toDataStream(updating)).toThrow(/doesn't support consuming update changes/);
    expect(() => tEnv.toDataStream(tEnv.sqlQuery('SELECT CAST(1.5 AS DECIMAL(3, 1)) AS d'))).toThrow(
      "column 'd' is DECIMAL(3, 1) NOT NULL, which has no DataStream type in TSFlink yet (STRING, BOOLEAN, INT, BIGINT, FLOAT, DOUBLE and ROWs of them): CAST it in the query",
    );
    expect(() => tEnv.toDataStream(updating, 'ROW<n BIGINT>' as never)).toThrow('the target type must be a DataType');
  });

  it('fromChangelogStream: rows whose getKind() a TS map set, in all-kinds and upsert mode; a SQL aggregate folds them', async () => {
    type Total = { shop: string; total: number };
    const TOTAL = Types.ROW_NAMED<Total>(['shop', 'total'], [Types.STRING(), Types.LONG()]);
    // (kind, shop, total) as plain data, turned into rows with a getKind method by a TS map
    const changes = (events: [RowKind, string, number][], on = env) =>
      on.fromCollection(events).map(([kind, shop, total]: [RowKind, string, number]) => ({ shop, total, getKind: () => kind }), TOTAL);
    // the total over all shops (not grouped by the key: the planner would then drop the aggregate), folded to its final value
    const sumOf = async (t: ReturnType<typeof tEnv.fromChangelogStream>) => {
      let last: unknown;
      for (const r of await collectRows(await tEnv.sqlQuery(`SELECT SUM(total) AS s FROM ${t}`).execute())) if (r.getKind() === '+I' || r.getKind() === '+U') last = r.s;
      return last;
    };
    // all kinds: a's 1 retracted and replaced by 5, b inserted then deleted, c inserted
    const all = tEnv.fromChangelogStream(changes([['+I', 'a', 1], ['-U', 'a', 1], ['+U', 'a', 5], ['+I', 'b', 2], ['-D', 'b', 2], ['+I', 'c', 3]]));
    expect(await sumOf(all)).toBe(8n);
    // upsert: no -U, keyed by the primary key; Flink retracts the old value itself (ChangelogNormalize):
    // a ends at 7, b is gone (read as all kinds, the +Us would add up to 13)
    const schema = Schema.newBuilder().column('shop', DataTypes.STRING().notNull()).column('total', DataTypes.BIGINT()).primaryKey('shop').build();
    const upserts = tEnv.fromChangelogStream(changes([['+I', 'a', 1], ['+U', 'a', 5], ['+I', 'b', 2], ['-D', 'b', 2], ['+U', 'a', 7]]), schema, ChangelogMode.upsert());
    expect(await sumOf(upserts)).toBe(7n);
    // a kind that is not a RowKind fails the job, naming it (not silently an insert)
    // (on an environment of its own: an environment keeps its operators, and runs them with its next job)
    const ownEnv = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
    const ownTEnv = await StreamTableEnvironment.create(ownEnv);
    const bad = ownTEnv.fromChangelogStream(changes([['DELETE' as RowKind, 'a', 1]], ownEnv));
    await expect(collectRows(await ownTEnv.sqlQuery(`SELECT SUM(total) AS s FROM ${bad}`).execute())).rejects.toThrow(/getKind\(\) returned "DELETE": a RowKind is '\+I', '-U', '\+U' or '-D'/);
    expect(() => tEnv.fromChangelogStream(env.fromElements(1, 2).map((n: number) => n, Types.LONG()))).toThrow(/needs a stream of rows/);
    expect(() => tEnv.fromChangelogStream(changes([['+I', 'a', 1]]), undefined, 'upsert' as never)).toThrow('expected a ChangelogMode');
  });

  it('a StreamStatementSet attached to the DataStream job: one execute() runs its INSERTs and the streams', async () => {
    const dir = tempDir('tsflink-sset-');
    const lines = (sub: string) =>
      fs
        .readdirSync(path.join(dir, sub), { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile() && !f.name.startsWith('.'))
        .flatMap((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'utf8').split('\n').filter((l) => l !== ''))
        .sort();
    const senv = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
    const st = await StreamTableEnvironment.create(senv);
    await st.executeSql(`CREATE TABLE sset_sql (shop STRING, amount BIGINT) WITH ('connector' = 'filesystem', 'path' = '${path.join(dir, 'sql')}', 'format' = 'csv')`);
    await st.executeSql(`CREATE TABLE sset_api (shop STRING, cents BIGINT) WITH ('connector' = 'filesystem', 'path' = '${path.join(dir, 'api')}', 'format' = 'csv')`);
    st.createTemporaryView('sset_sales', senv.fromCollection(SALES, SALE));
    const set = st.createStatementSet();
    set.addInsertSql("INSERT INTO sset_sql SELECT shop, amount FROM sset_sales WHERE shop = 'a'");
    set.addInsert('sset_api', st.from('sset_sales').select($('shop'), $('amount').times(100).as('cents')));
    set.attachAsDataStream();
    // a stream of the same job, with a TS function, beside the attached INSERTs
    senv
      .fromElements(1, 2, 3)
      .map((n: number) => `n ${n * 7}`, Types.STRING())
      .sinkTo(FileSink.forRowFormat<string>(path.join(dir, 'stream'), new SimpleStringEncoder()).build());
    const result = await senv.execute('statement set and stream');
    expect(result.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines('sql')).toEqual(['a,1', 'a,2', 'a,4']);
    expect(lines('api')).toEqual(['a,100', 'a,200', 'a,400', 'b,1000']);
    expect(lines('stream')).toEqual(['n 14', 'n 21', 'n 7']);
    // attached means cleared: nothing is left for the set to execute on its own
    await expect(set.execute()).rejects.toThrow(/No operators defined|no statement/i);
  });

  it('a batch environment sharing the catalog reads the stream view too', async () => {
    const bEnv = await TableEnvironment.createSharingCatalogs(EnvironmentSettings.inBatchMode(), tEnv);
    tEnv.createTemporaryView('sales_b', env.fromCollection(SALES, SALE));
    expect(bEnv.listViews()).toContain('sales_b');
  });
});

describe('the README tour', () => {
  it('runs the README example with the result it shows', async () => {
    const SALE = Types.ROW_NAMED<{ shop: string; amount: number }>(['shop', 'amount'], [Types.STRING(), Types.LONG()]);
    tEnv.createTemporaryView('sales', env.fromCollection([{ shop: 'a', amount: 1 }, { shop: 'a', amount: 2 }], SALE));
    const totals = tEnv.sqlQuery('SELECT shop, SUM(amount) AS total FROM sales GROUP BY shop');
    const changes = tEnv.toChangelogStream(totals).map((r) => `${r.getKind()} ${r.shop} ${r.total}`, Types.STRING());
    expect(await changes.collect()).toEqual(['+I a 1', '-U a 1', '+U a 3']);
  });
});

async function collectRows<R>(result: { collect(): AsyncIterable<R> }): Promise<R[]> {
  const out: R[] = [];
  for await (const r of result.collect()) out.push(r);
  return out;
}

class Sink implements OutputSink {
  out = '';
  stdout(text: string): void {
    this.out += text;
  }
  stderr(text: string): void {
    this.out += text;
  }
  display(bundle: MimeBundle): void {
    this.out += String(bundle['text/plain'] ?? '');
  }
  updateDisplay(bundle: MimeBundle): void {
    this.out += String(bundle['text/plain'] ?? '');
  }
  clearOutput(): void {}
}

describe('the interactive core: senv next to tEnv and bEnv', () => {
  let core: TSFlinkCore;
  beforeAll(async () => {
    // the file's session is the process's: the core reuses it
    core = await createInteractiveCore();
  });

  it('senv is pre-bound, tEnv converts its streams, and %%sql reads a view of a stream', async () => {
    const run = async (code: string) => {
      const sink = new Sink();
      const o = await core.execute(code, sink);
      if (o.status !== 'ok') throw new Error(`${code}: ${JSON.stringify(o)} ${sink.out}`);
      return { text: String(o.result?.['text/plain'] ?? ''), out: sink.out };
    };
    expect(core.info.boundNames).toContain('senv');
    expect((await run('senv instanceof StreamExecutionEnvironment && tEnv.getStreamExecutionEnvironment() === senv')).text).toBe('true');
    await run(
      "const clicks = senv.fromCollection([{ user: 'ann', n: 1 }, { user: 'bob', n: 2 }, { user: 'ann', n: 3 }], Types.ROW_NAMED(['user', 'n'], [Types.STRING(), Types.INT()]));\n" +
        "tEnv.createTemporaryView('clicks', clicks.map((c) => ({ ...c, n: c.n * 10 }), Types.ROW_NAMED(['user', 'n'], [Types.STRING(), Types.INT()])));",
    );
    const sql = await run('%%sql\nSELECT `user`, SUM(n) AS total FROM clicks GROUP BY `user`;');
    const table = sql.text + sql.out;
    expect(table).toMatch(/\|\s+ann \|\s+40 \|/);
    expect(table).toMatch(/\|\s+bob \|\s+20 \|/);
    // the same view from batch SQL (bEnv shares the catalog)
    const batch = await run('%%bsql\nSELECT COUNT(*) AS c FROM clicks;');
    expect(batch.text + batch.out).toMatch(/\|\s+3 \|/);
    // and back to a stream in a cell, with a TS map
    const back = await run("await tEnv.toChangelogStream(tEnv.sqlQuery('SELECT `user`, COUNT(*) AS c FROM clicks GROUP BY `user`')).map((r) => `${r.getKind()}${r.user}${r.c}`, Types.STRING()).collect()");
    expect(back.text).toContain("'-Uann1'");
    expect(back.text).toContain("'+Uann2'");
  });
});

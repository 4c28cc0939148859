/**
 * JDBC end to end against a real PostgreSQL (Debian's package, test/services/postgres.ts; one per
 * file), with Flink's JDBC connector and the PostgreSQL driver added by name ('jdbc'): an upsert
 * sink (a changelog of per-customer totals lands as one row per key, overwriting what was there) and
 * the dimension table of a lookup join (FOR SYSTEM_TIME AS OF), checked with psql / Flink's rows;
 * and the DataStream API's JdbcSink on the same session, its rows read back with psql.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataTypes,
  EnvironmentSettings,
  JdbcConnectionOptions,
  JdbcExecutionOptions,
  JdbcSink,
  StreamExecutionEnvironment,
  TableEnvironment,
  Types,
  udf,
} from '../src/index';
import { startPostgres, type Postgres } from './services/postgres';
import { sorted } from './helpers';

process.env.TSFLINK_QUIET ??= '1';

let pg: Postgres;
let tEnv: TableEnvironment;

beforeAll(async () => {
  [pg, tEnv] = await Promise.all([startPostgres(), TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { connectors: ['jdbc'] })]);
});

afterAll(async () => {
  await tEnv?.session.close();
  await pg?.stop();
});

const jdbc = (table: string) => `'connector' = 'jdbc', 'url' = '${pg.jdbcUrl}', 'table-name' = '${table}', 'username' = '${pg.user}', 'password' = 'unused-with-trust'`;

describe('PostgreSQL through the JDBC connector', () => {
  it('is an upsert sink: an updating aggregate lands as one row per key', async () => {
    await pg.query(`CREATE TABLE customer_totals (customer TEXT PRIMARY KEY, orders BIGINT NOT NULL, total DOUBLE PRECISION, tier TEXT);
      INSERT INTO customer_totals VALUES ('ada', 1, 1.0, 'stale'), ('zed', 9, 99.0, 'untouched')`);
    tEnv.createTemporarySystemFunction(
      'tier',
      udf((total: number | null) => (total === null ? null : total >= 100 ? 'gold' : total >= 10 ? 'silver' : 'bronze'), {
        inputTypes: [DataTypes.DOUBLE()],
        resultType: DataTypes.STRING(),
      }),
    );
    await tEnv.executeSql(`CREATE TABLE customer_totals (customer STRING, orders BIGINT, total DOUBLE, tier STRING,
      PRIMARY KEY (customer) NOT ENFORCED) WITH (${jdbc('customer_totals')}, 'sink.buffer-flush.max-rows' = '1')`);
    const orders = tEnv.fromValues([
      { customer: 'ada', amount: 40.0 },
      { customer: 'bob', amount: 5.0 },
      { customer: 'ada', amount: 70.0 },
      { customer: 'cy', amount: 12.5 },
      { customer: 'bob', amount: 2.5 },
    ]);
    tEnv.createTemporaryView('orders', orders);
    await (
      await tEnv.executeSql(`INSERT INTO customer_totals
        SELECT customer, COUNT(*), SUM(amount), tier(SUM(amount)) FROM orders GROUP BY customer`)
    ).await();
    expect(await pg.query('SELECT customer, orders, total, tier FROM customer_totals ORDER BY customer')).toEqual([
      'ada\t2\t110\tgold',
      'bob\t2\t7.5\tbronze',
      'cy\t1\t12.5\tsilver',
      'zed\t9\t99\tuntouched',
    ]);
  });

  it('is the dimension table of a lookup join (FOR SYSTEM_TIME AS OF)', async () => {
    await pg.query(`CREATE TABLE customers (id INT PRIMARY KEY, name TEXT NOT NULL, country TEXT);
      INSERT INTO customers VALUES (1, 'Ada', 'UK'), (2, 'Bob', 'US'), (3, 'Cy', NULL)`);
    await tEnv.executeSql(`CREATE TABLE customers (id INT, name STRING, country STRING, PRIMARY KEY (id) NOT ENFORCED)
      WITH (${jdbc('customers')})`);
    tEnv.createTemporaryView(
      'payments_raw',
      tEnv.fromValues([
        { payment: 100, customerId: 2, amount: 9.5 },
        { payment: 101, customerId: 1, amount: 20.0 },
        { payment: 102, customerId: 7, amount: 1.0 },
        { payment: 103, customerId: 3, amount: 3.25 },
      ]),
    );
    // a processing-time attribute for the lookup
    await tEnv.executeSql('CREATE TEMPORARY VIEW payments AS SELECT *, PROCTIME() AS proc FROM payments_raw');
    const rows = await (
      await tEnv.executeSql(`SELECT p.payment, c.name, c.country, p.amount
        FROM payments AS p LEFT JOIN customers FOR SYSTEM_TIME AS OF p.proc AS c ON p.customerId = c.id`)
    ).toArray();
    expect(sorted(rows.map((r) => ({ ...r })))).toEqual(
      sorted([
        { payment: 100, name: 'Bob', country: 'US', amount: 9.5 },
        { payment: 101, name: 'Ada', country: 'UK', amount: 20.0 },
        { payment: 102, name: null, country: null, amount: 1.0 },
        { payment: 103, name: 'Cy', country: null, amount: 3.25 },
      ]),
    );
    // a lookup join, not a regular join that read the whole table
    const plan = await tEnv.explainSql(`SELECT p.payment, c.name FROM payments AS p JOIN customers FOR SYSTEM_TIME AS OF p.proc AS c ON p.customerId = c.id`);
    expect(plan).toContain('LookupJoin');
  });
});

describe('the DataStream API: typed records → TS map → JdbcSink into PostgreSQL', () => {
  let env: StreamExecutionEnvironment;
  // the session already has the 'jdbc' connector (tEnv's), so its jars travel with env's jobs
  beforeAll(async () => {
    env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none' });
  });

  const connection = () =>
    new JdbcConnectionOptions.JdbcConnectionOptionsBuilder().withUrl(pg.jdbcUrl).withDriverName('org.postgresql.Driver').withUsername(pg.user).withPassword('unused-with-trust').build();

  type Visit = { name: string | null; id: number; score: number; active: boolean; visits: number };
  const visitType = Types.ROW_NAMED<Visit>(['name', 'id', 'score', 'active', 'visits'], [Types.STRING(), Types.LONG(), Types.DOUBLE(), Types.BOOLEAN(), Types.INT()]);

  it('writes rows, tuples and single values with their JDBC types, NULL and non-ASCII text included', async () => {
    // batch_tx: the transaction that inserted the row (PostgreSQL runs a JDBC batch in one transaction)
    await pg.query(`CREATE TABLE ds_visits (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION, active BOOLEAN, visits INTEGER,
        batch_tx BIGINT DEFAULT txid_current());
      CREATE TABLE ds_pairs (label TEXT, n BIGINT);
      CREATE TABLE ds_ids (id BIGINT)`);
    const names = ['Ada', null, 'Zoë 東京', "O'Brien"];
    // the record's fields are in another order than the statement's parameters: they are bound by name
    env
      .fromSequence(1, 4)
      .map((n: number): Visit => ({ name: names[n - 1], id: n * 10, score: n * 1.5, active: n % 2 === 0, visits: n * n }), visitType)
      .sinkTo(
        JdbcSink.builder<Visit>()
          .withQueryStatement('INSERT INTO ds_visits (id, name, score, active, visits) VALUES (?, ?, ?, ?, ?)', ['id', 'name', 'score', 'active', 'visits'])
          // batches of 3; the interval is longer than the job, so the batches do not depend on timing
          .withExecutionOptions(JdbcExecutionOptions.builder().withBatchSize(3).withBatchIntervalMs(60_000).withMaxRetries(0).build())
          .buildAtLeastOnce(connection()),
      )
      .name('visits to PostgreSQL');
    env
      .fromSequence(7, 7)
      .map((n: number): [number, string] => [n, 'seven'], Types.TUPLE<[number, string]>([Types.LONG(), Types.STRING()]))
      .sinkTo(JdbcSink.builder<[number, string]>().withQueryStatement('INSERT INTO ds_pairs (label, n) VALUES (?, ?)', [1, 0]).buildAtLeastOnce(connection()));
    env
      .fromSequence(1, 3)
      .map((n: number) => n * 100, Types.LONG())
      .sinkTo(JdbcSink.builder<number>().withQueryStatement('INSERT INTO ds_ids (id) VALUES (?)').buildAtLeastOnce(connection()));
    await env.execute('JdbcSink');

    expect(await pg.query("SELECT id, coalesce(name, '<null>'), name IS NULL, score, active, visits FROM ds_visits ORDER BY id")).toEqual([
      '10\tAda\tf\t1.5\tf\t1',
      '20\t<null>\tt\t3\tt\t4',
      '30\tZoë 東京\tf\t4.5\tf\t9',
      "40\tO'Brien\tf\t6\tt\t16",
    ]);
    // two batches: three records, then the last one at the end of input
    expect(await pg.query("SELECT string_agg(id::text, ',' ORDER BY id) FROM ds_visits GROUP BY batch_tx ORDER BY min(id)")).toEqual(['10,20,30', '40']);
    expect(await pg.query('SELECT label, n FROM ds_pairs')).toEqual(['seven\t7']);
    expect(await pg.query('SELECT id FROM ds_ids ORDER BY id')).toEqual(['100', '200', '300']);
  });

  it('refuses untyped records, a field the records do not have or cannot bind, and a sink without the jdbc connector', async () => {
    // an environment of its own: the streams built here get no sink, and env's later jobs should not run them
    const probe = await StreamExecutionEnvironment.create();
    const sink = JdbcSink.builder<Visit>().withQueryStatement('INSERT INTO ds_visits (id) VALUES (?)', ['id']).buildAtLeastOnce(connection());
    const untyped = probe.fromSequence(1, 2).map((n: number): Visit => ({ name: null, id: n, score: 0, active: true, visits: 0 }));
    expect(() => untyped.sinkTo(sink)).toThrow(
      /^JdbcSink needs typed records, but this stream is untyped \(PICKLED_BYTE_ARRAY\): map it to typed records first, e\.g\. \.map\(.*Types\.ROW_NAMED\(/,
    );

    const typed = probe.fromSequence(1, 2).map((n: number): Visit => ({ name: null, id: n, score: 0, active: true, visits: 0 }), visitType);
    // @ts-expect-error: TypeScript already refuses a name that is not a field of Visit
    const misspelt = JdbcSink.builder<Visit>().withQueryStatement('INSERT INTO ds_visits (id) VALUES (?)', ['idd']).buildAtLeastOnce(connection());
    expect(() => typed.sinkTo(misspelt)).toThrow(
      'JdbcSink: withQueryStatement names the field "idd", but the records (ROW<name STRING, id LONG, score DOUBLE, active BOOLEAN, visits INT>) have no such field (theirs: name, id, score, active, visits)',
    );

    type Located = { id: number; place: { city: string } };
    const nested = probe
      .fromSequence(1, 2)
      .map((n: number): Located => ({ id: n, place: { city: 'Oslo' } }), Types.ROW_NAMED<Located>(['id', 'place'], [Types.LONG(), Types.ROW_NAMED(['city'], [Types.STRING()])]));
    expect(() => nested.sinkTo(JdbcSink.builder<Located>().withQueryStatement('INSERT INTO ds_visits (id, name) VALUES (?, ?)', ['id', 'place']).buildAtLeastOnce(connection()))).toThrow(
      "JdbcSink: field 'place' of the records (ROW<id LONG, place ROW<city STRING>>) is ROW<city STRING>; a ? parameter takes STRING, BOOLEAN, INT, LONG, FLOAT, DOUBLE",
    );

    expect(() => sink.buildJava([], visitType)).toThrow(/JdbcSink needs the 'jdbc' connector: add it with await env\.addConnector\('jdbc'\)/);
  });

  it("fails the job with PostgreSQL's message when the statement fails (a missing table)", async () => {
    env
      .fromCollection([{ name: 'x', id: 1, score: 0, active: true, visits: 0 }], visitType)
      .sinkTo(
        JdbcSink.builder<Visit>()
          .withQueryStatement('INSERT INTO ds_no_such_table (id, name) VALUES (?, ?)', ['id', 'name'])
          .withExecutionOptions(JdbcExecutionOptions.builder().withMaxRetries(0).build())
          .buildAtLeastOnce(connection()),
      );
    await expect(env.execute('JdbcSink into a missing table')).rejects.toThrow(/relation "ds_no_such_table" does not exist/);
    // the session's TaskManager survived the failure (Flink's JdbcWriter.close() would have stopped it: CleanupSafeSink)
    env
      .fromSequence(4, 5)
      .map((n: number) => n * 100, Types.LONG())
      .sinkTo(JdbcSink.builder<number>().withQueryStatement('INSERT INTO ds_ids (id) VALUES (?)').buildAtLeastOnce(connection()));
    await env.execute('JdbcSink after a failed job');
    expect(await pg.query('SELECT id FROM ds_ids ORDER BY id')).toEqual(['100', '200', '300', '400', '500']);
  });
});

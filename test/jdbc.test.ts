/**
 * JDBC end to end against a real PostgreSQL (Debian's package, test/services/postgres.ts; one per
 * file), with Flink's JDBC connector and the PostgreSQL driver added by name ('jdbc'): an upsert
 * sink (a changelog of per-customer totals lands as one row per key, overwriting what was there) and
 * the dimension table of a lookup join (FOR SYSTEM_TIME AS OF), checked with psql / Flink's rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTypes, EnvironmentSettings, TableEnvironment, udf } from '../src/index';
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

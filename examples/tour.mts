/**
 * The README's tour: SQL DDL, the Table API with a window, a TypeScript UDF, typed streaming
 * results and print(). Run: tsflink run examples/tour.mts
 */
import { $, AggregateFunction, call, DataTypes, EnvironmentSettings, lit, TableEnvironment, Tumble, udaf, udf } from 'tsflink';

const tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());

// SQL: DDL, queries, inserts
await tEnv.executeSql(`
  CREATE TABLE bids (auction BIGINT, price DOUBLE, ts AS LOCALTIMESTAMP,
                     WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen', 'number-of-rows' = '2000', 'rows-per-second' = '1000',
        'fields.auction.min' = '1', 'fields.auction.max' = '3', 'fields.price.max' = '100')`);

// A TypeScript aggregate function: its accumulator lives in Flink's state (checkpointed, restored)
type Range = { lo: number | null; hi: number | null };
class Spread extends AggregateFunction<number | null, Range, [number | null]> {
  createAccumulator(): Range {
    return { lo: null, hi: null };
  }
  accumulate(acc: Range, price: number | null) {
    if (price === null) return;
    acc.lo = Math.min(acc.lo ?? price, price);
    acc.hi = Math.max(acc.hi ?? price, price);
  }
  getValue(acc: Range) {
    return acc.lo === null || acc.hi === null ? null : acc.hi - acc.lo;
  }
}
const spread = udaf(new Spread(), {
  inputTypes: [DataTypes.DOUBLE()],
  resultType: DataTypes.DOUBLE(),
  accumulatorType: DataTypes.ROW(DataTypes.FIELD('lo', DataTypes.DOUBLE()), DataTypes.FIELD('hi', DataTypes.DOUBLE())),
});

// The Table API with typed expressions and a tumbling window
const perAuction = tEnv
  .from('bids')
  .window(Tumble.over(lit(1).seconds()).on($('ts')).as('w'))
  .groupBy($('w'), $('auction'))
  .select($('auction'), $('price').count().as('bids'), $('price').avg().as('avgPrice'), call(spread, $('price')).as('spread'));

// A TypeScript function as a Flink UDF (runs in Node workers next to Flink's operators)
const toEuro = udf((usd) => (usd === null ? null : Math.round(usd * 92) / 100), {
  inputTypes: [DataTypes.DOUBLE()],
  resultType: DataTypes.DOUBLE(),
});
tEnv.createTemporarySystemFunction('toEuro', toEuro);

// Results: an AsyncIterable of typed rows with their RowKind (+I, -U, +U, -D)
const result = await tEnv.sqlQuery('SELECT auction, price, toEuro(price) AS eur FROM bids').execute();
let seen = 0;
for await (const row of result.collect()) {
  console.log(`${row.getKind()} auction ${row.auction}: $${row.price} = €${row.eur}`);
  if (++seen === 3) break; // leaving the loop cancels the job
}

// print(): an aligned table like Flink's, once the (bounded) job ends
await (await perAuction.execute()).print();

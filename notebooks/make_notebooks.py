"""Writes the example notebooks (no outputs) from the cell lists below.

Run with the test venv: .venv/kernel-tests/bin/python notebooks/make_notebooks.py
"""
import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))
KERNELSPEC = {"name": "tsflink", "display_name": "TSFlink (TypeScript)", "language": "typescript"}
LANGUAGE = {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript", "codemirror_mode": {"name": "javascript", "typescript": True}}


def write(name, cells):
    nb = new_notebook(cells=[new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = LANGUAGE
    nbformat.write(nb, os.path.join(HERE, name))


write("getting-started.ipynb", [
    """md:# Getting started with TSFlink

This notebook runs on the `tsflink` kernel: one live Flink session (a local mini-cluster) shared by
every cell. These names are pre-bound:

- `tEnv`: a streaming `TableEnvironment`
- `bEnv`: a batch `TableEnvironment`
- `sql(statement)`: runs SQL on `tEnv`
- `display(value)`: shows a value (tables render as HTML)

`%%sql` cells run Flink SQL on `tEnv`, and `%%bsql` cells run it on `bEnv`.""",
    "`Flink web UI: ${session.webUi}`",
    """md:## The Table API
A table built from TypeScript values. The last expression of a cell is shown as its result.""",
    """import { $, lit } from 'tsflink';

const orders = tEnv.fromValues([
  { id: 1, product: 'apple', amount: 3 },
  { id: 2, product: 'pear', amount: 5 },
  { id: 3, product: 'apple', amount: 4 },
  { id: 4, product: 'plum', amount: 1 },
]);
orders""",
    """md:Relational operations build new tables. A table shown as a cell result runs as a Flink job; in
streaming mode an aggregate arrives as a changelog, which the display folds into the current
result.""",
    """const totals = orders
  .filter($('amount').isGreater(lit(1)))
  .groupBy($('product'))
  .select($('product'), $('amount').sum().as('total'));
totals""",
    """md:`execute()` gives a `TableResult`, whose rows (with their changelog kind) can be collected.""",
    """const changes: string[] = [];
for await (const row of (await totals.execute()).collect()) changes.push(`${row.getKind()} ${row.product}=${row.total}`);
changes""",
    """md:## SQL cells
A view registered from TypeScript is visible to SQL in the same session. In streaming mode the
aggregate is maintained from a changelog (`type=update`, the default): the table below updates in
place while the job runs. Options go on the `%%sql` line, as Zeppelin's paragraph properties do:
`type` (`update`, `append` or `single`), `refreshInterval`, `maxRows`, `parallelism` and `template`.""",
    "tEnv.createTemporaryView('orders', orders)",
    """%%sql type=update refreshInterval=500
SELECT product, SUM(amount) AS total, COUNT(*) AS n
FROM orders
GROUP BY product""",
    """md:DDL, `SHOW` and `DESCRIBE` work too. A `datagen` table with `number-of-rows` is bounded, so a
query on it ends by itself.""",
    """%%sql
CREATE TEMPORARY TABLE clicks (
  user_id INT,
  url STRING
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '50',
  'fields.user_id.min' = '1',
  'fields.user_id.max' = '5',
  'fields.url.length' = '4'
);
SHOW TABLES;
DESCRIBE clicks;""",
    """%%sql type=single template='{0} clicks from {1} users'
SELECT COUNT(*), COUNT(DISTINCT user_id) FROM clicks""",
    """md:`%%bsql` runs the same SQL on the batch environment, which prints the final result only.""",
    """%%bsql
SELECT product, SUM(amount) AS total
FROM (VALUES ('apple', 3), ('pear', 5), ('apple', 4)) AS t(product, amount)
GROUP BY product
ORDER BY product""",
    """md:`sql()` returns a `TableResult` to use from TypeScript.""",
    """const result = await sql("SELECT UPPER(product) AS p FROM orders WHERE amount >= 4");
(await result.toArray()).map((r) => r.p).sort()""",
])

write("streaming-sql-udf.ipynb", [
    """md:# Streaming SQL with a TypeScript UDF and live results

A TypeScript function becomes a Flink scalar function with `udf(fn, { inputTypes, resultType })`.
Flink runs it in TSFlink's Node worker. Register it, and SQL cells can call it.""",
    """import { udf, udaf, DataTypes } from 'tsflink';

const sizeClass = udf((amount: number | null) => (amount === null ? 'unknown' : amount >= 50 ? 'large' : 'small'), {
  inputTypes: [DataTypes.INT()],
  resultType: DataTypes.STRING(),
});
tEnv.createTemporarySystemFunction('size_class', sizeClass);
'registered size_class'""",
    """md:A bounded stream of orders: `datagen` produces 300 rows at 100 rows per second, so the query
below runs for about 3 seconds while its result table updates in place.""",
    """%%sql
CREATE TEMPORARY TABLE orders (
  order_id BIGINT,
  amount INT
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '100',
  'number-of-rows' = '300',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '300',
  'fields.amount.min' = '1',
  'fields.amount.max' = '100'
)""",
    """md:`type=update` keeps one table in sync with the changelog, applying retractions. The status line
under the table shows the job's state, the rows received so far and a link to the job in the Flink
web UI.""",
    """%%sql type=update refreshInterval=500
SELECT size_class(amount) AS size, COUNT(*) AS orders, SUM(amount) AS total
FROM orders
GROUP BY size_class(amount)""",
    """md:Charts, as Zeppelin draws them: `chart=bar` (or `line`, `area`, `pie`, `scatter`) with the `x` and
`y` columns. JupyterLab and VS Code draw a Vega-Lite chart that updates with the table while the job
runs; other front-ends show the table. From TypeScript: `display(chart(result, { type: 'bar', x, y }))`.""",
    """%%sql type=update chart=bar x=size y=orders refreshInterval=500
SELECT size_class(amount) AS size, COUNT(*) AS orders
FROM orders
GROUP BY size_class(amount)""",
    """md:`type=append` lists rows as they arrive. With `maxRows` the query stops after that many rows,
and the job is cancelled, so the cell also ends on an unbounded source.""",
    """%%sql
CREATE TEMPORARY TABLE ticks (
  id BIGINT,
  price INT
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '20',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '1000000',
  'fields.price.min' = '1',
  'fields.price.max' = '99'
)""",
    """%%sql type=append maxRows=10 refreshInterval=200
SELECT id, price, size_class(price) AS size FROM ticks""",
    """md:`type=single` shows one value that changes as the job runs.""",
    """%%sql type=single template='{0} large orders so far'
SELECT COUNT(*) FROM orders WHERE size_class(amount) = 'large'""",
    """md:The same UDF also works from the Table API.""",
    """import { $, call } from 'tsflink';

const labelled = tEnv.fromValues([{ amount: 10 }, { amount: 70 }]).select($('amount'), call(sizeClass, $('amount')).as('size'));
(await (await labelled.execute()).toArray()).map((r) => `${r.amount}:${r.size}`).join(' ')""",
    """md:## A TypeScript aggregate function
`udaf(...)` makes an aggregate whose accumulator lives in Flink's keyed state (checkpointed and
restored like any Flink state); see `docs/udaf.md`. This one finds each size class's largest and
smallest order, with the accumulator declared as a ROW type.""",
    """import { AggregateFunction } from 'tsflink';

type Range = { lo: number | null; hi: number | null };
class AmountRange extends AggregateFunction<string | null, Range, [number | null]> {
  createAccumulator(): Range {
    return { lo: null, hi: null };
  }
  accumulate(acc: Range, amount: number | null) {
    if (amount === null) return;
    acc.lo = Math.min(acc.lo ?? amount, amount);
    acc.hi = Math.max(acc.hi ?? amount, amount);
  }
  getValue(acc: Range) {
    return acc.lo === null ? null : `${acc.lo}..${acc.hi}`;
  }
}
tEnv.createTemporarySystemFunction('amount_range', udaf(new AmountRange(), {
  inputTypes: [DataTypes.INT()],
  resultType: DataTypes.STRING(),
  accumulatorType: DataTypes.ROW(DataTypes.FIELD('lo', DataTypes.INT()), DataTypes.FIELD('hi', DataTypes.INT())),
}));
'registered amount_range'""",
    """%%sql type=update refreshInterval=500
SELECT size_class(amount) AS size, amount_range(amount) AS amounts, COUNT(*) AS orders
FROM orders
GROUP BY size_class(amount)""",
])

write("arrow-interop.ipynb", [
    """md:# Arrow interop

Apache Arrow tables go into Flink with `tEnv.fromArrow(table)`, and come back with
`table.toArrow()`. Arrow tables are displayed as HTML tables too.""",
    """import { tableFromArrays, type Vector } from 'apache-arrow';

const people = tableFromArrays({
  name: ['ada', 'grace', 'linus', 'margaret'],
  age: Int32Array.from([36, 45, 28, 33]),
  score: Float64Array.from([9.5, 8.25, 7.0, 9.75]),
});
people""",
    """md:Into Flink: the Arrow column types become Flink types.""",
    """const t = bEnv.fromArrow(people);
bEnv.createTemporaryView('people', t);
t.getResolvedSchema().columns.map((c) => `${c.name}: ${c.type.sql}`).join(', ')""",
    """%%bsql
SELECT name, age, score FROM people WHERE age > 30 ORDER BY score DESC""",
    """md:Back to Arrow: a query's result as an `arrow.Table`, for analysis in TypeScript.""",
    """const over30 = await bEnv.sqlQuery('SELECT name, age * 12 AS months FROM people WHERE age > 30').toArrow();
`${over30.numRows} rows; columns ${over30.schema.fields.map((f) => f.name).join(', ')}`""",
    """over30""",
    """const months = over30.getChild('months')!.toArray();
Array.from(months as ArrayLike<number | bigint>, Number).reduce((a, b) => a + b, 0)""",
    """md:A **vectorized UDF** (PyFlink's pandas UDF) computes a column inside the job from Arrow
batches: the function gets one apache-arrow `Vector` per argument (up to
`python.fn-execution.arrow.batch.size` rows) and returns a column of the same length.""",
    """const points = udf((score: Vector) => Float64Array.from(score.toArray() as Float64Array, (s) => s * 10), {
  inputTypes: [DataTypes.DOUBLE().notNull()],
  resultType: DataTypes.DOUBLE(),
  funcType: 'vectorized',
});
const withPoints = await bEnv.from('people').select($('name'), call(points, $('score')).as('points')).toArrow();
Array.from(withPoints.getChild('points')!.toArray() as Float64Array).sort((a, b) => a - b).join(', ')""",
])

write("kafka-pipeline.ipynb", [
    """md:# A Kafka pipeline: JSON in, a TypeScript UDF, JSON out

This notebook reads JSON orders from a Kafka topic, enriches them with a TypeScript function and
writes them to another topic, then looks at the result with a `%%sql` cell.

It needs a Kafka broker. **Change the one address below** to your broker's `bootstrap.servers`
(or start the kernel with `KAFKA_BOOTSTRAP` set). The topics `orders` and `orders-enriched` are
created by the broker on first use (`auto.create.topics.enable`, Kafka's default); create them first
if your broker does not allow that.""",
    """const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? 'localhost:9092';
`using the Kafka broker at ${BOOTSTRAP}`""",
    """md:`%connector kafka` fetches Flink's Kafka connector (for this Flink version) from Maven Central
through Maven, once, and adds it to the running session: `tEnv`, `bEnv` and every job they submit.
`%connector` alone lists the connectors and formats TSFlink knows.""",
    "%connector kafka",
    """md:Two tables on Kafka topics. Both read from the earliest offset up to the offsets at job start
(`scan.bounded.mode`), so the queries here end by themselves; drop that option for a job that runs
until you stop it.""",
    """const kafkaTable = (name: string, topic: string, columns: string) => sql(`
  CREATE TABLE ${name} (${columns}) WITH (
    'connector' = 'kafka',
    'topic' = '${topic}',
    'properties.bootstrap.servers' = '${BOOTSTRAP}',
    'properties.group.id' = 'tsflink-notebook',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
  )`);
await kafkaTable('orders', 'orders', 'order_id BIGINT, customer STRING, amount DOUBLE');
await kafkaTable('orders_enriched', 'orders-enriched', 'order_id BIGINT, customer STRING, amount DOUBLE, tier STRING');
'tables created'""",
    """md:Some input: four JSON orders written to the `orders` topic (by a Flink job here; in real life,
by whatever produces your events).""",
    """%%sql
INSERT INTO orders VALUES
  (1, 'ada', 250.0),
  (2, 'bob', 12.5),
  (3, 'cy', 3.0),
  (4, 'dee', 99.0)""",
    """md:The enrichment: a TypeScript function, run by Flink in TSFlink's Node workers.""",
    """import { udf, DataTypes } from 'tsflink';

const tier = udf((amount: number | null) => (amount === null ? null : amount >= 100 ? 'gold' : amount >= 10 ? 'silver' : 'bronze'), {
  inputTypes: [DataTypes.DOUBLE()],
  resultType: DataTypes.STRING(),
});
tEnv.createTemporarySystemFunction('tier', tier);
const job = await tEnv.executeSql(`
  INSERT INTO orders_enriched
  SELECT order_id, UPPER(customer), amount, tier(amount) FROM orders`);
await job.await();
`pipeline job ${job.jobId} finished`""",
    """md:What landed in `orders-enriched` (run the notebook again and each order shows up twice: the
topics keep what earlier runs wrote).""",
    """%%sql
SELECT tier, COUNT(*) AS orders, SUM(amount) AS total FROM orders_enriched GROUP BY tier""",
])

# datastream.ipynb is committed with the outputs of a run (executed by run_notebook.py with a copy
# path); test/notebooks.test.ts executes it again and checks them.
write("datastream.ipynb", [
    """md:# The DataStream API in TypeScript

`StreamExecutionEnvironment` builds Flink's own DataStream graph on the kernel's session; the
TypeScript functions run in TSFlink's Node workers, under Flink's operators, as PyFlink's Python
functions do. Keyed state and timers live in Flink (checkpointed with the job).""",
    """import {
  StreamExecutionEnvironment, Types, ValueStateDescriptor, WatermarkStrategy, TumblingEventTimeWindows,
  type Collector, type KeyedProcessFunction, type KeyedProcessFunctionContext, type KeyedRuntimeContext,
  type OnTimerContext, type ValueState,
} from 'tsflink';

const env = await StreamExecutionEnvironment.create();
env.setParallelism(1);
const words = await env
  .fromElements('to be', 'or not', 'to be')
  .flatMap((line: string) => line.split(' '))
  .filter((w) => w !== 'not')
  .map((w) => w.toUpperCase(), Types.STRING())
  .collect();
words.join(' ')""",
    """md:## Keyed state
Clicks of three users, with their event time in ms. `keyBy` partitions them by user; a
`KeyedProcessFunction` keeps a running count per user in a `ValueState`.""",
    """interface Click { user: string; at: number }
const clicks: Click[] = [
  { user: 'ann', at: 100 }, { user: 'bob', at: 250 }, { user: 'ann', at: 900 },
  { user: 'cy', at: 1200 }, { user: 'ann', at: 1500 }, { user: 'bob', at: 2100 },
];

class RunningCount implements KeyedProcessFunction<string, Click, string> {
  private count!: ValueState<number>;
  open(ctx: KeyedRuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
  }
  async processElement(click: Click, ctx: KeyedProcessFunctionContext<string>, out: Collector<string>): Promise<void> {
    const n = ((await this.count.value()) ?? 0) + 1;
    await this.count.update(n);
    out.collect(`${click.user} #${n}`);
  }
}
const counts = await env.fromCollection(clicks).keyBy((c) => c.user, Types.STRING()).process(new RunningCount(), Types.STRING()).collect();
counts.join(', ')""",
    """md:## Timers
Event time comes from `WatermarkStrategy`. Each user's function sets an event-time timer one
second after the user's first click; when the watermark passes it, the timer fires and reports
the user's clicks in that first second.""",
    """const timed = env
  .fromCollection(clicks)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.at));

class FirstSecond implements KeyedProcessFunction<string, Click, string> {
  private first!: ValueState<number>;
  private seen!: ValueState<number>;
  open(ctx: KeyedRuntimeContext): void {
    this.first = ctx.getState(new ValueStateDescriptor<number>('first'));
    this.seen = ctx.getState(new ValueStateDescriptor<number>('seen'));
  }
  async processElement(click: Click, ctx: KeyedProcessFunctionContext<string>): Promise<void> {
    let first = await this.first.value();
    if (first === null) {
      first = click.at;
      await this.first.update(first);
      ctx.timerService().registerEventTimeTimer(first + 1000);
    }
    if (click.at < first + 1000) await this.seen.update(((await this.seen.value()) ?? 0) + 1);
  }
  async onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): Promise<void> {
    out.collect(`${ctx.getCurrentKey()}: ${await this.seen.value()} click(s) by ${ts} ms`);
  }
}
const firstSecond = await timed.keyBy((c) => c.user, Types.STRING()).process(new FirstSecond(), Types.STRING()).collect();
firstSecond.sort()""",
    """md:## Windows
Clicks per user in tumbling one-second event-time windows.""",
    """const perWindow = await timed
  .map((c) => ({ user: c.user, clicks: 1 }))
  .keyBy((c) => c.user, Types.STRING())
  .window(TumblingEventTimeWindows.of(1000))
  .reduce((a, b) => ({ user: a.user, clicks: a.clicks + b.clicks }))
  .collect();
perWindow.map((w) => `${w.user}=${w.clicks}`).sort().join(' ')""",
    """md:Checkpoints, restarts, savepoints and the exactly-once `FileSink` are in `docs/datastream.md`
("Fault tolerance").""",
])

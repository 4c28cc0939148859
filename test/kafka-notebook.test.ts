/**
 * notebooks/kafka-pipeline.ipynb runs top to bottom under nbclient on the real tsflink kernel
 * against a real Kafka broker (test/services/kafka.ts), given by the one address the notebook asks
 * a user to change (here through KAFKA_BOOTSTRAP), including its exactly-once part from `%%sql` with a
 * live `type=update` view of the topic.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runDriver, useKernelTestEnv } from './kernel/env';
import { startKafka, type KafkaBroker } from './services/kafka';

const kt = useKernelTestEnv();
let kafka: KafkaBroker;

beforeAll(async () => {
  kafka = await startKafka();
});

afterAll(async () => {
  await kafka?.stop();
});

interface Output {
  type: string;
  text?: string;
}
interface CellRun {
  source: string;
  execution_count: number | null;
  outputs: Output[];
}

describe('kafka-pipeline.ipynb', () => {
  it('adds the connector, fills a topic, enriches it with a TS UDF into another topic and queries it', { timeout: 300_000 }, async () => {
    const run = await runDriver(path.join(__dirname, 'kernel', 'run_notebook.py'), [path.join(repoRoot, 'notebooks', 'kafka-pipeline.ipynb')], { ...kt.env, KAFKA_BOOTSTRAP: kafka.bootstrap });
    const result = run.result as { error: string | null; cells: CellRun[] };
    expect(result.error).toBeNull();
    for (const c of result.cells) expect(c.outputs.filter((o) => o.type === 'error')).toEqual([]);
    const text = (fragment: string) => {
      const cell = result.cells.find((c) => c.source.includes(fragment));
      if (!cell) throw new Error(`no cell contains ${fragment}`);
      return cell.outputs.map((o) => o.text ?? '').join('');
    };
    expect(text('const BOOTSTRAP')).toContain(`using the Kafka broker at ${kafka.bootstrap}`);
    expect(text('%connector kafka')).toContain('Added kafka: flink-sql-connector-kafka-5.0.0-2.2.jar');
    expect(text('await job.await()')).toMatch(/pipeline job [0-9a-f]{32} finished/);
    const summary = text('GROUP BY tier');
    expect(summary).toMatch(/\| +gold \| +1 \| +250\.0 \|/);
    expect(summary).toMatch(/\| +silver \| +2 \| +111\.5 \|/);
    expect(summary).toMatch(/\| +bronze \| +1 \| +3\.0 \|/);
    // what Flink wrote is really in the topic, for any Kafka consumer
    const records = await kafka.consume('orders-enriched', { maxMessages: 4, idleMs: 30_000 });
    expect(records).toEqual([
      '{"order_id":1,"customer":"ADA","amount":250.0,"tier":"gold"}',
      '{"order_id":2,"customer":"BOB","amount":12.5,"tier":"silver"}',
      '{"order_id":3,"customer":"CY","amount":3.0,"tier":"bronze"}',
      '{"order_id":4,"customer":"DEE","amount":99.0,"tier":"silver"}',
    ]);
    // exactly once from %%sql: a detached INSERT with transactions and checkpoints; the live
    // type=update view of the topic (read_committed, unbounded, ended by stopAfter) shows each once
    expect(text('%%sql(detach=true)')).toMatch(/job [0-9a-f]{32}/);
    const live = text('FROM orders_committed GROUP BY tier');
    expect(live).toMatch(/stopped after stopAfter=30000 ms/);
    expect(live).toMatch(/\| +gold \| +1 \| +250\.0 \|/);
    expect(live).toMatch(/\| +silver \| +2 \| +111\.5 \|/);
    expect(live).toMatch(/\| +bronze \| +1 \| +3\.0 \|/);
    expect((await kafka.consume('orders-exactly-once', { readCommitted: true, idleMs: 6000 })).sort()).toEqual([
      '{"order_id":1,"customer":"ADA","amount":250.0,"tier":"gold"}',
      '{"order_id":2,"customer":"BOB","amount":12.5,"tier":"silver"}',
      '{"order_id":3,"customer":"CY","amount":3.0,"tier":"bronze"}',
      '{"order_id":4,"customer":"DEE","amount":99.0,"tier":"silver"}',
    ]);
  });
});

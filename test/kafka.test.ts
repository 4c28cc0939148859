/**
 * Kafka end to end against a real Apache Kafka broker (KRaft, test/services/kafka.ts; one per file):
 * JSON records produced with Kafka's own producer → a TSFlink job reads them with Flink's Kafka
 * connector (added by name) → a TypeScript UDF enriches them → Flink's Kafka sink writes another
 * topic, read back with Kafka's own consumer. Exactly-once across a killed TaskManager:
 * test/kafka-exactly-once.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTypes, EnvironmentSettings, TableEnvironment, udf } from '../src/index';
import { startKafka, type KafkaBroker } from './services/kafka';
import { freePort } from './services/common';
import { runCommand } from '../src/connectors/command';
import { standaloneClusterStatus } from '../src/cluster/standalone';
import { tempDir } from './helpers';

process.env.TSFLINK_QUIET ??= '1';

let kafka: KafkaBroker;
let tEnv: TableEnvironment;
let scratch: string;

beforeAll(async () => {
  scratch = tempDir('tsflink-kafka-test-');
  // the broker and the session (with the Kafka connector resolved by name) start side by side
  [kafka, tEnv] = await Promise.all([startKafka(), TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { connectors: ['kafka'] })]);
  // a TS UDF used by both jobs: the customer's tier from the order amount
  tEnv.createTemporarySystemFunction(
    'tier',
    udf((amount: number | null) => (amount === null ? null : amount >= 100 ? 'gold' : amount >= 10 ? 'silver' : 'bronze'), {
      inputTypes: [DataTypes.DOUBLE()],
      resultType: DataTypes.STRING(),
    }),
  );
});

afterAll(async () => {
  await tEnv?.session.close();
  await kafka?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const source = (table: string, topic: string, bounded: boolean) => `CREATE TABLE ${table} (id INT, customer STRING, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${table}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
  ${bounded ? ", 'scan.bounded.mode' = 'latest-offset'" : ''})`;

describe('Kafka → TS UDF → Kafka', () => {
  it('reads JSON records, enriches them with a TypeScript UDF and writes them to another topic', async () => {
    await kafka.createTopic('orders');
    await kafka.createTopic('orders-enriched');
    await kafka.produce('orders', [
      '{"id":1,"customer":"ada","amount":250.0}',
      '{"id":2,"customer":"bob","amount":12.5}',
      '{"id":3,"customer":"cy","amount":3.0}',
      '{"id":4,"customer":"dee","amount":null}',
    ]);
    await tEnv.executeSql(source('orders', 'orders', true));
    await tEnv.executeSql(`CREATE TABLE orders_enriched (id INT, customer STRING, tier STRING) WITH (
      'connector' = 'kafka', 'topic' = 'orders-enriched', 'properties.bootstrap.servers' = '${kafka.bootstrap}',
      'format' = 'json')`);
    const insert = await tEnv.executeSql('INSERT INTO orders_enriched SELECT id, UPPER(customer), tier(amount) FROM orders');
    await insert.await();
    expect(await kafka.consume('orders-enriched', { maxMessages: 4, idleMs: 30_000 })).toEqual([
      '{"id":1,"customer":"ADA","tier":"gold"}',
      '{"id":2,"customer":"BOB","tier":"silver"}',
      '{"id":3,"customer":"CY","tier":"bronze"}',
      '{"id":4,"customer":"DEE","tier":null}',
    ]);
  });
});

describe('a broker that cannot start', () => {
  it('fails with the reason, not a hang', async () => {
    const started = Date.now();
    const err = await startKafka({ properties: { 'node.id': 'one' }, timeoutMs: 60_000 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Kafka broker/);
    // Kafka's own words about the bad setting are in the message
    expect((err as Error).message).toContain('Invalid value one for configuration broker.id: Not a number of type INT');
    expect(Date.now() - started).toBeLessThan(90_000);
  });
});

describe('tsflink run --connector kafka --remote', () => {
  it('ships the connector jar with the job to a standalone cluster whose classpath lacks it', { timeout: 240_000 }, async () => {
    const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'tsflink.js');
    expect(fs.existsSync(cli)).toBe(true);
    await kafka.createTopic('remote-in');
    await kafka.createTopic('remote-out');
    await kafka.produce('remote-in', ['{"id":7,"customer":"eve","amount":1.0}', '{"id":8,"customer":"fay","amount":2.0}']);
    const script = path.join(scratch, 'remote-job.mts');
    fs.writeFileSync(
      script,
      `import { EnvironmentSettings, TableEnvironment } from 'tsflink';
const [bootstrap] = process.argv.slice(2);
const tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
await tEnv.executeSql(\`CREATE TABLE src (id INT, customer STRING) WITH ('connector' = 'kafka', 'topic' = 'remote-in',
  'properties.bootstrap.servers' = '\${bootstrap}', 'properties.group.id' = 'remote', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'format' = 'json')\`);
await tEnv.executeSql(\`CREATE TABLE dst (id INT, customer STRING) WITH ('connector' = 'kafka', 'topic' = 'remote-out',
  'properties.bootstrap.servers' = '\${bootstrap}', 'format' = 'json')\`);
const job = await tEnv.executeSql('INSERT INTO dst SELECT id, UPPER(customer) FROM src');
await job.await();
console.log('job', job.jobId);
`,
    );
    // `tsflink cluster start` in its own process: this process hosts a JVM that ran UDF jobs, where
    // a synchronous child process (the cluster's memory calculation) would never be seen to end
    // (src/connectors/command.ts)
    const clusterDir = path.join(scratch, 'cluster');
    const port = await freePort();
    const rpcPort = await freePort();
    const started = await runCommand(
      process.execPath,
      [cli, 'cluster', 'start', '--dir', clusterDir, '--port', String(port), '--slots', '1', '-D', `jobmanager.rpc.port=${rpcPort}`, '-D', 'taskmanager.memory.process.size=1024m'],
      { timeoutMs: 120_000 },
    );
    const logs = () => fs.readdirSync(path.join(clusterDir, 'log')).map((f) => `${f}:\n${fs.readFileSync(path.join(clusterDir, 'log', f), 'utf8').split('\n').filter((l) => / (ERROR|WARN) /.test(l) || l.includes('Exception')).slice(-8).join('\n')}`).join('\n');
    expect(started.code, `${started.stdout}${started.stderr}${started.code === 0 ? '' : logs()}`).toBe(0);
    const cluster = standaloneClusterStatus(clusterDir)!;
    try {
      const r = await runCommand(process.execPath, [cli, 'run', '--connector', 'kafka', '--remote', cluster.remote, script, '--', kafka.bootstrap], {
        timeoutMs: 180_000,
        env: { ...process.env, TSFLINK_QUIET: '1' },
      });
      expect(r.code, r.stderr).toBe(0);
      const jobId = /job ([0-9a-f]{32})/.exec(r.stdout)?.[1];
      expect(jobId).toBeDefined();
      // the job ran on the cluster (its TaskManager got the Kafka jar from the job, pipeline.jars)
      const overview = (await (await fetch(`${cluster.restAddress}/jobs/overview`)).json()) as { jobs: { jid: string; state: string }[] };
      expect(overview.jobs.find((j) => j.jid === jobId)?.state).toBe('FINISHED');
      const tmLog = fs.readFileSync(path.join(cluster.logDir, 'taskmanager-0.log'), 'utf8');
      expect(tmLog).toMatch(/Classpath: /);
      expect(tmLog.split('\n').find((l) => l.includes('Classpath: '))).not.toContain('flink-sql-connector-kafka');
      expect(await kafka.consume('remote-out', { maxMessages: 2, idleMs: 30_000 })).toEqual(['{"id":7,"customer":"EVE"}', '{"id":8,"customer":"FAY"}']);
    } finally {
      await runCommand(process.execPath, [cli, 'cluster', 'stop', '--dir', clusterDir], { timeoutMs: 60_000 });
    }
  });
});

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
import {
  DataTypes,
  DeliveryGuarantee,
  EnvironmentSettings,
  FlinkError,
  FlinkFixedPartitioner,
  JsonRowDeserializationSchema,
  JsonRowSerializationSchema,
  KafkaRecordDeserializationSchema,
  KafkaRecordSerializationSchema,
  KafkaSink,
  KafkaSource,
  OffsetsInitializer,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  TableEnvironment,
  Types,
  ValueStateDescriptor,
  WatermarkStrategy,
  udf,
  type Collector,
  type KeyedProcessFunction,
  type KeyedProcessFunctionContext,
  type KafkaRecord,
  type KeyedRuntimeContext,
  type ValueState,
} from '../src/index';
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

interface Click {
  user: string;
  page: string;
}

/** Each user's running click count, kept in Flink state. */
class CountClicks implements KeyedProcessFunction<string, Click, string> {
  private count!: ValueState<number>;

  open(ctx: KeyedRuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
  }

  async processElement(click: Click, ctx: KeyedProcessFunctionContext<string>, out: Collector<string>): Promise<void> {
    const count = ((await this.count.value()) ?? 0) + 1;
    await this.count.update(count);
    out.collect(JSON.stringify({ user: ctx.getCurrentKey(), page: click.page, clicks: count }));
  }
}

describe('the DataStream API: KafkaSource → TS functions → KafkaSink', () => {
  it('reads a topic, counts per key in TS state and writes another topic exactly once (read back read_committed)', { timeout: 180_000 }, async () => {
    await kafka.createTopic('clicks');
    await kafka.createTopic('click-counts');
    await kafka.produce('clicks', ['{"user":"ada","page":"/"}', '{"user":"bob","page":"/a"}', '{"user":"ada","page":"/b"}', '{"user":"ada","page":"/c"}', '{"user":"bob","page":"/"}']);
    // the session has the 'kafka' connector (beforeAll); adding it on the environment (as a user of
    // the DataStream API alone would) sets its pipeline.jars again, which the job needs on its TaskManager
    const env = await StreamExecutionEnvironment.create();
    const [kafkaConnector] = await env.addConnector('kafka');
    expect(kafkaConnector.jars.some((j) => j.includes('flink-sql-connector-kafka'))).toBe(true);
    env.enableCheckpointing(500);
    const source = KafkaSource.builder()
      .setBootstrapServers(kafka.bootstrap)
      .setTopics('clicks')
      .setGroupId('ds-clicks')
      .setStartingOffsets(OffsetsInitializer.earliest())
      .setBounded(OffsetsInitializer.latest())
      .setValueOnlyDeserializer(new SimpleStringSchema())
      .build();
    const sink = KafkaSink.builder()
      .setBootstrapServers(kafka.bootstrap)
      .setRecordSerializer(KafkaRecordSerializationSchema.builder().setTopic('click-counts').setValueSerializationSchema(new SimpleStringSchema()).build())
      .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
      .setTransactionalIdPrefix('tsflink-ds-clicks')
      // below the broker's transaction.max.timeout.ms (15 min; the connector's default is 1 h)
      .setProperty('transaction.timeout.ms', '120000')
      .build();
    env
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'clicks')
      .map((json: string) => JSON.parse(json) as Click)
      .keyBy((c: Click) => c.user, Types.STRING())
      .process(new CountClicks(), Types.STRING())
      .sinkTo(sink);
    await env.execute('kafka clicks');
    const written = await kafka.consume('click-counts', { readCommitted: true, maxMessages: 5, idleMs: 30_000 });
    expect(written.map((l) => JSON.parse(l) as Record<string, unknown>).sort((a, b) => `${a.user}${a.clicks}`.localeCompare(`${b.user}${b.clicks}`))).toEqual([
      { user: 'ada', page: '/', clicks: 1 },
      { user: 'ada', page: '/b', clicks: 2 },
      { user: 'ada', page: '/c', clicks: 3 },
      { user: 'bob', page: '/a', clicks: 1 },
      { user: 'bob', page: '/', clicks: 2 },
    ]);
  });

  it('names what is missing: the connector, a bootstrap server, a transactional id for exactly-once', () => {
    const source = KafkaSource.builder().setBootstrapServers(kafka.bootstrap).setTopics('clicks').setValueOnlyDeserializer(new SimpleStringSchema()).build();
    // a session without the connector's jars
    expect(() => source.buildJava([])).toThrow(/KafkaSource and KafkaSink need the 'kafka' connector: add it with await env.addConnector\('kafka'\)/);
    expect(() => KafkaSource.builder().setTopics('clicks').setValueOnlyDeserializer(new SimpleStringSchema()).build()).toThrow('KafkaSource: setBootstrapServers is required');
    const serializer = KafkaRecordSerializationSchema.builder().setTopic('t').setValueSerializationSchema(new SimpleStringSchema()).build();
    expect(() => KafkaSink.builder().setBootstrapServers(kafka.bootstrap).setRecordSerializer(serializer).setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build()).toThrow(/EXACTLY_ONCE needs setTransactionalIdPrefix/);
  });
});

describe('the DataStream API: Kafka keys, headers and (de)serializers', () => {
  type Order = { id: number; customer: string | null; amount: number | null };
  const ORDER = Types.ROW_NAMED<Order>(['id', 'customer', 'amount'], [Types.INT(), Types.STRING(), Types.DOUBLE()]);
  type Visit = { user: string | null; page: string; trace: string | null };
  const VISIT = Types.ROW_NAMED<Visit>(['user', 'page', 'trace'], [Types.STRING(), Types.STRING(), Types.STRING()]);
  // one environment for these jobs; a failing job fails at once instead of restarting
  let env: StreamExecutionEnvironment;
  beforeAll(async () => {
    env = await StreamExecutionEnvironment.create({ 'restart-strategy.type': 'none', 'parallelism.default': '1' });
    await env.addConnector('kafka');
  });
  const bounded = (topic: string, group: string) =>
    KafkaSource.builder().setBootstrapServers(kafka.bootstrap).setTopics(topic).setGroupId(group).setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());

  it('reads key, value, headers, topic, partition, offset and timestamp of each record (withMetadata) into TS functions', { timeout: 180_000 }, async () => {
    await kafka.createTopic('keyed-in');
    const before = Date.now();
    // ConsoleProducer lines: "headers<TAB>key<TAB>value"; <null> is a null key (or no headers)
    await kafka.produce('keyed-in', ['trace:t-1,src:web\tada\t{"n":1}', '<null>\t<null>\tZoë 東京 🚀', 'dup:1,dup:2\tbob\t', 'gone:<null>\tcy\t<null>'], {
      'parse.key': 'true',
      'parse.headers': 'true',
      'null.marker': '<null>',
    });
    const after = Date.now();
    const source = bounded('keyed-in', 'ds-keyed-in').setDeserializer(KafkaRecordDeserializationSchema.withMetadata()).build();
    expect(source.producedType.toString()).toBe('ROW<key STRING, value STRING, headers PICKLED, topic STRING, partition INT, offset LONG, timestamp LONG>');
    const seen = await env
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'keyed-in')
      // a TS function gets the typed record by field name
      .map((r: KafkaRecord) => ({ ...r, keyIsNull: r.key === null, chars: [...(r.value ?? '')].length, headerKeys: r.headers.map((h) => h.key).join('+') }))
      .collect('kafka keys and headers');
    for (const r of seen) {
      expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(r.timestamp).toBeLessThanOrEqual(after);
    }
    expect(seen.map(({ timestamp: _, ...r }) => r)).toEqual([
      { key: 'ada', value: '{"n":1}', headers: [{ key: 'trace', value: 't-1' }, { key: 'src', value: 'web' }], topic: 'keyed-in', partition: 0, offset: 0, keyIsNull: false, chars: 7, headerKeys: 'trace+src' },
      { key: null, value: 'Zoë 東京 🚀', headers: [], topic: 'keyed-in', partition: 0, offset: 1, keyIsNull: true, chars: 8, headerKeys: '' },
      { key: 'bob', value: '', headers: [{ key: 'dup', value: '1' }, { key: 'dup', value: '2' }], topic: 'keyed-in', partition: 0, offset: 2, keyIsNull: false, chars: 0, headerKeys: 'dup+dup' },
      // a tombstone (null value) with a header whose value is null
      { key: 'cy', value: null, headers: [{ key: 'gone', value: null }], topic: 'keyed-in', partition: 0, offset: 3, keyIsNull: false, chars: 0, headerKeys: 'gone' },
    ]);
  });

  it('reads JSON values into typed rows; a malformed value fails the job with the parser\'s message, or is skipped with ignoreParseErrors', { timeout: 240_000 }, async () => {
    await kafka.createTopic('orders-json');
    await kafka.produce('orders-json', ['{"id":1,"customer":"ada","amount":2.5}', '{"id":2,"customer":"Zoë 東京","extra":true}', 'not json', '{"id":3,"customer":null,"amount":7}']);
    const json = JsonRowDeserializationSchema.builder().typeInfo(ORDER);
    const read = (group: string, schema: JsonRowDeserializationSchema<Order>) =>
      env
        .fromSource(bounded('orders-json', group).setValueOnlyDeserializer(schema).build(), WatermarkStrategy.noWatermarks(), 'orders-json')
        // typed rows reach TS by field name; a JSON number without a fraction is still a DOUBLE
        .map((o: Order) => ({ ...o, label: `${o.customer ?? '?'}:${o.amount ?? '-'}` }))
        .collect('kafka json');
    // the job fails with Jackson's message; the chain names the input
    const failure = await read('ds-orders-json-1', json.build()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(FlinkError);
    expect((failure as FlinkError).message).toMatch(/Caused by JsonParseException: Unrecognized token 'not': was expecting/);
    expect((failure as FlinkError).causes.map((c) => c.message)).toContainEqual(expect.stringMatching(/^Failed to deserialize JSON 'not json': Unrecognized token 'not'/));
    expect(await read('ds-orders-json-2', json.ignoreParseErrors().build())).toEqual([
      { id: 1, customer: 'ada', amount: 2.5, label: 'ada:2.5' },
      { id: 2, customer: 'Zoë 東京', amount: null, label: 'Zoë 東京:-' },
      { id: 3, customer: null, amount: 7, label: '?:7' },
    ]);
    // with withMetadata too: the bad record (offset 2) is skipped, the others keep their offsets
    const withOffsets = await env
      .fromSource(bounded('orders-json', 'ds-orders-json-5').setDeserializer(KafkaRecordDeserializationSchema.withMetadata({ value: json.ignoreParseErrors().build() })).build(), WatermarkStrategy.noWatermarks(), 'orders-json')
      .map((r: KafkaRecord<string, Order>) => `${r.offset}:${r.value?.id ?? '?'}`, Types.STRING())
      .collect('kafka json with metadata');
    expect(withOffsets).toEqual(['0:1', '1:2', '3:3']);
    // failOnMissingField: record 2 has no amount
    await expect(read('ds-orders-json-3', json.ignoreParseErrors().failOnMissingField().build())).resolves.toHaveLength(2);
    await expect(read('ds-orders-json-4', json.failOnMissingField().build())).rejects.toThrow(/Could not find field 'amount'/);
  });

  it('writes a field as the key, the record as JSON and fields as headers; read back with Kafka\'s consumer and with withMetadata', { timeout: 240_000 }, async () => {
    await kafka.createTopic('visits');
    const visits: Visit[] = [
      { user: 'ada', page: '/', trace: 't-1' },
      { user: null, page: '/Zoë/東京', trace: null },
      { user: 'bob', page: '/b', trace: 't-3' },
    ];
    const sink = KafkaSink.builder<Visit>()
      .setBootstrapServers(kafka.bootstrap)
      .setRecordSerializer(
        KafkaRecordSerializationSchema.builder<Visit>()
          .setTopic('visits')
          .setKeySerializationSchema(new SimpleStringSchema(), 'user')
          .setValueSerializationSchema(JsonRowSerializationSchema.builder().withTypeInfo(VISIT).build())
          .setHeaderProvider(['trace'])
          .build(),
      )
      .build();
    env.fromCollection(visits, VISIT).map((v: Visit) => v, VISIT).sinkTo(sink);
    await env.execute('kafka keyed sink');
    const lines = await kafka.consume('visits', { maxMessages: 3, idleMs: 30_000, formatterProperties: { 'print.key': 'true', 'print.headers': 'true', 'null.literal': '<null>' } });
    expect(lines).toEqual([
      'trace:t-1\tada\t{"user":"ada","page":"/","trace":"t-1"}',
      'NO_HEADERS\t<null>\t{"user":null,"page":"/Zoë/東京","trace":null}',
      'trace:t-3\tbob\t{"user":"bob","page":"/b","trace":"t-3"}',
    ]);
    // the same records through KafkaSource: the key, the header and the JSON value as a typed row
    const back = await env
      .fromSource(bounded('visits', 'ds-visits').setDeserializer(KafkaRecordDeserializationSchema.withMetadata({ value: JsonRowDeserializationSchema.builder().typeInfo(VISIT).build() })).build(), WatermarkStrategy.noWatermarks(), 'visits')
      .map((r: KafkaRecord<string, Visit>) => ({ key: r.key, headers: r.headers, value: r.value }))
      .collect('kafka visits back');
    expect(back).toEqual([
      { key: 'ada', headers: [{ key: 'trace', value: 't-1' }], value: visits[0] },
      { key: null, headers: [], value: visits[1] },
      { key: 'bob', headers: [{ key: 'trace', value: 't-3' }], value: visits[2] },
    ]);
  });

  it('spreads keyed records over the partitions by the key, or writes them to one partition with FlinkFixedPartitioner', { timeout: 240_000 }, async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'];
    const partitionsOf = async (topic: string, partitioner?: FlinkFixedPartitioner) => {
      await kafka.createTopic(topic, 3);
      const serializer = KafkaRecordSerializationSchema.builder().setTopic(topic).setKeySerializationSchema(new SimpleStringSchema()).setValueSerializationSchema(new SimpleStringSchema());
      if (partitioner) serializer.setPartitioner(partitioner);
      // parallelism 1: one sink subtask
      env.fromCollection(users, Types.STRING()).sinkTo(KafkaSink.builder().setBootstrapServers(kafka.bootstrap).setRecordSerializer(serializer.build()).build());
      await env.execute(`kafka partitions ${topic}`);
      const records = await env.fromSource(bounded(topic, `ds-${topic}`).setDeserializer(KafkaRecordDeserializationSchema.withMetadata()).build(), WatermarkStrategy.noWatermarks(), topic).collect(topic);
      expect(records.map((r) => r.key).sort()).toEqual(users);
      for (const r of records) expect(r.value).toBe(r.key);
      return new Set(records.map((r) => r.partition));
    };
    // Kafka's producer: partitions by the key's hash (these 8 keys reach all 3 partitions)
    expect(await partitionsOf('by-key')).toEqual(new Set([0, 1, 2]));
    // FlinkFixedPartitioner: the one sink subtask writes partition 0 only
    expect(await partitionsOf('fixed', new FlinkFixedPartitioner())).toEqual(new Set([0]));
  });

  it('refuses at sinkTo a field the records lack, a schema of the wrong type and fields of untyped records, naming them', () => {
    const sink = <T>(build: (b: ReturnType<typeof KafkaRecordSerializationSchema.builder<T>>) => KafkaRecordSerializationSchema<T>) =>
      KafkaSink.builder<T>().setBootstrapServers(kafka.bootstrap).setRecordSerializer(build(KafkaRecordSerializationSchema.builder<T>().setTopic('nowhere'))).build();
    const visits = env.fromCollection<Visit>([{ user: 'ada', page: '/', trace: null }], VISIT);
    const json = JsonRowSerializationSchema.builder().withTypeInfo(VISIT).build();
    // 'usr' is not a field of Visit, so TypeScript refuses it too: the cast plays a plain JS caller
    expect(() => visits.sinkTo(sink<Visit>((b) => b.setValueSerializationSchema(json).setKeySerializationSchema(new SimpleStringSchema(), 'usr' as 'user').build()))).toThrow(
      "KafkaRecordSerializationSchema: setKeySerializationSchema names the field 'usr', but the records (ROW<user STRING, page STRING, trace STRING>) have no such field (theirs: user, page, trace)",
    );
    expect(() => visits.sinkTo(sink<Visit>((b) => b.setValueSerializationSchema(json).setHeaderProvider(['trace', 'trcae' as 'trace']).build()))).toThrow(/setHeaderProvider names the field 'trcae', but the records/);
    // SimpleStringSchema on a ROW record
    expect(() => visits.sinkTo(sink<Visit>((b) => b.setValueSerializationSchema(new SimpleStringSchema() as never).build()))).toThrow(
      /setValueSerializationSchema: SimpleStringSchema serializes STRING values, but each record is ROW<user STRING, page STRING, trace STRING>/,
    );
    // a JSON schema built for another row type
    const other = JsonRowSerializationSchema.builder().withTypeInfo(ORDER).build();
    expect(() => visits.sinkTo(sink<Visit>((b) => b.setValueSerializationSchema(other as never).build()))).toThrow(/JsonRowSerializationSchema was built withTypeInfo\(ROW<id INT, customer STRING, amount DOUBLE>\), but each record is ROW<user STRING/);
    // untyped records have no named fields
    const untyped = env.fromCollection([{ user: 'ada' }]);
    expect(() => untyped.sinkTo(sink<{ user: string }>((b) => b.setValueSerializationSchema(new SimpleStringSchema() as never).setKeySerializationSchema(new SimpleStringSchema(), 'user').build()))).toThrow(
      /setKeySerializationSchema names the field 'user', but the records are untyped \(PICKLED_BYTE_ARRAY\), which have no named fields/,
    );
    expect(() => JsonRowDeserializationSchema.builder().typeInfo(Types.STRING() as never).build()).toThrow('JsonRowDeserializationSchema.typeInfo needs a row type');
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

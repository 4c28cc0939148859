/**
 * A real Apache Kafka broker for tests: Kafka 4.x in KRaft mode (one combined broker+controller
 * node, no ZooKeeper), jars from Maven Central (test/services/kafka/pom.xml), started as a plain
 * java process on 127.0.0.1 with free ports and a temp data dir. Producing, consuming and topic
 * administration go through Kafka's own command-line tools (kafka-tools), so the tests talk to the
 * broker with Kafka's client, not Flink's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, logTail, mavenLibs, repoRoot, run, sleep } from './common';

export interface KafkaBroker {
  /** host:port for bootstrap.servers. */
  bootstrap: string;
  createTopic(topic: string, partitions?: number): Promise<void>;
  /**
   * Produces each line as one record value (ConsoleProducer), acks=all; `readerProperties` are
   * ConsoleProducer's line-reader options (parse.key, parse.headers, null.marker, ...), which make a
   * line carry headers and a key too.
   */
  produce(topic: string, values: readonly string[], readerProperties?: Record<string, string>): Promise<void>;
  /**
   * Reads a topic from the beginning until `idleMs` pass without a new record, or `maxMessages`
   * arrived (ConsoleConsumer; joining the topic takes a few seconds on a busy machine, so keep
   * idleMs generous, or give maxMessages and a long idleMs);
   * `readCommitted` sets isolation.level=read_committed (transactional records only once committed).
   */
  consume(topic: string, options?: { readCommitted?: boolean; idleMs?: number; maxMessages?: number; /** ConsoleConsumer's formatter options (print.key, print.headers, ...) */ formatterProperties?: Record<string, string> }): Promise<string[]>;
  stop(): Promise<void>;
  logFile: string;
}

const LOG4J2 = (file: string) => `status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d %-5p [%c] %m%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
`;

/** The broker's jars (fetched once through Maven). */
export function kafkaLibs(): Promise<string> {
  return mavenLibs(path.join(repoRoot, 'test', 'services', 'kafka', 'pom.xml'), path.join(repoRoot, '.tsflink', 'test-services', 'kafka-4.1.1'));
}

/**
 * Starts a broker and waits until it accepts connections and reports itself started. A broker that
 * cannot start (exits, or is not ready within `timeoutMs`) fails with its log's last lines.
 */
export async function startKafka(options: { timeoutMs?: number; /** extra or overriding server.properties */ properties?: Record<string, string> } = {}): Promise<KafkaBroker> {
  const lib = await kafkaLibs();
  const classpath = path.join(lib, '*');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const logFile = path.join(dir, 'broker.log');
  const props = path.join(dir, 'server.properties');
  fs.writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${path.join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      // Flink's exactly-once sink may keep a transaction open up to its timeout (15 min default)
      'transaction.max.timeout.ms=900000',
      ...Object.entries(options.properties ?? {}).map(([k, v]) => `${k}=${v}`),
      '',
    ].join('\n'),
  );
  const log4j = path.join(dir, 'log4j2.properties');
  fs.writeFileSync(log4j, LOG4J2(logFile));
  const jvm = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath];

  const clusterId = kafkaClusterId();
  const format = await run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], { timeoutMs: 60_000 });
  if (format.code !== 0) throw new Error(`cannot format the Kafka broker's storage (exit ${format.code}):\n${format.stdout}${format.stderr}\n${logTail(logFile)}`);

  const out = fs.openSync(path.join(dir, 'broker.out'), 'a');
  const child: ChildProcess = spawn('java', [...jvm, 'kafka.Kafka', props], { stdio: ['ignore', out, out] });
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exit code ${code ?? signal}`));
  const kill = () => {
    if (exited === undefined) child.kill('SIGKILL');
  };
  process.once('exit', kill);

  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const why = () => `${logTail(logFile)}\n${logTail(path.join(dir, 'broker.out'), 10)}`;
  for (;;) {
    if (exited !== undefined) throw new Error(`the Kafka broker exited during start-up (${exited}); its log in ${dir}:\n${why()}`);
    if (Date.now() > deadline) {
      kill();
      throw new Error(`the Kafka broker was not ready within ${timeoutMs} ms; its log in ${dir}:\n${why()}`);
    }
    if (/Kafka Server started|\[KafkaRaftServer nodeId=\d+\] Kafka Server started/.test(readSafe(logFile)) && (await canConnect(port))) break;
    await sleep(200);
  }

  const bootstrap = `127.0.0.1:${port}`;
  const tool = async (main: string, args: string[], input?: string, timeoutMs = 60_000) => {
    const r = await run('java', ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath, main, ...args], { input, timeoutMs });
    if (r.code !== 0) throw new Error(`${main} ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}`);
    return r.stdout;
  };
  return {
    bootstrap,
    logFile,
    async createTopic(topic, partitions = 1) {
      await tool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bootstrap, '--create', '--if-not-exists', '--topic', topic, '--partitions', String(partitions), '--replication-factor', '1']);
    },
    async produce(topic, values, readerProperties = {}) {
      if (values.some((v) => v.includes('\n'))) throw new Error('record values must be single lines');
      const reader = Object.entries(readerProperties).flatMap(([k, v]) => ['--property', `${k}=${v}`]);
      await tool('org.apache.kafka.tools.ConsoleProducer', ['--bootstrap-server', bootstrap, '--topic', topic, '--producer-property', 'acks=all', ...reader], values.join('\n') + '\n');
    },
    async consume(topic, o = {}) {
      const args = ['--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning', '--timeout-ms', String(o.idleMs ?? 5000)];
      if (o.readCommitted) args.push('--isolation-level', 'read_committed');
      if (o.maxMessages !== undefined) args.push('--max-messages', String(o.maxMessages));
      for (const [k, v] of Object.entries(o.formatterProperties ?? {})) args.push('--property', `${k}=${v}`);
      const stdout = await tool('org.apache.kafka.tools.consumer.ConsoleConsumer', args);
      return stdout.split('\n').filter((l) => l.length > 0);
    },
    async stop() {
      process.removeListener('exit', kill);
      if (exited === undefined) {
        child.kill('SIGTERM');
        const until = Date.now() + 15_000;
        while (exited === undefined && Date.now() < until) await sleep(100);
        kill();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readSafe(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A random cluster id as Kafka's Uuid.randomUuid() makes one: base64url of 16 bytes, never starting
 *  with '-', which kafka-storage's argument parser would take for an option (1 start in 64 failed CI). */
function kafkaClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

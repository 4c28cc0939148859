/**
 * Mirrors org.apache.flink.streaming.api.environment.StreamExecutionEnvironment: the entry point of
 * the DataStream API. `await StreamExecutionEnvironment.create()` starts (once per process) the
 * same session as TableEnvironment.create() (JVM, mini-cluster or --remote cluster, the Node UDF
 * worker) and builds a Java StreamExecutionEnvironment submitting to it.
 */
import { callAsync, callSync } from '../../gateway/jvm';
import { track, type Handle } from '../../gateway/facade';
import { toJavaJson } from '../../gateway/java-json';
import { Session, type SessionOptions } from '../../session/session';
import type { ResolvedConnector } from '../../connectors/resolve';
import '../udf/session-setup';
import { DataStream, DS, toJava } from './data-stream';
import { Types, type TypeInformation } from './types';
import { fromSource } from './connectors/sink-to';
import type { Source } from './connectors/source';
import type { WatermarkStrategy } from './watermark-strategy';
import { DATASTREAM_JOBS, JobClient, type JobExecutionResult } from '../job-client';
import { streamFunctionExecution, type StreamFunctionExecution } from './embedded';

export type { JobExecutionResult } from '../job-client';

export type RuntimeExecutionMode = 'STREAMING' | 'BATCH' | 'AUTOMATIC';

/** Flink's CheckpointingMode. */
export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

/** pipeline.jars: the environment's own jars, then the session's connector jars. */
function jarsOption(own: string | undefined, connectorJars: readonly string[]): string {
  return [own, ...connectorJars.map((j) => `file://${j}`)].filter(Boolean).join(';');
}

export class StreamExecutionEnvironment {
  private parallelism: number;

  private constructor(
    readonly handle: Handle,
    readonly session: Session,
    parallelism: number,
    /** pipeline.jars given to create(), kept before the session's connector jars. */
    private readonly ownJars?: string,
    /** The session's options, then those given to create() and configure(): TSFlink's own are read from here. */
    private readonly options: Record<string, string> = {},
  ) {
    this.parallelism = parallelism;
    track(this, handle);
  }

  /**
   * An environment on the process's session (started on first use). `config` adds Flink options
   * for this environment's jobs (e.g. 'restart-strategy.type': 'none').
   */
  static async create(config: Record<string, string> = {}, session?: SessionOptions): Promise<StreamExecutionEnvironment> {
    const s = await Session.start(session);
    // a running session ignores start options: add the connectors asked for here (as TableEnvironment.create)
    if (session?.connectors?.length) await s.addConnectors(...session.connectors);
    // attached: execute() waits for the job's end and returns its result (Flink's default is detached)
    const conf: Record<string, string> = { ...s.baseConfig, 'execution.attached': 'true', ...config };
    const ownJars = conf['pipeline.jars'];
    // Connector jars of the session travel with each job.
    if (s.connectorJars.length > 0) conf['pipeline.jars'] = jarsOption(ownJars, s.connectorJars);
    const handle = callSync<number>(DS, 'createEnv', toJavaJson(conf));
    // the session's options too: `tsflink run -D tsflink.udf.execution-mode=embedded` reaches the functions
    return new StreamExecutionEnvironment(handle, s, Number(conf['parallelism.default'] ?? 1), ownJars, { ...conf });
  }

  /**
   * Adds connectors to the session (names from src/connectors/connectors.json, Maven coordinates or
   * jar paths; see docs/connectors.md), e.g. 'kafka' for KafkaSource and KafkaSink, 'jdbc' for
   * JdbcSink: their jars are fetched if needed and travel with this environment's later jobs.
   */
  async addConnector(...names: string[]): Promise<ResolvedConnector[]> {
    const resolved = await this.session.addConnectors(...names);
    this.configure({ 'pipeline.jars': jarsOption(this.ownJars, this.session.connectorJars) });
    return resolved;
  }

  /** Flink's getExecutionEnvironment: create() with the session's defaults. */
  static getExecutionEnvironment(): Promise<StreamExecutionEnvironment> {
    return StreamExecutionEnvironment.create();
  }

  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
    callSync(DS, 'setParallelism', this.handle, parallelism);
    this.parallelism = parallelism;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  /** STREAMING (default), BATCH or AUTOMATIC. */
  setRuntimeMode(mode: RuntimeExecutionMode): this {
    callSync(DS, 'setRuntimeMode', this.handle, mode);
    return this;
  }

  /** Checkpoints every intervalMs milliseconds, exactly-once unless AT_LEAST_ONCE is asked for. */
  enableCheckpointing(intervalMs: number, mode: CheckpointingMode = 'EXACTLY_ONCE'): this {
    if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`checkpoint interval must be a positive number of ms, got ${intervalMs}`);
    if (mode !== 'EXACTLY_ONCE' && mode !== 'AT_LEAST_ONCE') throw new RangeError(`checkpointing mode must be EXACTLY_ONCE or AT_LEAST_ONCE, got ${String(mode)}`);
    callSync(DATASTREAM_JOBS, 'enableCheckpointing', this.handle, intervalMs, mode);
    return this;
  }

  /**
   * Flink's configure(ReadableConfig): applies options to this environment's later jobs, e.g. the
   * restart strategy ('restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts',
   * ...), checkpointing ('execution.checkpointing.*'), the state backend ('state.backend.type').
   * Options of the submission itself, such as 'execution.state-recovery.path' (resume from a
   * savepoint), go to create(config).
   */
  configure(options: Record<string, string>): this {
    callSync(DATASTREAM_JOBS, 'configure', this.handle, toJavaJson(options));
    Object.assign(this.options, options);
    return this;
  }

  /**
   * Where this environment's TS functions run: `tsflink.udf.execution-mode` ('process', the
   * default, or 'embedded') and `tsflink.udf.embedded-engine` ('v8' or 'node'), read when a
   * function is added (docs/datastream.md § Embedded mode).
   */
  functionExecution(): StreamFunctionExecution {
    return streamFunctionExecution(this.options);
  }

  /** The numbers from..to (inclusive), as LONG records, split over the parallel instances. */
  fromSequence(from: number, to: number): DataStream<number> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new RangeError('fromSequence needs integer bounds');
    return new DataStream<number>(this, callSync<number>(DS, 'fromSequence', this.handle, from, to), Types.LONG());
  }

  /** A stream from one of Flink's sources (NumberSequenceSource, DataGeneratorSource, FileSource; src/api/datastream/connectors). */
  fromSource<T>(source: Source<T>, watermarkStrategy: WatermarkStrategy<T>, sourceName: string): DataStream<T> {
    return fromSource(this, source, watermarkStrategy, sourceName);
  }

  /** A bounded stream of the given elements; untyped (any JS value) unless a type is given. */
  fromCollection<T>(elements: readonly T[], type: TypeInformation<T> = Types.PICKLED_BYTE_ARRAY<T>()): DataStream<T> {
    if (elements.length === 0) throw new TypeError('fromCollection() of no elements: Flink needs at least one');
    const values = elements.map((e, i) => {
      try {
        return toJava(e, type.spec);
      } catch (err) {
        throw new TypeError(`element ${i}: ${(err as Error).message}`);
      }
    });
    const h = callSync<number>(DS, 'fromData', this.handle, toJavaJson(type.spec), toJavaJson(values));
    return new DataStream<T>(this, h, type);
  }

  /** fromCollection of the arguments, untyped. */
  fromElements<T>(...elements: T[]): DataStream<T> {
    return this.fromCollection(elements);
  }

  /** Runs the job built on this environment to its end (sinks such as print()). */
  async execute(jobName = 'TSFlink DataStream job'): Promise<JobExecutionResult> {
    return JSON.parse(await callAsync<string>(DS, 'execute', this.handle, jobName)) as JobExecutionResult;
  }

  /**
   * Submits the job built on this environment and returns at once with its JobClient: its status,
   * cancel(), stopWithSavepoint()/triggerSavepoint(), getJobExecutionResult().
   */
  async executeAsync(jobName = 'TSFlink DataStream job'): Promise<JobClient> {
    const client = await callAsync<number>(DATASTREAM_JOBS, 'executeAsync', this.handle, jobName);
    const jobClient = new JobClient(client, callSync<string>(DATASTREAM_JOBS, 'jobId', client), DATASTREAM_JOBS);
    track(jobClient, client);
    return jobClient;
  }

  /** The JSON execution plan of the job built so far. */
  getExecutionPlan(): string {
    return callSync<string>(DS, 'executionPlan', this.handle);
  }
}

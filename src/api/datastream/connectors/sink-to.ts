/**
 * stream.sinkTo(sink) and env.fromSource(source, strategy, name): the Java source or sink is built
 * (Connectors.source / fileSink) and attached to the Java graph.
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
import { DataStream } from '../data-stream';
import type { StreamExecutionEnvironment } from '../stream-execution-environment';
import { Types } from '../types';
import { WatermarkStrategy } from '../watermark-strategy';
import { CONNECTORS, Sink, Source } from './source';

/** Mirrors org.apache.flink.streaming.api.datastream.DataStreamSink. */
export class DataStreamSink<T> {
  /** Phantom: the record type. */
  declare readonly __type?: T;
  constructor(readonly handle: number) {}

  /** The sink's name in the plan and the web UI. */
  name(name: string): this {
    callSync(CONNECTORS, 'configureSink', this.handle, 'name', name);
    return this;
  }

  /** The sink's stable id (its state, e.g. FileSink's pending parts, across savepoints). */
  uid(uid: string): this {
    callSync(CONNECTORS, 'configureSink', this.handle, 'uid', uid);
    return this;
  }

  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
    callSync(CONNECTORS, 'configureSink', this.handle, 'parallelism', String(parallelism));
    return this;
  }
}

export function sinkTo<T>(stream: DataStream<T>, sink: Sink<T>): DataStreamSink<T> {
  if (!(sink instanceof Sink)) throw new TypeError('sinkTo() needs a Sink (e.g. FileSink.forRowFormat(path, new SimpleStringEncoder()).build())');
  const type = stream.getType();
  // the Java sink first: when a sink refuses these records (JdbcSink refuses untyped ones), no dangling map is left in the graph
  const javaSink = sink.buildJava(stream.env.session.connectorJars, type);
  // untyped records are V8 bytes to Java: a sink that takes them gets their text, as print() does
  const input = type.spec === 'PICKLED' ? stream.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)), Types.STRING()) : stream;
  return new DataStreamSink<T>(callSync<number>(CONNECTORS, 'sinkTo', sink.transformInput(input.handle), javaSink));
}

export function fromSource<T>(env: StreamExecutionEnvironment, source: Source<T>, watermarkStrategy: WatermarkStrategy<T>, sourceName: string): DataStream<T> {
  if (!(source instanceof Source)) throw new TypeError('fromSource() needs a Source (NumberSequenceSource, DataGeneratorSource, FileSource, KafkaSource)');
  if (!(watermarkStrategy instanceof WatermarkStrategy)) throw new TypeError('fromSource() needs a WatermarkStrategy (e.g. WatermarkStrategy.noWatermarks())');
  if (typeof sourceName !== 'string' || sourceName === '') throw new TypeError('fromSource() needs a source name');
  // A TS timestamp assigner cannot run inside the Java source: the source then emits without
  // watermarks and the strategy is applied right after it (after a generator, on its records).
  const custom = watermarkStrategy.timestampAssigner !== undefined;
  const javaStrategy = custom ? { kind: 'none' } : watermarkStrategy.spec;
  const h = callSync<number>(CONNECTORS, 'fromSource', env.handle, source.buildJava(env.session.connectorJars), toJavaJson(javaStrategy), sourceName);
  const stream = source.afterSource(new DataStream<unknown>(env, h, source.producedType), sourceName);
  return custom ? stream.assignTimestampsAndWatermarks(watermarkStrategy) : stream;
}

/**
 * Mirrors org.apache.flink.streaming.api.datastream.DataStream / KeyedStream. Each call builds the
 * real Java DataStream graph through the gateway (dev.tsflink.datastream.DataStreams); TS functions
 * are shipped (as UDFs are) and run in the Node worker under flink-python's process operators.
 */
import { decodeUntyped, encodeUntyped } from '../../worker/coders/untyped';
import { callAsync, callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import { shipValueSync } from '../udf/ship';
import { embeddedOperator } from './embedded';
import type { RowKind } from '../table-result';
import type { DataStreamFunctionDescriptor, DataStreamFunctionKind } from './descriptor';
import type { FilterFunction, FlatMapFunction, KeySelector, KeyedProcessFunction, MapFunction, ProcessFunction, ReduceFunction } from './functions';
import type { StreamExecutionEnvironment } from './stream-execution-environment';
import { TypeInformation, Types, type TypeSpec } from './types';
import type { WatermarkStrategy } from './watermark-strategy';
import { CountEvictor, CountTrigger, GlobalWindows, PurgingTrigger, type GlobalWindow, type Window, type WindowAssigner, type WindowSpec } from './windowing';
import { WindowedStream } from './windowed-stream';
import { asWindowAssigner, type CustomWindowAssigner } from './custom-windows';
import { ConnectedStreams } from './connected-streams';
import type { OutputTag } from './output-tag';
import { BroadcastConnectedStream, BroadcastStream } from './broadcast';
import { partitionCustom, type Partitioner } from './partitioner';
import { sinkTo, type DataStreamSink } from './connectors/sink-to';
import type { Sink } from './connectors/source';
import type { MapStateDescriptor } from './state';

export const DS = 'dev.tsflink.datastream.DataStreams';

/** flink-fn-execution.proto UserDefinedDataStreamFunction.FunctionType */
const PROCESS = 0;
const KEYED_PROCESS = 2;

/** A JS value → the JSON the JVM side decodes for the type (DataStreams.decode). */
export function toJava(v: unknown, spec: TypeSpec): unknown {
  if (v === null || v === undefined) return null;
  if (spec === 'PICKLED') return encodeUntyped(v).toString('base64');
  if (typeof spec === 'object' && 'tuple' in spec) throw new TypeError('TUPLE elements cannot be given to fromCollection yet; use ROW_NAMED');
  if (typeof spec === 'object') {
    if (typeof v !== 'object') throw new TypeError(`expected an object for ${JSON.stringify(spec)}, got ${typeof v}`);
    const o = v as Record<string, unknown>;
    return spec.row.map(([n, t]) => {
      try {
        return toJava(Array.isArray(v) ? undefined : o[n], t);
      } catch (e) {
        throw new TypeError(`field '${n}': ${(e as Error).message}`);
      }
    });
  }
  const ok = {
    STRING: typeof v === 'string',
    BOOLEAN: typeof v === 'boolean',
    INT: Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31,
    LONG: Number.isSafeInteger(v),
    FLOAT: typeof v === 'number',
    DOUBLE: typeof v === 'number',
  }[spec];
  if (!ok) throw new TypeError(`${typeof v === 'string' ? `'${v}'` : String(v)} (${typeof v}) is not a ${spec}`);
  return v;
}

/** A value from the JVM side (DataStreams.encode) → JS, by the stream's type. */
export function fromJava(v: unknown, spec: TypeSpec): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && 'b' in (v as object)) return decodeUntyped(Buffer.from((v as { b: string }).b, 'base64'));
  if (typeof v === 'object' && 'r' in (v as object)) {
    const { r: fields, k } = v as { r: unknown[]; k?: number };
    if (typeof spec !== 'object') return fields;
    if ('tuple' in spec) return spec.tuple.map((t, i) => fromJava(fields[i], t));
    // with its RowKind (a table's changelog: toChangelogStream), as the rows TS functions get
    return withRowKind(Object.fromEntries(spec.row.map(([n, t], i) => [n, fromJava(fields[i], t)])), ROW_KINDS[k ?? 0]);
  }
  return v;
}

const ROW_KINDS: readonly RowKind[] = ['+I', '-U', '+U', '-D'];

/** Gives a row object Flink's RowKind, as a non-enumerable getKind() (as TableResult's rows have it). */
function withRowKind<R extends object>(row: R, kind: RowKind): R & { getKind(): RowKind } {
  return Object.defineProperty(row, 'getKind', { value: () => kind, enumerable: false }) as R & { getKind(): RowKind };
}

export function ship(kind: DataStreamFunctionKind, name: string, fn: Function | object, window?: WindowSpec): string {
  const d: DataStreamFunctionDescriptor = { tsflink: 1, kind, name, code: shipValueSync(fn, name), window };
  return Buffer.from(JSON.stringify(d), 'utf8').toString('base64');
}

export class DataStream<T> {
  constructor(
    readonly env: StreamExecutionEnvironment,
    readonly handle: number,
    readonly type: TypeInformation<T>,
  ) {}

  /** The record type. */
  getType(): TypeInformation<T> {
    return this.type;
  }

  /**
   * The record type of the Java stream (a KeyedStream's is Row(key, value)) and its key's: what an
   * embedded operator on it reads (internal: ConnectedStreams asks its two inputs).
   */
  javaRecordTypes(): { in: TypeSpec; key?: TypeSpec } {
    return { in: this.type.spec };
  }

  protected transform<R>(kind: DataStreamFunctionKind, fn: Function | object, outType: TypeInformation<R>, name: string, functionType = PROCESS): SingleOutputStreamOperator<R> {
    if ((typeof fn !== 'function' && typeof fn !== 'object') || fn === null) throw new TypeError(`${kind}() needs a function or a ${kind} function object`);
    const { in: inType, key } = this.javaRecordTypes();
    const embedded = embeddedOperator(this.env.functionExecution(), [this.handle], kind, name, () => shipValueSync(fn, name), { in: [inType], key, out: outType.spec });
    const h = embedded ?? callSync<number>(DS, 'process', this.handle, ship(kind, name, fn), functionType, toJavaJson(outType.spec), name);
    return new SingleOutputStreamOperator<R>(this.env, h, outType);
  }

  /** One result per record; untyped results unless outputType is given. */
  map<R>(fn: MapFunction<T, R> | ((value: T) => R | Promise<R>), outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    return this.transform('map', fn, outputType, 'Map');
  }

  /** Zero or more results per record: `out.collect(x)` and/or a returned iterable. */
  flatMap<R>(fn: FlatMapFunction<T, R> | FlatMapFunction<T, R>['flatMap'], outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    return this.transform('flatMap', fn, outputType, 'FlatMap');
  }

  /** The records for which fn returns true. */
  filter(fn: FilterFunction<T> | ((value: T) => boolean)): SingleOutputStreamOperator<T> {
    return this.transform('filter', fn, this.type, 'Filter');
  }

  /** A ProcessFunction: processElement(value, ctx, out) with the record's timestamp and the watermark. */
  process<R>(fn: ProcessFunction<T, R>, outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    return this.transform('process', fn, outputType, 'Process');
  }

  /**
   * Event time: each record's timestamp from the strategy's TS timestamp assigner (or the one it
   * has), and Java's watermark generator. As PyFlink does it: a TS function turns each record into
   * Tuple2(record, timestamp), Java's strategy reads field 1, a Java map drops it.
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    const assigner = strategy.timestampAssigner;
    const spec = JSON.stringify({ ...strategy.spec, custom: assigner !== undefined });
    let input = this.handle;
    if (assigner !== undefined) {
      input = this.transform('timestamps', assigner, Types.TUPLE([this.type, Types.LONG()]), 'Extract-Timestamp').handle;
    }
    const h = callSync<number>(DS, 'assignTimestampsAndWatermarks', input, spec, toJavaJson(this.type.spec));
    return new SingleOutputStreamOperator<T>(this.env, h, this.type);
  }

  /**
   * Partitions by a key. As PyFlink does: a TS map turns each record into Row(key, record), which
   * Java keys on its first field. Keys are untyped unless keyType is given.
   */
  keyBy<K>(selector: KeySelector<T, K> | ((value: T) => K), keyType: TypeInformation<K> = Types.PICKLED_BYTE_ARRAY<K>()): KeyedStream<T, K> {
    const pairType = Types.ROW_NAMED(['key', 'value'], [keyType, this.type]);
    const withKey = this.transform('keyBy', selector, pairType, '_stream_key_by_map_operator');
    const h = callSync<number>(DS, 'keyBy', withKey.handle, toJavaJson(keyType.spec));
    return new KeyedStream<T, K>(this.env, h, this.type, keyType);
  }

  /**
   * This stream and another, maybe of another type, into one co-function (map/flatMap/process); with
   * a BroadcastStream, into a (Keyed)BroadcastProcessFunction with broadcast state.
   */
  connect<T2>(other: BroadcastStream<T2>): BroadcastConnectedStream<T, T2>;
  connect<T2>(other: DataStream<T2>): ConnectedStreams<T, T2>;
  connect<T2>(other: DataStream<T2> | BroadcastStream<T2>): ConnectedStreams<T, T2> | BroadcastConnectedStream<T, T2> {
    if (other instanceof BroadcastStream) return new BroadcastConnectedStream<T, T2>(this, other);
    return new ConnectedStreams<T, T2>(this, other);
  }

  /** This stream's and the others' records in one stream (all of the same type). */
  union(...others: DataStream<T>[]): DataStream<T> {
    let h = this.handle;
    for (const o of others) {
      if (JSON.stringify(o.type.spec) !== JSON.stringify(this.type.spec)) throw new TypeError(`union of streams of different types: ${this.type} and ${o.type}`);
      h = callSync<number>(DS, 'union', h, o.handle);
    }
    return new DataStream<T>(this.env, h, this.type);
  }

  private partition(how: 'rebalance' | 'shuffle' | 'rescale' | 'broadcast' | 'forward' | 'global'): DataStream<T> {
    return new DataStream<T>(this.env, callSync<number>(DS, 'partition', this.handle, how), this.type);
  }

  /** Records round-robin to the next operator's subtasks. */
  rebalance(): DataStream<T> {
    return this.partition('rebalance');
  }

  /** Records to the next operator's subtasks at random. */
  shuffle(): DataStream<T> {
    return this.partition('shuffle');
  }

  /** Round-robin within groups of local subtasks (no full shuffle). */
  rescale(): DataStream<T> {
    return this.partition('rescale');
  }

  /**
   * Every record to every subtask of the next operator; with MapStateDescriptors, a BroadcastStream
   * to connect() to another stream, whose function keeps broadcast state under those descriptors.
   */
  broadcast(): DataStream<T>;
  broadcast(descriptor: MapStateDescriptor, ...others: MapStateDescriptor[]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor[]): DataStream<T> | BroadcastStream<T> {
    if (descriptors.length > 0) return new BroadcastStream<T>(this, descriptors);
    return this.partition('broadcast');
  }

  /** Each record to the subtask the TS partitioner picks for its key (src/api/datastream/partitioner.ts). */
  partitionCustom<K>(partitioner: Partitioner<K> | ((key: K, numPartitions: number) => number), keySelector: KeySelector<T, K> | ((value: T) => K)): DataStream<T> {
    return partitionCustom(this, partitioner, keySelector);
  }

  /** Writes the records to a Sink2 sink, e.g. FileSink (src/api/datastream/connectors). */
  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    return sinkTo(this, sink);
  }

  /** Each subtask's records to the same subtask of the next operator (same parallelism). */
  forward(): DataStream<T> {
    return this.partition('forward');
  }

  /** All records to the next operator's first subtask. */
  global(): DataStream<T> {
    return this.partition('global');
  }

  /** Prints each record to the TaskManagers' stdout (Flink's print sink), as its text. */
  print(): this {
    const text = this.type.spec === 'PICKLED' ? this.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)), Types.STRING()) : this;
    callSync(DS, 'print', text.handle);
    return this;
  }

  /**
   * Runs this stream's job and yields its records as they arrive; breaking out of the loop cancels
   * the job. Like Flink's executeAndCollect(), but an AsyncIterable.
   */
  async *executeAndCollect(jobName = 'TSFlink DataStream collect'): AsyncGenerator<T, void, undefined> {
    const it = await callAsync<number>(DS, 'collect', this.handle, jobName);
    try {
      for (;;) {
        const batch = await callAsync<string | null>(DS, 'next', it, 1000);
        if (batch === null) return;
        for (const v of JSON.parse(batch) as unknown[]) yield fromJava(v, this.type.spec) as T;
      }
    } finally {
      await callAsync(DS, 'closeIterator', it);
    }
  }

  /** executeAndCollect() into an array (bounded streams). */
  async collect(jobName?: string): Promise<T[]> {
    const out: T[] = [];
    for await (const v of this.executeAndCollect(jobName)) out.push(v);
    return out;
  }
}

export class SingleOutputStreamOperator<T> extends DataStream<T> {
  /** The operator's name in the plan and the web UI. */
  name(name: string): this {
    callSync(DS, 'configure', this.handle, 'name', name);
    return this;
  }

  /** The records the function sent to `tag` with ctx.output(tag, value). */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const type = new TypeInformation<X>(tag.typeSpec);
    return new DataStream<X>(this.env, callSync<number>(DS, 'sideOutput', this.handle, tag.id, toJavaJson(type.spec)), type);
  }

  /** The operator's stable id (for state across savepoints). */
  uid(uid: string): this {
    callSync(DS, 'configure', this.handle, 'uid', uid);
    return this;
  }

  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
    callSync(DS, 'configure', this.handle, 'parallelism', String(parallelism));
    return this;
  }
}

export class KeyedStream<T, K> extends DataStream<T> {
  constructor(
    env: StreamExecutionEnvironment,
    handle: number,
    type: TypeInformation<T>,
    readonly keyType: TypeInformation<K>,
  ) {
    super(env, handle, type);
  }

  override javaRecordTypes(): { in: TypeSpec; key: TypeSpec } {
    return { in: { row: [['key', this.keyType.spec], ['value', this.type.spec]] }, key: this.keyType.spec };
  }

  /** A KeyedProcessFunction: keyed state (getRuntimeContext().getState(...)) and timers. */
  // F: an object literal may carry its own fields (state handles), typed as `this` in its methods
  override process<R, F extends KeyedProcessFunction<K, T, R> | ProcessFunction<T, R> = KeyedProcessFunction<K, T, R>>(
    fn: F,
    outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>(),
  ): SingleOutputStreamOperator<R> {
    return this.transform('keyedProcess', fn, outputType, 'KeyedProcess', KEYED_PROCESS);
  }

  /** A running reduce per key: each record combined with the key's previous result (in a ValueState). */
  reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): SingleOutputStreamOperator<T> {
    return this.transform('reduce', fn, this.type, 'Reduce', KEYED_PROCESS);
  }

  /**
   * Windows per key (Flink's KeyedStream.window): then reduce, aggregate or process each window.
   * The assigner is a built-in one or a TS one (CustomWindowAssigner).
   */
  window<W extends Window>(assigner: WindowAssigner<W> | CustomWindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, asWindowAssigner(assigner as WindowAssigner<W> | CustomWindowAssigner<never, W>));
  }

  /**
   * Count windows (Flink's countWindow): tumbling, each key's records in windows of `size` (a global
   * window fired and purged by a count trigger); or sliding, every `slide` records a window of the
   * last `size` (a global window with a count trigger of `slide` and a count evictor of `size`).
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    if (slide === undefined) return this.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
    return this.window(GlobalWindows.create()).evictor(CountEvictor.of<T>(size)).trigger(CountTrigger.of<GlobalWindow>(slide));
  }

  // On a KeyedStream these run as keyed process functions (as PyFlink's KeyedStream.map does), so
  // they read the record out of Row(key, record) and keep the stream's partitioning.
  override map<R>(fn: MapFunction<T, R> | ((value: T) => R | Promise<R>), outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    return this.transform('map', fn, outputType, 'Map', KEYED_PROCESS);
  }

  override flatMap<R>(fn: FlatMapFunction<T, R> | FlatMapFunction<T, R>['flatMap'], outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    return this.transform('flatMap', fn, outputType, 'FlatMap', KEYED_PROCESS);
  }

  override filter(fn: FilterFunction<T> | ((value: T) => boolean)): SingleOutputStreamOperator<T> {
    return this.transform('filter', fn, this.type, 'Filter', KEYED_PROCESS);
  }
}

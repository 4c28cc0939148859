/**
 * Mirrors org.apache.flink.streaming.api.datastream.ConnectedStreams: two streams, possibly of
 * different types, into one TS co-function (flink-python's co-process operators, as PyFlink's).
 */
import { callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import type { DataStreamFunctionKind } from './descriptor';
import { DS, ship, SingleOutputStreamOperator, type DataStream } from './data-stream';
import type { CoFlatMapFunction, CoMapFunction, CoProcessFunction, KeyedCoProcessFunction, KeySelector } from './functions';
import { Types, type TypeInformation } from './types';
import { embeddedOperator } from './embedded';
import { shipValueSync } from '../udf/ship';

export class ConnectedStreams<IN1, IN2> {
  constructor(
    readonly first: DataStream<IN1>,
    readonly second: DataStream<IN2>,
  ) {}

  private isKeyed(): boolean {
    return 'keyType' in this.first && 'keyType' in this.second;
  }

  private build<R>(kind: DataStreamFunctionKind, fn: object, methods: [string, string], outType: TypeInformation<R>, name: string): SingleOutputStreamOperator<R> {
    for (const m of methods) {
      if (typeof (fn as Record<string, unknown> | null)?.[m] !== 'function') throw new TypeError(`${kind}: the function object has no ${m}() method`);
    }
    const [a, b] = [this.first.javaRecordTypes(), this.second.javaRecordTypes()];
    const types = { in: [a.in, b.in], key: a.key, out: outType.spec };
    const embedded = embeddedOperator(this.first.env.functionExecution(), [this.first.handle, this.second.handle], kind, name, () => shipValueSync(fn, name), types);
    const h = embedded ?? callSync<number>(DS, 'coProcess', this.first.handle, this.second.handle, ship(kind, name, fn), toJavaJson(outType.spec), name);
    return new SingleOutputStreamOperator<R>(this.first.env, h, outType);
  }

  /** Both inputs keyed (by their own selectors, to keys of one type): then process() gets a KeyedCoProcessFunction. */
  keyBy<K>(key1: KeySelector<IN1, K> | ((v: IN1) => K), key2: KeySelector<IN2, K> | ((v: IN2) => K), keyType?: TypeInformation<K>): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams<IN1, IN2>(this.first.keyBy(key1, keyType), this.second.keyBy(key2, keyType));
  }

  /**
   * map1 for the first input's records, map2 for the second's. On keyed inputs the function runs
   * under the records' key (open(ctx) gets a keyed runtime context: ctx.getState(...)).
   */
  map<R>(fn: CoMapFunction<IN1, IN2, R>, outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    this.checkBothOrNeitherKeyed();
    return this.build('coMap', fn, ['map1', 'map2'], outputType, 'Co-Map');
  }

  flatMap<R>(fn: CoFlatMapFunction<IN1, IN2, R>, outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>()): SingleOutputStreamOperator<R> {
    this.checkBothOrNeitherKeyed();
    return this.build('coFlatMap', fn, ['flatMap1', 'flatMap2'], outputType, 'Co-Flat Map');
  }

  private checkBothOrNeitherKeyed(): void {
    if (!this.isKeyed() && ('keyType' in this.first || 'keyType' in this.second)) throw new Error('connect a keyed stream with a keyed stream (or neither)');
  }

  /** A CoProcessFunction, or on keyed inputs a KeyedCoProcessFunction (keyed state and timers). */
  // F: an object literal may carry its own fields (state handles), typed as `this` in its methods
  process<R, F extends CoProcessFunction<IN1, IN2, R> | KeyedCoProcessFunction<unknown, IN1, IN2, R> = CoProcessFunction<IN1, IN2, R>>(
    fn: F,
    outputType: TypeInformation<R> = Types.PICKLED_BYTE_ARRAY<R>(),
  ): SingleOutputStreamOperator<R> {
    this.checkBothOrNeitherKeyed();
    const keyed = this.isKeyed();
    return this.build(keyed ? 'keyedCoProcess' : 'coProcess', fn, ['processElement1', 'processElement2'], outputType, keyed ? 'Keyed-Co-Process' : 'Co-Process');
  }
}


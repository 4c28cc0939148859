/**
 * Mirrors org.apache.flink.connector.datagen.source.DataGeneratorSource (PyFlink's
 * pyflink.datastream.connectors.datagen): `count` records, each made by a generator function from
 * its index (0, 1, ...), at most at the rate of a RateLimiterStrategy.
 *
 * The generator is a TS function. Java's source calls its GeneratorFunction inside the source
 * reader, in the JVM, where no TS runs (TS functions run in the Node worker under flink-python's
 * operators; a source is not one). So the Java DataGeneratorSource is built with a generator that
 * returns the index itself (its splitting, rate limiting and checkpointed position are Flink's),
 * and the TS generator runs as a map right after it, chained to the source's subtask.
 */
import type { DataStream } from '../data-stream';
import { Types, TypeInformation } from '../types';
import { Source } from './source';

/** Flink's GeneratorFunction<Long, O>: a record from its index. */
export type GeneratorFunction<O> = ((index: number) => O | Promise<O>) | { map(index: number): O | Promise<O> };

/** Mirrors org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy. */
export class RateLimiterStrategy {
  private constructor(readonly perSecond: number | null) {}

  /** At most recordsPerSecond records per second (over all of the source's subtasks). */
  static perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (!(recordsPerSecond > 0) || !Number.isFinite(recordsPerSecond)) throw new RangeError(`RateLimiterStrategy.perSecond needs a positive rate, got ${String(recordsPerSecond)}`);
    return new RateLimiterStrategy(recordsPerSecond);
  }

  /** No limit. */
  static noOp(): RateLimiterStrategy {
    return new RateLimiterStrategy(null);
  }
}

export class DataGeneratorSource<O> extends Source<O> {
  readonly producedType: TypeInformation<number> = Types.LONG();
  readonly rateLimiterStrategy: RateLimiterStrategy;
  readonly typeInfo: TypeInformation<O>;

  /** Java's two constructors: (generator, count, typeInfo) and (generator, count, rateLimiterStrategy, typeInfo); typeInfo defaults to any JS value. */
  constructor(generatorFunction: GeneratorFunction<O>, count: number, typeInfo?: TypeInformation<O>);
  constructor(generatorFunction: GeneratorFunction<O>, count: number, rateLimiterStrategy: RateLimiterStrategy, typeInfo?: TypeInformation<O>);
  constructor(
    readonly generatorFunction: GeneratorFunction<O>,
    readonly count: number,
    rateOrType?: RateLimiterStrategy | TypeInformation<O>,
    typeInfo?: TypeInformation<O>,
  ) {
    super();
    const ok = typeof generatorFunction === 'function' || (typeof generatorFunction === 'object' && generatorFunction !== null && typeof generatorFunction.map === 'function');
    if (!ok) throw new TypeError('DataGeneratorSource needs a generator function (index => record) or an object with map(index)');
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`DataGeneratorSource: count must be a non-negative integer, got ${String(count)}`);
    this.rateLimiterStrategy = rateOrType instanceof RateLimiterStrategy ? rateOrType : RateLimiterStrategy.noOp();
    this.typeInfo = (rateOrType instanceof TypeInformation ? rateOrType : typeInfo) ?? Types.PICKLED_BYTE_ARRAY<O>();
  }

  protected spec(): Record<string, unknown> {
    return { kind: 'dataGen', count: this.count, perSecond: this.rateLimiterStrategy.perSecond };
  }

  override afterSource(indexes: DataStream<unknown>, sourceName: string): DataStream<O> {
    return (indexes as DataStream<number>).map(this.generatorFunction, this.typeInfo).name(`${sourceName}: generator`);
  }
}

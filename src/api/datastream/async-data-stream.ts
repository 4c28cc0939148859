/**
 * Mirrors org.apache.flink.streaming.api.datastream.AsyncDataStream (and PyFlink 2.3's
 * pyflink/datastream/async_data_stream.py): async I/O with a TypeScript AsyncFunction.
 *
 * Built as PyFlink builds it: flink-python has no async DataStream operator on the Java side, so
 * the function runs under the ordinary ExternalPythonProcessOperator (function type PROCESS,
 * transformation "async wait operator"), and the worker, seeing an 'async' descriptor, runs its
 * own async wait queue (ordered or unordered, capacity, timeout, retries) over the Promises the
 * function returns (src/worker/operations/datastream-async.ts). In-flight calls are finished at
 * the end of every bundle, which the Java operator cuts before each checkpoint barrier and
 * watermark, so no call is in flight across a checkpoint.
 */
import { callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import { shipValueSync } from '../udf/ship';
import { AsyncRetryStrategies, type AsyncRetryStrategy } from './async-retry';
import { DS, KeyedStream, SingleOutputStreamOperator, type DataStream } from './data-stream';
import type { AsyncWaitSpec, DataStreamFunctionDescriptor } from './descriptor';
import type { RichFunction } from './functions';
import { Types, type TypeInformation } from './types';

/** Java's ResultFuture: completes one input's call with its results, or with an error. */
export interface ResultFuture<OUT> {
  complete(results: readonly OUT[]): void;
  completeExceptionally(error: unknown): void;
}

/**
 * Flink's AsyncFunction. `asyncInvoke` starts the I/O for one input and either resolves to the
 * input's results (an array, like PyFlink's returned list and Java's completed collection) or
 * completes `resultFuture` (Java's callback style). `timeout`, when present, gives the results of
 * an input whose call took longer than the timeout (Java's default, without it, fails the job).
 */
export interface AsyncFunction<IN, OUT> extends RichFunction {
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): Promise<readonly OUT[] | void> | void;
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): readonly OUT[] | void | Promise<readonly OUT[] | void>;
}

/** What the worker gets: the user's function and the retry strategy, shipped together. */
export interface ShippedAsyncFunction {
  fn: object;
  retry: AsyncRetryStrategy<unknown>;
}

/** flink-fn-execution.proto UserDefinedDataStreamFunction.FunctionType PROCESS */
const PROCESS = 0;

function functionName(fn: object): string {
  if (typeof fn === 'function') return fn.name || 'async wait operator';
  const ctor = (fn as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'async wait operator';
}

function addOperator<IN, OUT>(
  stream: DataStream<IN>,
  fn: AsyncFunction<IN, OUT> | AsyncFunction<IN, OUT>['asyncInvoke'],
  timeout: number,
  capacity: number,
  retry: AsyncRetryStrategy<OUT>,
  ordered: boolean,
  outputType: TypeInformation<OUT>,
): SingleOutputStreamOperator<OUT> {
  const isFn = typeof fn === 'function';
  if (!isFn && (typeof fn !== 'object' || fn === null || typeof (fn as { asyncInvoke?: unknown }).asyncInvoke !== 'function')) {
    throw new TypeError('AsyncDataStream needs an async function or an AsyncFunction object with asyncInvoke()');
  }
  if (typeof timeout !== 'number' || !Number.isFinite(timeout)) throw new TypeError(`the timeout is a number of ms (0: none), got ${String(timeout)}`);
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${String(capacity)}`);
  if (!retry || typeof retry.canRetry !== 'function' || typeof retry.getRetryPredicate !== 'function') throw new TypeError('the retry strategy should be an AsyncRetryStrategy');
  // Java's AsyncWaitOperator: a retry needs a timeout (it bounds all attempts of an input)
  if (retry !== AsyncRetryStrategies.NO_RETRY_STRATEGY && timeout <= 0) throw new RangeError('Timeout should be configured when do async with retry.');
  if (stream instanceof KeyedStream) {
    // its Java stream carries Row(key, record); the worker would need the keyed operator's framing
    throw new TypeError('AsyncDataStream on a KeyedStream is not supported yet: apply it before keyBy()');
  }
  const name = functionName(fn);
  const shipped: ShippedAsyncFunction = { fn, retry: retry as AsyncRetryStrategy<unknown> };
  const spec: AsyncWaitSpec = { ordered, timeoutMs: Math.max(0, timeout), capacity };
  const d: DataStreamFunctionDescriptor = { tsflink: 1, kind: 'async', name, code: shipValueSync(shipped, name), async: spec };
  const payload = Buffer.from(JSON.stringify(d), 'utf8').toString('base64');
  // Java's and PyFlink's name for the operator
  const h = callSync<number>(DS, 'process', stream.handle, payload, PROCESS, toJavaJson(outputType.spec), 'async wait operator');
  return new SingleOutputStreamOperator<OUT>(stream.env, h, outputType);
}

/** Java's AsyncDataStream. Timeouts are in ms (0 or less: none); capacity is the in-flight limit. */
export class AsyncDataStream {
  private constructor() {}

  /** Results in the order of the inputs. */
  static orderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncFunction<IN, OUT>['asyncInvoke'],
    timeout: number,
    capacity = 100,
    retryStrategy: AsyncRetryStrategy<OUT> = AsyncRetryStrategies.NO_RETRY_STRATEGY,
    outputType: TypeInformation<OUT> = Types.PICKLED_BYTE_ARRAY<OUT>(),
  ): SingleOutputStreamOperator<OUT> {
    return addOperator(stream, fn, timeout, capacity, retryStrategy, true, outputType);
  }

  /** Results as their calls complete (never across a watermark, as in Java). */
  static unorderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncFunction<IN, OUT>['asyncInvoke'],
    timeout: number,
    capacity = 100,
    retryStrategy: AsyncRetryStrategy<OUT> = AsyncRetryStrategies.NO_RETRY_STRATEGY,
    outputType: TypeInformation<OUT> = Types.PICKLED_BYTE_ARRAY<OUT>(),
  ): SingleOutputStreamOperator<OUT> {
    return addOperator(stream, fn, timeout, capacity, retryStrategy, false, outputType);
  }

  /** Java's orderedWaitWithRetry(in, func, timeout, capacity, strategy). */
  static orderedWaitWithRetry<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncFunction<IN, OUT>['asyncInvoke'],
    timeout: number,
    capacity: number,
    retryStrategy: AsyncRetryStrategy<OUT>,
    outputType?: TypeInformation<OUT>,
  ): SingleOutputStreamOperator<OUT> {
    return AsyncDataStream.orderedWait(stream, fn, timeout, capacity, retryStrategy, outputType);
  }

  /** Java's unorderedWaitWithRetry(in, func, timeout, capacity, strategy). */
  static unorderedWaitWithRetry<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncFunction<IN, OUT>['asyncInvoke'],
    timeout: number,
    capacity: number,
    retryStrategy: AsyncRetryStrategy<OUT>,
    outputType?: TypeInformation<OUT>,
  ): SingleOutputStreamOperator<OUT> {
    return AsyncDataStream.unorderedWait(stream, fn, timeout, capacity, retryStrategy, outputType);
  }
}

/**
 * The payload of a TypeScript DataStream function: what flink-python's DataStreamPythonFunction
 * carries (opaque bytes to Flink, PyFlink's pickled function) and the Node worker reads back, as
 * UTF-8 JSON.
 */
import type { ShippedCode } from '../udf/ship';
import type { WindowSpec } from './windowing';

/** What the shipped value is, which decides how the worker calls it. */
export type DataStreamFunctionKind = 'map' | 'flatMap' | 'filter' | 'process' | 'keyBy' | 'reduce' | 'keyedProcess' | 'timestamps' | 'window' | 'coMap' | 'coFlatMap' | 'coProcess' | 'keyedCoProcess' | 'broadcastProcess' | 'keyedBroadcastProcess' | 'async';

export interface DataStreamFunctionDescriptor {
  tsflink: 1;
  kind: DataStreamFunctionKind;
  /** The transformation's name (for errors). */
  name: string;
  /** A function, or an object with the kind's method (map, flatMap, filter, processElement, ...). */
  code: ShippedCode;
  /** A window function's assigner, trigger, allowed lateness and contents. */
  window?: WindowSpec;
  /** A broadcast function's state names (those of broadcast(descriptors)). */
  broadcastStates?: string[];
  /** An async I/O function's output mode, timeout and capacity (AsyncDataStream). */
  async?: AsyncWaitSpec;
}

export interface AsyncWaitSpec {
  /** orderedWait (true) or unorderedWait. */
  ordered: boolean;
  /** Per input, over all its attempts; 0: none. */
  timeoutMs: number;
  /** Inputs in flight at most. */
  capacity: number;
}

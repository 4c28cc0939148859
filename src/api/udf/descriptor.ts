/**
 * The payload of a TypeScript UDF: what the Java PythonScalarFunction / PythonTableFunction /
 * PythonAsyncScalarFunction carries (opaque bytes to Flink) and the Node worker reads back, as
 * UTF-8 JSON.
 */
import type { LogicalTypeTree } from '../values';
import type { UdfKind } from './functions';
import type { ShippedCode } from './ship';

export type { ShippedCode };

export interface UdfDescriptor {
  tsflink: 1;
  kind: UdfKind;
  name: string;
  /** 'function': exports is the eval function; 'object': exports has eval/open/close methods. */
  form: 'function' | 'object';
  code: ShippedCode;
  inputTypes: LogicalTypeTree[];
  resultType: LogicalTypeTree;
  /** 'vectorized': called once per Arrow batch with one apache-arrow Vector per argument (absent: row by row). */
  funcType?: 'vectorized';
  /** Aggregates: how the worker stores the accumulator (data view fields are NULL fields). */
  accumulatorType?: LogicalTypeTree;
}

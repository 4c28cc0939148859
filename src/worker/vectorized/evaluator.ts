/**
 * Vectorized UDF calls over one Arrow batch: each argument is a column of the batch (an input
 * column, a literal repeated to the batch's length, or the result of a chained vectorized UDF) and
 * the function is called once per batch, as PyFlink calls a pandas UDF once per batch with Series.
 */
import type * as arrow from 'apache-arrow';
import * as arrowJs from 'apache-arrow';
import { decodeConstant } from '../coders/pickle';
import { arrowFieldOf } from '../coders/arrow-batch';
import type { flinkApi } from '../fn-api';
import { coerceConstant, LoadedFunction, parseDescriptor, UdfError } from '../udf-loader';
import { columnOf, constantColumn } from './columns';

/** Computes a vectorized UDF's result column (Arrow data of its declared result type) for a batch. */
export type VectorEvaluator = (columns: readonly arrow.Vector[], n: number) => arrow.Data;

/** The argument columns of a call, for a batch's columns and length. */
export type ArgumentsOf = (columns: readonly arrow.Vector[], n: number) => arrow.Vector[];

/** Loads a vectorized function, checking that it is one (a job never mixes kinds in one operator). */
export function loadVectorized(udf: flinkApi.IUserDefinedFunction, functions: LoadedFunction[]): LoadedFunction {
  const fn = new LoadedFunction(parseDescriptor(udf.payload!));
  if (fn.descriptor.funcType !== 'vectorized') {
    throw new Error(`TypeScript UDF '${fn.name}' is not vectorized but was planned into flink-python's Arrow operator`);
  }
  functions.push(fn);
  return fn;
}

/** How to get a call's argument columns: input columns, literals (repeated) or chained UDF results. */
export function argumentsOf(udf: flinkApi.IUserDefinedFunction, fn: LoadedFunction, functions: LoadedFunction[]): ArgumentsOf {
  const inputs = (udf.inputs ?? []).map((input, i): ((columns: readonly arrow.Vector[], n: number) => arrow.Vector) => {
    if (input.udf) {
      const inner = buildVectorEvaluator(input.udf, functions);
      return (columns, n) => arrowJs.makeVector(inner(columns, n));
    }
    if (input.inputConstant && input.inputConstant.length) {
      const type = fn.descriptor.inputTypes[i];
      const value = coerceConstant(decodeConstant(input.inputConstant), type);
      const field = arrowFieldOf(`arg${i}`, type);
      let cached: arrow.Vector | undefined;
      return (_columns, n) => (cached?.length === n ? cached : (cached = constantColumn(value, field, n)));
    }
    const offset = input.inputOffset ?? 0;
    return (columns) => columns[offset];
  });
  return (columns, n) => inputs.map((f) => f(columns, n));
}

/** Calls the user's function, naming it (and keeping the user's stack) when it throws. */
export function callUser(fn: LoadedFunction, args: readonly arrow.Vector[]): unknown {
  try {
    return fn.call(...args);
  } catch (e) {
    throw new UdfError(fn.name, e);
  }
}

/** The evaluator of one (possibly chained) vectorized scalar UDF call. */
export function buildVectorEvaluator(udf: flinkApi.IUserDefinedFunction, functions: LoadedFunction[]): VectorEvaluator {
  const fn = loadVectorized(udf, functions);
  const args = argumentsOf(udf, fn, functions);
  const field = arrowFieldOf(fn.name, fn.descriptor.resultType);
  const what = `TypeScript vectorized UDF '${fn.name}' returned`;
  return (columns, n) => columnOf(callUser(fn, args(columns, n)), field, n, what);
}

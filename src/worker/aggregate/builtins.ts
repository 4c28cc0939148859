/**
 * Flink's built-in aggregates, when the planner puts them in the same Python-style aggregate
 * operator as a TypeScript UDAF (`SELECT k, COUNT(*), tsAvg(x) ... GROUP BY k`, and the COUNT(*) it
 * inserts to detect a group whose rows were all retracted). flink-python names them by class
 * (payload 0x00 + the Java class name, BuiltInPythonAggregateFunction); these mirror PyFlink's
 * implementations in `pyflink/table/functions.py`. Accumulators are arrays, stored with v8's
 * serializer (they are the worker's own, never the user's).
 */
import type { LogicalTypeTree } from '../../api/values';

export interface BuiltinAggregate {
  createAccumulator(): unknown[];
  accumulate(acc: unknown[], ...args: unknown[]): void;
  retract(acc: unknown[], ...args: unknown[]): void;
  merge(acc: unknown[], others: unknown[][]): void;
  getValue(acc: unknown[]): unknown;
}

type Num = number | bigint;

function add(a: Num, b: Num): Num {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a) + BigInt(b);
  return a + b;
}

function sub(a: Num, b: Num): Num {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a) - BigInt(b);
  return a - b;
}

function numeric(name: string, v: unknown): Num {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  throw new TypeError(`${name} over ${typeof v === 'string' ? 'DECIMAL' : typeof v} values is not supported in a query with a TypeScript aggregate`);
}

/** A comparable primitive for MIN/MAX over numbers, strings, bigints and dates. */
function rank(v: unknown): number | string | bigint {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeError(`MIN/MAX over ${typeof v} values is not supported in a query with a TypeScript aggregate`);
}

function count(nonNullOnly: boolean): BuiltinAggregate {
  return {
    createAccumulator: () => [0],
    accumulate: (acc, v) => {
      if (!nonNullOnly || (v !== null && v !== undefined)) acc[0] = (acc[0] as number) + 1;
    },
    retract: (acc, v) => {
      if (!nonNullOnly || (v !== null && v !== undefined)) acc[0] = (acc[0] as number) - 1;
    },
    merge: (acc, others) => {
      for (const o of others) acc[0] = (acc[0] as number) + (o[0] as number);
    },
    getValue: (acc) => acc[0],
  };
}

/** SUM with retraction: [sum, count of non-null values]. */
function sum(name: string, zeroWhenEmpty: boolean): BuiltinAggregate {
  return {
    createAccumulator: () => [0, 0],
    accumulate: (acc, v) => {
      if (v === null || v === undefined) return;
      acc[0] = add(acc[0] as Num, numeric(name, v));
      acc[1] = (acc[1] as number) + 1;
    },
    retract: (acc, v) => {
      if (v === null || v === undefined) return;
      acc[0] = sub(acc[0] as Num, numeric(name, v));
      acc[1] = (acc[1] as number) - 1;
    },
    merge: (acc, others) => {
      for (const o of others) {
        acc[0] = add(acc[0] as Num, o[0] as Num);
        acc[1] = (acc[1] as number) + (o[1] as number);
      }
    },
    getValue: (acc) => ((acc[1] as number) === 0 && !zeroWhenEmpty ? null : acc[0]),
  };
}

function avg(resultType: LogicalTypeTree): BuiltinAggregate {
  const s = sum('AVG', false);
  const integral = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'].includes(resultType.root);
  return {
    ...s,
    getValue: (acc) => {
      const n = acc[1] as number;
      if (n === 0) return null;
      const total = acc[0] as Num;
      if (typeof total === 'bigint') return total / BigInt(n);
      return integral ? Math.trunc(total / n) : total / n;
    },
  };
}

/** MIN/MAX without retraction: [best or null]. */
function extreme(better: (a: unknown, b: unknown) => boolean): BuiltinAggregate {
  return {
    createAccumulator: () => [null],
    accumulate: (acc, v) => {
      if (v !== null && v !== undefined && (acc[0] === null || better(v, acc[0]))) acc[0] = v;
    },
    retract: () => {
      throw new Error('MIN/MAX without retraction received a retraction');
    },
    merge: (acc, others) => {
      for (const o of others) if (o[0] !== null && (acc[0] === null || better(o[0], acc[0]))) acc[0] = o[0];
    },
    getValue: (acc) => acc[0],
  };
}

/** MIN/MAX with retraction: [Map of rank → [value, count]]. */
function extremeWithRetract(better: (a: unknown, b: unknown) => boolean): BuiltinAggregate {
  type Entries = Map<number | string | bigint, [unknown, number]>;
  const change = (acc: unknown[], v: unknown, by: number) => {
    if (v === null || v === undefined) return;
    const m = acc[0] as Entries;
    const k = rank(v);
    const e = m.get(k) ?? [v, 0];
    e[1] += by;
    if (e[1] === 0) m.delete(k);
    else m.set(k, e);
  };
  return {
    createAccumulator: () => [new Map()],
    accumulate: (acc, v) => change(acc, v, 1),
    retract: (acc, v) => change(acc, v, -1),
    merge: (acc, others) => {
      for (const o of others) for (const [, [v, n]] of o[0] as Entries) change(acc, v, n);
    },
    getValue: (acc) => {
      let best: unknown = null;
      for (const [, [v]] of acc[0] as Entries) if (best === null || better(v, best)) best = v;
      return best;
    },
  };
}

function firstOrLast(last: boolean): BuiltinAggregate {
  return {
    createAccumulator: () => [null],
    accumulate: (acc, v) => {
      if (v !== null && v !== undefined && (last || acc[0] === null)) acc[0] = v;
    },
    retract: () => {
      throw new Error('FIRST_VALUE/LAST_VALUE without retraction received a retraction');
    },
    merge: () => {
      throw new Error('FIRST_VALUE/LAST_VALUE cannot be merged');
    },
    getValue: (acc) => acc[0],
  };
}

const greater = (a: unknown, b: unknown) => rank(a) > rank(b);
const less = (a: unknown, b: unknown) => rank(a) < rank(b);

/** The built-in aggregate named by flink-python's payload (0x00 + class name). */
export function builtinAggregate(className: string, resultType: LogicalTypeTree): BuiltinAggregate {
  switch (className) {
    case 'Count1AggFunction':
      return count(false);
    case 'CountAggFunction':
      return count(true);
    case 'SumAggFunction':
    case 'SumWithRetractAggFunction':
      return sum('SUM', false);
    case 'IntSum0AggFunction':
    case 'FloatSum0AggFunction':
      return sum('SUM0', true);
    case 'AvgAggFunction':
      return avg(resultType);
    case 'MaxAggFunction':
      return extreme(greater);
    case 'MinAggFunction':
      return extreme(less);
    case 'MaxWithRetractAggFunction':
      return extremeWithRetract(greater);
    case 'MinWithRetractAggFunction':
      return extremeWithRetract(less);
    case 'FirstValueAggFunction':
      return firstOrLast(false);
    case 'LastValueAggFunction':
      return firstOrLast(true);
    default:
      throw new Error(
        `Flink planned the built-in aggregate ${className} into the same operator as a TypeScript aggregate, and the TypeScript worker does not implement it; compute it in a separate query and join the results`,
      );
  }
}

/**
 * The Table API expression DSL, mirroring org.apache.flink.table.api.Expressions and ApiExpression:
 * `$('price').times(2).as('doubled')`, `$('a').isGreater(lit(1)).and($('b').isNotNull())`.
 * Expressions are JSON trees on the TypeScript side; the JVM builds the real Flink expression in one
 * crossing when a Table method uses them (see Exprs.java).
 */
import { Gateway, type ArgNode } from '../gateway/facade';
import { DataType } from './data-types';
import { inferSqlType } from './values';

/** Anything usable where Flink takes an expression: an Expression or a literal JS value. */
export type ExpressionLike = Expression | string | number | boolean | bigint | Date | null;

/** An object that is a Java-side user-defined function (TS UDFs implement this). */
export interface JavaFunctionRef {
  toJavaHandle(): number;
  /** Called with the name a function is registered under, before its Java handle is taken. */
  registeredAs?(name: string): void;
}

/** Checks that `fn` is a function TSFlink can register or call, with a TypeError that says what to pass. */
export function assertFunctionRef(fn: unknown, where: string): asserts fn is JavaFunctionRef {
  if (fn !== null && typeof fn === 'object' && typeof (fn as JavaFunctionRef).toJavaHandle === 'function') return;
  const got = typeof fn === 'function' ? 'a plain function; wrap it, e.g. udf(fn, { inputTypes: [...], resultType: ... })' : fn === null ? 'null' : typeof fn;
  throw new TypeError(`${where} takes a function made with udf(), udtf() or asyncUdf(), or a Java function; got ${got}`);
}

export class Expression {
  constructor(readonly node: ArgNode) {}

  /** Calls an ApiExpression method by its Java name with already-encoded arguments. */
  protected m(name: string, ...args: ArgNode[]): Expression {
    return new Expression({ k: 'method', on: this.node, name, args });
  }

  as(name: string, ...extraNames: string[]): Expression {
    return this.m('as', name, ...extraNames);
  }
  cast(type: DataType): Expression {
    return this.m('cast', typeNode(type));
  }
  tryCast(type: DataType): Expression {
    return this.m('tryCast', typeNode(type));
  }
  in(...values: ExpressionLike[]): Expression {
    return this.m('in', ...values.map(toNode));
  }
  over(window: ExpressionLike): Expression {
    return this.m('over', toNode(window));
  }
  /**
   * Flink's `then(ifTrue, ifFalse)`: `$('n').isGreater(5).thenElse('big', 'small')`. Not named
   * then: an object with a then() method is a thenable, which `await` (and an async function
   * returning it) would call.
   */
  thenElse(ifTrue: ExpressionLike, ifFalse: ExpressionLike): Expression {
    return this.m('then', toNode(ifTrue), toNode(ifFalse));
  }
  /** As Flink prints it: `plus(a, 1)`. */
  toString(): string {
    return Gateway.describe(this.node, () => JSON.stringify(this.node));
  }
  /** console.log and the REPLs show the same text. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Methods of Flink's ApiExpression that take expression arguments, by arity. */
const unary = [
  'isNull', 'isNotNull', 'isTrue', 'isFalse', 'isNotTrue', 'isNotFalse', 'not',
  'sum', 'sum0', 'count', 'avg', 'max', 'min', 'distinct', 'stddevPop', 'stddevSamp', 'varPop', 'varSamp',
  'collect', 'firstValue', 'lastValue', 'listAgg', 'arrayAgg',
  'asc', 'desc', 'rowtime', 'proctime', 'start', 'end',
  'millis', 'milli', 'seconds', 'second', 'minutes', 'minute', 'hours', 'hour', 'days', 'day',
  'weeks', 'week', 'months', 'month', 'quarters', 'quarter', 'years', 'year',
  'upperCase', 'lowerCase', 'charLength', 'trim', 'ltrim', 'rtrim', 'initCap', 'reverse', 'md5', 'sha256',
  'abs', 'ceil', 'floor', 'sqrt', 'exp', 'ln', 'log10', 'sign', 'cardinality', 'element',
  'toDate', 'toTime', 'toTimestamp', 'fromBase64', 'toBase64', 'flatten', 'mapKeys', 'mapValues',
] as const;
const variadic = [
  'plus', 'minus', 'times', 'dividedBy', 'mod', 'power',
  'isEqual', 'isNotEqual', 'isGreater', 'isGreaterOrEqual', 'isLess', 'isLessOrEqual',
  'and', 'or', 'between', 'notBetween', 'like', 'similar', 'ifNull',
  'substring', 'substr', 'position', 'replace', 'repeat', 'regexp', 'regexpReplace', 'regexpExtract',
  'lpad', 'rpad', 'overlay', 'split', 'splitIndex', 'startsWith', 'endsWith', 'concat',
  'get', 'at', 'round', 'truncate', 'extract', 'arrayContains', 'jsonValue', 'jsonQuery',
] as const;

type Unary = (typeof unary)[number];
type Variadic = (typeof variadic)[number];

// Declaration merging gives the generated methods their types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Expression extends Record<Unary, () => Expression>, Record<Variadic, (...args: ExpressionLike[]) => Expression> {}

for (const name of unary) {
  (Expression.prototype as unknown as Record<string, unknown>)[name] = function (this: Expression, ...args: ExpressionLike[]) {
    return new Expression({ k: 'method', on: this.node, name, args: args.map(toNode) });
  };
}
for (const name of variadic) {
  (Expression.prototype as unknown as Record<string, unknown>)[name] = function (this: Expression, ...args: ExpressionLike[]) {
    return new Expression({ k: 'method', on: this.node, name, args: args.map(toNode) });
  };
}

function typeNode(type: DataType): ArgNode {
  return { k: 'type', sql: type.sql };
}

/** Encodes an expression or a JS literal as a JSON node. */
export function toNode(e: ExpressionLike | JavaFunctionRef): ArgNode {
  if (e instanceof Expression) return e.node;
  if (e !== null && typeof e === 'object' && 'toJavaHandle' in e) return { k: 'handle', id: e.toJavaHandle() };
  return litNode(e);
}

function litNode(v: unknown, type?: DataType): ArgNode {
  if (type) return { k: 'lit', v: encodeLiteral(v), t: type.sql };
  if (v === null || v === undefined) throw new TypeError('lit(null) needs a type: lit(null, DataTypes.INT())');
  if (typeof v === 'bigint') return { k: 'lit', v: v.toString(), t: 'BIGINT NOT NULL' };
  if (v instanceof Date) return { k: 'lit', v: v.toISOString(), t: 'TIMESTAMP_LTZ(3) NOT NULL' };
  if (typeof v === 'number' && !Number.isInteger(v)) return { k: 'lit', v, t: 'DOUBLE NOT NULL' };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { k: 'lit', v };
  const sql = inferSqlType(v);
  throw new TypeError(`cannot make a literal of ${typeof v}${sql ? ` (${sql}); pass lit(value, type)` : ''}`);
}

function encodeLiteral(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new TypeError(`lit() does not take ${typeof v} values`);
}

/** A column reference: `$('price')`. */
export function $(name: string): Expression {
  return new Expression({ k: 'ref', name });
}

/** Same as `$`: `col('price')`. */
export const col = $;

/** A literal, optionally typed: `lit(1)`, `lit('2024-01-01', DataTypes.DATE())`. */
export function lit(value: unknown, type?: DataType): Expression {
  return new Expression(litNode(value, type));
}

function fn(name: string, ...args: ExpressionLike[]): Expression {
  return new Expression({ k: 'fn', name, args: args.map(toNode) });
}

/** Calls a registered function by name, or a TSFlink UDF object: `call('myFn', $('a'))`, `call(toEuro, $('price'))`. */
export function call(fnOrName: string | JavaFunctionRef, ...args: ExpressionLike[]): Expression {
  if (typeof fnOrName !== 'string') assertFunctionRef(fnOrName, 'call()');
  const target: ArgNode = typeof fnOrName === 'string' ? fnOrName : { k: 'handle', id: fnOrName.toJavaHandle() };
  return new Expression({ k: 'fn', name: 'call', args: [target, ...args.map(toNode)] });
}

/** A SQL expression string: `callSql('UPPER(name)')`. */
export function callSql(sql: string): Expression {
  return new Expression({ k: 'fn', name: 'callSql', args: [sql] });
}

export const and = (a: ExpressionLike, b: ExpressionLike, ...more: ExpressionLike[]): Expression => fn('and', a, b, ...more);
export const or = (a: ExpressionLike, b: ExpressionLike, ...more: ExpressionLike[]): Expression => fn('or', a, b, ...more);
export const not = (e: ExpressionLike): Expression => fn('not', e);
export const row = (head: ExpressionLike, ...tail: ExpressionLike[]): Expression => fn('row', head, ...tail);
export const array = (head: ExpressionLike, ...tail: ExpressionLike[]): Expression => fn('array', head, ...tail);
export const map = (k: ExpressionLike, v: ExpressionLike, ...more: ExpressionLike[]): Expression => fn('map', k, v, ...more);
export const concat = (...parts: ExpressionLike[]): Expression => fn('concat', ...parts);
export const coalesce = (...args: ExpressionLike[]): Expression => fn('coalesce', ...args);
export const ifThenElse = (cond: ExpressionLike, ifTrue: ExpressionLike, ifFalse: ExpressionLike): Expression =>
  fn('ifThenElse', cond, ifTrue, ifFalse);
export const currentTimestamp = (): Expression => fn('currentTimestamp');
export const currentDate = (): Expression => fn('currentDate');
export const nullOf = (type: DataType): Expression => new Expression({ k: 'fn', name: 'nullOf', args: [typeNode(type)] });
export const withColumns = (head: ExpressionLike, ...tail: ExpressionLike[]): Expression => fn('withColumns', head, ...tail);
export const withoutColumns = (head: ExpressionLike, ...tail: ExpressionLike[]): Expression => fn('withoutColumns', head, ...tail);
export const range = (start: ExpressionLike, end: ExpressionLike): Expression => fn('range', start, end);

/** Over-window bounds, as in Java's Expressions. */
export const UNBOUNDED_ROW = new Expression({ k: 'const', name: 'UNBOUNDED_ROW' });
export const UNBOUNDED_RANGE = new Expression({ k: 'const', name: 'UNBOUNDED_RANGE' });
export const CURRENT_ROW = new Expression({ k: 'const', name: 'CURRENT_ROW' });
export const CURRENT_RANGE = new Expression({ k: 'const', name: 'CURRENT_RANGE' });

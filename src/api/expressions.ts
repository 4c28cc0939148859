/**
 * The Table API expression DSL, mirroring org.apache.flink.table.api.Expressions and ApiExpression:
 * `$('price').times(2).as('doubled')`, `$('a').isGreater(lit(1)).and($('b').isNotNull())`.
 * Expressions are JSON trees on the TypeScript side; the JVM builds the real Flink expression in one
 * crossing when a Table method uses them (see Exprs.java).
 */
import { Gateway, type ArgNode } from '../gateway/facade';
import { DataType } from './data-types';
import { inferSqlType } from './values';
import { functionNode, type FunctionEnvironment, type ModeFollowingFunction } from './udf/execution-mode';

/** Anything usable where Flink takes an expression: an Expression, a Java enum constant or a literal JS value. */
export type ExpressionLike = Expression | JavaEnum | string | number | boolean | bigint | Date | null;

/**
 * A constant of a Java enum Flink's expressions take (TimePointUnit.DAY, JsonOnNull.ABSENT, ...):
 * passed to the JVM as that enum value.
 */
export class JavaEnum<C extends string = string> {
  constructor(
    readonly javaClass: string,
    readonly name: C,
  ) {}
  get node(): ArgNode {
    return { k: 'enum', cls: this.javaClass, name: this.name };
  }
  toString(): string {
    return this.name;
  }
}

/** An object of a Java enum's constants by name, each a JavaEnum. */
function javaEnum<const N extends readonly string[]>(javaClass: string, names: N): { readonly [K in N[number]]: JavaEnum<K> } {
  return Object.freeze(Object.fromEntries(names.map((n) => [n, new JavaEnum(javaClass, n)]))) as { readonly [K in N[number]]: JavaEnum<K> };
}

export const TimeIntervalUnit = javaEnum('org.apache.flink.table.expressions.TimeIntervalUnit', [
  'MILLENNIUM', 'CENTURY', 'DECADE', 'YEAR', 'YEAR_TO_MONTH', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DAY_TO_HOUR',
  'DAY_TO_MINUTE', 'DAY_TO_SECOND', 'HOUR', 'HOUR_TO_MINUTE', 'HOUR_TO_SECOND', 'MINUTE', 'MINUTE_TO_SECOND',
  'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND', 'EPOCH',
] as const);
export const TimePointUnit = javaEnum('org.apache.flink.table.expressions.TimePointUnit', [
  'YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND',
] as const);
export const JsonType = javaEnum('org.apache.flink.table.api.JsonType', ['VALUE', 'SCALAR', 'ARRAY', 'OBJECT'] as const);
export const JsonExistsOnError = javaEnum('org.apache.flink.table.api.JsonExistsOnError', ['TRUE', 'FALSE', 'UNKNOWN', 'ERROR'] as const);
export const JsonValueOnEmptyOrError = javaEnum('org.apache.flink.table.api.JsonValueOnEmptyOrError', ['NULL', 'ERROR', 'DEFAULT'] as const);
export const JsonQueryWrapper = javaEnum('org.apache.flink.table.api.JsonQueryWrapper', [
  'WITHOUT_ARRAY', 'CONDITIONAL_ARRAY', 'UNCONDITIONAL_ARRAY',
] as const);
export const JsonQueryOnEmptyOrError = javaEnum('org.apache.flink.table.api.JsonQueryOnEmptyOrError', [
  'NULL', 'EMPTY_ARRAY', 'EMPTY_OBJECT', 'ERROR',
] as const);
export const JsonOnNull = javaEnum('org.apache.flink.table.api.JsonOnNull', ['NULL', 'ABSENT'] as const);

/** An object that is a Java-side user-defined function (TS UDFs implement this). */
export interface JavaFunctionRef extends ModeFollowingFunction {
  /**
   * The Java function object; a TS UDF is made for the environment using it (its mode when the
   * function has none of its own, its shipped dependencies in embedded mode), or without one as in
   * process mode's default.
   */
  toJavaHandle(environment?: FunctionEnvironment): number;
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
  /** ARRAY_SORT(array [, ascending [, nullsFirst]]): not on Java's ApiExpression, called as the built-in. */
  arraySort(ascending?: ExpressionLike, nullsFirst?: ExpressionLike): Expression {
    return builtin('ARRAY_SORT', this, ...[ascending, nullsFirst].filter((a) => a !== undefined));
  }
  /** ARRAY_JOIN(array, delimiter [, nullReplacement]): not on Java's ApiExpression, called as the built-in. */
  arrayJoin(delimiter: ExpressionLike, nullReplacement?: ExpressionLike): Expression {
    return builtin('ARRAY_JOIN', this, delimiter, ...(nullReplacement === undefined ? [] : [nullReplacement]));
  }
  /**
   * ASCII(string): the code of the first character, as INT. Java's ApiExpression.ascii() declares
   * TINYINT while the planner computes SQL's INT, so in Flink 2.3 a Table API query using it fails
   * ("Column types of query result and sink ... do not match"); the cast gives SQL's type.
   */
  ascii(): Expression {
    return this.m('ascii').cast(new DataType('INT'));
  }
  /** CHR(n): the character with code n, as STRING (declared CHAR(1) by Java but STRING in SQL; see ascii). */
  chr(): Expression {
    return this.m('chr').cast(new DataType('STRING'));
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
  // trigonometry, logarithms, conversions
  'acos', 'asin', 'atan', 'cos', 'cosh', 'cot', 'sin', 'sinh', 'tan', 'tanh', 'degrees', 'radians', 'log2',
  'bin', 'hex', 'unhex', 'inetAton', 'inetNtoa', 'urlDecode', 'urlEncode',
  'sha1', 'sha224', 'sha384', 'sha512', 'jsonQuote', 'jsonUnquote', 'mapEntries', 'asArgument',
  // arrays and bitmaps
  'arrayDistinct', 'arrayMax', 'arrayMin', 'arrayReverse', 'bitmapAndAgg', 'bitmapAndCardinalityAgg',
  'bitmapBuild', 'bitmapBuildAgg', 'bitmapBuildCardinalityAgg', 'bitmapCardinality', 'bitmapFromBytes',
  'bitmapOrAgg', 'bitmapOrCardinalityAgg', 'bitmapToArray', 'bitmapToBytes', 'bitmapToString',
  'bitmapXorAgg', 'bitmapXorCardinalityAgg',
] as const;
const variadic = [
  'plus', 'minus', 'times', 'dividedBy', 'mod', 'power',
  'isEqual', 'isNotEqual', 'isGreater', 'isGreaterOrEqual', 'isLess', 'isLessOrEqual',
  'and', 'or', 'between', 'notBetween', 'like', 'similar', 'ifNull',
  'substring', 'substr', 'position', 'replace', 'repeat', 'regexp', 'regexpReplace', 'regexpExtract',
  'lpad', 'rpad', 'overlay', 'split', 'splitIndex', 'startsWith', 'endsWith', 'concat',
  'get', 'at', 'round', 'truncate', 'extract', 'arrayContains', 'jsonValue', 'jsonQuery',
  // strings
  'left', 'right', 'locate', 'instr', 'btrim', 'trimLeading', 'trimTrailing', 'translate', 'elt', 'printf',
  'decode', 'encode', 'strToMap', 'parseUrl', 'regexpCount', 'regexpExtractAll', 'regexpInstr', 'regexpSubstr',
  // math, JSON, maps, aggregates
  'log', 'sha2', 'isJson', 'jsonExists', 'objectUpdate', 'mapUnion', 'percentile',
  // arrays and bitmaps
  'arrayAppend', 'arrayConcat', 'arrayExcept', 'arrayIntersect', 'arrayPosition', 'arrayPrepend', 'arrayRemove',
  'arraySlice', 'arrayUnion', 'bitmapAnd', 'bitmapAndnot', 'bitmapOr', 'bitmapXor',
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
  if (e instanceof Expression || e instanceof JavaEnum) return e.node;
  if (e !== null && typeof e === 'object' && 'toJavaHandle' in e) return functionNode(e);
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

/** A static Expressions call whose Java parameters are plain values (long, String), not expressions. */
function rawFn(name: string, ...args: (string | number)[]): Expression {
  return new Expression({ k: 'fn', name, args });
}

/** A call of a BuiltInFunctionDefinitions constant, for functions Java's Expressions lacks. */
function builtin(name: string, ...args: ExpressionLike[]): Expression {
  return new Expression({ k: 'builtin', name, args: args.map(toNode) });
}

/** Calls a registered function by name, or a TSFlink UDF object: `call('myFn', $('a'))`, `call(toEuro, $('price'))`. */
export function call(fnOrName: string | JavaFunctionRef, ...args: ExpressionLike[]): Expression {
  if (typeof fnOrName !== 'string') assertFunctionRef(fnOrName, 'call()');
  // a TS UDF without a mode of its own is built when a Table method sends the expression, for its environment's mode
  const target: ArgNode = typeof fnOrName === 'string' ? fnOrName : functionNode(fnOrName);
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
/** A column range for withColumns/withoutColumns: by 1-based index, `range(2, 4)`, or by name, `range('b', 'd')`. */
export const range = (start: number | string, end: number | string): Expression => rawFn('range', start, end);

/** Over-window bounds, as in Java's Expressions. */
export const UNBOUNDED_ROW = new Expression({ k: 'const', name: 'UNBOUNDED_ROW' });
export const UNBOUNDED_RANGE = new Expression({ k: 'const', name: 'UNBOUNDED_RANGE' });
export const CURRENT_ROW = new Expression({ k: 'const', name: 'CURRENT_ROW' });
export const CURRENT_RANGE = new Expression({ k: 'const', name: 'CURRENT_RANGE' });

/** A ROWS over-window bound: `Over.partitionBy($('k')).orderBy($('t')).preceding(rowInterval(2))`. */
export const rowInterval = (rows: number | bigint): Expression => rawFn('rowInterval', Number(rows));
/** Every column: `select(withAllColumns())`, `map(call(f, withAllColumns()))`. */
export const withAllColumns = (): Expression => fn('withAllColumns');
/** LAG(value [, offset [, default]]) over a window ordered by time. */
export const lag = (value: ExpressionLike, offset?: ExpressionLike, defaultValue?: ExpressionLike): Expression =>
  fn('lag', ...optional(value, offset, defaultValue));
/** LEAD(value [, offset [, default]]) over a window ordered by time. */
export const lead = (value: ExpressionLike, offset?: ExpressionLike, defaultValue?: ExpressionLike): Expression =>
  fn('lead', ...optional(value, offset, defaultValue));

function optional(...args: (ExpressionLike | undefined)[]): ExpressionLike[] {
  const last = args.findLastIndex((a) => a !== undefined);
  return args.slice(0, last + 1).map((a) => (a === undefined ? null : a)) as ExpressionLike[];
}

export const currentTime = (): Expression => fn('currentTime');
export const localTime = (): Expression => fn('localTime');
export const localTimestamp = (): Expression => fn('localTimestamp');
export const currentDatabase = (): Expression => fn('currentDatabase');
/** CURRENT_WATERMARK(rowtime). */
export const currentWatermark = (rowtime: ExpressionLike): Expression => fn('currentWatermark', rowtime);
/** SOURCE_WATERMARK(), for a Schema watermark. */
export const sourceWatermark = (): Expression => fn('sourceWatermark');
export const pi = (): Expression => fn('pi');
export const e = (): Expression => fn('e');
export const uuid = (): Expression => fn('uuid');
export const rand = (seed?: ExpressionLike): Expression => fn('rand', ...optional(seed));
export const randInteger = (seedOrBound: ExpressionLike, bound?: ExpressionLike): Expression => fn('randInteger', ...optional(seedOrBound, bound));
export const atan2 = (y: ExpressionLike, x: ExpressionLike): Expression => fn('atan2', y, x);
export const negative = (v: ExpressionLike): Expression => fn('negative', v);
/** LOG(value) (natural) or LOG(base, value). */
export const log = (baseOrValue: ExpressionLike, value?: ExpressionLike): Expression => fn('log', ...optional(baseOrValue, value));
export const concatWs = (separator: ExpressionLike, first: ExpressionLike, ...rest: ExpressionLike[]): Expression =>
  fn('concatWs', separator, first, ...rest);
/** DATE_FORMAT(timestamp, format). */
export const dateFormat = (timestamp: ExpressionLike, format: ExpressionLike): Expression => fn('dateFormat', timestamp, format);
/** TIMESTAMPDIFF(unit, from, to): `timestampDiff(TimePointUnit.DAY, a, b)`. */
export const timestampDiff = (unit: JavaEnum<(typeof TimePointUnit)[keyof typeof TimePointUnit]['name']>, from: ExpressionLike, to: ExpressionLike): Expression =>
  fn('timestampDiff', unit, from, to);
export const convertTz = (dateTime: ExpressionLike, fromTz: ExpressionLike, toTz: ExpressionLike): Expression => fn('convertTz', dateTime, fromTz, toTz);
export const fromUnixtime = (seconds: ExpressionLike, format?: ExpressionLike): Expression => fn('fromUnixtime', ...optional(seconds, format));
export const unixTimestamp = (timestamp?: ExpressionLike, format?: ExpressionLike): Expression => fn('unixTimestamp', ...optional(timestamp, format));
export const toDate = (text: ExpressionLike, format?: ExpressionLike): Expression => fn('toDate', ...optional(text, format));
export const toTimestamp = (text: ExpressionLike, format?: ExpressionLike): Expression => fn('toTimestamp', ...optional(text, format));
/** TO_TIMESTAMP_LTZ(epoch, precision) or TO_TIMESTAMP_LTZ(text [, format [, timezone]]). */
export const toTimestampLtz = (value: ExpressionLike, precisionOrFormat?: ExpressionLike, timezone?: ExpressionLike): Expression =>
  fn('toTimestampLtz', ...optional(value, precisionOrFormat, timezone));
export const temporalOverlaps = (leftStart: ExpressionLike, leftEnd: ExpressionLike, rightStart: ExpressionLike, rightEnd: ExpressionLike): Expression =>
  fn('temporalOverlaps', leftStart, leftEnd, rightStart, rightEnd);
/** A DESCRIPTOR(col, ...) argument for table functions such as TUMBLE/SESSION in Table API calls. */
export const descriptor = (...columnNames: string[]): Expression => rawFn('descriptor', ...columnNames);
export const mapFromArrays = (keys: ExpressionLike, values: ExpressionLike): Expression => fn('mapFromArrays', keys, values);
export const json = (value: ExpressionLike): Expression => fn('json', value);
export const jsonString = (value: ExpressionLike): Expression => fn('jsonString', value);
/** JSON_OBJECT(onNull, key1, value1, ...): `jsonObject(JsonOnNull.NULL, 'k', $('v'))`. */
export const jsonObject = (onNull: JavaEnum<'NULL' | 'ABSENT'>, ...keyValues: ExpressionLike[]): Expression => fn('jsonObject', onNull, ...keyValues);
export const jsonObjectAgg = (onNull: JavaEnum<'NULL' | 'ABSENT'>, key: ExpressionLike, value: ExpressionLike): Expression =>
  fn('jsonObjectAgg', onNull, key, value);
export const jsonArray = (onNull: JavaEnum<'NULL' | 'ABSENT'>, ...values: ExpressionLike[]): Expression => fn('jsonArray', onNull, ...values);
export const jsonArrayAgg = (onNull: JavaEnum<'NULL' | 'ABSENT'>, value: ExpressionLike): Expression => fn('jsonArrayAgg', onNull, value);
/** OBJECT_OF(className, key1, value1, ...): a structured-type value. */
export const objectOf = (className: string, ...keyValues: ExpressionLike[]): Expression =>
  new Expression({ k: 'fn', name: 'objectOf', args: [className, ...keyValues.map(toNode)] });

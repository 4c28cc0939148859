/**
 * TypeScript user-defined functions: `udf` (scalar), `udtf` (table) and `asyncUdf` (async scalar),
 * each from a plain function or an instance of a ScalarFunction / TableFunction /
 * AsyncScalarFunction subclass (with open/close). The result is usable in `call(f, ...)` (Table API)
 * and with `tEnv.createTemporarySystemFunction(name, f)` (SQL). Flink runs them with its Python-UDF
 * operators in TSFlink's Node worker (src/worker).
 */
import { callSync } from '../../gateway/jvm';
import { track } from '../../gateway/facade';
import { DataViewType, RowDataType, type DataType, type ValueOf } from '../data-types';
import type { JavaFunctionRef } from '../expressions';
import type { ShippedCode } from './ship';
import type { UdfDescriptor } from './descriptor';
import { AggregateFunction, AsyncScalarFunction, ScalarFunction, TableAggregateFunction, TableFunction, type UdfKind } from './functions';
import { shipValueSync } from './ship';
import { toJavaJson } from '../../gateway/java-json';
import type { Vector } from 'apache-arrow';
import { useAggregateStateBackend } from './aggregate-state-backend';
import { runnableMode, type ExecutionMode, type FunctionEnvironment, type ModeFollowingFunction } from './execution-mode';
import { embeddedModules } from './embedded-packages';
import { NO_SHIPPED_DEPENDENCIES, shippedDependenciesKey } from './shipped-modules';

export interface UdfOptions<I extends readonly DataType[], R extends DataType> {
  /** SQL types of the parameters, in order. */
  inputTypes: I;
  /** SQL type of the result (for `udtf`: a ROW type, or the type of a single column). */
  resultType: R;
  /** False if the function may return different results for the same arguments (default true). */
  deterministic?: boolean;
  /**
   * Name shown in plans, logs and errors (default: the function's or class's name; for an
   * anonymous function, the name it is first registered under).
   */
  name?: string;
  /**
   * Where the function runs (docs/embedded.md): 'process', in TSFlink's Node worker under
   * flink-python's operators; 'embedded', in a JavaScript runtime inside the TaskManager's task
   * thread (async functions on a thread of their own, with an event loop). Without it, a `udf` or
   * `udtf` follows the table environment's `tsflink.udf.execution-mode` (default 'process') where
   * it is used; other kinds run in process mode.
   */
  mode?: ExecutionMode;
  /** Embedded mode's engine: 'v8' (default; a bare isolate, fastest) or 'node' (Node.js: `require` of built-in modules). */
  engine?: EmbeddedEngine;
  /**
   * Embedded mode: how long one call may run (ms; default 60000, 0 for no limit). A call still
   * running then is stopped and fails the task, naming the function: a loop that never ends would
   * otherwise hold the task thread where Flink cannot cancel it, until Flink kills the TaskManager.
   * For an `asyncUdf` it bounds each run of its code (a call up to its first `await`, a timer's or a
   * Promise's callback); the whole call is bounded by `table.exec.async-scalar.timeout`.
   */
  callTimeoutMs?: number;
  /**
   * Embedded mode: how much JavaScript heap the function's runtime may use (MB; default: V8's own
   * limit). A call that takes it past the limit is stopped and fails the task, naming the function
   * (a function keeping values across calls grows without bound); over V8's own limit a call is
   * stopped the same way rather than ending the TaskManager's process.
   */
  maxHeapMb?: number;
}

/**
 * How the function is called (PyFlink's `func_type`): `'general'` (default) once per row with plain
 * values; `'vectorized'` (PyFlink's `'pandas'`) once per Arrow batch with one apache-arrow `Vector`
 * per argument (docs/vectorized.md).
 */
export type FuncType = 'general' | 'vectorized';

/** Options of a vectorized function: those of a row function plus `funcType: 'vectorized'`. */
export interface VectorizedOptions<I extends readonly DataType[], R extends DataType> extends UdfOptions<I, R> {
  funcType: 'vectorized';
}

/** The arguments of a vectorized function: one apache-arrow Vector (a batch's column) per parameter. */
export type VectorArgsOf<I extends readonly DataType[]> = { -readonly [K in keyof I]: Vector } & unknown[];

/**
 * What a vectorized scalar function returns for a batch of n rows: an apache-arrow Vector, a typed
 * array (e.g. Float64Array for DOUBLE, BigInt64Array for BIGINT) or a plain array of n values
 * (`null` for SQL NULL).
 */
export type VectorResultOf<R extends DataType> = Vector | ArrayLike<ValueOf<R>>;
export type { ExecutionMode } from './execution-mode';
export type EmbeddedEngine = 'v8' | 'node';

/** The TypeScript parameter types of a list of DataTypes. */
export type ArgsOf<I extends readonly DataType[]> = { -readonly [K in keyof I]: ValueOf<I[K]> } & unknown[];

/** A row a table function produces: an object with the row's fields, an array of them, or (one column) the value. */
export type TableRowOf<R> = R | unknown[];

let counter = 0;

/** A TypeScript UDF, usable wherever Flink takes a user-defined function. */
export class TsFunction<A extends unknown[] = unknown[], R = unknown> implements JavaFunctionRef, ModeFollowingFunction {
  declare readonly __signature: (...args: A) => R;
  /**
   * The Java function objects made so far: one for process mode, one per set of shipped
   * dependencies for embedded mode (whose bundles come from them; an addJsFile after the function
   * was first used makes a new one).
   */
  private readonly handles = new Map<string, number>();
  private readonly code: ShippedCode;
  private displayName: string;
  /** Aggregates: whether the object has merge() (embedded mode offers two-phase plans only then). */
  private readonly hasMerge: boolean;
  /** Table aggregates: whether the object has emitUpdateWithRetract() (used instead of emitValue then, in both modes). */
  private readonly hasEmitUpdateWithRetract: boolean;
  /** Whether the fallback from embedded to process mode on this machine has been told (once per function). */
  private warnedFallback = false;

  constructor(
    readonly kind: UdfKind,
    name: string,
    /** false when `name` was made up (an anonymous function without a `name` option) */
    private readonly named: boolean,
    private readonly form: 'function' | 'object',
    value: Function | object,
    private readonly inputTypes: readonly DataType[],
    private readonly resultType: DataType,
    readonly deterministic: boolean,
    /** Aggregates: the accumulator type, and which of its ROW fields are data views. */
    private readonly accumulator?: AccumulatorSpec,
    /** 'vectorized': called per Arrow batch (flink-python's PANDAS function kind). */
    readonly funcType: FuncType = 'general',
    /** mode: the function's own; undefined for one following the environment's option */
    private readonly execution: { mode?: ExecutionMode; engine: EmbeddedEngine; callTimeoutMs?: number; maxHeapMb?: number } = { mode: 'process', engine: 'v8' },
  ) {
    this.displayName = name;
    this.code = shipValueSync(value, name);
    this.hasMerge = typeof (value as { merge?: unknown }).merge === 'function';
    this.hasEmitUpdateWithRetract = typeof (value as { emitUpdateWithRetract?: unknown }).emitUpdateWithRetract === 'function';
  }

  /** As Flink's UserDefinedFunction.isDeterministic: the `deterministic` option, else the instance's isDeterministic(). */
  isDeterministic(): boolean {
    return this.deterministic;
  }

  /** The name the function's errors and log lines use. */
  get name(): string {
    return this.displayName;
  }

  /** An anonymous function takes the name of its first registration, made before its first use. */
  registeredAs(name: string): void {
    if (!this.named && this.handles.size === 0) this.displayName = name;
  }

  /**
   * Whether the table environment's `tsflink.udf.execution-mode` decides where it runs: a scalar or
   * table function (the kinds embedded mode runs) without a `mode` option of its own.
   */
  get followsExecutionMode(): boolean {
    return this.execution.mode === undefined;
  }

  /** Whether the environment using it decides what it is made of: its mode, or (embedded) its shipped dependencies. */
  get dependsOnEnvironment(): boolean {
    return this.execution.mode !== 'process';
  }

  /**
   * The Java function object for the function's own mode or, if it has none, the mode of
   * `environment` (the one using it; process mode without one), made in embedded mode with the
   * environment's shipped dependencies. Made on first use; the session's JVM must be running.
   */
  toJavaHandle(environment?: FunctionEnvironment): number {
    const mode = runnableMode(this.execution.mode ?? environment?.udfExecutionMode() ?? 'process', this.name, (message) => {
      if (!this.warnedFallback) console.warn(message);
      this.warnedFallback = true;
    });
    const deps = mode === 'embedded' ? (environment?.udfDependencies() ?? NO_SHIPPED_DEPENDENCIES) : NO_SHIPPED_DEPENDENCIES;
    // an embedded async function fails a call outliving the timeout naming itself, so it is made per deadline
    const asyncDeadlineMs = mode === 'embedded' && this.kind === 'async' ? (environment?.udfAsyncDeadlineMs() ?? 0) : 0;
    const key = mode === 'embedded' ? `embedded ${shippedDependenciesKey(deps)}${asyncDeadlineMs ? ` ${asyncDeadlineMs}ms` : ''}` : mode;
    let handle = this.handles.get(key);
    if (handle === undefined) {
      // process mode's state requests need RocksDB to restore correctly; embedded aggregates are
      // Flink's own AggregateFunctions, fine on any backend
      if (this.accumulator && mode === 'process') useAggregateStateBackend();
      const spec = {
        kind: this.kind,
        name: this.name,
        inputTypes: this.inputTypes.map((t) => t.sql),
        resultType: this.resultType.sql,
        deterministic: this.deterministic,
        takesRowAsInput: false,
        accumulatorType: this.accumulator?.sql,
        dataViews: this.accumulator?.views,
        funcType: this.funcType,
        mode,
        engine: this.execution.engine,
        callTimeoutMs: this.execution.callTimeoutMs,
        maxHeapMb: this.execution.maxHeapMb,
        hasMerge: this.hasMerge,
        hasEmitUpdateWithRetract: this.hasEmitUpdateWithRetract,
        asyncDeadlineMs,
        // the modules the code requires, bundled: an embedded runtime has no node_modules
        ...(mode === 'embedded' ? { bundledModules: embeddedModules(this.name, this.code.source, this.execution.engine, deps, (m) => console.warn(m)) } : {}),
      };
      // the Java side adds the parameter and result type trees
      const descriptor: Omit<UdfDescriptor, 'inputTypes' | 'resultType'> = {
        tsflink: 1,
        kind: this.kind,
        name: this.name,
        form: this.form,
        code: this.code,
        ...(this.funcType === 'vectorized' ? { funcType: this.funcType } : {}),
      };
      handle = callSync<number>('dev.tsflink.udf.UdfFactory', 'create', toJavaJson(spec), toJavaJson(descriptor));
      track(this, handle);
      this.handles.set(key, handle);
    }
    return handle;
  }

  toString(): string {
    const factory = this.funcType === 'vectorized' ? (this.kind === 'aggregate' ? 'vectorizedUdaf' : 'vectorizedUdf') : FACTORY_NAMES[this.kind];
    return `${factory} ${this.name}(${this.inputTypes.map((t) => t.sql).join(', ')}) → ${this.resultType.sql}`;
  }
}


const FACTORY_NAMES: Record<UdfKind, string> = { scalar: 'udf', table: 'udtf', async: 'asyncUdf', aggregate: 'udaf', tableAggregate: 'udtaf' };

/** An accumulator type as the Java side builds it: the SQL type, with data view fields marked. */
interface AccumulatorSpec {
  sql: string;
  views: { index: number; view: 'list' | 'map' }[];
}

function accumulatorSpec(what: string, t: DataType): AccumulatorSpec {
  if (t instanceof DataViewType) throw new TypeError(`${what}: a ListView/MapView must be a field of a ROW accumulator type`);
  const views = t instanceof RowDataType ? t.fields.flatMap((f, index) => (f.type instanceof DataViewType ? [{ index, view: f.type.view }] : [])) : [];
  if (!/^(ROW|ARRAY|MAP)</.test(t.sql)) {
    throw new TypeError(
      `${what}: accumulatorType must be a ROW, ARRAY or MAP type (a mutable container that accumulate() changes in place), got ${t.sql}`,
    );
  }
  return { sql: t.sql, views };
}

function validate(what: string, options: UdfOptions<readonly DataType[], DataType> | undefined): void {
  if (!options || !Array.isArray(options.inputTypes) || !options.resultType) {
    throw new TypeError(`${what} needs options { inputTypes: [DataTypes...], resultType: DataTypes... }`);
  }
  options.inputTypes.forEach((t, i) => {
    if (!t || typeof (t as DataType).sql !== 'string') throw new TypeError(`${what}: inputTypes[${i}] is not a DataType`);
  });
  if (typeof options.resultType.sql !== 'string') throw new TypeError(`${what}: resultType is not a DataType`);
}

function make<A extends unknown[], R>(
  kind: UdfKind,
  base: abstract new (...a: never[]) => object,
  what: string,
  fn: Function | object,
  options: UdfOptions<readonly DataType[], DataType> & { accumulatorType?: DataType; funcType?: FuncType },
): TsFunction<A, R> {
  validate(what, options);
  const funcType = options.funcType ?? 'general';
  if (funcType !== 'general' && funcType !== 'vectorized') throw new TypeError(`${what}: funcType must be 'general' or 'vectorized', got ${JSON.stringify(funcType)}`);
  if (funcType === 'vectorized') return makeVectorized(kind, what, fn, options);
  const aggregate = kind === 'aggregate' || kind === 'tableAggregate';
  if (aggregate && !options.accumulatorType) throw new TypeError(`${what} needs an accumulatorType option (a DataTypes.ROW, ARRAY or MAP)`);
  const accumulator = aggregate ? accumulatorSpec(what, options.accumulatorType!) : undefined;
  let form: 'function' | 'object';
  let defaultName: string;
  if (typeof fn === 'function' && aggregate) {
    throw new TypeError(`${what} takes an object with createAccumulator/accumulate/${kind === 'aggregate' ? 'getValue' : 'emitValue'} methods, e.g. ${what}(new My${base.name}(), ...)`);
  }
  if (typeof fn === 'function') {
    if (/^class\b/.test(Function.prototype.toString.call(fn))) {
      throw new TypeError(`${what}: pass an instance, e.g. ${what}(new ${fn.name}(), ...)`);
    }
    form = 'function';
    defaultName = fn.name;
  } else if (fn instanceof base || (fn !== null && hasMethods(fn, requiredMethods(kind)))) {
    form = 'object';
    defaultName = fn.constructor?.name;
  } else {
    const missing = fn !== null && typeof fn === 'object' ? requiredMethods(kind).filter((m) => typeof (fn as Record<string, unknown>)[m] !== 'function') : [];
    throw new TypeError(
      `${what} takes ${aggregate ? 'an object' : 'a function or an object'} like an instance of ${base.name}, got ${fn === null ? 'null' : typeof fn}${missing.length ? ` without ${missing.join(', ')}` : ''}`,
    );
  }
  if (kind === 'tableAggregate' && !hasMethods(fn, ['emitValue']) && !hasMethods(fn, ['emitUpdateWithRetract'])) {
    throw new TypeError(`${what} needs an emitValue or an emitUpdateWithRetract method`);
  }
  // only scalar and table functions follow the environment's option; an async function, an
  // aggregate or a table aggregate runs embedded when it asks to (an async function's I/O may need
  // the node engine, an accumulator must suit embedded mode: no environment switches them over silently)
  const followsEnvironment = kind === 'scalar' || kind === 'table';
  const mode = options.mode ?? (followsEnvironment ? undefined : 'process');
  const engine = options.engine ?? 'v8';
  if (mode !== undefined && mode !== 'process' && mode !== 'embedded') throw new TypeError(`${what}: mode must be 'process' or 'embedded', got ${String(mode)}`);
  if (engine !== 'v8' && engine !== 'node') throw new TypeError(`${what}: engine must be 'v8' or 'node', got ${String(engine)}`);
  if (mode === 'embedded' && accumulator) {
    if (!options.accumulatorType!.sql.startsWith('ROW<')) {
      throw new TypeError(`${what}: in embedded mode the accumulator is a ROW (an object with fields), got ${options.accumulatorType!.sql}; use process mode for ARRAY and MAP accumulators`);
    }
  }
  const fixFor = (option: string): string => {
    if (options.mode === 'process') return `remove mode: 'process' or ${option}`;
    return `add mode: 'embedded' or remove ${option}${kind === 'async' && option === 'callTimeoutMs' ? ' (in process mode an asyncUdf is bounded by table.exec.async-scalar.timeout)' : ''}`;
  };
  const callTimeoutMs = options.callTimeoutMs;
  if (callTimeoutMs !== undefined) {
    if (mode === 'process') {
      throw new TypeError(
        `${what}: callTimeoutMs limits calls in embedded mode, and this function runs in process mode; ${fixFor('callTimeoutMs')}`,
      );
    }
    if (!Number.isSafeInteger(callTimeoutMs) || callTimeoutMs < 0) throw new TypeError(`${what}: callTimeoutMs must be a whole number of milliseconds ≥ 0 (0: no limit), got ${String(callTimeoutMs)}`);
  }
  const maxHeapMb = options.maxHeapMb;
  if (maxHeapMb !== undefined) {
    if (mode === 'process') {
      throw new TypeError(
        `${what}: maxHeapMb limits the JavaScript heap in embedded mode, and this function runs in process mode (whose workers have their own heap); ${fixFor('maxHeapMb')}`,
      );
    }
    if (!Number.isSafeInteger(maxHeapMb) || maxHeapMb < 1) throw new TypeError(`${what}: maxHeapMb must be a whole number of megabytes ≥ 1, got ${String(maxHeapMb)}`);
  }
  const own = options.name ?? (defaultName && defaultName !== 'Object' ? defaultName : undefined);
  const name = own ?? `${kind}_udf_${++counter}`;
  const declared = form === 'object' && hasMethods(fn, ['isDeterministic']) ? (fn as { isDeterministic(): unknown }).isDeterministic() : true;
  if (typeof declared !== 'boolean') throw new TypeError(`${what}: isDeterministic() must return a boolean, got ${typeof declared}`);
  return new TsFunction<A, R>(kind, name, own !== undefined, form, fn, options.inputTypes, options.resultType, options.deterministic ?? declared, accumulator, 'general', { mode, engine, callTimeoutMs, maxHeapMb });
}

/**
 * A vectorized function (flink-python's PANDAS kind): a function, or an object with an `eval` method
 * (and optional open/close), called with one Arrow Vector per argument. A vectorized aggregate has
 * no accumulator: it sees its group's whole column batch at once (as PyFlink's pandas UDAFs).
 */
function makeVectorized<A extends unknown[], R>(kind: UdfKind, what: string, fn: Function | object, options: UdfOptions<readonly DataType[], DataType> & { accumulatorType?: DataType }): TsFunction<A, R> {
  if (kind !== 'scalar' && kind !== 'aggregate') throw new TypeError(`${what}: only udf and udaf have a vectorized form`);
  if (options.mode === 'embedded') throw new TypeError(`${what}: a vectorized function runs in process mode (the Node worker); remove mode: 'embedded'`);
  if (options.accumulatorType) throw new TypeError(`${what}: a vectorized aggregate has no accumulator (it receives the group's whole column batch); remove accumulatorType`);
  if (kind === 'aggregate' && /^MAP</.test(options.resultType.sql)) {
    throw new TypeError(`${what}: a vectorized aggregate cannot return ${options.resultType.sql} (flink-python's Arrow aggregates do not support MAP results)`);
  }
  let form: 'function' | 'object';
  let defaultName: string | undefined;
  if (typeof fn === 'function') {
    if (/^class\b/.test(Function.prototype.toString.call(fn))) throw new TypeError(`${what}: pass an instance, e.g. ${what}(new ${fn.name}(), ...)`);
    form = 'function';
    defaultName = fn.name;
  } else if (fn !== null && typeof fn === 'object' && hasMethods(fn, ['eval'])) {
    form = 'object';
    defaultName = fn.constructor?.name;
  } else {
    throw new TypeError(`${what} with funcType 'vectorized' takes a function of Arrow Vectors (or an object with such an eval method), got ${fn === null ? 'null' : typeof fn}`);
  }
  const own = options.name ?? (defaultName && defaultName !== 'Object' ? defaultName : undefined);
  const name = own ?? `vectorized_${kind}_udf_${++counter}`;
  return new TsFunction<A, R>(kind, name, own !== undefined, form, fn, options.inputTypes, options.resultType, options.deterministic ?? true, undefined, 'vectorized');
}

function requiredMethods(kind: UdfKind): string[] {
  if (kind === 'aggregate') return ['createAccumulator', 'accumulate', 'getValue'];
  if (kind === 'tableAggregate') return ['createAccumulator', 'accumulate'];
  return ['eval'];
}

function hasMethods(obj: object, names: string[]): boolean {
  return names.every((n) => typeof (obj as Record<string, unknown>)[n] === 'function');
}

/**
 * A scalar UDF: `udf((price: number) => price * 0.9, { inputTypes: [DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE() })`,
 * or `udf(new MyFunction(), {...})` with `class MyFunction extends ScalarFunction { eval(...) {...} }`.
 * With `funcType: 'vectorized'` the function is called once per Arrow batch with one apache-arrow
 * Vector per argument and returns a column (PyFlink's pandas UDF; docs/vectorized.md).
 */
export function udf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: VectorArgsOf<I>) => VectorResultOf<R>) | ScalarFunction<VectorArgsOf<I>, VectorResultOf<R>>,
  options: VectorizedOptions<I, R>,
): TsFunction<ArgsOf<I>, ValueOf<R>>;
export function udf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: ArgsOf<I>) => ValueOf<R>) | ScalarFunction<ArgsOf<I>, ValueOf<R>>,
  options: UdfOptions<I, R> & { funcType?: 'general' },
): TsFunction<ArgsOf<I>, ValueOf<R>>;
export function udf(fn: Function | object, options: UdfOptions<readonly DataType[], DataType> & { funcType?: FuncType }): TsFunction {
  return make('scalar', ScalarFunction, 'udf', fn, options);
}

/**
 * A vectorized scalar UDF (PyFlink's pandas UDF): `fn` gets one apache-arrow `Vector` per argument
 * for a whole batch (`python.fn-execution.arrow.batch.size` rows) and returns a column of the
 * batch's length: a Vector, a typed array or a plain array. Same as `udf(fn, { ...options, funcType: 'vectorized' })`.
 */
export function vectorizedUdf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: VectorArgsOf<I>) => VectorResultOf<R>) | ScalarFunction<VectorArgsOf<I>, VectorResultOf<R>>,
  options: UdfOptions<I, R>,
): TsFunction<ArgsOf<I>, ValueOf<R>> {
  return make('scalar', ScalarFunction, 'vectorizedUdf', fn, { ...options, funcType: 'vectorized' });
}

/**
 * A vectorized aggregate function (PyFlink's pandas UDAF): `fn` gets one apache-arrow `Vector` per
 * argument holding the values of a whole group (or window) and returns the group's one value. Runs
 * in batch `GROUP BY`, group windows (batch and streaming) and over windows. Same as
 * `udaf(fn, { ...options, funcType: 'vectorized' })`.
 */
export function vectorizedUdaf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: VectorArgsOf<I>) => ValueOf<R>) | ScalarFunction<VectorArgsOf<I>, ValueOf<R>>,
  options: UdfOptions<I, R>,
): TsFunction<ArgsOf<I>, ValueOf<R>> {
  return make('aggregate', AggregateFunction, 'vectorizedUdaf', fn, { ...options, funcType: 'vectorized' });
}

/**
 * A table UDF producing zero or more rows per call: a generator or a function returning an array,
 * e.g. `udtf(function* (s: string) { for (const w of s.split(' ')) yield { word: w } }, { inputTypes: [DataTypes.STRING()],
 * resultType: DataTypes.ROW(DataTypes.FIELD('word', DataTypes.STRING())) })`. Use with `joinLateral`,
 * `leftOuterJoinLateral` or SQL `LATERAL TABLE(f(...))`.
 */
export function udtf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: ArgsOf<I>) => Iterable<TableRowOf<NonNullable<ValueOf<R>>>> | null | undefined) | TableFunction<ArgsOf<I>, TableRowOf<NonNullable<ValueOf<R>>>>,
  options: UdfOptions<I, R>,
): TsFunction<ArgsOf<I>, NonNullable<ValueOf<R>>> {
  return make('table', TableFunction, 'udtf', fn, options);
}

/**
 * An async scalar UDF returning a Promise; Flink keeps several calls in flight
 * (`table.exec.async-scalar.max-concurrent-operations`, timeout and retry options apply).
 */
export function asyncUdf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: ArgsOf<I>) => Promise<ValueOf<R>>) | AsyncScalarFunction<ArgsOf<I>, ValueOf<R>>,
  options: UdfOptions<I, R>,
): TsFunction<ArgsOf<I>, ValueOf<R>> {
  return make('async', AsyncScalarFunction, 'asyncUdf', fn, options);
}

export interface AggregateOptions<I extends readonly DataType[], R extends DataType, ACC extends DataType> extends UdfOptions<I, R> {
  /**
   * The accumulator's type: a ROW (the accumulator is an object with its fields), ARRAY or MAP. ROW
   * fields of `DataTypes.LIST_VIEW(...)` / `DataTypes.MAP_VIEW(...)` live in Flink state.
   */
  accumulatorType: ACC;
}

/**
 * An aggregate function (UDAF): `udaf(new WeightedAvg(), { inputTypes: [...], resultType: ..., accumulatorType: DataTypes.ROW(...) })`
 * with `class WeightedAvg extends AggregateFunction<number | null, Acc> { createAccumulator() {...} accumulate(acc, ...args) {...} getValue(acc) {...} }`,
 * or an object literal with those methods. Use in `groupBy(...).select(call(f, ...))`,
 * `aggregate(...)`, windowed group-bys and SQL `GROUP BY` once registered. It runs in the Node worker
 * and keeps its accumulators in Flink's keyed state (checkpointed, restored after a failure).
 * With `funcType: 'vectorized'`, `fn` is a function of the group's columns (apache-arrow Vectors)
 * returning its one value, with no accumulator; it runs in batch GROUP BY, group and over windows
 * (PyFlink's pandas UDAF; docs/vectorized.md).
 */
export function udaf<const I extends readonly DataType[], R extends DataType>(
  fn: ((...args: VectorArgsOf<I>) => ValueOf<R>) | ScalarFunction<VectorArgsOf<I>, ValueOf<R>>,
  options: VectorizedOptions<I, R>,
): TsFunction<ArgsOf<I>, ValueOf<R>>;
export function udaf<const I extends readonly DataType[], R extends DataType, ACC extends DataType>(
  fn: AggregateFunction<ValueOf<R>, NonNullable<ValueOf<ACC>>, ArgsOf<I>>,
  options: AggregateOptions<I, R, ACC>,
): TsFunction<ArgsOf<I>, ValueOf<R>>;
export function udaf(fn: Function | object, options: UdfOptions<readonly DataType[], DataType> & { accumulatorType?: DataType; funcType?: FuncType }): TsFunction {
  return make('aggregate', AggregateFunction, 'udaf', fn, options);
}

/**
 * A table aggregate function (UDTAF): like `udaf`, but `emitValue(acc)` yields rows; use with
 * `groupBy(...).flatAggregate(call(f, ...))`. `resultType` is a ROW type (or a single column's type).
 */
export function udtaf<const I extends readonly DataType[], R extends DataType, ACC extends DataType>(
  fn: TableAggregateFunction<TableRowOf<NonNullable<ValueOf<R>>>, NonNullable<ValueOf<ACC>>, ArgsOf<I>>,
  options: AggregateOptions<I, R, ACC>,
): TsFunction<ArgsOf<I>, NonNullable<ValueOf<R>>> {
  return make('tableAggregate', TableAggregateFunction, 'udtaf', fn, options);
}

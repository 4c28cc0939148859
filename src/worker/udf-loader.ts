/**
 * Turns the UserDefinedFunction protos of a Flink transform into callable TypeScript functions:
 * loads each UDF's shipped code, resolves its inputs (input columns, SQL literals, nested UDF calls
 * of a chain) and wraps errors so they name the function.
 */
import * as path from 'node:path';
import type { FunctionContext } from '../api/udf/functions';
import type { UdfDescriptor } from '../api/udf/descriptor';
import type { LogicalTypeTree } from '../api/values';
import { decodeConstant, PickledDecimal } from './coders/pickle';
import type { flinkApi } from './fn-api';
import { loadShipped } from './load-shipped';

export type Evaluator = (row: readonly unknown[]) => unknown;

/** A UDF instance in the worker, with its lifecycle. */
export class LoadedFunction {
  private opened = false;
  readonly call: (...args: unknown[]) => unknown;
  private readonly target: { open?(ctx: FunctionContext): unknown; close?(): unknown } | undefined;

  constructor(readonly descriptor: UdfDescriptor) {
    const exported = loadShipped(descriptor.code);
    if (descriptor.form === 'function') {
      if (typeof exported !== 'function') throw new TypeError(`UDF '${descriptor.name}': shipped code does not export a function`);
      this.call = exported as (...args: unknown[]) => unknown;
    } else {
      const obj = exported as { eval?: unknown; open?(ctx: FunctionContext): unknown; close?(): unknown };
      if (!obj || typeof obj.eval !== 'function') throw new TypeError(`UDF '${descriptor.name}': shipped object has no eval method`);
      this.call = (obj.eval as (...a: unknown[]) => unknown).bind(obj);
      this.target = obj;
    }
  }

  get name(): string {
    return this.descriptor.name;
  }

  async open(ctx: FunctionContext): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    try {
      if (this.target?.open) await this.target.open(ctx);
    } catch (e) {
      throw new UdfError(this.name, e, 'open()');
    }
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    if (this.target?.close) await this.target.close();
  }
}

/** An exception thrown by user code, tagged with the UDF's name. */
export class UdfError extends Error {
  constructor(
    readonly udfName: string,
    readonly original: unknown,
    /** The lifecycle method that threw, when not eval. */
    method?: string,
  ) {
    const msg = original instanceof Error ? `${original.name}: ${original.message}` : String(original);
    super(`TypeScript UDF '${udfName}' failed${method ? ` in ${method}` : ''}: ${msg}`);
    // the user's frames under this message; the original's own header would repeat its message
    const stack = original instanceof Error ? withoutWorkerFrames(original.stack ?? '') : '';
    const header = `${(original as Error)?.name}: ${(original as Error)?.message}`;
    this.stack = `${this.message}\n${stack.startsWith(header) ? stack.slice(header.length).replace(/^\n/, '') : stack}`.trimEnd();
  }
}

/**
 * A user error's stack without the frames of the worker itself (which calls every UDF through the
 * same few functions): what is left points at the user's code.
 */
function withoutWorkerFrames(stack: string): string {
  const lines = stack.split('\n');
  const kept = lines.filter((l) => !(/^\s+at /.test(l) && l.includes(WORKER_DIR)));
  return kept.some((l) => /^\s+at /.test(l)) ? kept.join('\n') : stack;
}
const WORKER_DIR = __dirname + path.sep;

export function parseDescriptor(payload: Uint8Array): UdfDescriptor {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  let d: UdfDescriptor;
  try {
    d = JSON.parse(text) as UdfDescriptor;
  } catch (e) {
    throw new Error(
      `this Flink job contains a UDF that is not a TSFlink TypeScript function (Python UDFs cannot run in the TSFlink worker): ${(e as Error).message}`,
    );
  }
  if (d.tsflink !== 1) throw new Error(`unsupported TSFlink UDF payload version ${String(d.tsflink)}`);
  return d;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Builds the evaluator of one (possibly chained) UDF call. `fieldNames` are the input row's field
 * names (for functions taking the whole row).
 */
export function buildEvaluator(udf: flinkApi.IUserDefinedFunction, functions: LoadedFunction[], fieldNames: string[]): Evaluator {
  const fn = new LoadedFunction(parseDescriptor(udf.payload!));
  functions.push(fn);
  const call = fn.call;
  const name = fn.name;
  if (udf.takes_row_as_input) {
    return (row) => {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < fieldNames.length; i++) obj[fieldNames[i]] = row[i];
      return invoke(name, call, [obj]);
    };
  }
  const inputs = (udf.inputs ?? []).map((input, i): Evaluator => {
    if (input.udf) return buildEvaluator(input.udf, functions, fieldNames);
    if (input.inputConstant && input.inputConstant.length) {
      const value = coerceConstant(decodeConstant(input.inputConstant), fn.descriptor.inputTypes[i]);
      return () => value;
    }
    const offset = input.inputOffset ?? 0;
    return (row) => row[offset];
  });
  const n = inputs.length;
  if (n === 1) {
    const [a] = inputs;
    return (row) => {
      const x = a(row);
      return isThenable(x) ? Promise.resolve(x).then((v) => invoke1(name, call, v)) : invoke1(name, call, x);
    };
  }
  return (row) => {
    const args = new Array<unknown>(n);
    let pending = false;
    for (let i = 0; i < n; i++) {
      args[i] = inputs[i](row);
      if (isThenable(args[i])) pending = true;
    }
    return pending ? Promise.all(args).then((a) => invoke(name, call, a)) : invoke(name, call, args);
  };
}

function invoke(name: string, call: (...args: unknown[]) => unknown, args: unknown[]): unknown {
  let result: unknown;
  try {
    result = call(...args);
  } catch (e) {
    throw new UdfError(name, e);
  }
  return settled(name, result);
}

/** `invoke` for the common one-argument call, without an argument array per row. */
function invoke1(name: string, call: (arg: unknown) => unknown, arg: unknown): unknown {
  let result: unknown;
  try {
    result = call(arg);
  } catch (e) {
    throw new UdfError(name, e);
  }
  return settled(name, result);
}

/** A promise result rejects with the UDF's name; other results pass through. */
function settled(name: string, result: unknown): unknown {
  if (isThenable(result)) {
    return Promise.resolve(result).catch((e: unknown) => {
      throw new UdfError(name, e);
    });
  }
  return result;
}

/** Names a wrong result value after the UDF that produced it (field `i` of the output row). */
export function resultError(e: unknown, names: readonly string[]): unknown {
  if (!(e instanceof TypeError)) return e;
  const i = (e as TypeError & { fieldIndex?: number }).fieldIndex ?? 0;
  const name = names[Math.min(i, names.length - 1)];
  const wrapped = new Error(`TypeScript UDF '${name}' returned a value that does not match its result type: ${e.message}`);
  wrapped.stack = `${wrapped.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
  return wrapped;
}

/** Literals come as Java saw them; convert to the JS value of the parameter's declared type. */
export function coerceConstant(v: unknown, t: LogicalTypeTree | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof PickledDecimal) v = v.text;
  if (!t) return v;
  switch (t.root) {
    case 'BIGINT':
      return typeof v === 'bigint' ? v : typeof v === 'number' || typeof v === 'string' ? BigInt(v) : v;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'FLOAT':
    case 'DOUBLE':
      return typeof v === 'string' || typeof v === 'bigint' ? Number(v) : v;
    case 'DECIMAL':
      return typeof v === 'number' || typeof v === 'bigint' ? String(v) : v;
    default:
      return v;
  }
}

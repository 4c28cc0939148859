/**
 * The DataStream API's functions (`flink:transform:ds:stateless_function:v1`), run under
 * flink-python's ExternalPythonProcessOperator as PyFlink's worker runs them
 * (pyflink/fn_execution/datastream/process/operations.py). Each input element is
 * Row(timestamp, watermark, value); each output Row(timestamp, watermark, result), typed by the
 * coders of the bundle descriptor (the same row coder as the Table API's UDFs).
 */
import type { DataStreamFunctionDescriptor } from '../../api/datastream/descriptor';
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { rowDecoder, rowEncoder } from '../coders/row-coder';
import type { flinkApi } from '../fn-api';
import { loadShipped } from '../load-shipped';
import { UdfError } from '../udf-loader';
import { forEachElement, registerOperation, type Operation, type OperationContext } from './operation';

/** What a user function may have beside its main method (Flink's RichFunction). */
interface Lifecycle {
  open?(ctx: unknown): unknown;
  close?(): unknown;
}

/** Per element: the results to emit (in order). */
type ElementFn = (value: unknown, timestamp: number | null, watermark: number | null) => unknown[] | Promise<unknown[]>;

export function readDescriptor(payload: Uint8Array | null | undefined): DataStreamFunctionDescriptor {
  const d = JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as DataStreamFunctionDescriptor;
  if (d.tsflink !== 1) throw new Error('this DataStream function was not built by TSFlink');
  return d;
}

/** The user's method of the kind: a plain function, or the method of an object/class instance. */
export function userMethod(exported: unknown, method: string, d: DataStreamFunctionDescriptor): (...a: unknown[]) => unknown {
  if (typeof exported === 'function') return exported as (...a: unknown[]) => unknown;
  const m = (exported as Record<string, unknown> | null)?.[method];
  if (typeof m !== 'function') throw new TypeError(`${d.kind} '${d.name}': the shipped object has no ${method}() method`);
  return (m as (...a: unknown[]) => unknown).bind(exported);
}

/** Collects what a function emits: through `out.collect(x)` and/or a returned iterable. */
export function collectInto(results: unknown[], returned: unknown): void {
  if (returned === undefined || returned === null) return;
  if (typeof returned === 'object' && Symbol.iterator in returned && typeof returned !== 'string') {
    for (const r of returned as Iterable<unknown>) results.push(r);
  } else {
    results.push(returned);
  }
}

function isThenable(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function statelessElementFn(d: DataStreamFunctionDescriptor, exported: unknown): ElementFn {
  switch (d.kind) {
    case 'map': {
      const f = userMethod(exported, 'map', d);
      return (v) => {
        const r = f(v);
        return isThenable(r) ? r.then((x) => [x]) : [r];
      };
    }
    case 'filter': {
      const f = userMethod(exported, 'filter', d);
      return (v) => {
        const r = f(v);
        return isThenable(r) ? r.then((x) => (x ? [v] : [])) : r ? [v] : [];
      };
    }
    case 'keyBy': {
      // PyFlink's KeyByMapFunction: Row(key, value); Java's KeyByKeySelector then keys on field 0
      const f = userMethod(exported, 'getKey', d);
      return (v) => [[f(v), v]];
    }
    case 'flatMap':
    case 'process': {
      const f = userMethod(exported, d.kind === 'flatMap' ? 'flatMap' : 'processElement', d);
      let ts: number | null = null;
      let wm: number | null = null;
      const ctx = {
        timestamp: () => ts,
        timerService: () => ({ currentWatermark: () => wm ?? Number.MIN_SAFE_INTEGER, currentProcessingTime: () => Date.now() }),
      };
      return (v, timestamp, watermark) => {
        ts = timestamp;
        wm = watermark;
        const results: unknown[] = [];
        const out = { collect: (x: unknown) => void results.push(x) };
        const r = d.kind === 'flatMap' ? f(v, out) : f(v, ctx, out);
        if (isThenable(r)) return r.then((x) => (collectInto(results, x), results));
        collectInto(results, r);
        return results;
      };
    }
    default:
      throw new Error(`the TSFlink worker cannot run a stateless '${d.kind}' function`);
  }
}

/** One user function of the chain, with its lifecycle and name. */
interface Stage {
  name: string;
  target: Lifecycle;
  each: ElementFn;
}

const REVISE_OUTPUT = 100;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export class StatelessDataStreamOperation implements Operation {
  private readonly stages: Stage[] = [];
  /** REVISE_OUTPUT ends the chain: the output is Row(timestamp, result), without the watermark. */
  private readonly revise: boolean;
  private readonly decode: ReturnType<typeof rowDecoder>;
  private readonly encode: ReturnType<typeof rowEncoder>;

  constructor(private readonly ctx: OperationContext<flinkApi.UserDefinedDataStreamFunction>) {
    const functions = [ctx.udfs, ...ctx.chained];
    this.revise = functions.some((f) => f.function_type === REVISE_OUTPUT);
    for (const f of functions) {
      if (f.function_type === REVISE_OUTPUT) continue;
      const d = readDescriptor(f.payload);
      const exported = loadShipped(d.code);
      const target = (typeof exported === 'object' && exported !== null ? exported : {}) as Lifecycle;
      this.stages.push({ name: d.name, target, each: statelessElementFn(d, exported) });
    }
    this.decode = rowDecoder(ctx.inputType);
    this.encode = rowEncoder(ctx.outputType);
  }

  async open(): Promise<void> {
    for (const s of this.stages) {
      try {
        await s.target.open?.(this.ctx.functionContext);
      } catch (e) {
        throw new UdfError(s.name, e, 'open()');
      }
    }
  }

  /** The results of the stages from `i` on for one value. */
  private async run(i: number, value: unknown, ts: number | null, wm: number | null, out: unknown[]): Promise<void> {
    if (i === this.stages.length) {
      out.push(value);
      return;
    }
    const s = this.stages[i];
    let results: unknown[];
    try {
      const r = s.each(value, ts, wm);
      results = isThenable(r) ? await r : r;
    } catch (e) {
      throw new UdfError(s.name, e);
    }
    for (const r of results) await this.run(i + 1, r, ts, wm, out);
  }

  async process(input: ByteReader, out: ByteWriter): Promise<void> {
    const rows: unknown[][] = [];
    forEachElement(input, this.decode, (row) => rows.push(row.values));
    const results: unknown[] = [];
    for (const [ts, wm, raw] of rows) {
      results.length = 0;
      // the row coder reads BIGINT as bigint; DataStream LONG records are numbers where exact
      const value = typeof raw === 'bigint' && raw >= MIN_SAFE && raw <= MAX_SAFE ? Number(raw) : raw;
      await this.run(0, value, num(ts), num(wm), results);
      for (const result of results) {
        const start = out.beginPrefixed();
        try {
          this.encode(out, this.revise ? [ts, result] : [ts, wm, result]);
        } catch (e) {
          throw new UdfError(this.stages[this.stages.length - 1]?.name ?? 'output', e, 'its result');
        }
        out.endPrefixed(start);
      }
    }
  }

  finishBundle(): void {}

  async close(): Promise<void> {
    for (const s of this.stages) await s.target.close?.();
  }
}

registerOperation(
  'flink:transform:ds:stateless_function:v1',
  (ctx) => new StatelessDataStreamOperation(ctx as unknown as OperationContext<flinkApi.UserDefinedDataStreamFunction>),
  'datastream',
);

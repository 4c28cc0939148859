/**
 * `flink:transform:async_scalar_function:v1`: like the scalar operation, but each row's UDF calls
 * may return Promises. Up to `max_concurrent_operations` rows are in flight; results are written in
 * input order (the Java operator pairs them with inputs by position). Honours the timeout and retry
 * settings of the function's AsyncOptions.
 */
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { resultError } from '../udf-loader';
import { forEachElement, registerOperation, type OperationContext } from './operation';
import { UdfOperation } from './udf-operation';

interface Options {
  maxConcurrent: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

export class AsyncScalarOperation extends UdfOperation {
  private readonly options: Options;
  /** Rows in flight, in input order. */
  private queue: Slot[] = [];
  private failure: unknown;
  private out?: ByteWriter;
  /** Resolved when the queue has room again / becomes empty. */
  private wake?: () => void;

  constructor(ctx: OperationContext) {
    super(ctx);
    const o = ctx.udfs.async_options;
    this.options = {
      maxConcurrent: Math.max(1, o?.max_concurrent_operations || 100),
      timeoutMs: Number(o?.timeout_ms ?? 0),
      retries: o?.retry_enabled ? Math.max(0, o.retry_max_attempts ?? 0) : 0,
      retryDelayMs: Number(o?.retry_delay_ms ?? 0),
    };
  }

  private async evaluate(values: readonly unknown[]): Promise<unknown[]> {
    const { timeoutMs, retries, retryDelayMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        const all = Promise.all(this.evaluators.map((e) => e(values)));
        return timeoutMs > 0 ? await withTimeout(all, timeoutMs, this.names) : await all;
      } catch (e) {
        if (attempt >= retries) throw e;
        if (retryDelayMs > 0) await new Promise((r) => setTimeout(r, retryDelayMs));
      }
    }
  }

  async process(input: ByteReader, out: ByteWriter): Promise<void> {
    this.out = out;
    const rows: (readonly unknown[])[] = [];
    forEachElement(input, this.decode, (row) => rows.push(row.values));
    for (const values of rows) {
      while (this.queue.length >= this.options.maxConcurrent && !this.failure) await this.waitForProgress();
      if (this.failure) break;
      const slot: Slot = { done: false };
      this.queue.push(slot);
      this.evaluate(values).then(
        (v) => {
          slot.done = true;
          slot.values = v;
          this.drainSettled();
        },
        (e: unknown) => {
          this.failure ??= e;
          this.wake?.();
        },
      );
    }
    if (this.failure) throw this.failure;
  }

  private waitForProgress(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** Writes the completed rows at the head of the queue (synchronously, so order is kept). */
  private drainSettled(): void {
    const out = this.out!;
    let wrote = false;
    while (this.queue.length && this.queue[0].done) {
      const slot = this.queue.shift()!;
      const start = out.beginPrefixed();
      try {
        this.encode(out, slot.values!);
      } catch (e) {
        this.failure ??= resultError(e, this.names);
        break;
      }
      out.endPrefixed(start);
      wrote = true;
    }
    if (wrote) this.ctx.outputReady();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  override async finishBundle(out: ByteWriter): Promise<void> {
    this.out = out;
    while (this.queue.length && !this.failure) await this.waitForProgress();
    if (this.failure) {
      const f = this.failure;
      this.failure = undefined;
      this.queue = [];
      throw f;
    }
  }

}

interface Slot {
  done: boolean;
  values?: unknown[];
}

function withTimeout<T>(p: Promise<T>, ms: number, names: readonly string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const udfs = names.map((n) => `'${n}'`).join(', ');
    const t = setTimeout(() => reject(new Error(`TypeScript UDF ${udfs} gave no result within ${ms} ms (table.exec.async-scalar.timeout)`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}

registerOperation('flink:transform:async_scalar_function:v1', (ctx) => new AsyncScalarOperation(ctx));

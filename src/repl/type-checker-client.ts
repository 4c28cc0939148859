/** The session side of the type-checker worker (type-checker-worker.ts): async calls by message. */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PositionMap } from './cell-positions';
import type { TypeCheckerOptions } from './type-checker';
import type { CompletionResult, Diagnostic, InspectResult } from './types';

export type CheckerRequest =
  | { id: number; op: 'warmUp' }
  | { id: number; op: 'prepare'; code: string }
  | { id: number; op: 'commit'; code: string }
  | { id: number; op: 'complete'; code: string; cursor: number }
  | { id: number; op: 'inspect'; code: string; cursor: number };

export type CheckerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A checked cell: its diagnostics and, when it has no errors, the JavaScript to run. */
export interface PreparedCell {
  diagnostics: Diagnostic[];
  js?: string;
  sourceMap?: string;
  positions?: PositionMap;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class TypeCheckerClient {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private failure?: Error;

  constructor(options: TypeCheckerOptions, root: string) {
    const fromSource = __filename.endsWith('.ts');
    const entry = path.join(__dirname, fromSource ? 'type-checker-worker.ts' : 'type-checker-worker.js');
    // Running from the TypeScript sources (tests), the worker compiles them with tsx like the caller.
    this.worker = fromSource
      ? new Worker(
          `require(${JSON.stringify(path.join(root, 'node_modules/tsx/dist/cjs/api/index.cjs'))}).register(); require(${JSON.stringify(entry)});`,
          { eval: true, workerData: options },
        )
      : new Worker(entry, { workerData: options });
    this.worker.unref();
    this.worker.on('message', (res: CheckerResponse) => {
      const w = this.waiting.get(res.id);
      if (!w) return;
      this.waiting.delete(res.id);
      if (res.ok) w.resolve(res.value);
      else w.reject(new Error(`type checker: ${res.error}`));
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the type checker worker exited (code ${code})`)));
  }

  private call<T>(req: DistributiveOmit<CheckerRequest, 'id'>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  warmUp(): Promise<void> {
    return this.call({ op: 'warmUp' });
  }

  prepare(code: string): Promise<PreparedCell> {
    return this.call({ op: 'prepare', code });
  }

  commit(code: string): Promise<void> {
    return this.call({ op: 'commit', code });
  }

  complete(code: string, cursor: number): Promise<CompletionResult> {
    return this.call({ op: 'complete', code, cursor });
  }

  inspect(code: string, cursor: number): Promise<InspectResult> {
    return this.call({ op: 'inspect', code, cursor });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the type checker is closed');
    await this.worker.terminate();
  }
}

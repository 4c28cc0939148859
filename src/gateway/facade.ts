import { callAsync, callSync, jvmStarted } from './jvm';
import { toJavaJson } from './java-json';

/**
 * Typed access to the Java facade in src/jvm (package dev.tsflink.gateway). Java objects stay on the
 * Java side in a handle table; Node holds integer handles and passes JSON, so every call is one
 * cheap bridge crossing.
 */

const PKG = 'dev.tsflink.gateway.';

export type Handle = number;

/** A call argument: JSON primitives, or expression / object nodes understood by Exprs.java. */
export type ArgNode = string | number | boolean | null | { k: string; [key: string]: unknown };

export interface InvokeResult {
  h?: Handle;
  cls?: string;
  v?: string | number | boolean | null | string[] | Record<string, string>;
  /** a byte[] result, base64 */
  bytes?: string;
}

const releaser = new FinalizationRegistry<Handle>((h) => {
  try {
    callSync(PKG + 'Gateway', 'release', h);
  } catch {
    // the JVM may be gone at exit
  }
});

/** Releases the Java object when `owner` is garbage-collected. */
export function track(owner: object, h: Handle): void {
  releaser.register(owner, h);
}

export const Gateway = {
  invoke(h: Handle, method: string, args: ArgNode[] = []): InvokeResult {
    return JSON.parse(callSync<string>(PKG + 'Gateway', 'invoke', h, method, toJavaJson(args)));
  },
  async invokeAsync(h: Handle, method: string, args: ArgNode[] = []): Promise<InvokeResult> {
    return JSON.parse(await callAsync<string>(PKG + 'Gateway', 'invoke', h, method, toJavaJson(args)));
  },
  invokeStatic(cls: string, method: string, args: ArgNode[] = []): InvokeResult {
    return JSON.parse(callSync<string>(PKG + 'Gateway', 'invokeStatic', cls, method, toJavaJson(args)));
  },
  build(node: ArgNode): Handle {
    return callSync<number>(PKG + 'Gateway', 'build', toJavaJson(node));
  },
  /**
   * Java's toString of an argument node (expression, schema, descriptor), or fallback() while no
   * JVM runs: printing a value must not start one.
   */
  describe(node: ArgNode, fallback: () => string): string {
    return jvmStarted() ? callSync<string>(PKG + 'Gateway', 'describe', toJavaJson(node)) : fallback();
  },
  summary(h: Handle): string {
    return callSync<string>(PKG + 'Gateway', 'summary', h);
  },
  release(h: Handle): void {
    callSync(PKG + 'Gateway', 'release', h);
  },
};

/** Returns the handle of an invoke result, or throws if the call returned a plain value. */
export function handleOf(r: InvokeResult, what: string): Handle {
  if (r.h === undefined) throw new Error(`expected ${what} from the JVM, got ${JSON.stringify(r.v)}`);
  return r.h;
}

export const Envs = {
  create(mode: 'streaming' | 'batch', config: Record<string, string>): Handle {
    return callSync<number>(PKG + 'Envs', 'create', mode, toJavaJson(config));
  },
  configSet(env: Handle, key: string, value: string): void {
    callSync(PKG + 'Envs', 'configSet', env, key, value);
  },
  configRemove(env: Handle, key: string): void {
    callSync(PKG + 'Envs', 'configRemove', env, key);
  },
  configGet(env: Handle, key: string): string | null {
    return callSync<string | null>(PKG + 'Envs', 'configGet', env, key);
  },
  configToJson(env: Handle): Record<string, string> {
    return JSON.parse(callSync<string>(PKG + 'Envs', 'configToJson', env));
  },
  fromValues(env: Handle, rowTypeSql: string, rows: unknown[]): Handle {
    return callSync<number>(PKG + 'Envs', 'fromValues', env, toJavaJson(rowTypeSql), toJavaJson(rows));
  },
  schema(table: Handle): string {
    return callSync<string>(PKG + 'Envs', 'schema', table);
  },
  async listJobs(): Promise<string> {
    return callAsync<string>(PKG + 'Envs', 'listJobs');
  },
};

export const Results = {
  info(result: Handle): string {
    return callSync<string>(PKG + 'Results', 'info', result);
  },
  openFetcher(result: Handle, capacity: number): Handle {
    return callSync<number>(PKG + 'Results', 'openFetcher', result, capacity);
  },
  fetch(fetcher: Handle, maxRows: number, timeoutMs: number): Promise<string> {
    return callAsync<string>(PKG + 'Results', 'fetch', fetcher, maxRows, timeoutMs);
  },
  fetchNow(fetcher: Handle, maxRows: number): string {
    return callSync<string>(PKG + 'Results', 'fetch', fetcher, maxRows, 0);
  },
  closeFetcher(fetcher: Handle): Promise<void> {
    return callAsync<void>(PKG + 'Results', 'closeFetcher', fetcher);
  },
  await(result: Handle, timeoutMs: number): Promise<void> {
    return callAsync<void>(PKG + 'Results', 'await', result, timeoutMs);
  },
  jobStatus(result: Handle): Promise<string | null> {
    return callAsync<string | null>(PKG + 'Results', 'jobStatus', result);
  },
  cancel(result: Handle): Promise<void> {
    return callAsync<void>(PKG + 'Results', 'cancel', result);
  },
  stopWithSavepoint(result: Handle, advanceToEndOfEventTime: boolean, directory: string | null, formatType: string): Promise<string> {
    return callAsync<string>(PKG + 'Results', 'stopWithSavepoint', result, advanceToEndOfEventTime, directory, formatType);
  },
  triggerSavepoint(result: Handle, directory: string | null, formatType: string): Promise<string> {
    return callAsync<string>(PKG + 'Results', 'triggerSavepoint', result, directory, formatType);
  },
};

export const LocalClusterFacade = {
  start(config: Record<string, string>): Promise<string> {
    return callAsync<string>(PKG + 'LocalCluster', 'start', toJavaJson(config));
  },
  stop(): Promise<void> {
    return callAsync<void>(PKG + 'LocalCluster', 'stop');
  },
  isRunning(): boolean {
    return callSync<boolean>(PKG + 'LocalCluster', 'isRunning');
  },
  /** Resolves once none of the job's tasks is starting (see JobCancellation.java); at once elsewhere. */
  awaitTasksStarted(jobId: string): Promise<void> {
    return callAsync<void>(PKG + 'JobCancellation', 'awaitTasksStarted', jobId);
  },
};

export const TypesFacade = {
  describeSql(sql: string): string {
    return callSync<string>(PKG + 'Types', 'describeSql', toJavaJson(sql));
  },
};

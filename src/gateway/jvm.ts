import * as java from 'java-bridge';
import { fromJavaError } from './errors';
import { flinkClasspath } from './paths';

/**
 * The in-process JVM, started once per Node process by java-bridge. `-Xrs` keeps SIGINT/SIGTERM
 * with Node (so Ctrl-C and Jupyter interrupts reach our handlers instead of killing the process).
 */

export interface JvmOptions {
  /** Extra JVM flags, e.g. -Xmx2g. */
  jvmOptions?: string[];
  /** Extra jars or directories for the classpath. */
  classpath?: string[];
}

let started = false;

export function ensureJvm(options: JvmOptions = {}): void {
  if (started) return;
  const opts = ['-Xrs', '-XX:+UseParallelGC', ...(options.jvmOptions ?? [])];
  if (!opts.some((o) => o.startsWith('-Xmx'))) opts.push('-Xmx2g');
  // The startup classpath (not appendClasspath's class loader) so that Flink's ServiceLoader-based
  // factory discovery, the planner loader and user-code class loading all see the jars.
  java.ensureJvm({ opts, classpath: [...flinkClasspath(), ...(options.classpath ?? [])] });
  started = true;
}

export function jvmStarted(): boolean {
  return started;
}

/** A Java class as java-bridge exposes it: `fooSync(...)` blocks, `foo(...)` returns a Promise. */
export type JavaStatics = Record<string, (...args: unknown[]) => unknown>;

const classes = new Map<string, JavaStatics>();

export function javaClass(name: string): JavaStatics {
  let cls = classes.get(name);
  if (!cls) {
    ensureJvm();
    cls = java.importClass(name) as unknown as JavaStatics;
    classes.set(name, cls);
  }
  return cls;
}

/** Calls a static Java method synchronously; use only for calls that cannot block or call back. */
export function callSync<T>(className: string, method: string, ...args: unknown[]): T {
  try {
    return javaClass(className)[method + 'Sync'](...args) as T;
  } catch (err) {
    throw fromJavaError(err);
  }
}

/** Calls a static Java method on java-bridge's thread pool, keeping the event loop free. */
export async function callAsync<T>(className: string, method: string, ...args: unknown[]): Promise<T> {
  try {
    return (await javaClass(className)[method](...args)) as T;
  } catch (err) {
    throw fromJavaError(err);
  }
}

import * as java from 'java-bridge';
import { fromJavaError } from './errors';
import { cdsJvmOptions } from './cds';
import { GC_OVERHEAD_OPTIONS, JVM_TUNING_OPTIONS } from './jvm-tuning';
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
  const base = flinkClasspath();
  const [collector, heap] = JVM_TUNING_OPTIONS;
  const opts = ['-Xrs', collector, ...GC_OVERHEAD_OPTIONS, ...cdsJvmOptions(base), ...(options.jvmOptions ?? []), ...envJvmOptions()];
  if (!opts.some((o) => o.startsWith('-Xmx'))) opts.push(heap);
  // install.sh's CDS training run (src/gateway/cds.ts) records the classes a session start loads.
  const training = process.env.TSFLINK_CDS_TRAINING;
  if (training) opts.push(`-XX:DumpLoadedClassList=${training}`);
  // The startup classpath (not appendClasspath's class loader) so that Flink's ServiceLoader-based
  // factory discovery and user-code class loading see the jars. Extra entries go last: the CDS
  // archive stays valid as long as the classpath starts with the one it was dumped for.
  java.ensureJvm({ opts, classpath: [...base, ...(options.classpath ?? [])] });
  started = true;
  keepNodeChildHandler();
}

/**
 * The JDK resets SIGCHLD the first time the JVM starts a process (flink-python's UDF workers),
 * which in this shared process silences libuv: Node would never see a child exit again
 * (`execSync` hangs). Running that one-time initialisation now and restoring Node's handler
 * keeps child processes working for the whole session (`ChildSignals.java` has the details).
 */
function keepNodeChildHandler(): void {
  try {
    (java.importClass('dev.tsflink.gateway.ChildSignals') as unknown as JavaStatics).initProcessSupportSync();
  } catch (err) {
    process.emitWarning(`TSFlink could not protect Node's SIGCHLD handler: ${(fromJavaError(err) as Error).message}`);
  }
}

/** TSFLINK_JVM_OPTS: extra JVM flags from the environment (like Flink's FLINK_ENV_JAVA_OPTS); they go last and win. */
function envJvmOptions(): string[] {
  return (process.env.TSFLINK_JVM_OPTS ?? '').split(/\s+/).filter(Boolean);
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

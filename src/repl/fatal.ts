/**
 * Fatal JVM conditions in an interactive session (issue 18, item 1): an OutOfMemoryError, a JVM
 * that stopped answering, an error nobody awaited. They must reach the user in the cell that caused
 * them, with what to do, and the session must say whether it can go on.
 */
import { javaClass } from '../gateway/jvm';

/** The kinds of OutOfMemoryError the JVM reports, and what each one means for the user. */
const OOM = /OutOfMemoryError(?::\s*([^\n]*))?/;

export interface FatalCondition {
  /** One line: what happened. */
  summary: string;
  /** Lines telling the user what to do. */
  advice: string[];
}

/** The session JVM's heap limit as the user would write it (`-Xmx2g`), from the JVM itself. */
export function heapLimit(maxMemoryBytes: number | undefined): string {
  if (!maxMemoryBytes || !Number.isFinite(maxMemoryBytes)) return 'its -Xmx limit';
  const mb = maxMemoryBytes / 2 ** 20;
  return mb >= 1024 ? `about ${(mb / 1024).toFixed(1)} GB` : `about ${Math.round(mb)} MB`;
}

/** Recognises an out-of-memory condition in an error's text (a Java cause chain or a message). */
export function fatalConditionIn(text: string, maxMemoryBytes?: number): FatalCondition | undefined {
  const m = OOM.exec(text);
  if (!m) return undefined;
  const kind = (m[1] ?? '').trim().split('\n')[0];
  const what = kind ? `OutOfMemoryError: ${kind}` : 'OutOfMemoryError';
  const advice =
    /metaspace/i.test(kind)
      ? ['Give it more metaspace: -XX:MaxMetaspaceSize=1g in TSFLINK_JVM_OPTS.']
      : /direct buffer/i.test(kind)
        ? ['Give it more direct memory: -XX:MaxDirectMemorySize=2g in TSFLINK_JVM_OPTS.']
        : [`Its heap is ${heapLimit(maxMemoryBytes)}. A job whose state grows without bound (a streaming aggregate over an`, 'endless source, a datagen sequence) fills any heap: bound the source or the state (window, TTL), or give the', 'JVM more heap: set TSFLINK_JVM_OPTS=-Xmx4g in the environment of the kernel (the kernelspec\'s "env", or before', 'starting Jupyter) or of tsflink-shell, then restart it; in a job script, Session.start({ jvmOptions: [\'-Xmx4g\'] }).'];
  return { summary: `The session's JVM ran out of memory (${what}).`, advice };
}

export type SessionHealth = { ok: true } | { ok: false; reason: string };

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Whether the session can go on: the JVM answers a call on java-bridge's thread pool and the
 * cluster's REST endpoint answers, each within `ms`.
 */
export async function checkSessionHealth(restAddress: string, ms = 5000): Promise<SessionHealth> {
  try {
    const system = javaClass('java.lang.System');
    await within(Promise.resolve(system.currentTimeMillis()), ms, 'the JVM');
    const res = await within(fetch(`${restAddress}/overview`), ms, "the Flink cluster's REST endpoint");
    if (!res.ok) return { ok: false, reason: `the Flink cluster answered HTTP ${res.status}` };
    await res.arrayBuffer();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** What a cell's output says when the session survived a fatal condition. */
export const SURVIVED = 'The session survived (the failed job released its memory): the next cell can run.';
/** What to do when TSFlink cannot restart the session itself. */
export const RESTART_ADVICE = 'Restart it: Kernel → Restart Kernel in Jupyter, or .exit and start tsflink-shell again.';

/** The lines a fatal condition (if any) adds to a cell's error, then what became of the session. */
export function fatalReport(condition: FatalCondition | undefined, after: string[]): string[] {
  return ['', ...(condition ? [`⚠ ${condition.summary}`, ...condition.advice] : []), ...after];
}

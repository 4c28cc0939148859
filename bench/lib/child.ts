/**
 * One benchmark variant in a process (and JVM) of its own: the child prints its outcome as one JSON
 * line after a marker; anything else it prints to stdout is ignored, its stderr goes to ours.
 */
import { spawnSync } from 'node:child_process';

export function outcomeLine(marker: string, outcome: unknown): string {
  return marker + JSON.stringify(outcome);
}

/** Runs `script childArgs...` under this process's Node flags; a child without an outcome is `unavailable`. */
export function runVariantChild<T>(script: string, childArgs: string[], marker: string, label: string): T | { unavailable: string } {
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...childArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith(marker));
  if (!line) return { unavailable: `${label} failed (exit ${r.status}): ${r.stdout.trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` };
  return JSON.parse(line.slice(marker.length)) as T;
}

/** The child's side: runs the variant, prints its outcome line (or why it failed) and exits. */
export async function reportVariant<T>(marker: string, run: () => Promise<T>): Promise<never> {
  let outcome: T | { unavailable: string };
  try {
    outcome = await run();
  } catch (e) {
    outcome = { unavailable: (e as Error).message.split('\n')[0].slice(0, 160) };
  }
  console.log(outcomeLine(marker, outcome));
  process.exit(0);
}

/** Shared test helpers: one TSFlink session per test file (each file runs in its own process). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { startStandaloneCluster, type StandaloneCluster } from '../src/cluster/standalone';
import { freePort } from './services/common';
import { EnvironmentSettings, FlinkError, TableEnvironment, type ResultRow, type Table, type TableResult } from '../src/index';

process.env.TSFLINK_QUIET ??= '1';

export async function streamingEnv(): Promise<TableEnvironment> {
  return TableEnvironment.create(EnvironmentSettings.inStreamingMode());
}

export async function batchEnv(): Promise<TableEnvironment> {
  return TableEnvironment.create(EnvironmentSettings.inBatchMode());
}

/** Executes a table and returns its rows as plain objects. */
export async function rowsOf<R>(table: Table<R> | Promise<TableResult<R>>): Promise<ResultRow<R>[]> {
  const result = 'then' in table ? await table : await (table as Table<R>).execute();
  return result.toArray();
}

/** Rows with their kinds, for changelog assertions: ['+I', {…}] pairs. */
export async function changelogOf(result: TableResult): Promise<[string, Record<string, unknown>][]> {
  const out: [string, Record<string, unknown>][] = [];
  for await (const r of result.collect()) out.push([r.getKind(), { ...r }]);
  return out;
}

export function tempDir(prefix = 'tsflink-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Sorts rows by their JSON form (bigint-safe) for order-insensitive comparisons. */
export function sorted<T>(rows: T[]): T[] {
  const key = (r: T) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Polls `probe` until it returns a value. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drains a result until its job fails, and returns the FlinkError. */
export async function failureOf(result: Promise<TableResult> | TableResult): Promise<FlinkError> {
  try {
    const r = await result;
    for await (const _ of r.collect()) {
      // drain until the job fails
    }
  } catch (e) {
    expect(e).toBeInstanceOf(FlinkError);
    return e as FlinkError;
  }
  throw new Error('the job did not fail');
}

/**
 * A standalone cluster for failover tests: a JobManager and two TaskManagers of one slot each
 * (separate JVMs), noticing a lost TaskManager in seconds instead of Flink's default 50.
 */
export async function startFailoverCluster(dir: string, taskManagers = 2): Promise<StandaloneCluster> {
  return startStandaloneCluster({
    dir,
    // the OS's pick: ports made from the pid met other test files' listeners in CI
    restPort: await freePort(),
    taskManagers,
    slotsPerTaskManager: 1,
    taskManagerMemory: '1200m',
    config: { 'heartbeat.interval': '1000', 'heartbeat.timeout': '4000' },
    // flink-python's slow WARN back on: it widens the race DefaultJobBundleFactory.java makes
    // harmless, so that test/datastream-faults.test.ts sees it in most runs when the fix is missing
    logLevels: { 'org.apache.beam.runners.fnexecution.control.DefaultJobBundleFactory': 'WARN' },
  });
}

/** The cluster's TaskManager process that `pid` (e.g. a UDF worker) descends from. */
export function taskManagerOf(pid: number, cluster: StandaloneCluster): number {
  let p = pid;
  while (p > 1 && !cluster.pids.includes(p)) {
    const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return p;
}

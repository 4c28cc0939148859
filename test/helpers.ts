/** Shared test helpers: one TSFlink session per test file (each file runs in its own process). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentSettings, TableEnvironment, type ResultRow, type Table, type TableResult } from '../src/index';

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

/**
 * `await table.toArrow()`: the JVM collects the query's rows and writes them with flink-python's
 * Arrow writers into an Arrow IPC stream file, which Node reads in one go. Like PyFlink's to_pandas,
 * an updating (changelog) result is materialized: the table holds the final rows once the job ends.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import './jvm-options';
import { Gateway, type ArgNode, type Handle } from '../../gateway/facade';
import { toJavaJson } from '../../gateway/java-json';
import { callAsync, callSync } from '../../gateway/jvm';
import type { ResolvedColumn } from '../table-result';
import { FLINK_TYPE_METADATA, unsupportedPart } from './types';

const EXPORT = 'dev.tsflink.arrow.ArrowExport';

export interface ToArrowOptions {
  /** Rows per Arrow record batch (default 10000). */
  batchSize?: number;
  /** Stops collecting (and cancels the job) when aborted; toArrow() then rejects. */
  signal?: AbortSignal;
}

/** How the export gets its rows: run a Table, or read an executed TableResult. */
export type ArrowSource = { table: Handle } | { result: Handle; insertOnly: boolean };

function checkColumns(columns: readonly ResolvedColumn[]): void {
  for (const c of columns) {
    const bad = unsupportedPart(c.type, c.name);
    if (bad) throw new TypeError(`toArrow: Flink has no Arrow type for column ${bad}`);
  }
}

/** Records each column's exact Flink type in field metadata and marks TIMESTAMP_LTZ columns as UTC instants. */
function annotate(table: arrow.Table, columns: readonly ResolvedColumn[]): arrow.Table {
  const fields = table.schema.fields.map((f, i) => {
    const t = columns[i].type;
    const type = t.root === 'TIMESTAMP_WITH_LOCAL_TIME_ZONE' ? new arrow.Timestamp((f.type as arrow.Timestamp).unit, 'UTC') : f.type;
    return new arrow.Field(f.name, type, f.nullable, new Map([[FLINK_TYPE_METADATA, t.sql]]));
  });
  const schema = new arrow.Schema(fields, table.schema.metadata);
  const struct = new arrow.Struct(fields);
  const batches = table.batches.map((b) => {
    const children = b.data.children.map((d, i) => (d.type === fields[i].type ? d : d.clone(fields[i].type)));
    return new arrow.RecordBatch(schema, arrow.makeData({ type: struct, length: b.numRows, nullCount: 0, children }));
  });
  return new arrow.Table(schema, batches);
}

export async function exportToArrow(source: ArrowSource, columns: readonly ResolvedColumn[], options: ToArrowOptions = {}): Promise<arrow.Table> {
  checkColumns(columns);
  options.signal?.throwIfAborted();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-arrow-'));
  const file = path.join(dir, 'result.arrow');
  const exporter = callSync<number>(EXPORT, 'create', toJavaJson(file), options.batchSize ?? 10_000);
  const onAbort = (): void => void callAsync(EXPORT, 'cancel', exporter).catch(() => undefined);
  try {
    if ('table' in source) {
      await Gateway.invokeAsync(exporter, 'start', [{ k: 'handle', id: source.table }]);
    } else {
      const args: ArgNode[] = [{ k: 'handle', id: source.result }, source.insertOnly];
      await Gateway.invokeAsync(exporter, 'attach', args);
    }
    options.signal?.addEventListener('abort', onAbort);
    await callAsync<string>(EXPORT, 'write', exporter);
    options.signal?.throwIfAborted();
    return annotate(arrow.tableFromIPC(fs.readFileSync(file)), columns);
  } catch (e) {
    options.signal?.throwIfAborted();
    throw e;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    Gateway.release(exporter);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

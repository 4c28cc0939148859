/**
 * The result of executing a statement or a table, mirroring org.apache.flink.table.api.TableResult:
 * `collect()` streams typed rows (with their RowKind) as an AsyncIterable, `print()` renders them
 * like Flink does, `await()` waits for the job, `cancel()` stops it.
 */
import { Results, track, type Handle } from '../gateway/facade';
import { JobClient, TABLE_RESULT_JOBS } from './job-client';
import type { Row } from './data-types';
import { formatValue, renderText, rowsFooter } from './render';
import { decodeValue, type LogicalTypeTree } from './values';

export type RowKind = '+I' | '-U' | '+U' | '-D';

/** A collected row: the fields as properties, plus Flink's RowKind through getKind(). */
export type ResultRow<R = Row> = R & { getKind(): RowKind };

export interface ResolvedColumn {
  name: string;
  type: LogicalTypeTree;
  physical: boolean;
}

export interface ResolvedSchema {
  columns: ResolvedColumn[];
  watermarks: { rowtimeAttribute: string; expression: string }[];
  primaryKey?: string[];
  /** Flink's own rendering of the schema. */
  summary: string;
}

export type ResultKind = 'SUCCESS' | 'SUCCESS_WITH_CONTENT';

export interface CollectOptions {
  /** Rows fetched per bridge crossing (default 2000). */
  batchSize?: number;
  /** Stop collecting (and cancel a still-running job) when this signal aborts. */
  signal?: AbortSignal;
}

interface Info {
  resultKind: ResultKind;
  jobId: string | null;
  schema: ResolvedSchema;
}

function kindGetter(kind: RowKind): () => RowKind {
  return () => kind;
}

/** As Flink's Row prints: `+I[1, x]`. */
function rowText(this: ResultRow<Record<string, unknown>>): string {
  return `${this.getKind()}[${Object.values(this).map((v) => formatValue(v)).join(', ')}]`;
}

/** Decodes one wire row [kind, ...fields] into a row object. */
export function decodeRow<R>(wire: unknown[], columns: ResolvedColumn[]): ResultRow<R> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    out[columns[i].name] = decodeValue(wire[i + 1] as never, columns[i].type);
  }
  Object.defineProperty(out, 'getKind', { value: kindGetter(wire[0] as RowKind), enumerable: false });
  Object.defineProperty(out, 'toString', { value: rowText, enumerable: false });
  return out as ResultRow<R>;
}

export class TableResult<R = Row> {
  private info?: Info;
  private collecting = false;

  /**
   * @param streaming whether the result comes from a streaming-mode environment, whose print()
   *   shows the changelog `op` column as Flink does
   */
  constructor(
    readonly handle: Handle,
    readonly streaming = false,
  ) {
    track(this, handle);
  }

  private describe(): Info {
    return (this.info ??= JSON.parse(Results.info(this.handle)) as Info);
  }

  getResultKind(): ResultKind {
    return this.describe().resultKind;
  }

  /** PyFlink's get_table_schema: the resolved schema. */
  getTableSchema(): ResolvedSchema {
    return this.getResolvedSchema();
  }

  getResolvedSchema(): ResolvedSchema {
    return this.describe().schema;
  }

  /** The id of the job this statement submitted, if it submitted one. */
  get jobId(): string | undefined {
    return this.describe().jobId ?? undefined;
  }

  /** The client of the job this statement submitted (none for DDL and other statements without a job). */
  getJobClient(): JobClient | undefined {
    const id = this.jobId;
    return id === undefined ? undefined : new JobClient(this.handle, id, TABLE_RESULT_JOBS, this);
  }

  /** Waits until the job finishes (or the timeout passes); rejects with the job's failure. */
  async await(timeoutMs = 0): Promise<void> {
    if (this.jobId === undefined) return;
    await Results.await(this.handle, timeoutMs);
  }

  /** The job's status (RUNNING, FINISHED, CANCELED, FAILED, ...), if there is a job. */
  async getJobStatus(): Promise<string | undefined> {
    return (await Results.jobStatus(this.handle)) ?? undefined;
  }

  /** Cancels the job this result belongs to. */
  async cancel(): Promise<void> {
    await Results.cancel(this.handle);
  }

  /**
   * The result rows as they arrive. Breaking out of the loop (or aborting the signal) closes the
   * iterator, which cancels a still-running streaming job, as Flink's CloseableIterator#close does.
   */
  collect(options: CollectOptions = {}): AsyncIterable<ResultRow<R>> & { close(): Promise<void> } {
    if (this.collecting) throw new Error('a TableResult can be read once, with collect() or print(), as in Flink: run the query again for a second read');
    this.collecting = true;
    const columns = this.getResolvedSchema().columns;
    const batchSize = options.batchSize ?? 2000;
    let fetcher: Handle | undefined;
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      if (fetcher !== undefined) await Results.closeFetcher(fetcher);
    };
    const handle = this.handle;
    async function* rows(): AsyncGenerator<ResultRow<R>> {
      fetcher = Results.openFetcher(handle, batchSize * 2);
      const onAbort = () => void close();
      options.signal?.addEventListener('abort', onAbort);
      try {
        while (!closed) {
          if (options.signal?.aborted) break;
          const batch = JSON.parse(await Results.fetch(fetcher, batchSize, 200)) as { rows: unknown[][]; done: boolean };
          for (const wire of batch.rows) yield decodeRow<R>(wire, columns);
          if (batch.done) break;
        }
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        await close();
      }
    }
    const it = rows();
    return { [Symbol.asyncIterator]: () => it, close };
  }

  /** Collects all rows into an array (for bounded results). */
  async toArray(options: CollectOptions = {}): Promise<ResultRow<R>[]> {
    const out: ResultRow<R>[] = [];
    for await (const r of this.collect(options)) out.push(r);
    return out;
  }

  /** Prints the rows as an aligned table, like Flink's TableResult#print(), once the result ends. */
  async print(options: { maxRows?: number; signal?: AbortSignal; write?: (text: string) => void } = {}): Promise<void> {
    const write = options.write ?? ((text: string) => process.stdout.write(text + '\n'));
    const { columns } = this.getResolvedSchema();
    const rows: unknown[][] = [];
    const kinds: string[] = [];
    let changelog = false;
    let total = 0;
    for await (const r of this.collect({ signal: options.signal })) {
      total++;
      if (r.getKind() !== '+I') changelog = true;
      if (options.maxRows === undefined || rows.length < options.maxRows) {
        rows.push(columns.map((c) => (r as Record<string, unknown>)[c.name]));
        kinds.push(r.getKind());
      }
    }
    const streaming = changelog || this.streaming;
    write(renderText(columns, rows, { kinds: streaming ? kinds : undefined, footer: rowsFooter(total, streaming) }));
  }
}

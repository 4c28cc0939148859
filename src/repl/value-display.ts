/**
 * How a value looks as a cell result: Flink results and tables as aligned text + HTML tables (a
 * streaming result as a live display that updates while the job runs), Arrow tables likewise,
 * anything else through util.inspect.
 */
import * as util from 'node:util';
import { renderHtml, renderText, rowsFooter, type RenderColumn } from '../api/render';
import { Table } from '../api/table';
import { TableResult } from '../api/table-result';
import { LiveTable, type DisplayMode } from './live-table';
import { renderLive, tableData, type JobProgress } from './live-table-view';
import { TABLE_DATA_MIME, type MimeBundle, type OutputSink } from './types';
import { Chart, checkChartOptions, VEGA_LITE_MIME, vegaLiteSpec, type ChartOptions } from './chart';

export interface DisplayContext {
  sink: OutputSink;
  signal: AbortSignal;
  /** A fresh display id for a live table. */
  newDisplayId(): string;
  webUi: string;
  /** Rows kept for display (default 1000). */
  maxRows?: number;
  /** Milliseconds between live updates (default 500). */
  refreshMs?: number;
  /** How a streaming result is folded (default update). */
  mode?: DisplayMode;
  /** Also draw the rows as this chart (checked against the result's columns). */
  chart?: Partial<ChartOptions> & Record<string, unknown>;
}

/**
 * A bundle shown as the chart of its rows: the Vega-Lite spec, and the table as text for consoles
 * (the kernel adds an SVG picture for front-ends without Vega-Lite). The HTML table is left out:
 * JupyterLab ranks text/html (50) above Vega-Lite (57), so with it the chart would never be drawn
 * (seen in the browser test).
 */
export function withChart(bundle: MimeBundle, options: ChartOptions | undefined, columns: RenderColumn[], rows: unknown[][]): MimeBundle {
  if (!options) return bundle;
  const { 'text/html': _html, ...rest } = bundle;
  // the table's last line is its status ('RUNNING · 3 rows · 4.2 s · job …'): the chart's subtitle,
  // without the web UI's address (the HTML table that links it is not shown)
  const status = String(bundle['text/plain'] ?? '').split('\n').pop()?.replace(/ · https?:\/\/\S+/, '').trim();
  return { [VEGA_LITE_MIME]: vegaLiteSpec(options, columns, rows, status || undefined), ...rest };
}

/** A result's columns, as the renderers take them. */
export function columnsOf(result: TableResult): RenderColumn[] {
  return result.getResolvedSchema().columns.map((c) => ({ name: c.name, type: c.type }));
}

/** A table as aligned text and HTML. */
export function bundleOf(columns: RenderColumn[], rows: unknown[][], footer: string, kinds?: string[]): MimeBundle {
  return {
    'text/plain': renderText(columns, rows, { footer, kinds }),
    'text/html': renderHtml(columns, rows, { footer, kinds }),
    [TABLE_DATA_MIME]: tableData(columns, rows, kinds, { footer }),
  };
}

/**
 * Collects a TableResult for display. A statement without rows shows OK; a streaming query's rows
 * go to a live display (one display id) refreshed every refreshMs while the job runs, and then
 * nothing is returned; a result that ends before the first refresh is returned as a whole.
 */
async function showTableResult(result: TableResult, ctx: DisplayContext): Promise<MimeBundle | undefined> {
  if (result.getResultKind() === 'SUCCESS') return { 'text/plain': 'OK', 'text/html': '<pre>OK</pre>' };
  const columns = columnsOf(result);
  const chartOptions = ctx.chart ? checkChartOptions(ctx.chart, columns) : undefined;
  const maxRows = ctx.maxRows ?? 1000;
  const refreshMs = ctx.refreshMs ?? 500;
  const live = new LiveTable(ctx.mode ?? (result.streaming ? 'update' : 'append'), maxRows);
  const started = Date.now();
  const jobId = result.jobId;
  let displayId: string | undefined;
  const progress = (state: string): JobProgress => ({ state, jobId, webUi: ctx.webUi, elapsedMs: Date.now() - started });
  const refresh = (state: string) => {
    const bundle = withChart(renderLive(columns, live, progress(state)), chartOptions, columns, live.snapshot().rows);
    if (displayId === undefined) {
      displayId = ctx.newDisplayId();
      ctx.sink.display(bundle, displayId);
    } else {
      ctx.sink.updateDisplay(bundle, displayId);
    }
  };
  let lastRefresh = started;
  const timer = setInterval(() => {
    if (Date.now() - lastRefresh >= refreshMs) {
      lastRefresh = Date.now();
      refresh('RUNNING');
    }
  }, Math.min(refreshMs, 250));
  let failure: unknown;
  try {
    for await (const row of result.collect({ signal: ctx.signal })) {
      live.apply(row.getKind(), columns.map((c) => (row as Record<string, unknown>)[c.name]));
    }
  } catch (e) {
    failure = e;
  } finally {
    clearInterval(timer);
  }
  const state = failure ? 'FAILED' : ctx.signal.aborted ? 'CANCELED' : 'FINISHED';
  if (displayId !== undefined) refresh(state);
  if (failure) throw failure;
  if (displayId !== undefined) return undefined;
  const snap = live.snapshot();
  const shown = snap.truncated ? ` (showing ${snap.rows.length})` : '';
  const footer = ctx.signal.aborted ? `Cancelled after ${snap.total} rows` : rowsFooter(snap.total, false) + shown;
  return withChart(bundleOf(columns, snap.rows, footer, snap.kinds), chartOptions, columns, snap.rows);
}

interface ArrowLike {
  numRows: number;
  schema: { fields: { name: string }[] };
  get(i: number): Record<string, unknown> | null;
}

function isArrowTable(v: unknown): v is ArrowLike {
  const t = v as Partial<ArrowLike> | null;
  return (
    typeof t === 'object' && t !== null && typeof t.numRows === 'number' && Array.isArray(t.schema?.fields) && typeof t.get === 'function'
  );
}

function showArrow(t: ArrowLike, maxRows: number): MimeBundle {
  const columns = t.schema.fields.map((f) => ({ name: f.name }));
  const rows: unknown[][] = [];
  for (let i = 0; i < Math.min(t.numRows, maxRows); i++) {
    const r = t.get(i);
    rows.push(columns.map((c) => (r ? r[c.name] : null)));
  }
  const footer = `${t.numRows} row${t.numRows === 1 ? '' : 's'} (Arrow)${t.numRows > maxRows ? `, showing ${maxRows}` : ''}`;
  return bundleOf(columns, rows, footer);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * An array of row objects (`await t.toArray()`, or rows built in TypeScript) as a table like
 * Flink's results: the columns are the keys in order of first appearance; an `op` column appears
 * when collected rows carry changelog kinds other than +I.
 */
function showRows(rows: Record<string, unknown>[], maxRows: number): MimeBundle {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  const shown = rows.slice(0, maxRows);
  const kindOf = (r: Record<string, unknown>) => (typeof r.getKind === 'function' ? String((r.getKind as () => unknown)()) : '+I');
  const kinds = shown.map(kindOf);
  const changelog = kinds.some((k) => k !== '+I');
  const footer = rowsFooter(rows.length, changelog) + (rows.length > maxRows ? ` (showing ${maxRows})` : '');
  return bundleOf(
    names.map((name) => ({ name })),
    shown.map((r) => names.map((n) => r[n])),
    footer,
    changelog ? kinds : undefined,
  );
}

/** A chart: of a (live) result with its table, or of rows / an Arrow table already here. */
async function showChart(c: Chart, ctx: DisplayContext): Promise<MimeBundle | undefined> {
  const src = c.source instanceof Table ? await c.source.execute() : c.source;
  if (src instanceof TableResult) return showTableResult(src, { ...ctx, chart: c.options });
  let columns: RenderColumn[];
  let rows: unknown[][];
  let bundle: MimeBundle;
  if (isArrowTable(src)) {
    columns = src.schema.fields.map((f) => ({ name: f.name }));
    rows = [];
    for (let i = 0; i < src.numRows; i++) {
      const r = src.get(i);
      rows.push(columns.map((col) => (r ? r[col.name] : null)));
    }
    bundle = showArrow(src, ctx.maxRows ?? 1000);
  } else if (Array.isArray(src) && src.length > 0 && src.every(isPlainObject)) {
    bundle = showRows(src, ctx.maxRows ?? 1000);
    const names = [...new Set(src.flatMap((r) => Object.keys(r)))];
    columns = names.map((name) => ({ name }));
    rows = src.map((r) => names.map((n) => r[n]));
  } else {
    throw new TypeError('chart(source, …): source must be a Table, a TableResult, a non-empty array of row objects or an Arrow table');
  }
  return withChart(bundle, checkChartOptions(c.options, columns), columns, rows);
}

/** The MIME bundle for a cell's value; undefined shows nothing. */
export async function bundleFor(value: unknown, ctx: DisplayContext): Promise<MimeBundle | undefined> {
  if (value === undefined) return undefined;
  if (value instanceof Chart) return showChart(value, ctx);
  if (value instanceof Table) return showTableResult(await value.execute(), ctx);
  if (value instanceof TableResult) return showTableResult(value, ctx);
  if (isArrowTable(value)) return showArrow(value, ctx.maxRows ?? 1000);
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) return showRows(value, ctx.maxRows ?? 1000);
  if (typeof value === 'string') return { 'text/plain': util.inspect(value) };
  return { 'text/plain': util.inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 }) };
}

/**
 * Charts of results (issue 18, item 2), Zeppelin's bar/line/area/pie/scatter: a Vega-Lite v5 spec
 * with the rows inline, published as `application/vnd.vegalite.v5+json` (rendered natively by
 * JupyterLab and VS Code) next to the table as text/html and text/plain for other front-ends. A
 * streaming result's chart is redrawn in place with its live table.
 */
import type { RenderColumn } from '../api/render';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';
export const CHART_TYPES = ['bar', 'line', 'area', 'pie', 'scatter'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export interface ChartOptions {
  /** Zeppelin's chart kinds. */
  type: ChartType;
  /** The column on the x axis (the slices' labels for a pie). */
  x: string;
  /** The column on the y axis (the slices' sizes for a pie). */
  y: string;
  /** A column whose values colour (and group) the marks. */
  color?: string;
  title?: string;
}

/** Checks chart options against the result's columns; bad ones get an error naming the cause. */
export function checkChartOptions(options: Partial<ChartOptions> & Record<string, unknown>, columns: readonly { name: string }[], where = 'chart'): ChartOptions {
  const type = String(options.type ?? '').toLowerCase();
  if (!(CHART_TYPES as readonly string[]).includes(type)) throw new RangeError(`${where}: type=${String(options.type)}: expected one of ${CHART_TYPES.join(', ')}`);
  const names = columns.map((c) => c.name);
  for (const key of ['x', 'y', 'color'] as const) {
    const v = options[key];
    if (v === undefined && key === 'color') continue;
    if (typeof v !== 'string' || v === '') throw new RangeError(`${where}: ${key}= is required: the name of a column (${names.join(', ')})`);
    if (!names.includes(v)) throw new RangeError(`${where}: ${key}=${v} is not a column of the result (columns: ${names.join(', ')})`);
  }
  return { type: type as ChartType, x: options.x as string, y: options.y as string, color: options.color as string | undefined, title: options.title as string | undefined };
}

/** A value as Vega-Lite data: numbers stay numbers (bigints too), dates become ISO text. */
function chartValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return v;
}

type FieldType = 'quantitative' | 'temporal' | 'nominal' | 'ordinal';

function fieldType(values: unknown[], column?: RenderColumn): FieldType {
  const root = column?.type?.root ?? '';
  if (/TIMESTAMP|DATE|TIME/.test(root)) return 'temporal';
  if (/INT|DECIMAL|DOUBLE|FLOAT|NUMERIC/.test(root)) return 'quantitative';
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length && present.every((v) => typeof v === 'number' || typeof v === 'bigint')) return 'quantitative';
  if (present.length && present.every((v) => v instanceof Date)) return 'temporal';
  return 'nominal';
}

/**
 * The Vega-Lite spec of rows (one array of values per row, in the columns' order); `status` (the
 * result's status line, e.g. 'RUNNING · 3 rows · 4.2 s') is shown as the chart's subtitle.
 */
export function vegaLiteSpec(options: ChartOptions, columns: readonly RenderColumn[], rows: readonly unknown[][], status?: string): Record<string, unknown> {
  const index = (name: string) => columns.findIndex((c) => c.name === name);
  const values = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, chartValue(r[i])])));
  const typeOf = (name: string) => fieldType(rows.map((r) => r[index(name)]), columns[index(name)]);
  const xType = typeOf(options.x);
  const enc = (field: string, type: FieldType) => ({ field, type });
  let mark: Record<string, unknown>;
  let encoding: Record<string, unknown>;
  if (options.type === 'pie') {
    mark = { type: 'arc', tooltip: true };
    encoding = { theta: enc(options.y, 'quantitative'), color: enc(options.x, 'nominal') };
  } else {
    mark = { type: options.type === 'scatter' ? 'point' : options.type, tooltip: true };
    // bars stand on categories; lines and areas follow x in its own order
    const x = options.type === 'bar' && xType === 'quantitative' ? enc(options.x, 'ordinal') : enc(options.x, xType);
    encoding = { x, y: enc(options.y, 'quantitative') };
    if (options.color) encoding.color = enc(options.color, 'nominal');
  }
  // Vega-Lite's own default size, not width 'container': in JupyterLab's output area a container
  // width fed back into the chart's own size and grew without end (the browser test saw the page
  // reach 3 GB)
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    // (Vega draws no subtitle under an empty title: without a title of its own the status is the title)
    ...(status
      ? { title: options.title ? { text: options.title, subtitle: status, anchor: 'start' } : { text: status, anchor: 'start', fontSize: 11, fontWeight: 'normal', color: '#555' } }
      : options.title
        ? { title: options.title }
        : {}),
    data: { values },
    mark,
    encoding,
  };
}

/** What `chart(source, options)` returns: shown (as a cell result or with display) as the chart. */
export class Chart {
  constructor(
    readonly source: unknown,
    readonly options: Partial<ChartOptions> & Record<string, unknown>,
  ) {}
}

/** The `chart` binding. */
export function chart(source: unknown, options: Partial<ChartOptions>): Chart {
  if (options === null || typeof options !== 'object') throw new TypeError('chart(source, options): options must be an object like { type: "bar", x: "word", y: "n" }');
  return new Chart(source, options as Partial<ChartOptions> & Record<string, unknown>);
}

export const CHART_DECLARATION = `/** A chart of a result (Table, TableResult, rows or an Arrow table): Vega-Lite, updated in place while a streaming job runs. Show it with display() or as a cell's value. */
export declare function chart(source: unknown, options: { type: 'bar' | 'line' | 'area' | 'pie' | 'scatter'; x: string; y: string; color?: string; title?: string }): unknown;
`;

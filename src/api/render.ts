/**
 * Renders result sets: aligned text like Flink's TableResult.print() (tableau style), and HTML for
 * notebooks. Shared by TableResult.print(), the Jupyter kernel and tsflink-shell.
 */
import type { LogicalTypeTree } from './values';

export interface RenderColumn {
  name: string;
  type?: LogicalTypeTree;
}

export interface RenderOptions {
  /** Row kinds to show in a leading `op` column (streaming changelogs). */
  kinds?: string[];
  /** Text shown under the table, e.g. '3 rows in set'. */
  footer?: string;
}

/** Formats one value the way Flink's SQL client prints it. */
export function formatValue(v: unknown, type?: LogicalTypeTree): string {
  if (v === null || v === undefined) return '<NULL>';
  if (v instanceof Date) {
    const iso = v.toISOString();
    if (type?.root === 'DATE') return iso.slice(0, 10);
    const precision = type?.precision ?? 3;
    const date = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    return precision > 0 ? `${date}.${iso.slice(20, 23).padEnd(precision, '0').slice(0, precision)}` : date;
  }
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, type?.element)).join(', ')}]`;
  if (v instanceof Map) {
    const kt = type?.key ?? type?.element;
    const vt = type?.value;
    return `{${[...v.entries()].map(([k, x]) => `${formatValue(k, kt)}=${formatValue(x, vt)}`).join(', ')}}`;
  }
  if (typeof v === 'object') {
    const fields = type?.fields;
    const values = Object.values(v as object);
    return `(${values.map((x, i) => formatValue(x, fields?.[i]?.type)).join(', ')})`;
  }
  if (typeof v === 'number' && type && (type.root === 'DOUBLE' || type.root === 'FLOAT') && Number.isInteger(v)) {
    return v.toFixed(1);
  }
  return String(v);
}

export function cells(columns: RenderColumn[], rows: unknown[][], kinds?: string[]): { header: string[]; body: string[][] } {
  const header = (kinds ? ['op'] : []).concat(columns.map((c) => c.name));
  const body = rows.map((r, i) => (kinds ? [kinds[i] ?? '+I'] : []).concat(r.map((v, j) => formatValue(v, columns[j]?.type))));
  return { header, body };
}

/** An aligned text table: `+---+` borders, right-aligned cells, like Flink's tableau output. */
export function renderText(columns: RenderColumn[], rows: unknown[][], options: RenderOptions = {}): string {
  const { header, body } = cells(columns, rows, options.kinds);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const fmt = (r: string[]) => '|' + r.map((c, j) => ' ' + c.padStart(widths[j]) + ' ').join('|') + '|';
  const out = [line, fmt(header), line, ...body.map(fmt)];
  if (body.length) out.push(line);
  if (options.footer !== undefined) out.push(options.footer);
  return out.join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An HTML table for notebooks. */
export function renderHtml(columns: RenderColumn[], rows: unknown[][], options: RenderOptions = {}): string {
  const { header, body } = cells(columns, rows, options.kinds);
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = body.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const foot = options.footer ? `\n<p>${escapeHtml(options.footer)}</p>` : '';
  return `<table class="tsflink-table">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table>${foot}`;
}

/** Footer text for a finished result: '3 rows in set' / 'Empty set'. */
export function rowsFooter(count: number, changelog: boolean): string {
  if (changelog) return `Received a total of ${count} row${count === 1 ? '' : 's'}`;
  return count === 0 ? 'Empty set' : `${count} row${count === 1 ? '' : 's'} in set`;
}

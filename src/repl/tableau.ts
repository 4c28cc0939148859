/**
 * Flink SQL client's `tableau` result mode: rows printed as they arrive, never redrawn. A streaming
 * query prints one line per change with its kind in an `op` column (+I, -U, +U, -D) and, once it
 * ends, `Received a total of N rows`; a batch query prints its table once complete, as Flink does.
 * Streaming widths are fixed up front (a line once printed stays): each column is as wide as its
 * name or 12 characters, longer values are cut with `...`.
 */
import type { TableResult } from '../api/table-result';
import { formatValue, renderText, rowsFooter, type RenderColumn } from '../api/render';
import type { OutputSink } from './types';

const MIN_WIDTH = 12;

function fit(text: string, width: number): string {
  return text.length <= width ? text.padStart(width) : `${text.slice(0, width - 3)}...`;
}

export async function printTableau(result: TableResult, columns: RenderColumn[], streaming: boolean, sink: OutputSink, signal: AbortSignal): Promise<number> {
  const rows = result.collect({ signal });
  if (!streaming) {
    const all: unknown[][] = [];
    for await (const row of rows) all.push(columns.map((c) => (row as Record<string, unknown>)[c.name]));
    sink.stdout(`${renderText(columns, all, { footer: rowsFooter(all.length, false) })}\n`);
    return all.length;
  }
  const widths = [2, ...columns.map((c) => Math.max(c.name.length, MIN_WIDTH))];
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const fmt = (cells: string[]) => '|' + cells.map((c, j) => ` ${fit(c, widths[j])} `).join('|') + '|';
  sink.stdout(`${line}\n${fmt(['op', ...columns.map((c) => c.name)])}\n${line}\n`);
  let count = 0;
  try {
    for await (const row of rows) {
      count++;
      const record = row as Record<string, unknown>;
      sink.stdout(`${fmt([row.getKind(), ...columns.map((c) => formatValue(record[c.name], c.type))])}\n`);
    }
  } finally {
    sink.stdout(`${count ? `${line}\n` : ''}${rowsFooter(count, true)}\n`);
  }
  return count;
}

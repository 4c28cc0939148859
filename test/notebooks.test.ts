/**
 * The example notebooks in notebooks/ run top to bottom under nbclient on the real tsflink kernel,
 * and show what their text promises.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runDriver, useKernelTestEnv } from './kernel/env';

const kt = useKernelTestEnv();

interface Output {
  type: string;
  text?: string;
  html?: string;
  name?: string;
  ename?: string;
  evalue?: string;
  vegalite?: { mark: { type: string }; encoding: Record<string, { field: string }>; data: { values: Record<string, unknown>[] } };
}
interface CellRun {
  source: string;
  execution_count: number | null;
  outputs: Output[];
}

async function execute(name: string): Promise<CellRun[]> {
  const run = await runDriver(path.join(__dirname, 'kernel', 'run_notebook.py'), [path.join(repoRoot, 'notebooks', name)], kt.env);
  const result = run.result as { error: string | null; cells: CellRun[] };
  expect(result.error).toBeNull();
  for (const c of result.cells) {
    expect(c.execution_count).not.toBeNull();
    expect(c.outputs.filter((o) => o.type === 'error')).toEqual([]);
  }
  return result.cells;
}

/** The text a cell shows last (its result, or its final display state). */
function lastText(cell: CellRun): string {
  const shown = cell.outputs.filter((o) => o.text !== undefined);
  return shown[shown.length - 1]?.text ?? '';
}

function cellWith(cells: CellRun[], fragment: string): CellRun {
  const c = cells.find((x) => x.source.includes(fragment));
  if (!c) throw new Error(`no cell contains ${fragment}`);
  return c;
}

describe('example notebooks under nbclient', () => {
  it('getting-started.ipynb', async () => {
    const cells = await execute('getting-started.ipynb');
    expect(lastText(cells[0])).toMatch(/^'Flink web UI: http:\/\/127\.0\.0\.1:\d+'$/);
    expect(cellWith(cells, 'const orders').outputs[0].html).toContain('<td>pear</td>');
    const totals = lastText(cellWith(cells, 'const totals'));
    expect(totals).toMatch(/\| +apple \| +7 \|/);
    expect(totals).not.toMatch(/\| +apple \| +3 \|/);
    const changes = lastText(cellWith(cells, 'const changes'));
    expect(changes).toContain("'+U apple=7'");
    expect(changes).toMatch(/'-U apple=[34]'/);
    const live = cellWith(cells, 'SUM(amount) AS total, COUNT(*) AS n');
    // one output: the updates went to the same display (nbclient applies update_display_data in place)
    expect(live.outputs).toHaveLength(1);
    expect(lastText(live)).toMatch(/\| +apple \| +7 \| +2 \|/);
    expect(lastText(live)).toContain('FINISHED · 3 rows');
    expect(cellWith(cells, 'CREATE TEMPORARY TABLE clicks').outputs.map((o) => o.text ?? '').join('\n')).toMatch(/clicks[\s\S]*\| +user_id \| +INT \|/);
    expect(lastText(cellWith(cells, 'clicks from'))).toMatch(/^50 clicks from [1-5] users/);
    expect(lastText(cellWith(cells, '%%bsql'))).toMatch(/\| +apple \| +7 \|\n\| +pear \| +5 \|/);
    expect(lastText(cellWith(cells, 'UPPER(product)'))).toBe("[ 'APPLE', 'PEAR' ]");
  });

  it('streaming-sql-udf.ipynb', async () => {
    const cells = await execute('streaming-sql-udf.ipynb');
    expect(lastText(cellWith(cells, 'createTemporarySystemFunction'))).toBe("'registered size_class'");
    const grouped = lastText(cellWith(cells, 'GROUP BY size_class(amount)'));
    expect(grouped).toContain('FINISHED');
    const counts = [...grouped.matchAll(/\| +(large|small) \| +(\d+) \|/g)].map((m) => Number(m[2]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    // the chart cell: one display holding the chart (Vega-Lite) of the final counts, and the table
    const charted = cellWith(cells, 'chart=bar');
    expect(charted.outputs).toHaveLength(1);
    const spec = charted.outputs[0].vegalite!;
    expect(spec.mark.type).toBe('bar');
    expect([spec.encoding.x.field, spec.encoding.y.field]).toEqual(['size', 'orders']);
    expect(spec.data.values.reduce((a, v) => a + Number(v.orders), 0)).toBe(300);
    expect(lastText(charted)).toContain('FINISHED');
    const appended = lastText(cellWith(cells, 'maxRows=10'));
    expect(appended).toContain('stopped after maxRows=10');
    expect(appended.match(/^\| +\d+ \| +\d+ \| +(large|small) \|$/gm)).toHaveLength(10);
    expect(lastText(cellWith(cells, 'large orders so far'))).toMatch(/^\d+ large orders so far/);
    expect(lastText(cellWith(cells, 'call(sizeClass'))).toBe("'10:small 70:large'");
    expect(lastText(cellWith(cells, 'class AmountRange'))).toBe("'registered amount_range'");
    const ranges = lastText(cellWith(cells, 'amount_range(amount) AS amounts'));
    expect(ranges).toContain('FINISHED');
    // the datagen amounts are 1..100: small is 1..49 at most, large 50..100 at most
    const found = Object.fromEntries([...ranges.matchAll(/\| +(large|small) \| +(\d+)\.\.(\d+) \| +(\d+) \|/g)].map((m) => [m[1], [Number(m[2]), Number(m[3]), Number(m[4])]]));
    expect(found.small[0]).toBeGreaterThanOrEqual(1);
    expect(found.small[1]).toBeLessThan(50);
    expect(found.large[0]).toBeGreaterThanOrEqual(50);
    expect(found.large[1]).toBeLessThanOrEqual(100);
    expect(found.small[2] + found.large[2]).toBe(300);
  });

  it('arrow-interop.ipynb', async () => {
    const cells = await execute('arrow-interop.ipynb');
    expect(cellWith(cells, 'tableFromArrays').outputs[0].html).toContain('grace');
    expect(lastText(cellWith(cells, 'bEnv.fromArrow'))).toBe("'name: VARCHAR(2147483647), age: INT NOT NULL, score: DOUBLE NOT NULL'");
    expect(lastText(cellWith(cells, 'WHERE age > 30 ORDER BY'))).toMatch(/margaret[\s\S]*ada[\s\S]*grace/);
    expect(lastText(cellWith(cells, 'toArrow()'))).toBe("'3 rows; columns name, months'");
    expect(lastText(cellWith(cells, "getChild('months')"))).toBe(String((36 + 45 + 33) * 12));
    // a vectorized UDF computing a column from Arrow batches
    expect(lastText(cellWith(cells, "funcType: 'vectorized'"))).toBe("'70, 82.5, 95, 97.5'");
  });

  it('datastream.ipynb', async () => {
    const cells = await execute('datastream.ipynb');
    expect(lastText(cellWith(cells, "line.split(' ')"))).toBe("'TO BE OR TO BE'");
    // a running count per user from a ValueState, in each user's click order
    const counts = lastText(cellWith(cells, 'class RunningCount')).replace(/^'|'$/g, '').split(', ');
    expect([...counts].sort()).toEqual(['ann #1', 'ann #2', 'ann #3', 'bob #1', 'bob #2', 'cy #1']);
    for (const user of ['ann', 'bob']) expect(counts.filter((c) => c.startsWith(user))).toEqual(counts.filter((c) => c.startsWith(user)).sort());
    // event-time timers one second after each user's first click
    expect(lastText(cellWith(cells, 'class FirstSecond'))).toBe("[ 'ann: 2 click(s) by 1100 ms', 'bob: 1 click(s) by 1250 ms', 'cy: 1 click(s) by 2200 ms' ]");
    expect(lastText(cellWith(cells, 'TumblingEventTimeWindows.of'))).toBe("'ann=1 ann=2 bob=1 bob=1 cy=1'");
    // the same counts from the same function in embedded mode
    const embedded = lastText(cellWith(cells, 'embeddedCounts')).replace(/^'|'$/g, '').split(', ');
    expect([...embedded].sort()).toEqual(['ann #1', 'ann #2', 'ann #3', 'bob #1', 'bob #2', 'cy #1']);
  });
});

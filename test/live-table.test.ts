/** Unit tests of the changelog → display folding behind live SQL results (no Flink needed). */
import { describe, expect, it } from 'vitest';
import { LiveTable, rowKey } from '../src/repl/live-table';
import { fillTemplate, jobUrl, renderLive } from '../src/repl/live-table-view';

describe('LiveTable update mode', () => {
  it('applies inserts, retractions and in-place updates', () => {
    const t = new LiveTable('update');
    t.apply('+I', ['a', 1n]);
    t.apply('+I', ['b', 1n]);
    t.apply('-U', ['a', 1n]);
    t.apply('+U', ['a', 2n]);
    expect(t.snapshot().rows).toEqual([
      ['a', 2n],
      ['b', 1n],
    ]);
    t.apply('-D', ['b', 1n]);
    expect(t.snapshot()).toEqual({ rows: [['a', 2n]], total: 1, truncated: false });
    expect(t.changes).toBe(5);
    expect(t.size).toBe(1);
  });

  it('keeps duplicates as a multiset and retracts one at a time', () => {
    const t = new LiveTable('update');
    t.apply('+I', ['x']);
    t.apply('+I', ['x']);
    t.apply('-D', ['x']);
    expect(t.snapshot().rows).toEqual([['x']]);
    t.apply('-D', ['x']);
    expect(t.snapshot().rows).toEqual([]);
  });

  it('ignores the retraction of a row it never saw', () => {
    const t = new LiveTable('update');
    t.apply('+I', ['a']);
    t.apply('-U', ['zzz']);
    t.apply('+U', ['b']);
    expect(t.snapshot().rows).toEqual([['a'], ['b']]);
  });

  it('limits the shown rows to maxRows and says so', () => {
    const t = new LiveTable('update', 2);
    for (let i = 0; i < 5; i++) t.apply('+I', [i]);
    expect(t.snapshot()).toEqual({ rows: [[0], [1]], total: 5, truncated: true });
  });

  it('stays correct across compaction of many retractions', () => {
    const t = new LiveTable('update');
    for (let i = 0; i < 5000; i++) t.apply('+I', [i]);
    for (let i = 0; i < 4990; i++) t.apply('-D', [i]);
    t.apply('-U', [4995]);
    t.apply('+U', [-1]);
    expect(t.snapshot().rows).toEqual([[4990], [4991], [4992], [4993], [4994], [-1], [4996], [4997], [4998], [4999]]);
  });

  it('compares values by content (bigint, Date, bytes, Map)', () => {
    const t = new LiveTable('update');
    t.apply('+I', [new Date(0), new Uint8Array([1, 2]), new Map([['k', 1]]), 5n]);
    t.apply('-D', [new Date(0), new Uint8Array([1, 2]), new Map([['k', 1]]), 5n]);
    expect(t.size).toBe(0);
    expect(rowKey([1n])).not.toBe(rowKey([1]));
  });
});

describe('LiveTable append mode', () => {
  it('appends every change, showing kinds only once the stream is a changelog', () => {
    const t = new LiveTable('append', 3);
    t.apply('+I', [1]);
    t.apply('+I', [2]);
    expect(t.snapshot()).toEqual({ rows: [[1], [2]], kinds: undefined, total: 2, truncated: false });
    t.apply('-U', [2]);
    t.apply('+U', [3]);
    expect(t.snapshot()).toEqual({ rows: [[2], [2], [3]], kinds: ['+I', '-U', '+U'], total: 4, truncated: true });
    expect(t.size).toBe(4);
  });
});

describe('LiveTable single mode', () => {
  it('shows the latest value of a one-row result', () => {
    const t = new LiveTable('single');
    expect(t.snapshot().rows).toEqual([]);
    t.apply('+I', [1n]);
    t.apply('-U', [1n]);
    t.apply('+U', [2n]);
    expect(t.snapshot()).toEqual({ rows: [[2n]], total: 1, truncated: false });
  });

  it('renders through a template', () => {
    const t = new LiveTable('single');
    t.apply('+I', [42n, 'EUR']);
    const bundle = renderLive([{ name: 'n' }, { name: 'c' }], t, { state: 'RUNNING', elapsedMs: 1500 }, 'Total: {0} {1}');
    expect(bundle['text/plain'].split('\n')[0]).toBe('Total: 42 EUR');
    expect(bundle['text/html']).toContain('Total: 42 EUR');
    expect(fillTemplate('{0}/{5}', [1], [])).toBe('1/{5}');
  });
});

describe('live display rendering', () => {
  it('shows the table, the status line and a link to the job in the web UI', () => {
    const t = new LiveTable('update');
    t.apply('+I', ['a', 1]);
    const bundle = renderLive([{ name: 'k' }, { name: 'v' }], t, { state: 'RUNNING', jobId: 'abc', webUi: 'http://127.0.0.1:8081', elapsedMs: 2000 });
    expect(bundle['text/plain']).toContain('| a | 1 |');
    expect(bundle['text/plain']).toContain('RUNNING · 1 row (1 change received) · 2.0 s · job abc');
    expect(bundle['text/html']).toContain('<td>a</td>');
    expect(bundle['text/html']).toContain('href="http://127.0.0.1:8081/#/job/running/abc/overview"');
    expect(jobUrl('http://h:1/', 'j', 'FINISHED')).toBe('http://h:1/#/job/completed/j/overview');
  });
});

describe('LiveTable arguments', () => {
  it('rejects a non-positive maxRows', () => {
    expect(() => new LiveTable('update', 0)).toThrow(/maxRows must be a positive integer/);
  });
});

/** Small helpers shared by the benchmarks: statistics, the machine's load, an aligned text table. */
import * as os from 'node:os';

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Load averages as "1.23 / 0.98 / 0.50" (the machine is shared; numbers are only comparable within one run). */
export function machineLoad(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/** "a / b" as a ratio against its target, e.g. "3.21× (target ≥ 2×: MET)"; n/a without both rates. */
export function ratioAgainst(a: number | undefined, b: number | undefined, target: number): string {
  if (a === undefined || b === undefined) return 'n/a';
  const x = a / b;
  return `${x.toFixed(x < 1 ? 3 : 2)}× (target ≥ ${target}×: ${x >= target ? 'MET' : 'MISSED'})`;
}

/** What dev.tsflink.bench.LatencyProbe writes: rows counted after its warm-up, over how long, and their latency. */
export interface ProbeStats {
  count: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

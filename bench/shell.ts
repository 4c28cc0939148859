/**
 * tsflink-shell start-up: from spawning the built shell in a pseudo-terminal to its first prompt
 * (JVM, mini-cluster, streaming + batch environments and the TypeScript checker all ready), then
 * the first entry's round trip and a bounded SQL query's, as medians over several runs.
 *
 *   npm run build && node --import ./node_modules/tsx/dist/loader.mjs bench/shell.ts [runs=5]
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as pty from 'node-pty';

const ROOT = path.resolve(__dirname, '..');
const SHELL = path.join(ROOT, 'dist', 'shell', 'main.js');
// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

interface Run {
  toPromptMs: number;
  /** What the shell itself reports (process start → ready). */
  readyReportedMs: number;
  firstEntryMs: number;
  sqlQueryMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function once(): Promise<Run> {
  const t0 = performance.now();
  const p = pty.spawn(process.execPath, [SHELL], {
    cols: 160,
    rows: 50,
    cwd: ROOT,
    env: { ...process.env, TSFLINK_HISTORY: path.join(os.tmpdir(), `tsflink-bench-history-${process.pid}`) } as Record<string, string>,
  });
  let out = '';
  p.onData((d) => (out += d));
  const exited = new Promise<void>((r) => p.onExit(() => r()));
  const waitFor = async (re: RegExp, from: number): Promise<number> => {
    while (!re.test(strip(out.slice(from)))) {
      if (performance.now() - t0 > 300_000) throw new Error(`timeout waiting for ${re}:\n${strip(out).slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now();
  };
  const prompt = await waitFor(/tsflink> /, 0);
  const ready = Number(/Ready in ([\d.]+) s/.exec(strip(out))?.[1] ?? NaN) * 1000;
  let mark = out.length;
  let t = performance.now();
  p.write('40 + 2\r');
  const first = (await waitFor(/42[\s\S]*tsflink> /, mark)) - t;
  mark = out.length;
  t = performance.now();
  p.write("%bsql SELECT COUNT(*) AS c FROM (VALUES (1), (2), (3)) AS t(x)\r");
  const sql = (await waitFor(/rows? in set|FINISHED[\s\S]*tsflink> /, mark)) - t;
  p.write('.exit\r');
  await exited;
  return { toPromptMs: prompt - t0, readyReportedMs: ready, firstEntryMs: first, sqlQueryMs: sql };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    results.push(r);
    console.log(
      `run ${i + 1}: spawn→prompt ${r.toPromptMs.toFixed(0)} ms (shell reports ${r.readyReportedMs.toFixed(0)} ms), ` +
        `first entry ${r.firstEntryMs.toFixed(0)} ms, bounded SQL query ${r.sqlQueryMs.toFixed(0)} ms`,
    );
  }
  const load = os.loadavg()[0].toFixed(2);
  console.log(`\ntsflink-shell, median of ${runs} runs on ${os.cpus().length} cores (1-min load average now ${load}):`);
  console.log(`  start-up to prompt (JVM + mini-cluster + 2 envs + TS checker): ${median(results.map((r) => r.toPromptMs)).toFixed(0)} ms`);
  console.log(`  first entry round trip ('40 + 2'):                            ${median(results.map((r) => r.firstEntryMs)).toFixed(0)} ms`);
  console.log(`  bounded batch SQL query round trip:                           ${median(results.map((r) => r.sqlQueryMs)).toFixed(0)} ms`);
}

void main();

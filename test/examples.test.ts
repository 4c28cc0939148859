/** The examples the README shows: they type-check and run as documented. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.join(__dirname, '..');

describe('examples', () => {
  it('type-check under strict TypeScript', async () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
    // tsc exits non-zero (run rejects) and prints the errors on a type error
    const { stdout, stderr } = await run(process.execPath, [tsc, ...args, 'examples/tour.mts', 'examples/word-count.ts', 'examples/fraud-detection.ts'], { cwd: root });
    expect(stdout + stderr).toBe('');
  });

  it('the README tour runs: SQL, a window with a TS aggregate, a TS UDF, collect() and print()', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'tsflink.js'), 'run', 'examples/tour.mts'], {
      cwd: root,
      env: { ...process.env, TSFLINK_QUIET: '1' },
      timeout: 180_000,
    });
    const rows = stdout.split('\n').filter((l) => l.startsWith('+I auction'));
    expect(rows).toHaveLength(3);
    for (const line of rows) {
      const [, usd, eur] = /: \$([\d.]+) = €([\d.]+)$/.exec(line)!;
      expect(Number(eur)).toBeCloseTo(Math.round(Number(usd) * 92) / 100, 2);
    }
    expect(stdout).toMatch(/\| op \| auction \| bids \|\s+avgPrice \|\s+spread \|/);
    const windows = [...stdout.matchAll(/^\| \+I \|\s+\d \|\s+(\d+) \|\s+([\d.]+) \|\s+([\d.]+) \|/gm)].map((m) => ({ bids: Number(m[1]), spread: Number(m[3]) }));
    expect(windows.reduce((a, w) => a + w.bids, 0)).toBe(2000);
    // prices are 0..100: the TS aggregate's max - min is at most 100, and for a window of 20 or more
    // bids above 50 (less would take all 20 in one half: a chance of about 2 in 10^5)
    for (const w of windows) expect(w.spread).toBeLessThanOrEqual(100);
    for (const w of windows.filter((x) => x.bids >= 20)) expect(w.spread).toBeGreaterThan(50);
    expect(windows.some((w) => w.bids >= 20)).toBe(true);
  });

  it('fraud detection: a KeyedProcessFunction with a ValueState flag and a processing-time timer alerts on exactly the planted frauds', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'tsflink.js'), 'run', 'examples/fraud-detection.ts'], {
      cwd: root,
      env: { ...process.env, TSFLINK_QUIET: '1' },
      timeout: 180_000,
    });
    // account 3: small then large; account 5: the same 100 ms apart. Not account 4 (a normal
    // transaction came between) nor account 2 (its flag's timer fired during the 2 s pause)
    expect(stdout.split('\n').filter((l) => l.startsWith('ALERT'))).toEqual([
      'ALERT account 3: 734.11 right after a small transaction',
      'ALERT account 5: 650.00 right after a small transaction',
    ]);
  });
});

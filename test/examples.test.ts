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
    await expect(run(process.execPath, [tsc, ...args, 'examples/tour.mts', 'examples/word-count.ts'], { cwd: root })).resolves.toBeDefined();
  });

  it('the README tour runs: SQL, a window, a TS UDF, collect() and print()', async () => {
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
    expect(stdout).toMatch(/\| op \| auction \| bids \|\s+avgPrice \|/);
    const bids = [...stdout.matchAll(/^\| \+I \|\s+\d \|\s+(\d+) \|/gm)].map((m) => Number(m[1]));
    expect(bids.reduce((a, b) => a + b, 0)).toBe(2000);
  });
});

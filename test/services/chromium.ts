/**
 * Headless Chromium for browser tests: Debian's `chromium` package (installed here, idempotently,
 * when missing and we are root), driven over the DevTools protocol by puppeteer-core, which never
 * downloads a browser of its own.
 */
import * as fs from 'node:fs';
import { run } from './common';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The path of the system Chromium, installing Debian's package when needed. */
export async function chromiumPath(): Promise<string> {
  const find = () => CANDIDATES.find((p) => fs.existsSync(p));
  let bin = find();
  if (bin) return bin;
  if (process.getuid?.() !== 0) throw new Error('Chromium is not installed and installing it needs root: run `sudo apt-get install -y chromium`');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { timeoutMs: 900_000, env });
  if (r.code !== 0) {
    // a fresh machine may have no package lists yet
    await run('apt-get', ['update'], { timeoutMs: 600_000 });
    r = await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { timeoutMs: 900_000, env });
  }
  bin = find();
  if (!bin) throw new Error(`cannot install Chromium with apt-get (exit ${r.code}):\n${r.stderr.split('\n').slice(-10).join('\n')}`);
  return bin;
}

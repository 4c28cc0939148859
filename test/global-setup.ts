/**
 * Before any test file: several tests run the built `dist/` (the CLI, the shell, the kernel, the
 * examples), so a stale build would test old code. When a source is newer than its output, build
 * once here; a build with type errors fails the run with them (as `npm test`'s pretest does).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const SOURCES = ['src', 'kernel', 'shell', 'zeppelin', 'sql-client'];

/** The TS sources whose compiled output is missing or older than they are. */
function staleSources(): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'jvm' && e.name !== 'node_modules') walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = path.join(root, 'dist', path.relative(root, p)).replace(/\.ts$/, '.js');
        if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs) stale.push(js);
      }
    }
  };
  for (const dir of SOURCES) walk(path.join(root, dir));
  return stale;
}

export default function setup(): void {
  const stale = staleSources();
  if (stale.length === 0) return;
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`the build has errors (npm run build):\n${(tsc.stdout + tsc.stderr).slice(0, 4000)}`);
  // tsc may leave an output whose content did not change untouched: mark it built
  const now = new Date();
  for (const js of stale) if (fs.existsSync(js)) fs.utimesSync(js, now, now);
}

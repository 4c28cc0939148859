/**
 * The npm requirements of a table environment (`setNpmRequirements`, the `python.requirements`
 * option) installed on the client, for embedded mode's bundler (src/api/udf/shipped-modules.ts).
 * Process mode installs them on each TaskManager: Flink's Java side runs TSFlink's python shim
 * (src/worker/bin/tsflink-python-shim) as `python -m pip install ...`, which runs npm. Embedded
 * mode bundles packages on the client instead, so it runs the same shim with the same arguments
 * here: one install path, the same flags (offline from an npm cache or a tarball directory).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonShimPath } from './ship/dependencies';

/** `python.requirements`: a package.json (or a file of specs, one a line) and an offline cache. */
export interface NpmRequirements {
  readonly file: string;
  readonly cacheDir?: string;
}

/** Marks a finished install: a directory without it is a failed or unfinished one. */
const DONE = '.tsflink-installed';

const installed = new Map<string, string>();

/**
 * The node_modules directory the requirements are installed in on this machine. Installed once
 * per requirements text and cache directory (under the OS's temp directory, kept across
 * processes); a failed install throws with npm's output.
 */
export function installedRequirements(requirements: NpmRequirements): string {
  const text = fs.readFileSync(requirements.file, 'utf8');
  const key = createHash('sha256').update(text).update('\0').update(requirements.cacheDir ?? '').digest('hex').slice(0, 16);
  const known = installed.get(key);
  if (known) return known;
  const prefix = path.join(os.tmpdir(), `tsflink-embedded-npm-${key}`);
  if (!fs.existsSync(path.join(prefix, DONE))) install(requirements, prefix);
  const nodeModules = path.join(prefix, 'node_modules');
  installed.set(key, nodeModules);
  return nodeModules;
}

function install(requirements: NpmRequirements, prefix: string): void {
  // installed beside the final directory and renamed into place, so that a second process (or an
  // interrupted install) never sees half a node_modules
  const staging = fs.mkdtempSync(`${prefix}-staging-`);
  try {
    // the arguments flink-python's PythonEnvironmentManagerUtils gives `python` on a TaskManager
    const args = ['-m', 'pip', 'install', '--ignore-installed', '-r', requirements.file, '--prefix', staging];
    if (requirements.cacheDir) args.push('--no-index', '--find-links', requirements.cacheDir);
    const r = spawnSync(process.execPath, [pythonShimPath(), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error || r.status !== 0) {
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
      throw new Error(`npm install of ${requirements.file}${requirements.cacheDir ? ` (offline from ${requirements.cacheDir})` : ''} failed: ${r.error?.message ?? output}`);
    }
    fs.writeFileSync(path.join(staging, DONE), '');
    try {
      fs.renameSync(staging, prefix);
    } catch (e) {
      // another process finished the same install first: use that one
      if (!fs.existsSync(path.join(prefix, DONE))) {
        fs.rmSync(prefix, { recursive: true, force: true });
        fs.renameSync(staging, prefix);
        return;
      }
      if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Test environment for driving the real kernel from Python: a venv with jupyter_client / nbclient
 * (created from PyPI on first use under .venv/kernel-tests, reused afterwards), an up-to-date
 * build of the kernel, and the kernelspec installed into a private Jupyter data dir.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const repoRoot = path.resolve(__dirname, '..', '..');
/** Where the kernel under test is built: this checkout, or $TSFLINK_KERNEL_TEST_ROOT (another build). */
export const kernelRoot = process.env.TSFLINK_KERNEL_TEST_ROOT ?? repoRoot;
export const venvDir = path.join(repoRoot, '.venv', 'kernel-tests');
export const python = path.join(venvDir, 'bin', 'python');
const requirements = path.join(__dirname, 'requirements.txt');

/** Creates the venv (or reuses it when it holds exactly its requirements file); default the kernel tests'. */
export function ensureVenv(dir = venvDir, requirementsFile = requirements): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  withLock(`${dir}.lock`, () => createVenvIfNeeded(dir, requirementsFile));
}

function createVenvIfNeeded(dir: string, requirementsFile: string): void {
  const py = path.join(dir, 'bin', 'python');
  const stampFile = path.join(dir, '.requirements');
  const wanted = fs.readFileSync(requirementsFile, 'utf8');
  if (fs.existsSync(py) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === wanted) return;
  if (!fs.existsSync(py)) execFileSync('python3', ['-m', 'venv', dir], { stdio: 'inherit' });
  execFileSync(py, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', requirementsFile], { stdio: 'inherit' });
  fs.writeFileSync(stampFile, wanted);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs fn while holding a cross-process lock (a directory), so parallel test files build once. */
function withLock(lockDir: string, fn: () => void): void {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      sleepSync(250);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Rebuilds dist/ when a TypeScript source is newer than the kernel's build. */
export function ensureBuild(): void {
  if (kernelRoot !== repoRoot) return;
  fs.mkdirSync(path.join(repoRoot, 'dist'), { recursive: true });
  withLock(path.join(repoRoot, 'dist', '.kernel-test-build.lock'), buildIfStale);
}

function buildIfStale(): void {
  const mainJs = path.join(repoRoot, 'dist', 'kernel', 'main.js');
  const built = fs.existsSync(mainJs) ? fs.statSync(mainJs).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(repoRoot, 'src')), newestMtime(path.join(repoRoot, 'kernel')));
  if (sources <= built) return;
  try {
    execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: repoRoot, stdio: 'pipe' });
  } catch (err) {
    // tsc still emits when other modules have type errors; only a missing kernel build is fatal
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    if (!fs.existsSync(mainJs)) throw new Error(`building the kernel failed:\n${out}`);
    process.stderr.write(`tsc reported errors (the kernel build was emitted):\n${out.slice(0, 2000)}\n`);
  }
  // tsc leaves unchanged outputs alone; mark the build as fresh
  const now = new Date();
  fs.utimesSync(mainJs, now, now);
}

export interface KernelTestEnv {
  /** Private Jupyter data dir holding kernels/tsflink. */
  dataDir: string;
  historyFile: string;
  env: NodeJS.ProcessEnv;
  /** Removes the private data dir, history and runtime files. */
  cleanup(): void;
}

/** Installs the kernelspec with the real installer into a private data dir. */
export function installKernel(): KernelTestEnv {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-kernel-test-'));
  const dataDir = path.join(base, 'jupyter');
  const historyFile = path.join(base, 'history.jsonl');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_DATA_DIR: dataDir,
    JUPYTER_PATH: dataDir,
    JUPYTER_RUNTIME_DIR: path.join(base, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
    TSFLINK_KERNEL_HISTORY: historyFile,
    TSFLINK_QUIET: '1',
    PYTHONUNBUFFERED: '1',
  };
  execFileSync(process.execPath, [path.join(kernelRoot, 'dist', 'kernel', 'install.js'), '--user'], { env, stdio: 'pipe' });
  return { dataDir, historyFile, env, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/**
 * Registers the file's beforeAll/afterAll: venv, fresh build and a private kernelspec install,
 * removed afterwards. The returned object is filled in by beforeAll, so read it inside tests only.
 */
export function useKernelTestEnv(): KernelTestEnv {
  const kt = {} as KernelTestEnv;
  beforeAll(() => {
    ensureVenv();
    ensureBuild();
    Object.assign(kt, installKernel());
  }, 600_000);
  afterAll(() => kt.cleanup?.());
  return kt;
}

export interface DriverRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON record the driver printed last. */
  result: Record<string, unknown>;
}

/** Runs a Python driver from test/kernel (or bench/) and parses its JSON record. */
export function runDriver(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 280_000): Promise<DriverRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { cwd: path.dirname(script), env: { ...env, PYTHONPATH: __dirname } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let result: Record<string, unknown> = {};
      try {
        result = JSON.parse(last) as Record<string, unknown>;
      } catch {
        reject(new Error(`driver ${path.basename(script)} exited ${code} without a result.\nstderr:\n${stderr.split('\n').filter((l) => !l.includes('WARN found')).slice(-40).join('\n')}`));
        return;
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

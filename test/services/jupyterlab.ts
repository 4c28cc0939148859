/**
 * A real JupyterLab server for browser tests, from PyPI into its own test venv (.venv/jupyterlab,
 * test/browser/requirements.txt), on 127.0.0.1 with a free port and a random token, serving a
 * temporary folder. The app object is exposed in the page (`window.jupyterapp`) so a test can run
 * JupyterLab's own commands, as its menus do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureVenv, repoRoot } from '../kernel/env';
import { freePort, logTail, sleep } from './common';

export const jupyterLabVenv = path.join(repoRoot, '.venv', 'jupyterlab');

export interface JupyterLab {
  /** http://127.0.0.1:port */
  url: string;
  token: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts JupyterLab serving rootDir, with the env's Jupyter paths (where the kernelspec is). */
export async function startJupyterLab(rootDir: string, env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): Promise<JupyterLab> {
  ensureVenv(jupyterLabVenv, path.join(repoRoot, 'test', 'browser', 'requirements.txt'));
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const logFile = path.join(rootDir, '..', 'jupyterlab.log');
  const log = fs.openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    path.join(jupyterLabVenv, 'bin', 'jupyter'),
    [
      'lab', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
      `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${rootDir}`, '--LabApp.expose_app_in_browser=True',
      // no update checks, news or extension manager look-ups (loopback only)
      '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabServerApp.extension_manager=readonly',
    ],
    { cwd: rootDir, env: { ...env, JUPYTER_CONFIG_DIR: path.join(rootDir, '..', 'jupyter-config') }, stdio: ['ignore', log, log] },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited (${child.exitCode}):\n${logTail(logFile)}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`JupyterLab did not answer on ${url}:\n${logTail(logFile)}`);
    }
    await sleep(300);
  }
  return {
    url,
    token,
    logFile,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && child.exitCode === null; i++) await sleep(200);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.closeSync(log);
    },
  };
}

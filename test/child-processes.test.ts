/**
 * Child processes keep working in a session after the JVM has started UDF workers (issue 18,
 * item 9): the JDK resets SIGCHLD when it first starts a process, which silenced Node's child
 * exits (src/jvm/.../ChildSignals.java). The script runs as `tsflink run` in its own process,
 * since the failure is a hang of the process that hosts the JVM.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'tsflink.js');

it('execSync and exec answer while a TS UDF job runs', async () => {
  const script = path.join(__dirname, 'child-process-fixtures', 'exec-during-udf-job.mts');
  const child = spawn(process.execPath, [cli, 'run', script], { cwd: root, env: { ...process.env, TSFLINK_QUIET: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  const line = out.split('\n').find((l) => l.startsWith('result: '));
  expect(line, `no result line (exit ${code}; a hang here is the bug):\n${out.slice(-2000)}`).toBeDefined();
  expect(JSON.parse(line!.slice('result: '.length))).toEqual({
    before: { exec: 'ok', execSync: 'ok' },
    during: { exec: 'ok', execSync: 'ok', jobStatus: 'RUNNING' },
  });
  expect(code).toBe(0);
}, 120_000);

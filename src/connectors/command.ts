/**
 * Runs a command to completion without relying on Node's child 'exit' events. In a process that
 * hosts the JVM, SIGCHLD's disposition is at times reset to the default after Flink has started UDF
 * worker processes (strace shows rt_sigaction(SIGCHLD, SIG_DFL) from the process; libuv's handler
 * is gone), and from then on Node never learns that a child exited: execFile() never calls back and
 * the child stays a zombie. So the command runs under `sh`, which reports its exit status on
 * stderr, and completion is the closing of its output pipes, which needs no signal.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** The exit status, or -1 when the command was killed for taking longer than timeoutMs. */
  code: number;
  stdout: string;
  stderr: string;
}

const MARKER = '__tsflink_exit_status=';

export function runCommand(cmd: string, args: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const script = `command -v "$0" >/dev/null 2>&1 || { echo "${MARKER}127" >&2; exit 127; }; "$0" "$@"; echo "${MARKER}$?" >&2`;
    // its own process group, so a timeout kills the command and not only the shell
    const child = spawn('sh', ['-c', script, cmd, ...args], { detached: true, env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let open = 2;
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 120_000);
    const done = () => {
      if (--open > 0) return;
      clearTimeout(timer);
      const at = stderr.lastIndexOf(MARKER);
      const status = at >= 0 ? Number(/^\d+/.exec(stderr.slice(at + MARKER.length))?.[0] ?? -1) : -1;
      if (at >= 0) stderr = stderr.slice(0, at) + stderr.slice(at + MARKER.length).replace(/^\d+\n?/, '');
      if (status === 127 && !timedOut && stdout === '' && stderr === '') return reject(Object.assign(new Error(`${cmd} is not installed`), { code: 'ENOENT' }));
      resolve({ code: timedOut ? -1 : status, stdout, stderr: timedOut ? `${stderr}\n(killed after ${options.timeoutMs ?? 120_000} ms)` : stderr });
    };
    child.stdout.on('close', done);
    child.stderr.on('close', done);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

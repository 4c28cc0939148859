/**
 * tsflink-shell as a user meets it: the built shell (dist/shell/main.js) driven through a real
 * pseudo-terminal (node-pty), on a real Flink session, asserting what appears on the screen.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangReport } from './hang-report';

const ROOT = path.resolve(__dirname, '..');
const SHELL = path.join(ROOT, 'dist', 'shell', 'main.js');
const PROMPT = 'tsflink> ';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]/g;

function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** Processes whose environment carries the marker (the shell and anything it started). */
function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker)) found.push(Number(pid));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

class PtyShell {
  private output = '';
  readonly marker = `TSFLINK_SHELL_TEST=${randomUUID()}`;
  readonly proc: pty.IPty;
  readonly exited: Promise<number>;

  constructor(historyFile: string, args: string[] = []) {
    const [k, v] = this.marker.split('=');
    this.proc = pty.spawn(process.execPath, [SHELL, ...args], {
      name: 'xterm-256color',
      cols: 160,
      rows: 60,
      cwd: ROOT,
      env: { ...process.env, TSFLINK_HISTORY: historyFile, [k]: v } as Record<string, string>,
    });
    this.proc.onData((d) => (this.output += d));
    this.exited = new Promise((resolve) => this.proc.onExit((e) => resolve(e.exitCode)));
  }

  /** A position in the output; waitFor looks only at what came after it. */
  mark(): number {
    return this.output.length;
  }

  raw(from = 0): string {
    return this.output.slice(from);
  }

  screen(from = 0): string {
    return stripAnsi(this.output.slice(from));
  }

  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    const test = (s: string) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
    while (!test(this.screen(from))) {
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`timed out waiting for ${String(pattern)}; screen ends with:\n${this.screen(from).slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return Date.now() - t0;
  }

  /** Types a line, waits until its output and the next prompt appeared; returns that output. */
  async enter(line: string, expect?: RegExp | string, timeoutMs = 60_000): Promise<string> {
    const from = this.mark();
    this.proc.write(line + '\r');
    if (expect) await this.waitFor(expect, from, timeoutMs);
    // the prompt printed after the output (not the continuation prompt)
    await this.waitFor(new RegExp(`${PROMPT}[^\\n]*$`), from, timeoutMs);
    return this.screen(from);
  }
}

async function jobsNotEnded(webUi: string): Promise<{ jid: string; state: string }[]> {
  const res = await fetch(`${webUi}/jobs/overview`);
  const body = (await res.json()) as { jobs: { jid: string; state: string }[] };
  return body.jobs.filter((j) => !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state));
}

/**
 * Runs the shell to its end; one that has not ended after `deadlineMs` is killed and the test fails
 * with what it printed and what its JVM was doing (hangReport), not with a bare timeout.
 */
function runShell(args: string[], input?: string, env: NodeJS.ProcessEnv = {}, deadlineMs = 100_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SHELL, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = setTimeout(() => {
      const report = hangReport(child.pid!);
      child.kill('SIGKILL');
      const tail = (t: string) => t.split('\n').slice(-25).join('\n');
      reject(new Error(`tsflink-shell did not end within ${deadlineMs / 1000} s\n--- stdout (end)\n${tail(stdout)}\n--- stderr (end)\n${tail(stderr)}\n--- ${report}`));
    }, deadlineMs);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-shell-test-'));
const history = path.join(work, 'history');
let shell: PtyShell;
let webUi = '';

beforeAll(async () => {
  // test/global-setup.ts built dist/ if it was stale
  expect(fs.existsSync(SHELL)).toBe(true);
  shell = new PtyShell(history);
  await shell.waitFor(PROMPT, 0, 150_000);
  webUi = /Web UI:\s+(http:\/\/\S+)/.exec(shell.screen())?.[1] ?? '';
});

afterAll(() => {
  try {
    shell?.proc.kill('SIGKILL');
  } catch {
    // already gone
  }
});

describe('tsflink-shell in a terminal', () => {
  it('greets with the Flink version, the web UI and the pre-bound names', () => {
    const banner = shell.screen();
    expect(banner).toContain('Apache Flink 2.3.0');
    expect(webUi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const name of ['tEnv', 'bEnv', 'sql()', 'display()']) expect(banner).toContain(name);
  });

  it('shows a SQL result as an aligned table', async () => {
    await shell.enter("%sql CREATE TEMPORARY VIEW people AS SELECT * FROM (VALUES ('ann', 31), ('bob', 45)) AS t(name, age)", 'Execute statement succeeded');
    const out = await shell.enter('%sql SELECT name, age FROM people', /FINISHED|rows? in set/);
    expect(out).toMatch(/\|\s+name\s+\|\s+age\s+\|/);
    expect(out).toMatch(/\|\s+ann\s+\|\s+31\s+\|/);
    expect(out).toMatch(/\|\s+bob\s+\|\s+45\s+\|/);
  });

  it('redraws a live table taller than the terminal cut to the screen, then shows it whole', async () => {
    const values = Array.from({ length: 80 }, (_, i) => `(${i})`).join(', ');
    const out = await shell.enter(`%sql SELECT n FROM (VALUES ${values}) AS t(n)`, /FINISHED/);
    expect(out).toContain('more lines (taller than the terminal)');
    const whole = out.slice(out.lastIndexOf('taller than the terminal'));
    for (const n of [0, 40, 79]) expect(whole).toMatch(new RegExp(`\\|\\s+${n} \\|`));
  });

  it('defines a TypeScript UDF across several lines, closing over an earlier line, and uses it from %sql', async () => {
    await shell.enter("const suffix = '!'");
    const from = shell.mark();
    shell.proc.write('const shout = udf(\r');
    await shell.waitFor('...> ', from);
    shell.proc.write("  (s: string | null) => (s ?? '').toUpperCase() + suffix,\r");
    shell.proc.write('  { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING() },\r');
    await shell.enter(')');
    expect(shell.screen(from)).not.toMatch(/error|Error/);
    await shell.enter("tEnv.createTemporarySystemFunction('shout', shout)");
    const out = await shell.enter('%sql SELECT shout(name) AS loud FROM people', /FINISHED|rows? in set|Error/, 120_000);
    expect(out).toMatch(/\|\s+ANN!\s+\|/);
    expect(out).toMatch(/\|\s+BOB!\s+\|/);
  });

  it('reports a type error with its position, then runs the next line', async () => {
    const bad = await shell.enter("const n: number = 'x'", 'TS2322');
    expect(bad).toContain("Type 'string' is not assignable to type 'number'");
    expect(bad).toContain('cell:1:7');
    const good = await shell.enter('const n = 20; n * 2 + 2', /\n42\r?\n/);
    expect(good).not.toContain('error');
  });

  it('shows an error nobody awaited in the entry that caused it, and carries on', async () => {
    const out = await shell.enter("void Promise.reject(new Error('stray failure in a callback')); await new Promise((r) => setTimeout(r, 300)); 'after'", /'after'/);
    expect(out).toMatch(/An error nobody awaited \(unhandled promise rejection\):\s+Error: stray failure in a callback/);
    await shell.enter('6 * 7', /\n42\r?\n/);
  });

  it('completes a TSFlink method name with Tab', async () => {
    const from = shell.mark();
    shell.proc.write('tEnv.executeS');
    await shell.waitFor('tEnv.executeS', from);
    shell.proc.write('\t');
    await shell.waitFor('tEnv.executeSql', from);
    const out = await shell.enter("('SHOW VIEWS')", 'people');
    expect(out).toMatch(/\|\s+people\s+\|/);
  });

  it('Ctrl-C cancels an unbounded streaming query and the prompt is back within 2 s', async () => {
    await shell.enter("%sql CREATE TEMPORARY TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')", 'Execute statement succeeded');
    const from = shell.mark();
    shell.proc.write('%sql SELECT n FROM ticks\r');
    // rows on screen, redrawn in place while the job runs
    await shell.waitFor(/RUNNING · [1-9]\d* rows?/, from, 90_000);
    expect(await jobsNotEnded(webUi)).toHaveLength(1);
    // redrawn in place: cursor up over the previous rendering, clear to the end of the screen
    await shell.waitFor(/RUNNING · [1-9]\d* rows?[\s\S]*RUNNING · [1-9]\d* rows?/, from, 10_000);
    expect(shell.raw(from)).toMatch(/\x1b\[\d+F\x1b\[0J\+-+\+/);
    const stop = shell.mark();
    shell.proc.write('\x03');
    const waited = await shell.waitFor(new RegExp(`Interrupted[\\s\\S]*${PROMPT}`), stop, 10_000);
    expect(waited).toBeLessThan(2000);
    const t0 = Date.now();
    while ((await jobsNotEnded(webUi)).length > 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 200));
    expect(await jobsNotEnded(webUi)).toEqual([]);
    // the session and earlier definitions are alive
    await shell.enter('suffix + (n + 22)', "'!42'");
  });

  it('Ctrl-C drops a half-typed entry, and on an empty prompt says how to exit', async () => {
    let from = shell.mark();
    shell.proc.write('const unfinished = [1,\r');
    await shell.waitFor('...> ', from);
    shell.proc.write('\x03');
    await shell.waitFor(new RegExp(`\\^C\\s*${PROMPT}`), from, 5000);
    // the dropped lines are gone: this entry runs on its own
    await shell.enter("'fresh'", "'fresh'");
    from = shell.mark();
    shell.proc.write('\x03');
    await shell.waitFor('(To exit, press Ctrl-D or type .exit)', from, 5000);
  });

  it('SIGINT stops a busy synchronous loop', async () => {
    const from = shell.mark();
    shell.proc.write('while (true) {}\r');
    await new Promise((r) => setTimeout(r, 700));
    process.kill(shell.proc.pid, 'SIGINT');
    const waited = await shell.waitFor(new RegExp(`Interrupted[\\s\\S]*${PROMPT}`), from, 10_000);
    expect(waited).toBeLessThan(2000);
    await shell.enter('6 * 7', /\n42\r?\n/);
  });

  it('exits cleanly on .exit: exit code 0, no process left, cluster gone', async () => {
    expect(processesWithMarker(shell.marker)).toContain(shell.proc.pid);
    shell.proc.write('.exit\r');
    expect(await shell.exited).toBe(0);
    const t0 = Date.now();
    while (processesWithMarker(shell.marker).length > 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100));
    expect(processesWithMarker(shell.marker)).toEqual([]);
    await expect(fetch(`${webUi}/jobs/overview`)).rejects.toThrow();
  });

  it('keeps history across restarts and exits on Ctrl-D', async () => {
    expect(fs.readFileSync(history, 'utf8')).toContain("const suffix = '!'");
    const again = new PtyShell(history);
    try {
      await again.waitFor(PROMPT, 0, 150_000);
      const from = again.mark();
      again.proc.write('\x1b[A');
      await again.waitFor('.exit', from);
      again.proc.write('\x1b[A');
      await again.waitFor('6 * 7', from);
      again.proc.write('\x15');
      again.proc.write('\x04');
      expect(await again.exited).toBe(0);
      expect(processesWithMarker(again.marker)).toEqual([]);
    } finally {
      try {
        again.proc.kill('SIGKILL');
      } catch {
        // exited
      }
    }
  });
});

describe('tsflink-shell without a terminal', () => {
  it('-e runs entries and exits 0, or 1 when one failed', async () => {
    const good = await runShell(['-e', 'const x = 20\nx * 2 + 2', '-e', '%bsql SELECT 3 AS three']);
    expect(good.stderr).not.toContain('error');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^42$/m);
    expect(good.stdout).toMatch(/\|\s+three\s+\|\s*\n.*\n\|\s+3\s+\|/);
    const bad = await runShell(['-e', "const x: number = 'no'"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TS2322');
  });

  it('a job exhausting a small heap: the entry shows the OutOfMemoryError with the heap option, the next entries run; a dead cluster is restarted', async () => {
    // One value larger than the heap: the job's task gets the error at once. (A heap filled bit by
    // bit, a datagen sequence say, may leave the JVM collecting instead, or the error in another
    // thread: the heap watch's case, the test below.)
    const r = await runShell(
      [
        '-e',
        "%sql CREATE TEMPORARY TABLE big (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.n.min' = '500000000', 'fields.n.max' = '500000000')",
        '-e',
        "%sql SELECT CHAR_LENGTH(REPEAT('x', n)) AS len FROM big",
        '-e',
        'const after: number = 40; after + 2',
        // then the cluster dies behind the session's back: the shell restarts the session itself
        '-e',
        `const { LocalClusterFacade } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'gateway', 'facade.js'))}); await LocalClusterFacade.stop()`,
        '-e',
        'await session.listJobs()',
        '-e',
        '%bsql SELECT after + 2 AS again FROM (VALUES (40)) AS t(after)',
        '-e',
        'after + 3',
      ],
      undefined,
      { TSFLINK_JVM_OPTS: '-Xmx400m' },
      240_000,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The session's JVM ran out of memory (OutOfMemoryError: Java heap space)");
    expect(r.stderr).toContain('TSFLINK_JVM_OPTS=-Xmx4g');
    expect(r.stderr).toContain('The session survived');
    expect(r.stdout).toMatch(/^42$/m);
    expect(r.stderr).toMatch(/The session could not go on \(.+\), so TSFlink restarted it: a new cluster/);
    expect(r.stdout).toMatch(/\|\s+again\s+\|\s*\n.*\n\|\s+42\s+\|/);
    expect(r.stdout).toMatch(/^43$/m);
  }, 300_000);

  it('an entry still running after the heap ran out is stopped with the OutOfMemoryError; the next entries run', async () => {
    // The heap fills from the entry itself, which then waits for ever: as a cell whose job never
    // fails does when the OutOfMemoryError hit one of Flink's threads instead of the job's task.
    const exhaustThenWait = [
      `const { javaClass } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'gateway', 'jvm.js'))});`,
      "const ArrayList = javaClass('java.util.ArrayList') as unknown as new (capacity: number) => object;",
      // one entry (the shell runs each complete statement as an entry of its own)
      'await (async () => {',
      '  const hold: object[] = [];',
      '  try { for (;;) hold.push(new ArrayList(500_000)); } catch { /* the heap is full */ }',
      '  await new Promise(() => undefined);',
      '})();',
    ].join('\n');
    const started = Date.now();
    const r = await runShell(['-e', exhaustThenWait, '-e', 'const after: number = 40; after + 2', '-e', '%bsql SELECT 1 + 1 AS two'], undefined, { TSFLINK_JVM_OPTS: '-Xmx300m' }, 150_000);
    expect(r.stderr).toContain("The session's JVM ran out of memory (OutOfMemoryError: Java heap space)");
    expect(r.stderr).toMatch(/(A full collection left over 90% of the heap's old generation in use|The JVM spent over 50% of its time collecting a full heap) while this entry ran, and the entry did not end\s+within 20 s after that: TSFlink stopped it/);
    expect(r.stderr).toContain('TSFLINK_JVM_OPTS=-Xmx4g');
    expect(r.stdout).toMatch(/^42$/m);
    expect(r.stdout).toMatch(/\|\s+two\s+\|\s*\n.*\n\|\s+2\s+\|/);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 180_000);

  it('runs a script from stdin: later entries still run, the status tells about the failure', async () => {
    const script = [
      'function sq(v: number) {',
      '  return v * v;',
      '}',
      'sq(7)',
      '%%bsql',
      'SELECT name, n',
      "FROM (VALUES ('a', 1), ('b', 2)) AS t(name, n);",
      'throw new Error("planned failure")',
      "'after the failure'",
      '',
    ].join('\n');
    const r = await runShell([], script);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^49$/m);
    expect(r.stdout).toMatch(/\|\s+name\s+\|\s+n\s+\|/);
    expect(r.stdout).toMatch(/\|\s+b\s+\|\s+2\s+\|/);
    expect(r.stderr).toContain('Error: planned failure');
    expect(r.stdout).toContain("'after the failure'");
    const remote = await runShell(['--remote', 'not-a-host-port', '-e', '1']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("remote cluster must be host:port, got 'not-a-host-port'");
    const clean = await runShell([], 'const ok = 1\nok + 1\n');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^2$/m);
  });
});

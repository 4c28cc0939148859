/**
 * The tsflink Jupyter kernel, driven for real: jupyter_client (from a venv created from PyPI)
 * starts the installed kernelspec, which runs the kernel process with its JVM and mini-cluster.
 * Python drivers in test/kernel/ record what came back; the assertions are here.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelRoot, python, runDriver, useKernelTestEnv } from './kernel/env';

const kt = useKernelTestEnv();

type Msg = { type: string; state?: string; name?: string; text?: string; data?: Record<string, string>; display_id?: string | null; execution_count?: number | null; ename?: string; evalue?: string; traceback?: string[]; content?: Record<string, unknown> };
type Cell = { reply: Record<string, unknown>; iopub: Msg[]; iopub_parents: string[]; msg_id: string; seconds: number };

/** Runs test/kernel/<name>.py against the installed kernel; its stderr goes beside the data dir. */
async function driverResult(name: string): Promise<Record<string, unknown>> {
  const stderrFile = path.join(path.dirname(kt.dataDir), `${name}-stderr.log`);
  return (await runDriver(path.join(__dirname, 'kernel', `${name}.py`), [stderrFile], kt.env)).result;
}

function types(cell: Cell): string[] {
  return cell.iopub.map((m) => (m.type === 'status' ? `status:${m.state}` : m.type));
}

describe('kernelspec installation', () => {
  it('jupyter kernelspec list shows tsflink with message interrupts', () => {
    const out = execFileSync(path.join(path.dirname(python), 'jupyter'), ['kernelspec', 'list', '--json'], { env: kt.env }).toString();
    const specs = (JSON.parse(out) as { kernelspecs: Record<string, { resource_dir: string; spec: Record<string, unknown> }> }).kernelspecs;
    expect(specs.tsflink).toBeDefined();
    expect(specs.tsflink.resource_dir).toBe(path.join(kt.dataDir, 'kernels', 'tsflink'));
    expect(specs.tsflink.spec).toMatchObject({
      argv: [process.execPath, path.join(kernelRoot, 'dist', 'kernel', 'main.js'), '{connection_file}'],
      display_name: 'TSFlink (TypeScript)',
      language: 'typescript',
      interrupt_mode: 'message',
    });
    // the launcher's logo: an SVG and PNGs of the sizes their names say
    const dir = specs.tsflink.resource_dir;
    expect(fs.readFileSync(path.join(dir, 'logo-svg.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 64 64"/);
    for (const size of [32, 64]) {
      const png = fs.readFileSync(path.join(dir, `logo-${size}x${size}.png`));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('--prefix installs under <prefix>/share/jupyter/kernels; bad options are refused', () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-prefix-'));
    execFileSync(process.execPath, [path.join(kernelRoot, 'dist', 'kernel', 'install.js'), '--prefix', prefix]);
    const spec = JSON.parse(fs.readFileSync(path.join(prefix, 'share', 'jupyter', 'kernels', 'tsflink', 'kernel.json'), 'utf8')) as Record<string, unknown>;
    fs.rmSync(prefix, { recursive: true, force: true });
    expect(spec.interrupt_mode).toBe('message');
    let message = '';
    try {
      execFileSync(process.execPath, [path.join(kernelRoot, 'dist', 'kernel', 'install.js'), '--bogus'], { stdio: 'pipe' });
    } catch (err) {
      message = String((err as { stderr: Buffer }).stderr);
    }
    expect(message).toContain("unknown option '--bogus'");
  });
});

describe('kernel protocol (jupyter_client)', () => {
  let r: Record<string, unknown>;
  const cell = (name: string) => r[name] as Cell;

  beforeAll(async () => {
    r = await driverResult('protocol');
  }, 400_000);

  it('answers kernel_info on shell and control', () => {
    expect(r.kernel_info).toMatchObject({
      status: 'ok',
      protocol_version: expect.stringMatching(/^5\./),
      implementation: 'tsflink',
      language_info: { name: 'typescript', mimetype: 'text/typescript', file_extension: '.ts', codemirror_mode: { name: 'javascript', typescript: true } },
    });
    expect(r.kernel_info_iopub).toEqual([
      { type: 'status', state: 'busy' },
      { type: 'status', state: 'idle' },
    ]);
    expect(r.kernel_info_control).toBe('kernel_info_reply');
  });

  it('executes a cell: execute_input, execute_result, busy/idle under the request header', () => {
    const c = cell('value');
    expect(c.reply).toEqual({ status: 'ok', execution_count: 1, user_expressions: {}, payload: [] });
    expect(types(c)).toEqual(['status:busy', 'execute_input', 'execute_result', 'status:idle']);
    expect(c.iopub[1].content).toEqual({ code: 'const x: number = 40; x + 2', execution_count: 1 });
    expect(c.iopub[2]).toMatchObject({ data: { 'text/plain': '42' }, execution_count: 1 });
    expect(c.iopub_parents).toEqual([c.msg_id]);
  });

  it('sends console output as stream messages', () => {
    const c = cell('stream');
    expect(c.iopub.filter((m) => m.type === 'stream')).toEqual([
      { type: 'stream', name: 'stdout', text: 'hello\n' },
      { type: 'stream', name: 'stderr', text: 'careful\n' },
    ]);
  });

  it('display() and Table results show as display_data / update_display_data with HTML tables', () => {
    const d = cell('display').iopub.filter((m) => m.type === 'display_data' || m.type === 'update_display_data');
    expect(d[0]).toMatchObject({ type: 'display_data', data: { 'text/plain': 'shown via display' } });
    const live = d.slice(1);
    expect(live[0].type).toBe('display_data');
    // updates (if the job outlived the first refresh) go to the display they belong to
    for (const u of live.slice(1)) expect(u).toMatchObject({ type: 'update_display_data', display_id: live[0].display_id });
    const final = live[live.length - 1];
    expect(final.data!['text/html']).toContain('<td>1</td><td>x</td>');
    expect(final.data!['text/plain']).toMatch(/\| a \| b \|/);
    // a bounded table is a live display, or (when it ends before the first refresh) the cell's result
    const t = cell('table_result').iopub.filter((m) => m.type.endsWith('display_data') || m.type === 'execute_result');
    expect(t[t.length - 1].data!['text/html']).toContain('<tr><td>b</td><td>2</td></tr>');
  });

  it('reports type errors and exceptions as error messages, and the next cell works', () => {
    const te = cell('type_error');
    expect(te.reply).toMatchObject({ status: 'error', ename: 'TSError', evalue: expect.stringContaining("Type 'number' is not assignable to type 'string'") });
    expect(types(te)).toEqual(['status:busy', 'execute_input', 'error', 'status:idle']);
    expect(te.iopub[2].traceback![0]).toMatch(/^cell:1:7/);
    const re = cell('runtime_error');
    expect(re.reply).toMatchObject({ status: 'error', ename: 'RangeError', evalue: 'boom' });
    expect(re.iopub.find((m) => m.type === 'error')).toMatchObject({ ename: 'RangeError', evalue: 'boom', traceback: expect.arrayContaining(['RangeError: boom']) });
    expect(cell('after_error').iopub.find((m) => m.type === 'execute_result')?.data).toEqual({ 'text/plain': '80' });
  });

  it('stop_on_error aborts the executes queued behind a failed cell (and only then)', () => {
    const [first, second, third] = r.stop_on_error as Record<string, unknown>[];
    expect(first).toMatchObject({ status: 'error', evalue: 'first fails' });
    expect(second).toMatchObject({ status: 'error', ename: 'ExecutionAborted' });
    expect(third).toMatchObject({ status: 'error', ename: 'ExecutionAborted' });
    expect(cell('after_abort').iopub.find((m) => m.type === 'execute_result')?.data).toEqual({ 'text/plain': 'false' });
    const [tolerated, next] = r.no_stop_on_error as Record<string, unknown>[];
    expect(tolerated).toMatchObject({ status: 'error', evalue: 'tolerated' });
    expect(next).toMatchObject({ status: 'ok' });
  });

  it('silent and store_history=false cells do not count; silent ones publish no input or result', () => {
    const silent = cell('silent');
    expect(types(silent)).toEqual(['status:busy', 'status:idle']);
    const before = (cell('after_abort').reply.execution_count as number) + 2; // two no-stop-on-error cells
    expect(silent.reply.execution_count).toBe(before);
    expect(cell('no_history').reply.execution_count).toBe(before);
    expect(cell('count_after').reply.execution_count).toBe(before + 1);
  });

  it('completes, inspects and judges completeness from the TypeScript service', () => {
    expect(r.complete).toMatchObject({ status: 'ok', matches: expect.arrayContaining(['executeSql']), cursor_start: 5, cursor_end: 9 });
    const inspect = r.inspect as { found: boolean; data: Record<string, string> };
    expect(inspect.found).toBe(true);
    expect(inspect.data['text/plain']).toContain('executeSql(statement: string): Promise<TableResult>');
    expect(r.is_complete).toEqual({
      complete: { status: 'complete' },
      incomplete: { status: 'incomplete', indent: '  ' },
      // a SQL paragraph goes on until a `;` (or an empty line), as in Flink's SQL client
      sql: { status: 'incomplete', indent: '' },
      sql_done: { status: 'complete' },
    });
  });

  it('keeps history (tail and search) and answers comm_info with no comms', () => {
    const tail = (r.history_tail as { history: [number, number, string][] }).history;
    expect(tail.some(([, line, input]) => line === 1 && input === 'const x: number = 40; x + 2')).toBe(true);
    expect(tail.some(([, , input]) => input === 'x + 1000')).toBe(false);
    expect((r.history_search as { history: [number, number, string][] }).history.map((h) => h[2])).toContain('const x: number = 40; x + 2');
    expect(r.comm_info).toEqual({ msg_type: 'comm_info_reply', content: { status: 'ok', comms: {} } });
  });

  it('rejects badly signed and unsigned messages, logs them, and stays alive', () => {
    expect(r.bad_signature_replied).toBe(false);
    expect(cell('after_bad_signature').iopub.find((m) => m.type === 'execute_result')?.data).toEqual({ 'text/plain': 'false' });
    expect(r.kernel_stderr_rejections).toEqual(['[tsflink-kernel] rejected a message on shell: invalid signature', '[tsflink-kernel] rejected a message on shell: unsigned message']);
  });

  it('%%sql update mode updates one display in place; liveDisplay=clear uses clear_output', () => {
    expect(cell('sql_ddl').reply.status).toBe('ok');
    const u = cell('sql_update');
    expect(u.reply.status).toBe('ok');
    const displays = u.iopub.filter((m) => m.type === 'display_data' || m.type === 'update_display_data');
    expect(displays[0].type).toBe('display_data');
    expect(displays.slice(1).length).toBeGreaterThan(0);
    expect(displays.slice(1).every((m) => m.type === 'update_display_data' && m.display_id === displays[0].display_id)).toBe(true);
    const final = displays[displays.length - 1].data!;
    expect(final['text/plain']).toMatch(/\| +a \| +2 \|/);
    expect(final['text/plain']).not.toMatch(/\| +a \| +1 \|/);
    expect(final['text/html']).toContain('FINISHED');
    const c = cell('sql_clear');
    expect(c.reply.status).toBe('ok');
    const clears = c.iopub.filter((m) => m.type === 'clear_output');
    expect(clears.length).toBeGreaterThan(0);
    expect(clears[0].content).toEqual({ wait: true });
    expect(c.iopub.some((m) => m.type === 'update_display_data')).toBe(false);
  });

  it('%%bsql, Arrow tables and session facts', () => {
    expect(cell('bsql').reply.status).toBe('ok');
    const arrow = cell('arrow').iopub.find((m) => m.type === 'execute_result');
    expect(arrow?.data?.['text/html']).toContain('<td>c</td>');
    expect(cell('session_web_ui').iopub.find((m) => m.type === 'execute_result')?.data?.['text/plain']).toMatch(/^'http:\/\/127\.0\.0\.1:\d+'$/);
  });

  it('shutdown_request replies, and the kernel (with its JVM) and its children exit', () => {
    expect(r.shutdown_reply).toEqual({ status: 'ok', restart: false });
    expect(r.pid_alive_after).toBe(false);
    expect(r.descendants_alive_after).toEqual([]);
  });
});

describe('kernel interrupts, restart and history on disk', () => {
  let r: Record<string, unknown>;

  beforeAll(async () => {
    r = await driverResult('interrupt');
  }, 400_000);

  for (const label of ['interrupt_message', 'interrupt_sigint']) {
    it(`${label}: cancels an unbounded streaming query's job within 2 s`, () => {
      const i = r[label] as Record<string, unknown>;
      expect(i.jobs_while_running).toBe(1);
      expect(i.reply).toMatchObject({ status: 'error', ename: 'Interrupted' });
      expect(i.reply_after_interrupt_s).toBeLessThan(2);
      expect(i.jobs_cancelled_after_s).not.toBeNull();
      expect(i.jobs_cancelled_after_s as number).toBeLessThan(2);
      expect(i.display_ids).toHaveLength(1);
      expect((i.iopub_types as string[]).filter((t) => t === 'error')).toHaveLength(1);
      if (label === 'interrupt_message') expect(i.interrupt_reply).toEqual({ msg_type: 'interrupt_reply', content: { status: 'ok' }, parent: true });
    });
  }

  it('SIGINT breaks a synchronous endless loop', () => {
    const s = r.sync_loop_sigint as { reply: Record<string, unknown>; seconds: number };
    expect(s.reply).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect(s.seconds).toBeLessThan(2);
  });

  it('earlier definitions survive an interrupt, and SQL still runs after a SIGINT', () => {
    expect((r.after_interrupt as { value: string }).value).toBe('42');
    const after = r.after_sigint as { reply: Record<string, unknown>; iopub: Msg[] };
    expect(after.reply.status).toBe('ok');
    expect(JSON.stringify(after.iopub)).toMatch(/\| c \|/);
  });

  it('history from the previous kernel session is read back from disk', () => {
    const h = (r.history_previous_session as { history: [number, number, string][] }).history;
    expect(h.map((e) => e[2])).toEqual(['const x: number = 40; x + 2', "console.log('hello'); console.error('careful'); undefined"]);
    expect(fs.readFileSync(kt.historyFile, 'utf8')).toContain('keep + 1');
  });

  it('restart=true replaces the process with a fresh kernel; shutdown leaves nothing behind', () => {
    expect(r.restart_old_pid_alive).toBe(false);
    expect((r.after_restart as { reply: Record<string, unknown> }).reply).toMatchObject({ status: 'error', ename: 'TSError', evalue: expect.stringContaining("Cannot find name 'keep'") });
    expect(r.shutdown_reply).toEqual({ status: 'ok', restart: false });
    expect(r.pid_alive_after).toBe(false);
    expect(r.descendants_alive_after).toEqual([]);
  });
});

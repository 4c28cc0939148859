/**
 * The Zeppelin interpreter group (zeppelin/, docs/zeppelin.md), driven for real: the Java
 * interpreter classes in an InterpreterGroup, one InterpreterContext per paragraph with an
 * InterpreterOutput listener, open(), interpret(), cancel(), completion() — what Zeppelin's own
 * interpreter tests do (FlinkSqlInterpreterTest, FlinkStreamSqlInterpreterTest) — through the
 * driver in zeppelin/jvm/src/test, against a real TSFlink session in the Node process the
 * interpreters start. Needs `npm run build` (dist/zeppelin) and Maven (the jar is built here).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParagraphOutput } from '../zeppelin/output';
import { stripTableData, withoutTableData } from '../src/repl/core';
import { JOB_STATUS_MIME, TABLE_DATA_MIME, type MimeBundle, type OutputSink } from '../src/repl/types';
import { tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const MODULE = path.join(ROOT, 'zeppelin', 'jvm');

describe('paragraph output model (zeppelin/output.ts)', () => {
  it('turns sink calls into Zeppelin messages and the changes since the last flush', () => {
    const out = new ParagraphOutput();
    out.stdout('hello ');
    out.stdout('world\n');
    expect(out.changes()).toEqual([{ op: 'add', type: 'TEXT', data: 'hello world\n' }]);
    out.stdout('more\n');
    expect(out.changes()).toEqual([{ op: 'append', index: 0, data: 'more\n' }]);
    const live = (rows: string[][], state: string) => ({
      'text/plain': 'ignored',
      'text/html': '<table>ignored</table>',
      [TABLE_DATA_MIME]: { columns: ['k', 'c'], rows, mode: 'update', status: { text: state, html: `<b>${state}</b>` } },
    });
    out.display(live([['a', '1']], 'RUNNING'), 'd1');
    expect(out.changes()).toEqual([
      { op: 'add', type: 'TABLE', data: 'k\tc\na\t1\n' },
      { op: 'add', type: 'HTML', data: '<b>RUNNING</b>' },
    ]);
    // a tab or line break inside a value must not split the cell or the row
    out.updateDisplay(live([['a', '2'], ['b\tx\ny', '1']], 'FINISHED'), 'd1');
    expect(out.changes()).toEqual([
      { op: 'set', index: 1, type: 'TABLE', data: 'k\tc\na\t2\nb x y\t1\n' },
      { op: 'set', index: 2, type: 'HTML', data: '<b>FINISHED</b>' },
    ]);
    expect(out.changes()).toEqual([]);
    out.clearOutput(true);
    out.display({ 'text/plain': 'OK' });
    expect(out.changes()).toEqual([{ op: 'reset' }, { op: 'add', type: 'TEXT', data: 'OK\n' }]);
  });

  it('maps rich displays to %html, %img and %text', () => {
    const out = new ParagraphOutput();
    out.display({ 'text/html': '<b>hi</b>' });
    out.display({ 'image/png': 'iVBOR' });
    out.display({ 'image/jpeg': '/9j/' });
    out.display({ 'image/svg+xml': '<svg/>' });
    out.display({ 'text/markdown': '# t', 'text/plain': '# t' });
    out.display({ 'application/json': { a: 1 } });
    expect(out.messages()).toEqual([
      { type: 'HTML', data: '<b>hi</b>' },
      { type: 'IMG', data: 'iVBOR' },
      { type: 'HTML', data: '<img src="data:image/jpeg;base64,/9j/">' },
      { type: 'HTML', data: '<svg/>' },
      { type: 'TEXT', data: '# t\n' },
      { type: 'TEXT', data: '{\n  "a": 1\n}\n' },
    ]);
  });

  it('shows a changelog in append mode with its op column, and a single value as HTML', () => {
    const out = new ParagraphOutput();
    out.display({ 'text/plain': 't', [TABLE_DATA_MIME]: { columns: ['k'], rows: [['a'], ['a']], kinds: ['+I', '-D'], mode: 'append', footer: '2 rows' } });
    out.display({ 'text/plain': '42', 'text/html': '<div>42</div>', [TABLE_DATA_MIME]: { columns: ['n'], rows: [['42']], mode: 'single' } });
    expect(out.messages()).toEqual([
      { type: 'TABLE', data: 'op\tk\n+I\ta\n-D\ta\n' },
      { type: 'TEXT', data: '2 rows\n' },
      { type: 'HTML', data: '<div>42</div>' },
    ]);
  });
});

describe('table data reaches only the front-ends that ask for it', () => {
  it('strips TABLE_DATA_MIME and JOB_STATUS_MIME for sinks without acceptsTableData (Jupyter, the shell)', () => {
    const bundle: MimeBundle = { 'text/plain': 't', 'text/html': '<table/>', [TABLE_DATA_MIME]: { columns: ['a'], rows: [['1']] } };
    const seen: MimeBundle[] = [];
    const sink: OutputSink = { stdout: () => undefined, stderr: () => undefined, display: (b) => seen.push(b), updateDisplay: (b) => seen.push(b), clearOutput: () => undefined };
    const wrapped = withoutTableData(sink);
    wrapped.display(bundle, 'd');
    wrapped.updateDisplay(bundle, 'd');
    expect(seen).toEqual([
      { 'text/plain': 't', 'text/html': '<table/>' },
      { 'text/plain': 't', 'text/html': '<table/>' },
    ]);
    expect(stripTableData(bundle)).toEqual({ 'text/plain': 't', 'text/html': '<table/>' });
    // an INSERT's status line carries its progress and job page as data, for Zeppelin only
    const status: MimeBundle = { 'text/plain': 'RUNNING', 'text/html': '<b>RUNNING</b>', [JOB_STATUS_MIME]: { progress: 50, jobUrl: 'http://x/#/job/running/1/overview' } };
    expect(stripTableData(status)).toEqual({ 'text/plain': 'RUNNING', 'text/html': '<b>RUNNING</b>' });
    const out = new ParagraphOutput();
    out.display(status, 'd');
    expect([out.progress, out.jobUrl]).toEqual([50, 'http://x/#/job/running/1/overview']);
    expect(out.messages()).toEqual([{ type: 'HTML', data: '<b>RUNNING</b>' }]);
  });
});

function mvn(args: string[]): void {
  // offline first (the dependencies are usually cached), online if something is missing
  for (const offline of [true, false]) {
    const r = spawnSync('mvn', [...(offline ? ['-o'] : []), '-q', '-B', ...args], { cwd: MODULE, encoding: 'utf8' });
    if (r.status === 0) return;
    if (!offline) throw new Error(`mvn ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  }
}

describe('tsflink zeppelin install', () => {
  it('drops the jar and an interpreter-setting.json pointing at this TSFlink into <zeppelin>/interpreter/tsflink', () => {
    mvn(['package']);
    const zeppelin = tempDir('zeppelin-home-');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli/tsflink.js'), 'zeppelin', 'install', zeppelin], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const dir = path.join(zeppelin, 'interpreter', 'tsflink');
    expect(fs.readFileSync(path.join(dir, 'tsflink-zeppelin.jar'))).toEqual(fs.readFileSync(path.join(MODULE, 'target', 'tsflink-zeppelin.jar')));
    const settings = JSON.parse(fs.readFileSync(path.join(dir, 'interpreter-setting.json'), 'utf8')) as { group: string; name: string; className: string; properties: Record<string, { defaultValue: string }> }[];
    expect(settings.map((s) => [s.group, s.name, s.className])).toEqual([
      ['tsflink', 'tsflink', 'dev.tsflink.zeppelin.TSFlinkInterpreter'],
      ['tsflink', 'ssql', 'dev.tsflink.zeppelin.TSFlinkStreamSqlInterpreter'],
      ['tsflink', 'bsql', 'dev.tsflink.zeppelin.TSFlinkBatchSqlInterpreter'],
    ]);
    expect(settings[0].properties['tsflink.home'].defaultValue).toBe(ROOT);
    expect(settings[0].properties['tsflink.node'].defaultValue).toBe(process.execPath);
    expect(r.stdout).toContain(`Installed the Zeppelin interpreter group 'tsflink' in ${dir}`);

    const missing = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli/tsflink.js'), 'zeppelin', 'install', path.join(zeppelin, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such directory');
  });
});

interface Message {
  type: string;
  data: string;
}
type DriverEvent =
  | { ev: 'opened'; ms: number; webUrl: string }
  | { ev: 'openFailed'; message: string }
  | { ev: 'update'; tag: string; index: number; type: string; data: string }
  | { ev: 'append'; tag: string; index: number; data: string }
  | { ev: 'updateAll'; tag: string }
  | { ev: 'result'; tag: string; code: string; messages: Message[] }
  | { ev: 'cancelled'; tag: string; ms: number }
  | { ev: 'progress'; tag: string; percent: number }
  | { ev: 'paraInfos'; tag: string; infos: Record<string, string> }
  | { ev: 'completion'; tag: string; values: string[] }
  | { ev: 'closed' };

/** The Java driver: commands in, events out. */
class Driver {
  readonly events: DriverEvent[] = [];
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;
  private tags = 0;

  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      if (!line.startsWith('DRIVER ')) return;
      this.events.push(JSON.parse(line.slice('DRIVER '.length)) as DriverEvent);
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr.resume();
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  send(cmd: Record<string, unknown>): void {
    this.proc.stdin.write(JSON.stringify(cmd) + '\n');
  }

  async waitFor<E extends DriverEvent>(pred: (e: DriverEvent) => e is E, timeoutMs: number, what: string): Promise<E> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last events: ${JSON.stringify(this.events.slice(-5)).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Starts a paragraph; returns its tag. */
  start(intp: 'tsflink' | 'ssql' | 'bsql', code: string, props: Record<string, string> = {}): string {
    const tag = `p${++this.tags}`;
    this.send({ cmd: 'interpret', tag, intp, code, props });
    return tag;
  }

  result(tag: string, timeoutMs = 90_000): Promise<Extract<DriverEvent, { ev: 'result' }>> {
    return this.waitFor((e): e is Extract<DriverEvent, { ev: 'result' }> => e.ev === 'result' && e.tag === tag, timeoutMs, `the result of ${tag}`);
  }

  async run(intp: 'tsflink' | 'ssql' | 'bsql', code: string, props: Record<string, string> = {}) {
    return this.result(this.start(intp, code, props));
  }

  /** The listener's updates of `%table` messages of a paragraph, in order. */
  tableUpdates(tag: string): string[] {
    return this.events.flatMap((e) => (e.ev === 'update' && e.tag === tag && e.type === 'TABLE' && e.data ? [e.data] : []));
  }
}

const text = (r: { messages: Message[] }) => r.messages.map((m) => m.data).join('');
const tableOf = (r: { messages: Message[] }) => r.messages.find((m) => m.type === 'TABLE')?.data;

describe('the tsflink interpreter group, driven as Zeppelin drives it', () => {
  let driver: Driver;

  beforeAll(async () => {
    mvn(['package']);
    const cp = [path.join(MODULE, 'target/classes'), path.join(MODULE, 'target/test-classes'), fs.readFileSync(path.join(MODULE, 'target/test-classpath.txt'), 'utf8').trim()].join(path.delimiter);
    const proc = spawn('java', ['-cp', cp, 'dev.tsflink.zeppelin.ZeppelinDriver', `tsflink.home=${ROOT}`, `tsflink.node=${process.execPath}`, 'tsflink.parallelism=1'], { cwd: tempDir('zeppelin-driver-') });
    driver = new Driver(proc);
    driver.send({ cmd: 'open' });
    const opened = await driver.waitFor((e): e is Extract<DriverEvent, { ev: 'opened' | 'openFailed' }> => e.ev === 'opened' || e.ev === 'openFailed', 170_000, 'open()');
    expect(opened).toMatchObject({ ev: 'opened' });
    // the group's web URL is the session's Flink web UI
    expect((opened as { webUrl: string }).webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // the unbounded source the streaming tests query
    const gen = await driver.run('ssql', "CREATE TABLE gen (k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.k.min' = '1', 'fields.k.max' = '3')");
    expect(gen.code).toBe('SUCCESS');
  });

  afterAll(async () => {
    if (!driver) return;
    driver.send({ cmd: 'close' });
    const code = await Promise.race([driver.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 40_000))]);
    if (code === 'timeout') driver.proc.kill('SIGKILL');
  });

  it('runs TypeScript paragraphs: printed text and the value as %text, declarations kept for later paragraphs', async () => {
    const r = await driver.run('tsflink', "const n = 40 + 2;\nconsole.log('hello from a paragraph');\nn");
    expect(r.code).toBe('SUCCESS');
    expect(r.messages).toEqual([
      { type: 'TEXT', data: 'hello from a paragraph\n' },
      { type: 'TEXT', data: '42\n' },
    ]);
    const again = await driver.run('tsflink', 'n + 1');
    expect(again.messages).toEqual([{ type: 'TEXT', data: '43\n' }]);
    const html = await driver.run('tsflink', "await display.html('<b>rich</b>');");
    expect(html.messages).toEqual([{ type: 'HTML', data: '<b>rich</b>' }]);
    // a Table value is run and shown as a %table
    const table = await driver.run('tsflink', 'bEnv.fromValues([{ x: 1 }, { x: 2 }])');
    expect(table.code).toBe('SUCCESS');
    expect(tableOf(table)).toBe('x\n1\n2\n');
  });

  it('shares one session: a view from %tsflink in %tsflink.ssql, one on bEnv in %tsflink.bsql, as %table', async () => {
    const setup = await driver.run(
      'tsflink',
      "tEnv.createTemporaryView('nums', tEnv.fromValues([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }]));\nbEnv.createTemporaryView('letters', bEnv.fromValues([{ c: 'y' }, { c: 'x' }]));",
    );
    expect(setup.code).toBe('SUCCESS');
    const update = await driver.run('ssql', 'SELECT k, SUM(v) AS total FROM nums GROUP BY k', { type: 'update' });
    expect(update.code).toBe('SUCCESS');
    expect(update.messages[0]).toEqual({ type: 'TABLE', data: 'k\ttotal\na\t4\nb\t2\n' });
    expect(update.messages[1].type).toBe('HTML');
    expect(update.messages[1].data).toContain('<b>FINISHED</b>');
    const batch = await driver.run('bsql', 'SELECT c, UPPER(c) AS u FROM letters ORDER BY c');
    expect(batch.code).toBe('SUCCESS');
    expect(tableOf(batch)).toBe('c\tu\nx\tX\ny\tY\n');
    const ddl = await driver.run('ssql', "CREATE TABLE quiet (k INT) WITH ('connector' = 'blackhole')");
    expect(ddl.code).toBe('SUCCESS');
    expect(ddl.messages).toEqual([{ type: 'TEXT', data: '[INFO] Execute statement succeeded.\n' }]);
    // SHOW: a bounded result without a job, as a table; one catalog per session, so the
    // view declared on bEnv is listed by the streaming environment too
    const show = await driver.run('ssql', 'SHOW TABLES');
    expect(tableOf(show)).toBe('table name\ngen\nletters\nnums\nquiet\n');
  });

  it('type=update: a streaming aggregate updates its %table in place while the job runs', async () => {
    const tag = driver.start('ssql', 'SELECT k, COUNT(*) AS c FROM gen GROUP BY k', { type: 'update', refreshInterval: '500', stopAfter: '7000' });
    const r = await driver.result(tag);
    expect(r.code).toBe('SUCCESS');
    // what the front-end was sent while the job ran: the same table, with growing counts
    const tables = [...new Set(driver.tableUpdates(tag))];
    expect(tables.length).toBeGreaterThanOrEqual(3);
    const totals = tables.map((t) => {
      const [header, ...rows] = t.trimEnd().split('\n');
      expect(header).toBe('k\tc');
      return rows.reduce((sum, row) => sum + Number(row.split('\t')[1]), 0);
    });
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
    expect(totals[totals.length - 1]).toBeGreaterThan(totals[0]);
    // the job's link in the paragraph's header, as Zeppelin's Flink interpreter sends it
    const infos = driver.events.find((e): e is Extract<DriverEvent, { ev: 'paraInfos' }> => e.ev === 'paraInfos' && e.tag === tag);
    expect(infos?.infos).toMatchObject({ label: 'FLINK JOB', paraId: tag, noteId: 'note_1' });
    expect(infos?.infos.jobUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#\/job\/running\/[0-9a-f]{32}\/overview$/);
    // one %table message, replaced in place (Zeppelin's front-end gets updates of one message index)
    expect(r.messages.filter((m) => m.type === 'TABLE')).toHaveLength(1);
    const indexes = new Set(driver.events.flatMap((e) => (e.ev === 'update' && e.tag === tag && e.type === 'TABLE' ? [e.index] : [])));
    expect([...indexes]).toEqual([0]);
    // a key's row is updated, not appended: at most the three keys
    expect(tableOf(r)!.trimEnd().split('\n').length).toBeLessThanOrEqual(4);
    expect(text(r)).toContain('STOPPED');
  });

  it('type=append with maxRows, and type=single with a template', async () => {
    const append = await driver.run('ssql', 'SELECT k FROM gen', { type: 'append', maxRows: '5' });
    expect(append.code).toBe('SUCCESS');
    const [header, ...rows] = tableOf(append)!.trimEnd().split('\n');
    expect(header).toBe('k');
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(['1', '2', '3']).toContain(row);
    const single = await driver.run('ssql', 'SELECT COUNT(*) AS n FROM nums', { type: 'single', template: 'total: {0} rows' });
    expect(single.code).toBe('SUCCESS');
    expect(single.messages[0].type).toBe('HTML');
    expect(single.messages[0].data).toContain('total: 3 rows');
  });

  it("getProgress() follows the running job's finished subtasks", async () => {
    // a bounded source (its task finishes at once) next to the unbounded one: the job runs on, part done
    const ddl = await driver.run('ssql', "CREATE TABLE few (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10', 'fields.k.min' = '1', 'fields.k.max' = '3')");
    expect(ddl.code).toBe('SUCCESS');
    const tag = driver.start('ssql', 'SELECT k, COUNT(*) AS c FROM (SELECT k FROM few UNION ALL SELECT k FROM gen) GROUP BY k', { refreshInterval: '300', stopAfter: '8000' });
    const seen = await driver.waitFor((e): e is Extract<DriverEvent, { ev: 'progress' }> => e.ev === 'progress' && e.tag === tag && e.percent > 0, 60_000, 'a progress report');
    expect(seen.percent).toBeLessThan(100);
    // the same share as the status line under the table
    const status = driver.events.flatMap((e) => (e.ev === 'update' && e.tag === tag && e.type === 'HTML' ? [e.data] : [])).find((h) => h.includes(`${seen.percent}% (`));
    expect(status).toBeDefined();
    const r = await driver.result(tag);
    expect(r.code).toBe('SUCCESS');
  });

  it('getProgress() and the job link follow an INSERT paragraph too', async () => {
    const ddl = await driver.run(
      'ssql',
      `CREATE TABLE few_ins (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10', 'fields.k.min' = '1', 'fields.k.max' = '3');
       CREATE TABLE counts_ins (k INT, c BIGINT) WITH ('connector' = 'blackhole')`,
    );
    expect(ddl.code).toBe('SUCCESS');
    // as in the query above: the bounded source's task finishes, the job runs on
    const tag = driver.start('ssql', 'INSERT INTO counts_ins SELECT k, COUNT(*) AS c FROM (SELECT k FROM few_ins UNION ALL SELECT k FROM gen) GROUP BY k', { refreshInterval: '300' });
    const seen = await driver.waitFor((e): e is Extract<DriverEvent, { ev: 'progress' }> => e.ev === 'progress' && e.tag === tag && e.percent > 0, 60_000, 'a progress report');
    expect(seen.percent).toBeLessThan(100);
    // the same share as the INSERT's status line
    const status = driver.events.flatMap((e) => (e.ev === 'update' && e.tag === tag && e.type === 'HTML' ? [e.data] : [])).find((h) => h.includes(`${seen.percent}% (`));
    expect(status).toBeDefined();
    const infos = driver.events.find((e): e is Extract<DriverEvent, { ev: 'paraInfos' }> => e.ev === 'paraInfos' && e.tag === tag);
    expect(infos?.infos).toMatchObject({ label: 'FLINK JOB', paraId: tag });
    const jobId = /\/#\/job\/running\/([0-9a-f]{32})\/overview$/.exec(infos?.infos.jobUrl ?? '')?.[1];
    expect(status).toContain(`>${jobId}</a>`);
    driver.send({ cmd: 'cancel', tag, intp: 'ssql' });
    const r = await driver.result(tag, 15_000);
    expect(r.code).toBe('ERROR');
    expect(text(r)).toContain('CANCELED');
  });

  it('cancel() interrupts a running streaming query and cancels its Flink job', async () => {
    const tag = driver.start('ssql', 'SELECT k, COUNT(*) AS c FROM gen GROUP BY k', { type: 'update', refreshInterval: '300' });
    await driver.waitFor((e): e is DriverEvent => e.ev === 'update' && e.tag === tag && e.type === 'TABLE' && e.data.split('\n').length > 2, 90_000, 'rows of the running query');
    const t0 = Date.now();
    driver.send({ cmd: 'cancel', tag, intp: 'ssql' });
    const r = await driver.result(tag, 15_000);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe('ERROR');
    expect(text(r)).toContain('Interrupted');
    expect(text(r)).toContain('CANCELED');
    const jobs = await driver.run('tsflink', "(await session.listJobs()).filter((j) => j.state === 'RUNNING').length");
    expect(jobs.messages).toEqual([{ type: 'TEXT', data: '0\n' }]);
  });

  it('cancel() stops a TypeScript paragraph busy in synchronous code', async () => {
    // the loop blocks Node's event loop, so no output can leave before it ends: a file says it started
    const marker = path.join(tempDir('zeppelin-loop-'), 'started');
    const tag = driver.start('tsflink', `import * as fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(marker)}, 'x');\nwhile (true) {}`);
    for (const deadline = Date.now() + 60_000; !fs.existsSync(marker); ) {
      if (Date.now() > deadline) throw new Error('the loop did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    driver.send({ cmd: 'cancel', tag, intp: 'tsflink' });
    const r = await driver.result(tag, 15_000);
    expect(r.code).toBe('ERROR');
    expect(text(r)).toContain('Interrupted');
  });

  it('an error paragraph shows a clear message, and the session goes on', async () => {
    const sql = await driver.run('ssql', 'SELECT * FROM no_such_table');
    expect(sql.code).toBe('ERROR');
    expect(text(sql)).toContain("Object 'no_such_table' not found");
    const typeError = await driver.run('tsflink', 'const s: string = 1;');
    expect(typeError.code).toBe('ERROR');
    expect(text(typeError)).toContain("cell:1:7 - error TS2322: Type 'number' is not assignable to type 'string'.");
    const thrown = await driver.run('tsflink', "throw new Error('boom')");
    expect(thrown.code).toBe('ERROR');
    expect(text(thrown)).toContain('Error: boom');
    const option = await driver.run('ssql', 'SELECT 1', { type: 'sideways' });
    expect(option.code).toBe('ERROR');
    expect(text(option)).toContain('SQL option type=sideways: expected single, update, append or tableau');
    // the session and earlier declarations survive
    const after = await driver.run('tsflink', 'n * 2');
    expect(after).toMatchObject({ code: 'SUCCESS', messages: [{ type: 'TEXT', data: '84\n' }] });
    const sqlAfter = await driver.run('bsql', 'SELECT COUNT(*) AS n FROM letters');
    expect(tableOf(sqlAfter)).toBe('n\n2\n');
  });

  it('completes TypeScript and SQL', async () => {
    driver.send({ cmd: 'complete', tag: 'c1', intp: 'tsflink', code: 'tEnv.execu', cursor: 10 });
    const ts = await driver.waitFor((e): e is Extract<DriverEvent, { ev: 'completion' }> => e.ev === 'completion' && e.tag === 'c1', 30_000, 'TS completion');
    expect(ts.values).toContain('executeSql');
    driver.send({ cmd: 'complete', tag: 'c2', intp: 'ssql', code: 'SELECT * FROM num', cursor: 17 });
    const sql = await driver.waitFor((e): e is Extract<DriverEvent, { ev: 'completion' }> => e.ev === 'completion' && e.tag === 'c2', 30_000, 'SQL completion');
    expect(sql.values).toContain('nums');
  });

  it('a TypeScript UDF defined in %tsflink runs in %tsflink.bsql', async () => {
    const def = await driver.run(
      'tsflink',
      "const suffix = '!';\nconst shout = udf((s: string | null) => (s === null ? null : s.toUpperCase() + suffix), { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING() });\nbEnv.createTemporarySystemFunction('shout', shout);",
    );
    expect(def.code).toBe('SUCCESS');
    const r = await driver.run('bsql', 'SELECT shout(c) AS s FROM letters ORDER BY s');
    expect(text(r)).not.toContain('Error');
    expect(r.code).toBe('SUCCESS');
    expect(tableOf(r)).toBe('s\nX!\nY!\n');
  });

  it('a session whose process died is replaced on the next paragraph, which says so', async () => {
    // the Node process the interpreters started: the driver's child running dist/zeppelin/main.js
    const node = fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .find((pid) => {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return ppid === driver.proc.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('zeppelin/main.js');
        } catch {
          return false;
        }
      });
    expect(node).toBeDefined();
    process.kill(Number(node), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    const r = await driver.run('tsflink', '1 + 1', {});
    expect(r.code).toBe('SUCCESS');
    expect(r.messages[0].type).toBe('TEXT');
    expect(r.messages[0].data).toContain('⚠ The TSFlink session had ended: the TSFlink process ended (exit code');
    expect(r.messages[0].data).toContain('A new session was started for this paragraph');
    expect(r.messages.slice(1)).toEqual([{ type: 'TEXT', data: '2\n' }]);
    // a new session: the old one's tables are gone, and the note is shown once
    const show = await driver.run('ssql', 'SHOW TABLES');
    expect(show.messages).toEqual([{ type: 'TABLE', data: 'table name\n' }, { type: 'TEXT', data: 'Empty set\n' }]);
  });
});

/**
 * The kernel around the cells when things go wrong (issue 18): child processes during a TS UDF
 * job (item 9), listening sockets on loopback only (item 11), a synchronous endless loop stopped by
 * an interrupt message (item 6), apache-arrow resolving for a notebook outside the repo (item 7),
 * errors nobody awaited and an out-of-memory job (item 1). Real kernels driven by jupyter_client
 * (test/kernel/faults.py, test/kernel/oom.py).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelRoot, repoRoot, runDriver, useKernelTestEnv } from './kernel/env';
import { dumpFileReport } from './hang-report';

const kt = useKernelTestEnv();

type Msg = { type: string; name?: string; text?: string; data?: Record<string, string>; ename?: string; evalue?: string; traceback?: string[] };
type Cell = { reply?: Record<string, unknown>; iopub?: Msg[]; value?: string | null; timeout?: string };

async function driver(name: string, args: string[]): Promise<Record<string, unknown>> {
  const stderrFile = path.join(path.dirname(kt.dataDir), `${name}-stderr.log`);
  const r = await runDriver(path.join(__dirname, 'kernel', `${name}.py`), [stderrFile, ...args], kt.env, 400_000);
  if (process.env.TSFLINK_TEST_VERBOSE) console.log(JSON.stringify(r.result, null, 1), fs.readFileSync(stderrFile, 'utf8').slice(-3000));
  return r.result;
}

function streamText(c: Cell): string {
  return (c.iopub ?? []).filter((m) => m.type === 'stream').map((m) => m.text).join('');
}

describe('a kernel whose notebook is outside the repo, with a TS UDF job running', () => {
  let r: Record<string, unknown>;
  let notebookDir: string;
  const cell = (name: string) => r[name] as Cell;

  beforeAll(async () => {
    notebookDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-notebook-'));
    r = await driver('faults', [notebookDir]);
    fs.rmSync(notebookDir, { recursive: true, force: true });
  }, 420_000);

  it('apache-arrow, which TSFlink hands out, resolves in a notebook folder without node_modules', () => {
    expect(path.relative(repoRoot, notebookDir).startsWith('..')).toBe(true);
    expect(cell('arrow_import').reply).toMatchObject({ status: 'ok' });
    expect(cell('arrow_import').value).toBe(`[ '${fs.realpathSync.native(path.dirname(notebookDir)) === path.dirname(notebookDir) ? notebookDir : fs.realpathSync(notebookDir)}', 3 ]`);
  });

  it('execSync and exec answer while a TS UDF job runs (and a helper child lives)', () => {
    expect(cell('udf_job').reply).toMatchObject({ status: 'ok' });
    expect(cell('udf_job').value).toBe('false');
    expect(cell('exec_sync')).toMatchObject({ reply: { status: 'ok' }, value: "'ok'" });
    expect(cell('exec_async')).toMatchObject({ reply: { status: 'ok' }, value: "'ok'" });
    expect(cell('udf_job_stop')).toMatchObject({ reply: { status: 'ok' } });
  });

  it('no socket of the session (kernel process and its UDF workers) listens outside loopback', () => {
    const listening = r.listening as { address: string; port: number; own: boolean }[];
    // the kernel's own zmq sockets and Flink's REST, BLOB, RPC and Beam ports exist ...
    expect(listening.filter((s) => s.own).length).toBeGreaterThan(5);
    // ... and every one of them is on loopback
    expect(listening.filter((s) => !['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(s.address))).toEqual([]);
  });

  it('an error nobody awaited is shown in the cell that caused it; the kernel carries on', () => {
    const c = cell('stray_rejection');
    expect(c.reply).toMatchObject({ status: 'ok' });
    expect(c.value).toBe("'after'");
    expect(streamText(c)).toMatch(/An error nobody awaited \(unhandled promise rejection\):\nError: stray failure in a callback/);
  });

  it('display.html/markdown/svg/png/mime output their MIME types; bad bundles are refused with the cause', () => {
    const c = cell('rich_display');
    expect(c).toMatchObject({ reply: { status: 'ok' }, value: "'done'" });
    const shown = (c.iopub ?? []).filter((m) => m.type === 'display_data').map((m) => m.data);
    expect(shown).toEqual([
      { 'text/html': '<b>bold</b>' },
      { 'text/markdown': '# Title', 'text/plain': '# Title' },
      { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>' },
      { 'image/png': Buffer.from([137, 80, 78, 71]).toString('base64') },
      // a Vega-Lite spec gets its SVG fallback (item 2), drawn server-side from the spec
      { 'text/html': '<i>chart</i>', 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'image/svg+xml': expect.stringMatching(/^<svg [^]*<\/svg>$/) },
    ]);
    expect(cell('bad_mime').reply).toMatchObject({ status: 'error', ename: 'TypeError', evalue: "display.mime: 'application/json' is a JSON type and needs an object, got string" });
  });

  it('an array of row objects is shown as a table, like Flink results', () => {
    const literal = (cell('rows_literal').iopub ?? []).find((m) => m.type === 'execute_result')?.data;
    expect(literal?.['text/plain']).toMatch(/\| a \| +b \| +c \|/);
    expect(literal?.['text/plain']).toContain('2 rows in set');
    expect(literal?.['text/html']).toContain('<table');
    const collected = (cell('rows_collected').iopub ?? []).find((m) => m.type === 'execute_result')?.data;
    expect(collected?.['text/plain']).toMatch(/\| x \| y \|[^]*\| 3 \| 4 \|/);
  });

  it("a bounded job's status line shows its progress (finished tasks) while it runs", () => {
    const c = cell('bounded_progress');
    expect(c.reply).toMatchObject({ status: 'ok' });
    const texts = (c.iopub ?? []).filter((m) => m.type === 'display_data' || m.type === 'update_display_data').map((m) => m.data?.['text/plain'] ?? '');
    expect(texts.some((t) => /RUNNING · [▰▱]{10} \d+% \(\d+\/\d+ tasks\)/.test(t))).toBe(true);
    expect(texts[texts.length - 1]).toMatch(/FINISHED · 3 rows/);
  });

  it('chart(rows, …) shows a Vega-Lite bar chart with the table as fallback', () => {
    const shown = (cell('chart_rows').iopub ?? []).find((m) => m.type === 'display_data')?.data as Record<string, unknown> | undefined;
    expect(shown?.['application/vnd.vegalite.v5+json']).toMatchObject({
      data: { values: [{ w: 'a', n: 3 }, { w: 'b', n: 5 }] },
      mark: { type: 'bar' },
      encoding: { x: { field: 'w', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } },
    });
    expect(shown?.['text/plain']).toMatch(/\| w \| n \|/);
    // no HTML table: JupyterLab would rank it above the chart and never draw the chart
    expect(shown?.['text/html']).toBeUndefined();
    // the SVG fallback for front-ends without Vega-Lite: two bars, labelled by the x values
    const svg = String(shown?.['image/svg+xml']);
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<path [^>]*aria-roledescription="bar"/g)?.length).toBe(2);
    expect(svg).toMatch(/>a<\/text>[^]*>b<\/text>/);
  });

  it('%%sql(chart=bar, x, y) draws the streaming aggregate as a chart updated in place; a wrong column is named', () => {
    const c = cell('chart_sql');
    expect(c.reply).toMatchObject({ status: 'ok' });
    const all = (c.iopub ?? []).filter((m) => m.type === 'display_data' || m.type === 'update_display_data') as (Msg & { display_id?: string })[];
    expect(new Set(all.map((m) => m.display_id)).size).toBe(1);
    // progress (item 4): the status line is there before the job is even submitted, then the job's state
    expect(all[0].type).toBe('display_data');
    expect(all[0].data?.['text/plain']).toMatch(/^SUBMITTING · \d+\.\d s$/);
    const firstWithJob = all.findIndex((m) => / · job [0-9a-f]{32}/.test(m.data?.['text/plain'] ?? ''));
    expect(firstWithJob).toBeGreaterThan(0);
    expect(all[firstWithJob].data?.['text/plain']).toMatch(/(SUBMITTED|CREATED|INITIALIZING|RUNNING) · 0 rows/);
    const live = all.filter((m) => (m.data as Record<string, unknown>)['application/vnd.vegalite.v5+json'] !== undefined);
    expect(live.length).toBe(all.length - firstWithJob);
    const specs = live.map((m) => (m.data as Record<string, unknown>)['application/vnd.vegalite.v5+json'] as { mark: { type: string }; data: { values: { k: number; c: number }[] } });
    expect(specs.every((s) => s?.mark.type === 'bar')).toBe(true);
    const total = (s: (typeof specs)[number]) => s.data.values.reduce((a, v) => a + v.c, 0);
    expect(live.filter((m) => m.type === 'update_display_data').length).toBeGreaterThan(2);
    expect(total(specs[specs.length - 1])).toBeGreaterThan(total(specs.find((s) => total(s) > 0)!));
    // the status line is the chart's title (it has none of its own), the job's final state last
    const subtitles = specs.map((sp) => (sp as { title?: { text?: string } }).title?.text ?? '');
    expect(subtitles[0]).toMatch(/^(SUBMITTED|CREATED|INITIALIZING|RUNNING) · 0 rows/);
    expect(subtitles[subtitles.length - 1]).toMatch(/^STOPPED · 3 rows \(\d+ changes received\) · [\d.]+ s · job [0-9a-f]{32} · stopped after stopAfter=4000 ms$/);
    // each update carries its SVG fallback, redrawn as the counts change
    const svgs = live.map((m) => String((m.data as Record<string, unknown>)['image/svg+xml']));
    expect(svgs.every((s) => s.startsWith('<svg '))).toBe(true);
    expect(new Set(svgs).size).toBeGreaterThan(1);
    expect(cell('chart_bad').reply).toMatchObject({ status: 'error', evalue: expect.stringContaining('x=nope is not a column of the result (columns: c)') });
  });

  it("errors name the user's cell as Jupyter numbers it and the line typed, without TSFlink's frames; Calcite's list is cut", () => {
    const loc = cell('err_location').reply as { execution_count: number; traceback: string[] };
    expect(loc.traceback).toEqual(['RangeError: bad value 1', `    at eval (cell[${loc.execution_count}]:2:7)`]);
    const api = cell('err_api').reply as { execution_count: number; traceback: string[] };
    expect(api.traceback[0]).toMatch(/^FlinkError: SqlParserException: SQL parse failed/);
    expect(api.traceback.slice(1)).toEqual([`    at eval (cell[${api.execution_count}]:1:6)`]);
    const parse = (cell('err_parse').reply as { traceback: string[] }).traceback.join('\n');
    expect(parse).toContain('Was expecting one of:');
    expect(parse).toMatch(/… and \d+ more/);
    expect(parse.split('\n').length).toBeLessThan(30);
  });

  it('completions carry their kinds (_jupyter_types_experimental)', () => {
    const method = r.complete_kinds as { matches: string[]; cursor_start: number; cursor_end: number; metadata: { _jupyter_types_experimental: { text: string; type: string; start: number; end: number }[] } };
    expect(method.matches).toContain('executeSql');
    expect(method.metadata._jupyter_types_experimental).toContainEqual({ start: 5, end: 13, text: 'executeSql', type: 'method' });
    const variable = r.complete_kinds_variable as typeof method;
    expect(variable.metadata._jupyter_types_experimental).toContainEqual({ start: 20, end: 25, text: 'keepName', type: 'variable' });
  });

  it('an interrupt message stops a synchronous endless loop; earlier definitions survive', () => {
    expect(r.sync_loop_interrupt_reply).toEqual({ status: 'ok' });
    const s = r.sync_loop as { reply: Record<string, unknown>; seconds: number };
    expect(s.reply).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect(s.seconds).toBeLessThan(3);
    expect(cell('after_loop')).toMatchObject({ reply: { status: 'ok' }, value: '42' });
  });
});

describe('a kernel with a small session heap running a job that exhausts it', () => {
  let r: Record<string, unknown>;
  const cell = (name: string) => {
    const c = r[name] as Cell & { dump?: string | null };
    // a cell that never answered fails its test with what the kernel's JVM was doing
    if (c?.timeout) throw new Error(`cell ${name} did not answer: ${c.timeout}\n${dumpFileReport(c.dump)}`);
    return c;
  };

  beforeAll(async () => {
    r = await driver('oom', [kernelRoot]);
  }, 420_000);

  it('shows the OutOfMemoryError in the cell that caused it, with the heap option and how to set it', () => {
    const c = cell('oom');
    expect(c.reply).toMatchObject({ status: 'error', evalue: expect.stringContaining("The session's JVM ran out of memory (OutOfMemoryError") });
    const error = (c.iopub ?? []).find((m) => m.type === 'error');
    const text = (error?.traceback ?? []).join('\n');
    expect(text).toContain('OutOfMemoryError');
    expect(text).toMatch(/Its heap is about \d+ MB/);
    expect(text).toContain('TSFLINK_JVM_OPTS=-Xmx4g');
    expect(text).toContain('The session survived');
  });

  it('the next TypeScript and SQL cells answer', () => {
    expect(cell('next_ts')).toMatchObject({ reply: { status: 'ok' }, value: '42' });
    expect(cell('next_sql').reply).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(cell('next_sql').iopub)).toMatch(/\| two \|[^]*\|\s+2 \|/);
  });

  it('a session whose cluster died is restarted by the kernel itself, saying so in the cell; tEnv etc. are rebound', () => {
    expect(cell('kill_cluster')).toMatchObject({ reply: { status: 'ok' }, value: "'stopped'" });
    // the cell that finds the cluster gone fails, and says the session was restarted
    const gone = cell('finds_it_gone');
    expect(gone.reply).toMatchObject({ status: 'error' });
    const text = (gone.reply!.traceback as string[]).join('\n');
    expect(text).toMatch(/The session could not go on \(.+\), so TSFlink restarted it: a new cluster \(web UI http:\/\/127\.0\.0\.1:\d+\), with tEnv, bEnv, sql and session bound to it\./);
    // the next cells run on the new session: SQL, and the rebound names from TypeScript
    expect(cell('restarted_sql').reply).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(cell('restarted_sql').iopub)).toMatch(/\| four \|[^]*\|\s+4 \|/);
    const before = cell('web_before').value!;
    expect(cell('restarted_ts').reply).toMatchObject({ status: 'ok' });
    const [webUi, n, rows] = JSON.parse(cell('restarted_ts').value!.replace(/'/g, '"')) as [string, number, number];
    expect(webUi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(`'${webUi}'`).not.toBe(before);
    expect(n).toBe(21);
    expect(rows).toBe(1);
  });
});

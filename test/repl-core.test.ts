/**
 * The interactive session core (src/repl) driven through its API on a real session: the same
 * calls the Jupyter kernel and tsflink-shell make.
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInteractiveCore, type TSFlinkCore } from '../src/repl/core';
import type { ExecuteOutcome, MimeBundle, OutputSink } from '../src/repl/types';

process.env.TSFLINK_QUIET ??= '1';

class RecordingSink implements OutputSink {
  out = '';
  err = '';
  displays: { bundle: MimeBundle; id?: string }[] = [];
  updates: { bundle: MimeBundle; id: string }[] = [];
  stdout(t: string): void {
    this.out += t;
  }
  stderr(t: string): void {
    this.err += t;
  }
  display(bundle: MimeBundle, id?: string): void {
    this.displays.push({ bundle, id });
  }
  updateDisplay(bundle: MimeBundle, id: string): void {
    this.updates.push({ bundle, id });
  }
  clearOutput(): void {}
}

let core: TSFlinkCore;

async function run(code: string, sink = new RecordingSink()): Promise<ExecuteOutcome> {
  return core.execute(code, sink);
}

async function ok(code: string): Promise<string | undefined> {
  const o = await run(code);
  if (o.status !== 'ok') throw new Error(`expected ok for ${JSON.stringify(code)}, got ${o.ename}: ${o.evalue}`);
  return o.result?.['text/plain'];
}

/** What a cell finally shows: its result, or the last state of the live display it drew. */
function finalText(o: ExecuteOutcome, sink: RecordingSink, mime = 'text/plain'): string {
  if (o.status !== 'ok') throw new Error(`expected ok, got ${o.ename}: ${o.evalue}`);
  if (o.result) return o.result[mime] ?? '';
  const last = sink.updates.at(-1) ?? sink.displays.at(-1);
  return last?.bundle[mime] ?? '';
}

/** Runs a SQL statement without rows (DDL) and checks the paragraph runner confirmed it. */
async function okStatement(code: string): Promise<void> {
  const sink = new RecordingSink();
  const o = await run(code, sink);
  if (o.status !== 'ok') throw new Error(`expected ok for ${JSON.stringify(code)}, got ${o.ename}: ${o.evalue}`);
  expect(sink.out).toContain('Execute statement succeeded');
}

async function jobState(jobId: string): Promise<string> {
  const res = await fetch(`${core.session.restAddress}/jobs/${jobId}`);
  return ((await res.json()) as { state: string }).state;
}

async function runningJobs(): Promise<{ jid: string; state: string }[]> {
  return (await core.session.listJobs()).filter((j) => !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state));
}

beforeAll(async () => {
  core = await createInteractiveCore();
});

afterAll(async () => {
  await core?.shutdown();
});

describe('interactive core', () => {
  it('starts with the session facts and pre-bound names', () => {
    expect(core.info.flinkVersion).toBe('2.3.0');
    expect(core.info.webUi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(core.info.boundNames).toEqual(expect.arrayContaining(['tEnv', 'bEnv', 'sql', 'display']));
    // the session and the type checker start side by side: the whole start-up covers both
    const { sessionMs, typeCheckerMs, totalMs } = core.startup;
    expect(sessionMs).toBeGreaterThan(0);
    expect(typeCheckerMs).toBeGreaterThan(0);
    expect(totalMs).toBeGreaterThanOrEqual(Math.max(sessionMs, typeCheckerMs));
  });

  it('shares declarations, types and reassignable lets across cells', async () => {
    expect(await ok('const base = 40')).toBeUndefined();
    await ok('function plus(n: number): number {\n  return base + n;\n}');
    expect(await ok('plus(2)')).toBe('42');
    await ok('interface Point { x: number; y: number }');
    expect(await ok('const pt: Point = { x: 1, y: 2 };\npt.x + pt.y')).toBe('3');
    await ok('let counter = 1');
    expect(await ok('counter += 10;\ncounter')).toBe('11');
    // a later cell may redeclare (shadow) a name, even with another type
    expect(await ok("const base = 'shadowed';\nbase.length")).toBe('8');
    // the function of the earlier cell still sees the binding it closed over
    expect(await ok('plus(2)')).toBe('42');
  });

  it('reports a type error with its cell position and does not run the cell; the next cell works', async () => {
    const o = await run("(globalThis as Record<string, unknown>).ranBadCell = true;\nconst wrong: number = 'text';");
    expect(o.status).toBe('error');
    if (o.status !== 'error') return;
    expect(o.ename).toBe('TSError');
    expect(o.diagnostics?.[0]).toMatchObject({ line: 2, column: 7, category: 'error', code: 2322 });
    expect(o.evalue).toContain("Type 'string' is not assignable to type 'number'");
    expect(o.traceback.join('\n')).toContain('cell:2:7');
    expect((globalThis as Record<string, unknown>).ranBadCell).toBeUndefined();
    // an unknown member of a TSFlink class is a type error too
    const member = await run('tEnv.executeSqlz("SELECT 1")');
    expect(member.status === 'error' && member.evalue).toContain("Property 'executeSqlz' does not exist");
    // a UDF parameter that does not admit NULL gets TSFlink's hint
    const notNull = await run('udf((x: number) => x + 1, { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT() })');
    expect(notNull.status === 'error' && notNull.evalue).toContain("Hint: SQL values can be NULL, so a UDF parameter of a nullable type gets 'T | null'");
    expect(await ok('1 + 1')).toBe('2');
    // the failed cell declared nothing
    const missing = await run('wrong');
    expect(missing.status === 'error' && missing.evalue).toContain("Cannot find name 'wrong'");
  });

  it('reports runtime errors with name, message and a traceback in cell lines', async () => {
    const o = await run("const half = 1;\nthrow new RangeError('out of range');");
    expect(o).toMatchObject({ status: 'error', ename: 'RangeError', evalue: 'out of range' });
    if (o.status !== 'error') return;
    expect(o.traceback[0]).toBe('RangeError: out of range');
    expect(o.traceback.join('\n')).toMatch(/cell\[\d+\]:2:7/);
    const viaFunction = await run("function fails(): never {\n  throw new Error('inner');\n}\nfails();");
    expect(viaFunction.status === 'error' && viaFunction.traceback.join('\n')).toMatch(/at fails \(cell\[\d+\]:2:9\)/);
  });

  it('supports top-level await, and awaits a trailing promise', async () => {
    expect(await ok('const slow = await new Promise<number>((r) => setTimeout(() => r(6), 50));\nslow * 7')).toBe('42');
    expect(await ok('slow')).toBe('6');
    expect(await ok('Promise.resolve("resolved")')).toBe("'resolved'");
  });

  it('imports node modules, npm packages and tsflink itself (the loaded instance)', async () => {
    expect(await ok("import * as path from 'node:path';\npath.join('a', 'b')")).toBe("'a/b'");
    expect(await ok("import { lit as literal, Expression as Expr } from 'tsflink';\nliteral(1) instanceof Expr && literal(1) instanceof Expression")).toBe('true');
    // a name imported in one cell stays visible to the next
    expect(await ok('path.basename("/x/y.ts")')).toBe("'y.ts'");
    const arrow = await ok("import { tableFromArrays } from 'apache-arrow';\ntableFromArrays({ id: Int32Array.from([1, 2]), v: Float64Array.from([0.5, 1.5]) })");
    expect(arrow).toMatch(/\|\s+id\s+\|\s+v\s+\|/);
    expect(arrow).toContain('2 rows (Arrow)');
    // a JavaScript module without type declarations imports as `any` instead of failing the cell
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-repl-'));
    const file = path.join(dir, 'untyped.js');
    fs.writeFileSync(file, 'module.exports = { twice: (x) => x * 2 };\n');
    expect(await ok(`import untyped from ${JSON.stringify(file)};\nuntyped.twice(21)`)).toBe('42');
  });

  it('type-checks against the current state of local modules and global augmentations', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-repl-'));
    const later = JSON.stringify(path.join(dir, 'later.js'));
    // a module that does not exist yet is an error; once written, the same import type-checks
    const missing = await run(`import { answer } from ${later};\nanswer`);
    expect(missing.status === 'error' && missing.evalue).toMatch(/Cannot find module/);
    fs.writeFileSync(path.join(dir, 'later.js'), 'exports.answer = 42;\n');
    fs.writeFileSync(path.join(dir, 'later.d.ts'), 'export declare const answer: number;\n');
    expect(await ok(`import { answer } from ${later};\nanswer`)).toBe('42');
    // an edited declaration file is read again: its new type applies from the next cell on
    fs.writeFileSync(path.join(dir, 'later.d.ts'), 'export declare const answer: string;\n');
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dir, 'later.d.ts'), future, future);
    const retyped = await run('const n: number = answer;');
    expect(retyped.status === 'error' && retyped.evalue).toContain("Type 'string' is not assignable to type 'number'");
    // a global declared by a cell stays visible to cells that import nothing from it
    await ok('declare global {\n  var tsflinkGlobalFlag: number;\n}\nglobalThis.tsflinkGlobalFlag = 7;');
    await ok('1 + 1');
    expect(await ok('tsflinkGlobalFlag * 6')).toBe('42');
  });

  it('shows an expression as Flink prints it (the value of a cell is awaited: an expression is no thenable)', async () => {
    expect(await ok("$('a').plus(1)")).toBe('plus(a, 1)');
    expect(await ok("$('n').isGreater(5).thenElse('big', 'small')")).toBe("ifThenElse(greaterThan(n, 5), 'big', 'small')");
  });

  it('shows Tables, TableResults and SQL paragraphs as tables', async () => {
    const sink0 = new RecordingSink();
    const table = await run("bEnv.fromValues([{ word: 'flink', n: 1 }, { word: 'ts', n: 2 }])", sink0);
    const text = finalText(table, sink0);
    expect(text).toMatch(/\|\s+word\s+\|\s+n\s+\|/);
    expect(text).toMatch(/\|\s+flink\s+\|\s+1\s+\|/);
    expect(finalText(table, sink0, 'text/html')).toContain('<td>flink</td>');
    // a live display ends in its final state
    if (table.status === 'ok' && !table.result) expect(text).toContain('FINISHED');
    const sink1 = new RecordingSink();
    expect(finalText(await run('%bsql SELECT 6 * 7 AS answer', sink1), sink1)).toMatch(/\|\s+answer\s+\|\s*\n.*\n\|\s+42\s+\|/);
    await okStatement('%sql CREATE TEMPORARY VIEW nums AS SELECT * FROM (VALUES (1), (2), (3)) AS t(n)');
    // the view created by %sql is visible to TypeScript on the same tEnv, and the other way round
    expect(await ok("tEnv.listViews().includes('nums')")).toBe('true');
    await ok("tEnv.createTemporaryView('words', tEnv.fromValues([{ w: 'a' }, { w: 'b' }]))");
    const sink = new RecordingSink();
    const paragraph = await core.execute('%%sql maxRows=10\nSELECT COUNT(*) AS c FROM words;', sink);
    expect(finalText(paragraph, sink)).toMatch(/\|\s+c\s+\|\s*\n.*\n\|\s+2\s+\|/);
    const bad = await run('%sql SELECT * FROM no_such_table');
    expect(bad).toMatchObject({ status: 'error', ename: 'FlinkError' });
    // a TableResult of a statement without rows, as a TypeScript value
    expect(await ok("await tEnv.executeSql('CREATE TEMPORARY VIEW v2 AS SELECT 1 AS one_col')")).toBe('OK');
    expect(bad.status === 'error' && bad.evalue).toContain('no_such_table');
  });

  it('runs a TypeScript UDF defined over several lines, using an earlier cell\'s constant, from %sql', async () => {
    await ok("const greeting = 'hi '");
    await ok(
      "const greet = udf(\n  (name: string | null) => greeting + (name ?? ''),\n  { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING() },\n);",
    );
    await ok("tEnv.createTemporarySystemFunction('greet', greet)");
    const sink = new RecordingSink();
    const text = finalText(await run('%sql SELECT greet(w) AS g FROM words', sink), sink);
    expect(text).toMatch(/\|\s+hi a\s+\|/);
    expect(text).toMatch(/\|\s+hi b\s+\|/);
  });

  it("switches UDFs between process and embedded mode per paragraph with SET 'tsflink.udf.execution-mode'", async () => {
    // `typeof process`: 'object' in the Node worker, 'undefined' in embedded mode's bare V8 isolate
    await ok("const runsIn = udf(() => typeof process, { inputTypes: [], resultType: DataTypes.STRING(), deterministic: false })");
    const where = async () => {
      const sink = new RecordingSink();
      return finalText(await run("tEnv.fromValues([{ one: 1 }]).select(call(runsIn).as('w'))", sink), sink);
    };
    expect(await where()).toMatch(/\|\s+object\s+\|/);
    await okStatement("%sql SET 'tsflink.udf.execution-mode' = 'embedded'");
    expect(await where()).toMatch(/\|\s+undefined\s+\|/);
    await okStatement("%sql RESET 'tsflink.udf.execution-mode'");
    expect(await where()).toMatch(/\|\s+object\s+\|/);
  });

  it("keeps earlier cells' variables in the real scope chain of functions defined later (what UDF shipping reads)", async () => {
    await ok("const exchangeRate = 0.9");
    await ok('const toEuro = (usd: number) => usd * exchangeRate;\n(globalThis as Record<string, unknown>).__toEuro = toEuro;');
    const session = new inspector.Session();
    session.connect();
    const post = <T>(method: string, params: object) =>
      new Promise<T>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r as T))));
    type Props = { result: { name: string; value?: { objectId?: string; value?: unknown } }[]; internalProperties?: { name: string; value: { objectId: string } }[] };
    try {
      const fn = await post<{ result: { objectId: string } }>('Runtime.evaluate', { expression: 'globalThis.__toEuro' });
      const props = await post<Props>('Runtime.getProperties', { objectId: fn.result.objectId, ownProperties: true });
      const scopes = props.internalProperties!.find((p) => p.name === '[[Scopes]]')!;
      const list = await post<Props>('Runtime.getProperties', { objectId: scopes.value.objectId, ownProperties: true });
      let found: unknown;
      for (const scope of list.result) {
        if (!scope.value?.objectId) continue;
        const vars = await post<Props>('Runtime.getProperties', { objectId: scope.value.objectId, ownProperties: true });
        const v = vars.result.find((x) => x.name === 'exchangeRate');
        if (v) {
          found = v.value?.value;
          break;
        }
      }
      expect(found).toBe(0.9);
    } finally {
      session.disconnect();
      delete (globalThis as Record<string, unknown>).__toEuro;
    }
  });

  it('display() shows values in the output of the running cell', async () => {
    const sink = new RecordingSink();
    const o = await core.execute("display('plain words');\nawait display(bEnv.fromValues([{ k: 'x' }]));\n'done'", sink);
    expect(o).toMatchObject({ status: 'ok', result: { 'text/plain': "'done'" } });
    expect(sink.displays[0].bundle['text/plain']).toBe('plain words');
    const tableShown = [...sink.displays.slice(1), ...sink.updates].map((d) => d.bundle['text/plain']).join('\n');
    expect(tableShown).toMatch(/\|\s+k\s+\|\s*\n.*\n\|\s+x\s+\|/);
  });

  it('completes TSFlink method names and earlier declarations, and inspects', async () => {
    const c = await core.complete('tEnv.executeS', 13);
    expect(c.matches).toContain('executeSql');
    expect(c).toMatchObject({ cursorStart: 5, cursorEnd: 13 });
    const chained = await core.complete("tEnv.from('nums').sel", 21);
    expect(chained.matches).toContain('select');
    const own = await core.complete('plu', 3);
    expect(own.matches).toContain('plus');
    const sqlNames = await core.complete('%sql SELECT * FROM nu', 21);
    expect(sqlNames.matches).toContain('nums');
    const info = await core.inspect('tEnv.executeSql', 10);
    expect(info.found).toBe(true);
    expect(info.bundle['text/plain']).toContain('executeSql(statement: string): Promise<TableResult');
    expect(info.bundle['text/plain']).toContain('Runs one SQL statement');
    expect((await core.inspect('   ', 1)).found).toBe(false);
  });

  it('tells complete, incomplete and invalid input apart', () => {
    expect(core.isComplete('const a = 1')).toEqual({ status: 'complete' });
    expect(core.isComplete('function f() {')).toEqual({ status: 'incomplete', indent: '  ' });
    expect(core.isComplete('tEnv.fromValues([\n  { a: 1 },')).toMatchObject({ status: 'incomplete' });
    expect(core.isComplete('const s = `a ${')).toMatchObject({ status: 'incomplete' });
    expect(core.isComplete('if (x)')).toMatchObject({ status: 'incomplete' });
    expect(core.isComplete('1 +')).toMatchObject({ status: 'incomplete' });
    expect(core.isComplete('foo)')).toEqual({ status: 'invalid' });
    expect(core.isComplete("const s = 'no end")).toEqual({ status: 'invalid' });
    // a bracket inside a regular expression is not an open bracket; a slash after an operand divides
    expect(core.isComplete('const re = /[(]/')).toEqual({ status: 'complete' });
    expect(core.isComplete('(base.length) / 2')).toEqual({ status: 'complete' });
    expect(core.isComplete('/* still a comment')).toMatchObject({ status: 'incomplete' });
    expect(core.isComplete('%sql SELECT 1')).toEqual({ status: 'complete' });
    expect(core.isComplete('%%sql\nSELECT 1')).toMatchObject({ status: 'incomplete' });
    expect(core.isComplete('%%sql\nSELECT 1;')).toEqual({ status: 'complete' });
    expect(core.isComplete('%%bsql\nSELECT 1\n')).toEqual({ status: 'complete' });
  });

  it('interrupt cancels an unbounded streaming query within 2 s; definitions survive', async () => {
    await okStatement("%sql CREATE TEMPORARY TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20')");
    const sink = new RecordingSink();
    const pending = core.execute('%sql SELECT n FROM ticks', sink);
    // wait until the job runs and rows are on screen
    const deadline = Date.now() + 60_000;
    while (!sink.updates.some((u) => /\|\s+-?\d+\s+\|/.test(u.bundle['text/plain'] ?? ''))) {
      if (Date.now() > deadline) throw new Error('the streaming query showed no rows');
      await new Promise((r) => setTimeout(r, 100));
    }
    const [job] = await runningJobs();
    expect(job).toBeDefined();
    const t0 = Date.now();
    await core.interrupt();
    const outcome = await pending;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(outcome).toMatchObject({ status: 'error', ename: 'Interrupted' });
    let state = await jobState(job.jid);
    while (state !== 'CANCELED' && Date.now() - t0 < 15_000) {
      await new Promise((r) => setTimeout(r, 200));
      state = await jobState(job.jid);
    }
    expect(state).toBe('CANCELED');
    expect(await ok('plus(2)')).toBe('42');
  });

  it('interrupt aborts a pending top-level await and a TypeScript loop over a streaming result', async () => {
    const never = core.execute('await new Promise(() => {})', new RecordingSink());
    await new Promise((r) => setTimeout(r, 300));
    let t0 = Date.now();
    await core.interrupt();
    expect(await never).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect(Date.now() - t0).toBeLessThan(2000);

    const loop = core.execute("const live = await sql('SELECT n FROM ticks');\nlet seen = 0;\nfor await (const _row of live.collect()) seen++;", new RecordingSink());
    const deadline = Date.now() + 60_000;
    while ((await runningJobs()).length === 0) {
      if (Date.now() > deadline) throw new Error('the job did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    t0 = Date.now();
    await core.interrupt();
    expect(await loop).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect(Date.now() - t0).toBeLessThan(2000);
    while ((await runningJobs()).length > 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 200));
    expect(await runningJobs()).toEqual([]);
    expect(await ok('slow + base.length')).toBe('14');
  });
});

/**
 * The one interactive session core behind the Jupyter kernel and tsflink-shell: a TSFlink session
 * with pre-bound environments, TypeScript cells type-checked incrementally and run in this V8
 * context, SQL paragraphs, rich results, completion/inspection, interrupts and shutdown.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tsflink from '../index';
import { EnvironmentSettings } from '../api/environment-settings';
import { TableEnvironment } from '../api/table-environment';
import { StreamExecutionEnvironment } from '../api/datastream/stream-execution-environment';
import { StreamTableEnvironment } from '../api/datastream/stream-table-environment';
import { packageRoot } from '../gateway/paths';
import { javaClass } from '../gateway/jvm';
import { Session, type SessionOptions } from '../session/session';
import { identifierStart } from './cell-positions';
import { BINDING_NAMES, BINDINGS_DECLARATIONS, sqlFunction, type Bindings } from './bindings';
import { isComplete, loadTypeScript } from './completeness';
import { CellEvaluator } from './evaluator';
import { parseConnectorMagic, parseMagic, type SqlMagic } from './magics';
import { connectorTable } from '../connectors/resolve';
import { runSqlParagraph } from './sql-paragraph';
import { requireTsModule, SqlClientStatements } from './sql-client-statements';
import { TypeCheckerClient } from './type-checker-client';
import type {
  CompletenessStatus,
  CompletionResult,
  Diagnostic,
  ExecuteOptions,
  ExecuteOutcome,
  InspectResult,
  InteractiveCore,
  MimeBundle,
  OutputSink,
} from './types';
import { JOB_STATUS_MIME, TABLE_DATA_MIME } from './types';
import { bundleFor, type DisplayContext } from './value-display';
import { makeDisplay } from './display-helpers';
import { chart } from './chart';
import { cutExpectations } from './error-text';
import { HeapWatch, type HeapExhaustion } from './heap-watch';
import { checkSessionHealth, fatalConditionIn, fatalReport, RESTART_ADVICE, SURVIVED, type SessionHealth } from './fatal';

export interface InteractiveCoreOptions {
  /** Options of the TSFlink session (remote cluster, config, parallelism, ...). */
  session?: SessionOptions;
  /** Directory that `import 'pkg'` in cells resolves from (default process.cwd()). */
  cwd?: string;
  /** Interrupt busy synchronous cell code on SIGINT (default true). */
  breakOnSigint?: boolean;
}

/** Milliseconds each start-up phase took, for banners and benchmarks. */
export interface StartupTimings {
  /** JVM + cluster + both table environments ready. */
  sessionMs: number;
  /** TypeScript language service loaded and warmed up. */
  typeCheckerMs: number;
  totalMs: number;
}

interface Running {
  controller: AbortController;
  startedAt: number;
  /** Promises of display() calls made by the entry, awaited before it completes. */
  pending: Set<Promise<void>>;
  sink: OutputSink;
  displays: number;
  id: number;
}

const INTERRUPTED = 'Interrupted';
/** How long an interrupted SQL paragraph may take to wind down before the entry ends anyway. */
const PARAGRAPH_GRACE_MS = 1000;
/** How long an interrupted entry may take to settle before it is answered (and the queue freed) anyway. */
const INTERRUPT_GRACE_MS = 3000;

class Interrupted extends Error {
  override name = INTERRUPTED;
  constructor() {
    super('execution interrupted; Flink jobs started by this entry were cancelled');
  }
}

const processSink: OutputSink = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  display: (b) => process.stdout.write((b['text/plain'] ?? '') + '\n'),
  updateDisplay: (b) => process.stdout.write((b['text/plain'] ?? '') + '\n'),
  clearOutput: () => undefined,
};

/**
 * Packages whose values TSFlink's API hands out (Arrow tables from `toArrow()`, and `fromArrow()`
 * takes them). Cells get TSFlink's own copy, for types and at run time, wherever the notebook is
 * and whatever its folder holds: a second copy would make `instanceof` checks fail between them.
 */
const SHARED_PACKAGES = ['apache-arrow'];
const ownRequire = createRequire(__filename);

function sharedPackage(id: string): string | undefined {
  return SHARED_PACKAGES.find((p) => id === p || id.startsWith(`${p}/`));
}

/** name → the declaration file the type checker uses for it (TSFlink's copy). */
function sharedPackageTypes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SHARED_PACKAGES) {
    try {
      // its package.json may not be exported: walk up from the main entry to the package's folder
      let dir = path.dirname(ownRequire.resolve(name));
      while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { types?: string; typings?: string };
      out[name] = path.join(dir, pkg.types ?? pkg.typings ?? 'index.d.ts');
      out[`${name}/*`] = path.join(dir, '*');
    } catch {
      // not installed with TSFlink: cells resolve it from their folder like any package
    }
  }
  return out;
}

function typesEntry(root: string): string {
  const dts = path.join(root, 'dist', 'src', 'index.d.ts');
  const src = path.join(root, 'src', 'index.ts');
  // Running from the TypeScript sources (tests): check against them; an installed build: its .d.ts.
  if (__filename.endsWith('.ts') || !fs.existsSync(dts)) return src;
  return dts;
}

function formatDiagnostic(d: Diagnostic, code: string): string[] {
  const src = code.split('\n')[d.line - 1] ?? '';
  const tag = d.code ? ` TS${d.code}` : '';
  return [`cell:${d.line}:${d.column} - ${d.category}${tag}: ${d.message}`, `  ${src}`, `  ${' '.repeat(Math.max(d.column - 1, 0))}^`];
}

const SQL_KEYWORDS =
  'SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT INSERT INTO VALUES CREATE TABLE VIEW FUNCTION TEMPORARY DROP ALTER SHOW TABLES FUNCTIONS DESCRIBE EXPLAIN WITH AS JOIN LEFT RIGHT INNER OUTER ON AND OR NOT NULL COUNT SUM AVG MIN MAX DISTINCT CAST TUMBLE HOP CUMULATE WINDOW WATERMARK FOR PRIMARY KEY LATERAL UNNEST CASE WHEN THEN ELSE END USE CATALOG DATABASE SET RESET'.split(
    ' ',
  );

export class TSFlinkCore implements InteractiveCore {
  private queue: Promise<unknown> = Promise.resolve();
  private current?: Running;
  private entries = 0;
  private cells = 0;
  private readonly cellNames = new Set<string>();
  private closed = false;
  /** Set while the session failed its health check after a fatal condition: why. */
  private unhealthy?: string;
  /** The sink of the entry running or run last: where errors nobody awaited are shown. */
  private lastSink?: OutputSink;
  /** The JVM's heap limit in bytes (Runtime.maxMemory), for the out-of-memory advice. */
  maxMemoryBytes?: number;
  /** Stops entries that go on after the heap ran out (undefined: the collector offers no count). */
  heapWatch?: HeapWatch;
  /** Flink's log file for this session (JobManager, TaskManager, UDF workers' console output). */
  logFile?: string;
  readonly info: { flinkVersion: string; webUi: string; boundNames: string[] };

  /** The options the session was started with: a restarted session gets them again. */
  sessionOptions?: SessionOptions;
  /** SET / RESET / SHOW JOBS / STOP JOB / TS functions in %%sql and %%bsql, as in `tsflink sql`. */
  private sqlStatements: SqlClientStatements;

  constructor(
    /** The session and its environments; replaced when the session is restarted (restartSession). */
    public session: Session,
    public tEnv: StreamTableEnvironment,
    public bEnv: TableEnvironment,
    private readonly checker: TypeCheckerClient,
    private readonly evaluator: CellEvaluator,
    readonly startup: StartupTimings,
    private readonly breakOnSigint: boolean,
    /** Where relative paths of UDF modules (CREATE FUNCTION … AS 'udfs.ts#f') resolve from. */
    private readonly cwd: string = process.cwd(),
  ) {
    this.info = { flinkVersion: Session.flinkVersion, webUi: session.webUi, boundNames: [...BINDING_NAMES] };
    this.sqlStatements = this.newSqlStatements();
  }

  private newSqlStatements(): SqlClientStatements {
    return new SqlClientStatements({ tEnv: this.tEnv, bEnv: this.bEnv, session: this.session, cwd: this.cwd, requireModule: requireTsModule });
  }

  /** The display context of an entry (or, with none running, one writing to this process's output). */
  private displayContext(r: Running | undefined): DisplayContext {
    return {
      sink: r?.sink ?? processSink,
      signal: r?.controller.signal ?? new AbortController().signal,
      newDisplayId: () => `tsflink-${r?.id ?? 0}-value-${r ? ++r.displays : Date.now()}`,
      webUi: this.session.webUi,
    };
  }

  /** The `display` binding: renders now, into the output of the entry that is running. */
  display(value: unknown): Promise<void> {
    const r = this.current;
    const p = (async () => {
      const ctx = this.displayContext(r);
      const bundle: MimeBundle | undefined = typeof value === 'string' ? { 'text/plain': value } : await bundleFor(value, ctx);
      if (bundle) ctx.sink.display(bundle);
    })();
    if (r) {
      const tracked = p.catch(() => undefined);
      r.pending.add(tracked);
    }
    return p;
  }

  /** `display.html()` and friends: a ready bundle into the output of the entry that is running. */
  displayBundle(bundle: MimeBundle): Promise<void> {
    const r = this.current;
    this.displayContext(r).sink.display(bundle);
    return Promise.resolve();
  }

  execute(code: string, sink: OutputSink, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    const run = this.queue.then(() => this.run(code, sink, options.executionCount));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(code: string, frontEndSink: OutputSink, executionCount?: number): Promise<ExecuteOutcome> {
    const sink = frontEndSink.acceptsTableData ? frontEndSink : withoutTableData(frontEndSink);
    const outcome = await this.runWith(code, sink, executionCount);
    return outcome.status === 'ok' && outcome.result && !frontEndSink.acceptsTableData ? { ...outcome, result: stripTableData(outcome.result) } : outcome;
  }

  private async runWith(code: string, sink: OutputSink, executionCount?: number): Promise<ExecuteOutcome> {
    if (this.closed) return { status: 'error', ename: 'SessionClosed', evalue: 'the session has been shut down', traceback: ['the session has been shut down'] };
    const r: Running = { controller: new AbortController(), startedAt: Date.now(), pending: new Set(), sink, displays: 0, id: ++this.entries };
    this.current = r;
    this.lastSink = sink;
    let endHeapWatch: (() => void) | undefined;
    try {
      if (this.unhealthy) await this.recheckHealth(sink);
      // An entry still running well after the heap ran out may never end (heap-watch.ts): stop it as
      // an interrupt would, and answer with the out-of-memory error.
      let stoppedForHeap: HeapExhaustion | undefined;
      endHeapWatch = this.heapWatch?.watchEntry((why) => {
        stoppedForHeap = why;
        r.controller.abort();
        void this.cancelJobsSince(r.startedAt);
      });
      // Whatever the entry waits on (a JVM call that never returns, a display), an interrupt
      // answers it within a few seconds: the queue behind it must never stay blocked.
      let outcome = await settleAfterAbort(this.runEntry(code, r, executionCount), r.controller.signal, INTERRUPT_GRACE_MS, () => this.errorOutcome(new Interrupted()));
      if (stoppedForHeap) outcome = { status: 'error', ename: 'OutOfMemoryError', evalue: 'the entry did not end after the heap ran out; TSFlink stopped it', traceback: this.heapWatch!.traceback(stoppedForHeap) };
      return outcome.status === 'error' ? await this.withFatalReport(outcome) : outcome;
    } finally {
      endHeapWatch?.();
      if (this.current === r) this.current = undefined;
    }
  }

  private async runEntry(code: string, r: Running, executionCount?: number): Promise<ExecuteOutcome> {
    const connectors = parseConnectorMagic(code);
    if (connectors) return await this.runConnectorMagic(connectors, r);
    let magic: SqlMagic | undefined;
    try {
      magic = parseMagic(code);
    } catch (e) {
      return this.errorOutcome(e);
    }
    const outcome = magic ? await this.runSql(magic, r) : await this.runTypeScript(code, r, executionCount);
    await Promise.all(r.pending);
    return outcome;
  }

  /**
   * A failed entry: is the session still there? An error that is a fatal JVM condition gets what to
   * do; a session that cannot go on is restarted (restartSession) and the error says so.
   */
  private async withFatalReport(outcome: Extract<ExecuteOutcome, { status: 'error' }>): Promise<ExecuteOutcome> {
    const condition = fatalConditionIn(`${outcome.evalue}\n${outcome.traceback.join('\n')}`, this.maxMemoryBytes);
    const health = await this.checkHealth();
    if (!condition && health.ok) return outcome;
    const report = fatalReport(condition, await this.afterHealthCheck(health));
    return { ...outcome, evalue: condition ? `${condition.summary} ${outcome.evalue}` : outcome.evalue, traceback: [...outcome.traceback, ...report] };
  }

  private async checkHealth(): Promise<SessionHealth> {
    const health = await checkSessionHealth(this.session.restAddress);
    this.unhealthy = health.ok ? undefined : health.reason;
    return health;
  }

  /** What became of the session after a health check: it survived, or it was restarted. */
  private async afterHealthCheck(health: SessionHealth): Promise<string[]> {
    return health.ok ? [SURVIVED] : await this.restartSession(health.reason);
  }

  /** After a failed health check, the next entry restarts the session first, unless it recovered. */
  private async recheckHealth(sink: OutputSink): Promise<void> {
    const health = await this.checkHealth();
    if (!health.ok) sink.stderr((await this.restartSession(health.reason)).join('\n') + '\n');
  }

  /**
   * Replaces a session that cannot go on (its cluster or JVM stopped answering) by a new one in the
   * same process: the old cluster is stopped (given 10 s), a new one started with the same options
   * and connectors, and tEnv, bEnv, sql and session rebound in every cell's scope. The JVM itself is
   * in this process: when it does not answer at all, nothing here can help, and the user is told
   * to restart the kernel or shell.
   */
  private async restartSession(reason: string): Promise<string[]> {
    const old = this.session;
    const closed = await Promise.race([old.close().then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
    if (!closed) return [`⚠ The session cannot go on (${reason}), and its JVM does not answer, so TSFlink cannot restart it in this process.`, RESTART_ADVICE];
    try {
      const options: SessionOptions = { ...this.sessionOptions, connectors: [...new Set([...(this.sessionOptions?.connectors ?? []), ...old.connectors])] };
      const [tEnv, bEnv, senv] = await createSessionEnvironments(options);
      const session = await Session.start(options);
      [this.session, this.tEnv, this.bEnv] = [session, tEnv, bEnv];
      this.sqlStatements = this.newSqlStatements();
      this.evaluator.rebind({ tEnv, bEnv, senv, sql: sqlFunction(tEnv), session });
      this.info.webUi = session.webUi;
      this.unhealthy = undefined;
      return [
        `⚠ The session could not go on (${reason}), so TSFlink restarted it: a new cluster (web UI ${session.webUi}), with tEnv, bEnv, sql and session bound to it.`,
        'Tables, views and functions registered in the old session are gone, and its jobs stopped: re-run the cells that created them. TypeScript declarations are kept.',
      ];
    } catch (e) {
      return [`⚠ The session cannot go on (${reason}), and restarting it failed: ${(e as Error).message}`, RESTART_ADVICE];
    }
  }

  /**
   * An error nobody awaited (a stray promise of a cell, a callback of the runtime): shown in the
   * output of the entry running (or run last), with advice when it is a fatal JVM condition. The
   * front-ends route process-level 'unhandledRejection' / 'uncaughtException' here.
   */
  async reportBackgroundError(err: unknown, kind = 'unhandled promise rejection'): Promise<void> {
    const sink = this.current?.sink ?? this.lastSink ?? processSink;
    const text = err instanceof Error ? this.evaluator.traceback(err).join('\n') : String(err);
    sink.stderr(`⚠ An error nobody awaited (${kind}):\n${text}\n`);
    const condition = fatalConditionIn(text, this.maxMemoryBytes);
    if (condition) sink.stderr(fatalReport(condition, await this.afterHealthCheck(await this.checkHealth())).join('\n') + '\n');
  }

  /** Resolves with the promise's value, or rejects with Interrupted once the entry is interrupted. */
  private interruptible<T>(p: Promise<T>, r: Running): Promise<T> {
    const signal = r.controller.signal;
    if (signal.aborted) return Promise.reject(new Interrupted());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Interrupted());
      signal.addEventListener('abort', onAbort, { once: true });
      p.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
    });
  }

  private envFor(magic: SqlMagic): TableEnvironment {
    return magic.mode === 'batch' ? this.bEnv : this.tEnv;
  }

  private async runSql(magic: SqlMagic, r: Running): Promise<ExecuteOutcome> {
    const paragraph = runSqlParagraph({ env: this.envFor(magic), statement: magic.statement, options: magic.options, sink: r.sink, signal: r.controller.signal, displayIdPrefix: `tsflink-${r.id}`, statements: this.sqlStatements });
    try {
      return await this.interruptible(paragraph, r);
    } catch (e) {
      // The paragraph sees the abort too: give it a moment to cancel its job and draw its final
      // state, so that lands in this entry's output rather than after the next prompt.
      if (e instanceof Interrupted) await withTimeout(paragraph.catch(() => undefined), PARAGRAPH_GRACE_MS);
      return this.errorOutcome(e);
    }
  }

  /** `%connector names...`: adds them to the session (tEnv, bEnv and later environments); alone, lists them. */
  private async runConnectorMagic(names: string[], r: Running): Promise<ExecuteOutcome> {
    if (names.length === 0) {
      const added = new Set(this.session.connectors);
      const lines = [...connectorTable().values()].map((s) => `${added.has(s.name) ? '*' : ' '} ${s.name.padEnd(14)} ${s.description}`);
      r.sink.stdout(`Connectors and formats (* = added; %connector NAME adds one):\n${lines.join('\n')}\n`);
      return { status: 'ok' };
    }
    try {
      const resolved = await this.interruptible(this.session.addConnectors(...names), r);
      for (const c of resolved) {
        const what = c.spec.builtin ? 'built in, nothing to add' : c.jars.map((j) => path.basename(j)).join(', ');
        r.sink.stdout(`Added ${c.spec.name}: ${what}\n`);
      }
      return { status: 'ok' };
    } catch (e) {
      return this.errorOutcome(e);
    }
  }

  private async runTypeScript(code: string, r: Running, executionCount?: number): Promise<ExecuteOutcome> {
    let prepared;
    try {
      prepared = await this.checker.prepare(code);
    } catch (e) {
      return this.errorOutcome(e);
    }
    const diagnostics = prepared.diagnostics;
    const errors = diagnostics.filter((d) => d.category === 'error');
    for (const w of diagnostics.filter((d) => d.category === 'warning')) r.sink.stderr(formatDiagnostic(w, code).join('\n') + '\n');
    if (errors.length) {
      const first = errors[0];
      return {
        status: 'error',
        ename: 'TSError',
        evalue: `line ${first.line}, column ${first.column}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
        traceback: errors.flatMap((d) => formatDiagnostic(d, code)),
        diagnostics: errors,
      };
    }
    const name = this.cellName(executionCount);
    try {
      const running = this.evaluator.run({ js: prepared.js ?? '', sourceMap: prepared.sourceMap, positions: prepared.positions }, name, this.breakOnSigint);
      let value = await this.interruptible(running.value, r);
      running.commit();
      // requests to the worker are answered in order, so the next cell is checked after this commit
      this.checker.commit(code).catch(() => undefined);
      // a trailing promise (e.g. `sql('SELECT 1')`) is shown as what it resolves to
      if (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function') {
        value = await this.interruptible(Promise.resolve(value as PromiseLike<unknown>), r);
      }
      const result = await this.interruptible(bundleFor(value, this.displayContext(r)), r);
      return { status: 'ok', result };
    } catch (e) {
      return this.errorOutcome(e);
    }
  }

  /**
   * The name stack traces give the cell: `cell[N]` with the front-end's execution count (what
   * Jupyter shows as [N]), else the core's own count; a suffix keeps a reused number unique.
   */
  private cellName(executionCount?: number): string {
    const base = `cell[${executionCount ?? ++this.cells}`;
    let name = `${base}]`;
    for (let i = 0; this.cellNames.has(name); i++) name = `${base}${String.fromCharCode(98 + (i % 25))}${i >= 25 ? i : ''}]`;
    this.cellNames.add(name);
    return name;
  }

  private errorOutcome(e: unknown): ExecuteOutcome {
    if (e instanceof Interrupted || (e as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
      const it = new Interrupted();
      return { status: 'error', ename: INTERRUPTED, evalue: it.message, traceback: [`${INTERRUPTED}: ${it.message}`] };
    }
    if (e instanceof Error) {
      const ename = e.name || e.constructor?.name || 'Error';
      return { status: 'error', ename, evalue: cutExpectations(e.message), traceback: this.evaluator.traceback(e).map(cutExpectations) };
    }
    return { status: 'error', ename: 'Error', evalue: String(e), traceback: [`Uncaught ${String(e)}`] };
  }

  async complete(code: string, cursor: number): Promise<CompletionResult> {
    const magic = parseMagicSafe(code);
    if (magic) return this.completeSql(code, cursor, magic);
    return this.checker.complete(code, cursor);
  }

  private completeSql(code: string, cursor: number, magic: SqlMagic): CompletionResult {
    const start = identifierStart(code, cursor);
    const prefix = code.slice(start, cursor);
    const env = this.envFor(magic);
    let names: string[] = [];
    try {
      names = [...env.listTables(), ...env.listViews()];
    } catch {
      // completion must never fail an interactive session
    }
    const upper = prefix.toUpperCase();
    const tables = new Set(names.filter((n) => n.startsWith(prefix)));
    const matches = [...new Set([...tables, ...SQL_KEYWORDS.filter((k) => prefix && k.startsWith(upper))])];
    return { matches, cursorStart: start, cursorEnd: cursor, kinds: matches.map((m) => (tables.has(m) ? 'table' : 'keyword')) };
  }

  async inspect(code: string, cursor: number): Promise<InspectResult> {
    if (parseMagicSafe(code)) return { found: false, bundle: {} };
    return this.checker.inspect(code, cursor);
  }

  isComplete(code: string): CompletenessStatus {
    try {
      return isComplete(code);
    } catch {
      return { status: 'invalid' };
    }
  }

  /** Whether an entry is running. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  async interrupt(): Promise<void> {
    const r = this.current;
    if (!r) return;
    r.controller.abort();
    await withTimeout(this.cancelJobsSince(r.startedAt), 1500);
  }

  /** Cancels the cluster's running jobs submitted at or after `since` (epoch ms). */
  private async cancelJobsSince(since: number): Promise<void> {
    try {
      const res = await fetch(`${this.session.restAddress}/jobs/overview`);
      const body = (await res.json()) as { jobs: { jid: string; state: string; 'start-time': number }[] };
      const live = body.jobs.filter((j) => !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state) && j['start-time'] >= since - 1000);
      await Promise.all(live.map((j) => this.session.cancelJob(j.jid)));
    } catch {
      // the cluster may be gone already; nothing left to cancel then
    }
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.current?.controller.abort();
    await withTimeout(this.session.cancelAllJobs().catch(() => undefined), 3000);
    await withTimeout(this.session.close(), 10000);
    await this.checker.close();
  }
}

/** A bundle without the table or job status as data (TABLE_DATA_MIME, JOB_STATUS_MIME), for front-ends that do not draw them. */
export function stripTableData(bundle: MimeBundle): MimeBundle {
  if (!(TABLE_DATA_MIME in bundle) && !(JOB_STATUS_MIME in bundle)) return bundle;
  const { [TABLE_DATA_MIME]: _data, [JOB_STATUS_MIME]: _job, ...rest } = bundle;
  return rest;
}

/** The sink as a front-end without TableData support gets it: bundles stripped of TABLE_DATA_MIME. */
export function withoutTableData(sink: OutputSink): OutputSink {
  return {
    stdout: (t) => sink.stdout(t),
    stderr: (t) => sink.stderr(t),
    display: (b, id) => sink.display(stripTableData(b), id),
    updateDisplay: (b, id) => sink.updateDisplay(stripTableData(b), id),
    clearOutput: (wait) => sink.clearOutput(wait),
  };
}

function parseMagicSafe(code: string): SqlMagic | undefined {
  try {
    return parseMagic(code);
  } catch {
    return undefined;
  }
}

/** p's value; or, once `signal` is aborted and p is still pending after graceMs, fallback(). */
function settleAfterAbort<T>(p: Promise<T>, signal: AbortSignal, graceMs: number, fallback: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve(fallback()), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(t);
      resolve();
    };
    p.then(done, done);
  });
}

/**
 * The session's streaming tEnv and batch bEnv: one catalog for both (tables, views, functions,
 * modules and jars registered through either are seen by the other, as in one session of Flink's
 * SQL gateway), each with its own runtime mode and configuration. tEnv is the StreamTableEnvironment
 * of senv, the session's StreamExecutionEnvironment: a view of a senv stream is in that one catalog.
 */
export async function createSessionEnvironments(options?: SessionOptions): Promise<[StreamTableEnvironment, TableEnvironment, StreamExecutionEnvironment]> {
  const senv = await StreamExecutionEnvironment.create({}, options);
  const tEnv = await StreamTableEnvironment.create(senv, EnvironmentSettings.inStreamingMode(), options);
  const bEnv = await TableEnvironment.createSharingCatalogs(EnvironmentSettings.inBatchMode(), tEnv);
  return [tEnv, bEnv, senv];
}

/**
 * Starts the session (JVM, cluster, streaming and batch environments) and, while the JVM boots the
 * cluster on its own threads, the TypeScript language service.
 */
export async function createInteractiveCore(options: InteractiveCoreOptions = {}): Promise<TSFlinkCore> {
  const t0 = performance.now();
  const root = packageRoot();
  const cwd = options.cwd ?? process.cwd();
  // The checker worker first: its thread loads TypeScript while this one starts the JVM.
  const checker = new TypeCheckerClient(
    {
      cwd,
      tsflinkEntry: typesEntry(root),
      typeRoots: [path.join(root, 'node_modules', '@types')],
      bindingsDeclarations: BINDINGS_DECLARATIONS,
      bindingNames: [...BINDING_NAMES],
      sharedPackages: sharedPackageTypes(),
    },
    root,
  );
  let typeCheckerMs = 0;
  const warm = checker.warmUp().then(() => {
    typeCheckerMs = performance.now() - t0;
  });
  warm.catch(() => undefined);
  let sessionMs = 0;
  const envs = createSessionEnvironments(options.session).then((v) => {
    sessionMs = performance.now() - t0;
    return v;
  });
  envs.catch(() => undefined);
  // While the JVM boots the cluster on its own threads, load the parser isComplete uses here.
  await new Promise<void>((resolve) => setImmediate(resolve));
  loadTypeScript();
  try {
    await warm;
  } catch (e) {
    await envs.catch(() => undefined);
    throw e;
  }
  const [tEnv, bEnv, senv] = await envs;
  const session = await Session.start(options.session);
  let core: TSFlinkCore | undefined;
  const bindings: Bindings = {
    tEnv,
    bEnv,
    senv,
    sql: sqlFunction(tEnv),
    display: makeDisplay(
      (value) => core!.display(value),
      (bundle) => core!.displayBundle(bundle),
    ),
    chart,
    session,
  };
  const baseRequire = createRequire(path.join(cwd, '__tsflink_repl__.js'));
  const requireInCells = (id: string): unknown => (id === 'tsflink' ? tsflink : sharedPackage(id) ? ownRequire(id) : baseRequire(id));
  const evaluator = new CellEvaluator({ ...tsflink, ...bindings }, requireInCells);
  core = new TSFlinkCore(session, tEnv, bEnv, checker, evaluator, { sessionMs, typeCheckerMs, totalMs: performance.now() - t0 }, options.breakOnSigint ?? true, cwd);
  // the UDF runtime's session setup sends Flink's log (JobManager, TaskManager, UDF console output) here
  core.sessionOptions = options.session;
  core.logFile = tsflink.sessionLogFile();
  try {
    const runtime = (javaClass('java.lang.Runtime').getRuntimeSync as () => { maxMemorySync(): number | bigint })();
    core.maxMemoryBytes = Number(runtime.maxMemorySync());
  } catch {
    // only used to word advice; without it the advice names no number
  }
  core.heapWatch = HeapWatch.install();
  return core;
}

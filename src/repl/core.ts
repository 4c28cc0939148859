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
import { packageRoot } from '../gateway/paths';
import { Session, type SessionOptions } from '../session/session';
import { identifierStart } from './cell-positions';
import { BINDING_NAMES, BINDINGS_DECLARATIONS, sqlFunction, type Bindings } from './bindings';
import { isComplete, loadTypeScript } from './completeness';
import { CellEvaluator } from './evaluator';
import { parseConnectorMagic, parseMagic, type SqlMagic } from './magics';
import { connectorTable } from '../connectors/resolve';
import { runSqlParagraph } from './sql-paragraph';
import { TypeCheckerClient } from './type-checker-client';
import type {
  CompletenessStatus,
  CompletionResult,
  Diagnostic,
  ExecuteOutcome,
  InspectResult,
  InteractiveCore,
  MimeBundle,
  OutputSink,
} from './types';
import { bundleFor, type DisplayContext } from './value-display';

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
  private closed = false;
  /** Flink's log file for this session (JobManager, TaskManager, UDF workers' console output). */
  logFile?: string;
  readonly info: { flinkVersion: string; webUi: string; boundNames: string[] };

  constructor(
    readonly session: Session,
    readonly tEnv: TableEnvironment,
    readonly bEnv: TableEnvironment,
    private readonly checker: TypeCheckerClient,
    private readonly evaluator: CellEvaluator,
    readonly startup: StartupTimings,
    private readonly breakOnSigint: boolean,
  ) {
    this.info = { flinkVersion: Session.flinkVersion, webUi: session.webUi, boundNames: [...BINDING_NAMES] };
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

  execute(code: string, sink: OutputSink): Promise<ExecuteOutcome> {
    const run = this.queue.then(() => this.run(code, sink));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(code: string, sink: OutputSink): Promise<ExecuteOutcome> {
    if (this.closed) return { status: 'error', ename: 'SessionClosed', evalue: 'the session has been shut down', traceback: ['the session has been shut down'] };
    const r: Running = { controller: new AbortController(), startedAt: Date.now(), pending: new Set(), sink, displays: 0, id: ++this.entries };
    this.current = r;
    try {
      const connectors = parseConnectorMagic(code);
      if (connectors) return await this.runConnectorMagic(connectors, r);
      let magic: SqlMagic | undefined;
      try {
        magic = parseMagic(code);
      } catch (e) {
        return this.errorOutcome(e);
      }
      const outcome = magic ? await this.runSql(magic, r) : await this.runTypeScript(code, r);
      await Promise.all(r.pending);
      return outcome;
    } finally {
      if (this.current === r) this.current = undefined;
    }
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
    const paragraph = runSqlParagraph({ env: this.envFor(magic), statement: magic.statement, options: magic.options, sink: r.sink, signal: r.controller.signal, displayIdPrefix: `tsflink-${r.id}` });
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

  private async runTypeScript(code: string, r: Running): Promise<ExecuteOutcome> {
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
    const name = `cell[${++this.cells}]`;
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

  private errorOutcome(e: unknown): ExecuteOutcome {
    if (e instanceof Interrupted || (e as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
      const it = new Interrupted();
      return { status: 'error', ename: INTERRUPTED, evalue: it.message, traceback: [`${INTERRUPTED}: ${it.message}`] };
    }
    if (e instanceof Error) {
      const ename = e.name || e.constructor?.name || 'Error';
      return { status: 'error', ename, evalue: e.message, traceback: this.evaluator.traceback(e) };
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
    const matches = [...new Set([...names.filter((n) => n.startsWith(prefix)), ...SQL_KEYWORDS.filter((k) => prefix && k.startsWith(upper))])];
    return { matches, cursorStart: start, cursorEnd: cursor };
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

function parseMagicSafe(code: string): SqlMagic | undefined {
  try {
    return parseMagic(code);
  } catch {
    return undefined;
  }
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
    },
    root,
  );
  let typeCheckerMs = 0;
  const warm = checker.warmUp().then(() => {
    typeCheckerMs = performance.now() - t0;
  });
  warm.catch(() => undefined);
  let sessionMs = 0;
  const envs = Promise.all([
    TableEnvironment.create(EnvironmentSettings.inStreamingMode(), options.session),
    TableEnvironment.create(EnvironmentSettings.inBatchMode(), options.session),
  ]).then((v) => {
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
  const [tEnv, bEnv] = await envs;
  const session = await Session.start(options.session);
  let core: TSFlinkCore | undefined;
  const bindings: Bindings = {
    tEnv,
    bEnv,
    sql: sqlFunction(tEnv),
    display: (value) => core!.display(value),
    session,
  };
  const baseRequire = createRequire(path.join(cwd, '__tsflink_repl__.js'));
  const requireInCells = (id: string): unknown => (id === 'tsflink' ? tsflink : baseRequire(id));
  const evaluator = new CellEvaluator({ ...tsflink, ...bindings }, requireInCells);
  core = new TSFlinkCore(session, tEnv, bEnv, checker, evaluator, { sessionMs, typeCheckerMs, totalMs: performance.now() - t0 }, options.breakOnSigint ?? true);
  // the UDF runtime's session setup sends Flink's log (JobManager, TaskManager, UDF console output) here
  core.logFile = tsflink.sessionLogFile();
  return core;
}

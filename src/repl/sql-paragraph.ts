/**
 * Runs a Zeppelin-style SQL paragraph (the body of a `%%sql` / `%%bsql` cell) on a
 * TableEnvironment and shows its results on an OutputSink. Shared by the Jupyter kernel and
 * tsflink-shell (through the interactive core).
 *
 * Per statement: DDL prints a confirmation; SHOW / DESCRIBE print a table; EXPLAIN prints the plan;
 * INSERT / statement sets show the job's status until it ends (or return at once with
 * `detach=true`); queries show ONE display that is updated in place (throttled to
 * `refreshInterval`) as the changelog arrives, in the display mode `type`.
 */
import type { TableEnvironment } from '../api/table-environment';
import type { TableResult } from '../api/table-result';
import { rowsFooter } from '../api/render';
import { FlinkError } from '../gateway/errors';
import { LiveTable, type DisplayMode } from './live-table';
import { renderJobStatus, renderLive, type JobProgress } from './live-table-view';
import { cutExpectations, foldCauses } from './error-text';
import { CHART_TYPES, checkChartOptions, type ChartOptions, type ChartType } from './chart';
import { splitStatements, stripLeadingComments } from './sql-paragraph-parse';
import { printTableau } from './tableau';
import type { ExecuteOutcome, MimeBundle, OutputSink } from './types';
import type { SqlClientStatements } from './sql-client-statements';
import { bundleOf, columnsOf, withChart } from './value-display';

export { parseSqlCell, splitStatements, type SqlCell } from './sql-paragraph-parse';

export interface SqlParagraphOptions {
  env: TableEnvironment;
  /** The SQL text: one or more `;`-separated statements. */
  statement: string;
  /** Paragraph options as written in the header (string values), see ParagraphSettings. */
  options: Record<string, string>;
  sink: OutputSink;
  signal: AbortSignal;
  /** Prefix of the display ids this paragraph creates (unique per cell). */
  displayIdPrefix: string;
  /** The SQL client's own statements (SET, RESET, SHOW JOBS, STOP JOB, TS functions), run before Flink sees them. */
  statements?: SqlClientStatements;
}

/** The typed paragraph options. */
export interface ParagraphSettings {
  /**
   * Display mode of queries (Zeppelin's `type`): single | update | append, or `tableau` (rows
   * printed as they arrive, the SQL client's tableau mode). Default update.
   */
  type: DisplayMode | 'tableau';
  /** Minimum ms between two updates of a live display. Default 1000. */
  refreshInterval: number;
  /** `parallelism.default` for the jobs of this paragraph. */
  parallelism?: number;
  /** Rows shown (update/append). In append mode the query stops once this many rows arrived. Default 1000. */
  maxRows: number;
  /** Single mode: the text shown, `{0}`, `{1}`, … standing for the row's fields. */
  template?: string;
  /** Stop a query after this many ms (the job is cancelled, the cell ends normally). */
  stopAfter?: number;
  /** INSERT: return once the job is submitted instead of waiting for it to end. */
  detach: boolean;
  /**
   * How a live display refreshes: `update` (update_display_data on one display id) or `clear`
   * (clear_output(wait) + a new display, for front-ends without display updates such as Zeppelin's
   * %jupyter). Default from $TSFLINK_LIVE_DISPLAY, else update.
   */
  liveDisplay: 'update' | 'clear';
  /** `chart=bar|line|area|pie|scatter` with `x`, `y` (and `color`, `title`): the rows also as a Vega-Lite chart. */
  chart?: Partial<ChartOptions> & Record<string, unknown>;
  /** Zeppelin's `jobName`: the name of the paragraph's jobs (`pipeline.name`) in the web UI. */
  jobName?: string;
  /** Zeppelin's `runAsOne`: the paragraph's INSERTs run as one job (a statement set) after its other statements. */
  runAsOne: boolean;
  /** Zeppelin's `savepointDir`: an interrupted INSERT stops with a savepoint there instead of being cancelled. */
  savepointDir?: string;
  /** Zeppelin's `resumeFromSavepoint`: the paragraph's jobs start from the savepoint its last interrupted run took. */
  resumeFromSavepoint: boolean;
  /**
   * Zeppelin's `resumeFromLatestCheckpoint`: the paragraph's INSERT job's latest completed
   * (retained) checkpoint is recorded while it runs; after the job was cancelled or failed, a
   * re-run starts from it.
   */
  resumeFromLatestCheckpoint: boolean;
}

/**
 * The savepoint each paragraph's last interrupted run took (savepointDir), for resumeFromSavepoint:
 * by the paragraph's jobName, else by its text (the kernel and shell have no paragraph ids).
 */
const savepoints = new Map<string, string>();
/** The latest retained checkpoint of each paragraph's last cancelled or failed run, for resumeFromLatestCheckpoint (same keys). */
const checkpoints = new Map<string, string>();
const paragraphKey = (statement: string, settings: ParagraphSettings) => settings.jobName ?? statement.trim();

const KNOWN = ['type', 'refreshInterval', 'parallelism', 'maxRows', 'template', 'stopAfter', 'detach', 'liveDisplay', 'chart', 'x', 'y', 'color', 'title', 'jobName', 'runAsOne', 'savepointDir', 'resumeFromSavepoint', 'resumeFromLatestCheckpoint'];
const CHART_KEYS = ['x', 'y', 'color', 'title'];

function positiveInt(key: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`SQL option ${key}=${v}: expected an integer ≥ ${min}`);
  return n;
}

/** Validates the header options; a wrong or unknown one is an error naming it. */
function paragraphSettings(options: Record<string, string>): ParagraphSettings {
  for (const k of Object.keys(options)) {
    if (!KNOWN.includes(k)) throw new RangeError(`unknown SQL option '${k}' (known: ${KNOWN.join(', ')})`);
  }
  const type = (options.type ?? 'update').toLowerCase();
  if (type !== 'single' && type !== 'update' && type !== 'append' && type !== 'tableau') {
    throw new RangeError(`SQL option type=${options.type}: expected single, update, append or tableau`);
  }
  const detach = (options.detach ?? 'false').toLowerCase();
  if (detach !== 'true' && detach !== 'false') throw new RangeError(`SQL option detach=${options.detach}: expected true or false`);
  const runAsOne = (options.runAsOne ?? 'false').toLowerCase();
  if (runAsOne !== 'true' && runAsOne !== 'false') throw new RangeError(`SQL option runAsOne=${options.runAsOne}: expected true or false`);
  if (options.jobName !== undefined && options.jobName.trim() === '') throw new RangeError('SQL option jobName: expected a name');
  const resume = (options.resumeFromSavepoint ?? 'false').toLowerCase();
  if (resume !== 'true' && resume !== 'false') throw new RangeError(`SQL option resumeFromSavepoint=${options.resumeFromSavepoint}: expected true or false`);
  const resumeCheckpoint = (options.resumeFromLatestCheckpoint ?? 'false').toLowerCase();
  if (resumeCheckpoint !== 'true' && resumeCheckpoint !== 'false') throw new RangeError(`SQL option resumeFromLatestCheckpoint=${options.resumeFromLatestCheckpoint}: expected true or false`);
  const liveDisplay = options.liveDisplay ?? process.env.TSFLINK_LIVE_DISPLAY ?? 'update';
  if (liveDisplay !== 'update' && liveDisplay !== 'clear') throw new RangeError(`SQL option liveDisplay=${liveDisplay}: expected update or clear`);
  const chartKeys = CHART_KEYS.filter((k) => options[k] !== undefined);
  if (options.chart === undefined && chartKeys.length) throw new RangeError(`SQL option ${chartKeys[0]}=${options[chartKeys[0]]} belongs to a chart: add chart=${CHART_TYPES.join('|')}`);
  if (options.chart !== undefined && type === 'single') throw new RangeError('SQL option chart: not with type=single (a chart needs rows: type=update or append)');
  if (options.chart !== undefined && !(CHART_TYPES as readonly string[]).includes(options.chart.toLowerCase())) throw new RangeError(`SQL option chart=${options.chart}: expected one of ${CHART_TYPES.join(', ')}`);
  return {
    type,
    refreshInterval: options.refreshInterval === undefined ? 1000 : positiveInt('refreshInterval', options.refreshInterval, 0),
    parallelism: options.parallelism === undefined ? undefined : positiveInt('parallelism', options.parallelism, 1),
    maxRows: options.maxRows === undefined ? 1000 : positiveInt('maxRows', options.maxRows, 1),
    template: options.template,
    stopAfter: options.stopAfter === undefined ? undefined : positiveInt('stopAfter', options.stopAfter, 1),
    detach: detach === 'true',
    liveDisplay,
    chart: options.chart === undefined ? undefined : { type: options.chart.toLowerCase() as ChartType, x: options.x, y: options.y, color: options.color, title: options.title },
    jobName: options.jobName,
    runAsOne: runAsOne === 'true',
    savepointDir: options.savepointDir,
    resumeFromSavepoint: resume === 'true',
    resumeFromLatestCheckpoint: resumeCheckpoint === 'true',
  };
}

const INSERT = /^INSERT\b/i;

/**
 * runAsOne: the paragraph's other statements in order, then its INSERTs as one statement set (one
 * job), as Zeppelin's Flink interpreter does.
 */
function asOneJob(statements: string[]): string[] {
  const inserts = statements.filter((s) => INSERT.test(stripLeadingComments(s)));
  if (inserts.length < 2) return statements;
  return [...statements.filter((s) => !inserts.includes(s)), `EXECUTE STATEMENT SET BEGIN\n${inserts.join(';\n')};\nEND`];
}

/** One display shown and then refreshed in place, by display id or by clear-and-redraw. */
class LiveDisplay {
  private shown = false;

  constructor(
    private readonly sink: OutputSink,
    private readonly id: string,
    private readonly mode: 'update' | 'clear',
  ) {}

  /** Shows the display (the first time) or updates it (the submission status was there first). */
  show(bundle: MimeBundle): void {
    if (this.shown) return this.update(bundle);
    this.shown = true;
    this.sink.display(bundle, this.mode === 'update' ? this.id : undefined);
  }

  update(bundle: MimeBundle): void {
    if (this.mode === 'update') {
      this.sink.updateDisplay(bundle, this.id);
    } else {
      this.sink.clearOutput(true);
      this.sink.display(bundle);
    }
  }
}

class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

function errorOutcome(err: unknown, context: string): ExecuteOutcome {
  if (err instanceof Interrupted) return { status: 'error', ename: 'Interrupted', evalue: err.message, traceback: [`Interrupted: ${err.message}`] };
  const e = err instanceof Error ? err : new Error(String(err));
  const message = cutExpectations(e.message);
  const traceback = [`${context}`, `${e.name}: ${message}`];
  if (e instanceof FlinkError && e.sqlPosition) traceback.push(`  at SQL line ${e.sqlPosition.line}, column ${e.sqlPosition.column}`);
  if (e instanceof FlinkError) traceback.push(...foldCauses(`${e.name}: ${e.message}`, e.causes.slice(1)).map(cutExpectations));
  return { status: 'error', ename: e.name, evalue: message, traceback };
}

const DML = /^(INSERT\b|EXECUTE\s+(INSERT|STATEMENT\s+SET)\b|BEGIN\s+STATEMENT\s+SET\b|STATEMENT\s+SET\b)/i;
/** Statements that submit a job: their status line appears before the submission returns. */
const SUBMITS_JOB = /^(\(|SELECT\b|WITH\b|VALUES\b|TABLE\b|INSERT\b|EXECUTE\b|BEGIN\s+STATEMENT\s+SET\b|STATEMENT\s+SET\b)/i;
/**
 * A bounded job's progress while it runs: its finished subtasks out of all, from Flink's REST API
 * (`/jobs/:jid`), asked at most once at a time. Streaming jobs (whose tasks never finish) show it
 * only once some task has finished.
 */
class TaskProgress {
  tasks?: { finished: number; total: number };
  private asking = false;

  constructor(
    private readonly webUi: string,
    private readonly jobId: string,
    private readonly bounded: boolean,
  ) {}

  poll(): void {
    if (this.asking) return;
    this.asking = true;
    fetch(`${this.webUi.replace(/\/$/, '')}/jobs/${this.jobId}`)
      .then((res) => (res.ok ? (res.json() as Promise<{ vertices?: { parallelism: number; tasks?: Record<string, number> }[] }>) : undefined))
      .then((job) => {
        const vertices = job?.vertices ?? [];
        const total = vertices.reduce((a, v) => a + v.parallelism, 0);
        const finished = vertices.reduce((a, v) => a + (v.tasks?.FINISHED ?? 0), 0);
        if (total > 0 && (this.bounded || finished > 0)) this.tasks = { finished, total };
      })
      .catch(() => undefined)
      .finally(() => (this.asking = false));
  }
}

/** Job states before RUNNING, shown while the job gets its slots (and its UDF workers start). */
const BEFORE_RUNNING = new Set(['SUBMITTED', 'CREATED', 'INITIALIZING', 'RECONCILING']);

/** Runs every statement of the paragraph in order; stops at the first failure. */
export async function runSqlParagraph(opts: SqlParagraphOptions): Promise<ExecuteOutcome> {
  let settings: ParagraphSettings;
  let statements: string[];
  try {
    settings = paragraphSettings(opts.options);
    statements = splitStatements(opts.statement);
  } catch (err) {
    return errorOutcome(err, 'SQL paragraph');
  }
  if (statements.length === 0) return { status: 'ok' };
  if (settings.runAsOne) statements = asOneJob(statements);
  const config = opts.env.getConfig();
  const previousParallelism = config.get('parallelism.default');
  const previousJobName = config.get('pipeline.name');
  if (settings.parallelism !== undefined) config.set('parallelism.default', settings.parallelism);
  if (settings.jobName !== undefined) config.set('pipeline.name', settings.jobName);
  const key = paragraphKey(opts.statement, settings);
  if (settings.resumeFromLatestCheckpoint) warnUnlessRetained(opts);
  // Zeppelin's order: a savepoint (resumeFromSavepoint) before the latest checkpoint
  const fromSavepoint = settings.resumeFromSavepoint ? savepoints.get(key) : undefined;
  const fromCheckpoint = fromSavepoint === undefined && settings.resumeFromLatestCheckpoint ? checkpoints.get(key) : undefined;
  const resumeFrom = fromSavepoint ?? fromCheckpoint;
  if (resumeFrom !== undefined) {
    config.set('execution.state-recovery.path', resumeFrom);
    opts.sink.stdout(`[INFO] Resuming from ${fromSavepoint !== undefined ? 'savepoint' : 'checkpoint'} ${resumeFrom}\n`);
  }
  try {
    for (let i = 0; i < statements.length; i++) {
      if (opts.signal.aborted) throw new Interrupted('interrupted before the statement ran');
      const statement = statements[i];
      try {
        await runStatement(statement, settings, opts, `${opts.displayIdPrefix}-${i}`);
      } catch (err) {
        const where = statements.length > 1 ? `statement ${i + 1} of ${statements.length}` : 'statement';
        return errorOutcome(err, `Error in SQL ${where}: ${firstLine(statement)}`);
      }
    }
    return { status: 'ok' };
  } finally {
    if (settings.parallelism !== undefined) config.set('parallelism.default', previousParallelism ?? opts.env.session.baseConfig['parallelism.default'] ?? '1');
    if (resumeFrom !== undefined) config.remove('execution.state-recovery.path');
    if (settings.jobName !== undefined) {
      if (previousJobName === undefined || previousJobName === null) config.remove('pipeline.name');
      else config.set('pipeline.name', previousJobName);
    }
  }
}

const RETENTION = 'execution.checkpointing.externalized-checkpoint-retention';
const TERMINAL = new Set(['FINISHED', 'CANCELED', 'FAILED']);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long Flink's REST API may serve cached checkpoint statistics (Flink's default: web.refresh-interval, 3 s). */
function statsCacheMs(opts: SqlParagraphOptions): number {
  const config = opts.env.getConfig();
  const value = (k: string) => config.get(k) ?? opts.env.session.baseConfig[k];
  const text = value('rest.cache.checkpoint-statistics.timeout') ?? value('web.refresh-interval') ?? '3 s';
  const m = /^(\d+)\s*(ms|milli|millis|s|sec|secs|second|seconds|min|minute|minutes)?$/i.exec(text.trim());
  if (!m) return 3000;
  const unit = (m[2] ?? 'ms').toLowerCase();
  return Number(m[1]) * (unit.startsWith('min') ? 60_000 : unit.startsWith('s') ? 1000 : 1);
}

/**
 * resumeFromLatestCheckpoint needs checkpoints that outlive a cancelled job, at a path: says what
 * is missing (a warning, not an error: a remote cluster may set them in its own configuration).
 */
function warnUnlessRetained(opts: SqlParagraphOptions): void {
  const config = opts.env.getConfig();
  const value = (k: string) => config.get(k) ?? opts.env.session.baseConfig[k];
  const missing: string[] = [];
  if (value('execution.checkpointing.interval') === undefined) missing.push("'execution.checkpointing.interval' (checkpointing is off)");
  if (value('execution.checkpointing.dir') === undefined && value('state.checkpoints.dir') === undefined) missing.push("'execution.checkpointing.dir' (checkpoints kept in the JobManager's memory have no path)");
  if (value(RETENTION)?.toUpperCase() !== 'RETAIN_ON_CANCELLATION') missing.push(`'${RETENTION}' = 'RETAIN_ON_CANCELLATION' (else a cancelled job's checkpoints are deleted)`);
  if (missing.length) opts.sink.stderr(`[WARNING] resumeFromLatestCheckpoint needs retained checkpoints; not set: ${missing.join(', ')}\n`);
}

/**
 * A job's latest completed checkpoint with a path, from Flink's REST API
 * (`/jobs/:jid/checkpoints`, `latest.completed.external_path`), as Zeppelin's Flink interpreter
 * records it for resumeFromLatestCheckpoint. Asked at most once at a time.
 */
class LatestCheckpoint {
  path?: string;
  private asking?: Promise<void>;

  constructor(
    private readonly webUi: string,
    private readonly jobId: string,
  ) {}

  poll(): Promise<void> {
    this.asking ??= fetch(`${this.webUi.replace(/\/$/, '')}/jobs/${this.jobId}/checkpoints`)
      .then((res) => (res.ok ? (res.json() as Promise<{ latest?: { completed?: { external_path?: string } | null } }>) : undefined))
      .then((body) => {
        const p = body?.latest?.completed?.external_path;
        // '<checkpoint-not-externally-addressable>': kept in the JobManager's memory, no path
        if (typeof p === 'string' && !p.startsWith('<')) this.path = p;
      })
      .catch(() => undefined)
      .finally(() => (this.asking = undefined));
    return this.asking;
  }
}

function firstLine(s: string): string {
  const line = stripLeadingComments(s).split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

async function runStatement(statement: string, settings: ParagraphSettings, opts: SqlParagraphOptions, displayId: string): Promise<void> {
  if (opts.statements && (await opts.statements.run(statement, opts.sink))) return;
  const started = Date.now();
  const live = new LiveDisplay(opts.sink, displayId, settings.liveDisplay);
  // Planning and submitting take seconds (more with UDFs): the status line shows at once.
  // (tableau prints nothing it would have to take back: no status line there)
  const submitting = settings.type !== 'tableau' && SUBMITS_JOB.test(stripLeadingComments(statement));
  const submissionStatus = (state: string, note?: string) => renderJobStatus({ state, webUi: opts.env.session.webUi, elapsedMs: Date.now() - started, note });
  let submitTimer: NodeJS.Timeout | undefined;
  if (submitting) {
    live.show(submissionStatus('SUBMITTING'));
    submitTimer = setInterval(() => live.update(submissionStatus('SUBMITTING')), 1000);
  }
  let result: TableResult;
  try {
    result = await opts.env.executeSql(statement);
  } catch (err) {
    if (submitting) live.update(submissionStatus('FAILED', 'not submitted'));
    throw err;
  } finally {
    clearInterval(submitTimer);
  }
  const jobId = result.jobId;
  opts.statements?.track(result);
  if (jobId !== undefined && DML.test(stripLeadingComments(statement))) {
    await followInsert(result, jobId, started, settings, opts, live);
  } else if (jobId !== undefined && settings.type === 'tableau') {
    await followTableau(result, jobId, settings, opts);
  } else if (jobId !== undefined) {
    await followQuery(result, jobId, started, settings as ParagraphSettings & { type: DisplayMode }, opts, live);
  } else if (result.getResultKind() === 'SUCCESS_WITH_CONTENT') {
    await showContent(result, opts.sink);
  } else {
    opts.sink.stdout('[INFO] Execute statement succeeded.\n');
  }
}

/** SHOW / DESCRIBE / EXPLAIN: small bounded results without a job. */
async function showContent(result: TableResult, sink: OutputSink): Promise<void> {
  const columns = columnsOf(result);
  const rows = (await result.toArray()).map((r) => columns.map((c) => (r as Record<string, unknown>)[c.name]));
  if (columns.length === 1 && rows.length === 1 && typeof rows[0][0] === 'string' && rows[0][0].includes('\n')) {
    sink.stdout(rows[0][0].endsWith('\n') ? rows[0][0] : `${rows[0][0]}\n`);
    return;
  }
  sink.display(bundleOf(columns, rows, rowsFooter(rows.length, false)));
}

function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort = (): void => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Interrupted('interrupted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** INSERT: show the job's status, updated every refreshInterval, until it ends. */
async function followInsert(result: TableResult, jobId: string, started: number, settings: ParagraphSettings, opts: SqlParagraphOptions, live: LiveDisplay): Promise<void> {
  const webUi = opts.env.session.webUi;
  if (settings.type === 'tableau') {
    // as Flink's SQL client prints a submitted INSERT (and then waits only when detach=false)
    opts.sink.stdout(`[INFO] Submitting SQL update statement to the cluster...\n[INFO] SQL update statement has been successfully submitted to the cluster:\nJob ID: ${jobId}\n`);
    if (settings.detach) return;
    const abort = abortPromise(opts.signal);
    try {
      await Promise.race([result.await(), abort.promise]);
    } catch (err) {
      if (err instanceof Interrupted) await result.cancel();
      throw err;
    } finally {
      abort.dispose();
    }
    return;
  }
  const tasks = new TaskProgress(webUi, jobId, !opts.env.streaming);
  const progress = (state: string, note?: string): JobProgress => ({ state, jobId, webUi, elapsedMs: Date.now() - started, note, tasks: tasks.tasks });
  live.show(renderJobStatus(progress('RUNNING', settings.detach ? 'detached: the job keeps running' : undefined)));
  if (settings.detach) return;
  const checkpoint = settings.resumeFromLatestCheckpoint ? new LatestCheckpoint(webUi, jobId) : undefined;
  const key = paragraphKey(opts.statement, settings);
  const timer = setInterval(() => {
    tasks.poll();
    void checkpoint?.poll();
    live.update(renderJobStatus(progress('RUNNING')));
  }, Math.max(settings.refreshInterval, 100));
  const abort = abortPromise(opts.signal);
  /** After a cancelled or failed run: its latest checkpoint is what a re-run resumes from (newer than an older savepoint). */
  const keepCheckpoint = async (): Promise<string> => {
    if (!checkpoint) return '';
    // The REST API serves checkpoint statistics from a cache (rest.cache.checkpoint-statistics.timeout,
    // 3 s by default): asked right away it may miss the newest checkpoint, whose files the sink has
    // already committed, and a resume from an older one would write rows twice. So: once the job
    // has ended (no checkpoint completes after that), wait out the cache, then ask.
    for (let i = 0; i < 100 && !TERMINAL.has((await result.getJobStatus().catch(() => undefined)) ?? 'FAILED'); i++) await sleep(100);
    await sleep(statsCacheMs(opts) + 200);
    await checkpoint.poll();
    if (checkpoint.path === undefined) return '; no checkpoint completed';
    checkpoints.set(key, checkpoint.path);
    savepoints.delete(key);
    return `; checkpoint ${checkpoint.path}`;
  };
  try {
    await Promise.race([result.await(), abort.promise]);
    // a finished job leaves nothing to resume: the next run starts afresh
    savepoints.delete(key);
    checkpoints.delete(key);
    live.update(renderJobStatus(progress('FINISHED')));
  } catch (err) {
    if (err instanceof Interrupted && settings.savepointDir !== undefined && result.getJobClient()) {
      // Zeppelin's savepointDir: stop, keeping the job's state for resumeFromSavepoint
      const path = await result.getJobClient()!.stopWithSavepoint(false, settings.savepointDir);
      savepoints.set(key, path);
      checkpoints.delete(key);
      live.update(renderJobStatus(progress('STOPPED', `interrupted; savepoint ${path}`)));
    } else if (err instanceof Interrupted) {
      await result.cancel();
      live.update(renderJobStatus(progress('CANCELED', `interrupted${await keepCheckpoint()}`)));
    } else {
      live.update(renderJobStatus(progress('FAILED', checkpoint ? (await keepCheckpoint()).slice(2) || undefined : undefined)));
    }
    throw err;
  } finally {
    clearInterval(timer);
    abort.dispose();
  }
}

/** A query in tableau mode: its rows printed as they arrive; an interrupt or stopAfter cancels the job. */
async function followTableau(result: TableResult, jobId: string, settings: ParagraphSettings, opts: SqlParagraphOptions): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) stop.abort();
  const stopTimer = settings.stopAfter === undefined ? undefined : setTimeout(() => stop.abort(), settings.stopAfter);
  try {
    await printTableau(result, columnsOf(result), opts.env.streaming, opts.sink, stop.signal);
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  } finally {
    if (stopTimer) clearTimeout(stopTimer);
    opts.signal.removeEventListener('abort', onAbort);
  }
  if (stop.signal.aborted) await result.cancel().catch(() => undefined);
  if (opts.signal.aborted) throw new Interrupted(`query cancelled; Flink job ${jobId} cancelled`);
}

/** A query: fold the changelog into a LiveTable and keep one display up to date. */
async function followQuery(result: TableResult, jobId: string, started: number, settings: ParagraphSettings & { type: DisplayMode }, opts: SqlParagraphOptions, live: LiveDisplay): Promise<void> {
  const columns = columnsOf(result);
  const table = new LiveTable(settings.type, settings.maxRows);
  const webUi = opts.env.session.webUi;
  // the job's own state until it runs (or a row arrives): SUBMITTED, CREATED, INITIALIZING → RUNNING
  let state = 'SUBMITTED';
  let asking = false;
  const askState = () => {
    if (asking || !BEFORE_RUNNING.has(state)) return;
    asking = true;
    result
      .getJobStatus()
      .then((s) => {
        if (s && BEFORE_RUNNING.has(state)) state = s;
      })
      .catch(() => undefined)
      .finally(() => (asking = false));
  };
  askState();
  let note: string | undefined;
  const chartOptions = settings.chart ? checkChartOptions(settings.chart, columns, 'SQL option chart') : undefined;
  const tasks = new TaskProgress(webUi, jobId, !opts.env.streaming);
  const render = () => withChart(renderLive(columns, table, { state, jobId, webUi, elapsedMs: Date.now() - started, note, tasks: tasks.tasks }, settings.template), chartOptions, columns, table.snapshot().rows);
  live.show(render());

  let dirty = false;
  let renderedState = state;
  let lastRender = Date.now();
  const flush = (): void => {
    dirty = false;
    renderedState = state;
    lastRender = Date.now();
    live.update(render());
  };
  // Renders on a timer (throttled to refreshInterval) so elapsed time moves even without rows.
  const timer = setInterval(() => {
    askState();
    if (state === 'RUNNING') tasks.poll();
    if (dirty || state !== renderedState || Date.now() - lastRender >= Math.max(settings.refreshInterval, 1000)) flush();
  }, Math.max(settings.refreshInterval, 50));

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) stop.abort();
  const stopTimer = settings.stopAfter === undefined ? undefined : setTimeout(() => {
    note = `stopped after stopAfter=${settings.stopAfter} ms`;
    stop.abort();
  }, settings.stopAfter);
  let firstRowShown = false;
  let failure: unknown;
  try {
    const rows = result.collect({ signal: stop.signal });
    for await (const row of rows) {
      const record = row as Record<string, unknown>;
      table.apply(row.getKind(), columns.map((c) => record[c.name]));
      if (BEFORE_RUNNING.has(state)) state = 'RUNNING';
      dirty = true;
      if (!firstRowShown) {
        // the first row is shown at once; later ones wait for the refresh timer
        firstRowShown = true;
        flush();
      }
      if (settings.type === 'append' && table.size >= settings.maxRows) {
        note = `stopped after maxRows=${settings.maxRows}`;
        break;
      }
    }
  } catch (err) {
    // closing the fetcher under a running fetch may surface as an error; an abort explains it
    failure = err;
  }
  try {
    if (opts.signal.aborted) {
      state = 'CANCELED';
      note = 'interrupted';
      await result.cancel().catch(() => undefined);
      throw new Interrupted(`query cancelled; Flink job ${jobId} cancelled`);
    }
    if (note !== undefined) {
      // stopped as asked (maxRows, stopAfter): users read CANCELED as a failure
      state = 'STOPPED';
      await result.cancel().catch(() => undefined);
    } else if (failure !== undefined) {
      state = 'FAILED';
      await result.cancel().catch(() => undefined);
      throw failure;
    } else {
      state = 'FINISHED';
    }
  } finally {
    clearInterval(timer);
    if (stopTimer) clearTimeout(stopTimer);
    opts.signal.removeEventListener('abort', onAbort);
    flush();
  }
}

/**
 * The contract between the one interactive session core (src/repl) and its two front-ends: the
 * Jupyter kernel (kernel/) and tsflink-shell (shell/). Front-ends turn user input into execute()
 * calls and render what arrives on the OutputSink; everything else (TS evaluation, %sql magics,
 * Flink session, jobs, interrupts) lives in the core.
 */

/**
 * A MIME bundle as Jupyter defines it, e.g. {'text/plain': '...', 'text/html': '...'}. Text and
 * base64 types are strings; JSON types (application/json, application/vnd.vegalite.v5+json, any
 * `+json`) are objects, as the messaging spec wants them.
 */
export type MimeBundle = { 'text/plain'?: string; 'text/html'?: string } & { [mime: string]: string | object | undefined };

/**
 * A result table as data, for front-ends that draw tables themselves (Zeppelin's `%table`): every
 * cell already formatted as the text tables show it. Renderers put it in bundles under
 * TABLE_DATA_MIME; the core hands it only to sinks that set `acceptsTableData`, so Jupyter
 * never sees (or stores) it.
 */
export interface TableData {
  columns: string[];
  rows: string[][];
  /** The row kinds of a changelog shown in append mode (the `op` column), one per row. */
  kinds?: string[];
  /** The display mode of a live result (single shows one value; see the bundle's text/html). */
  mode?: 'single' | 'update' | 'append';
  /** A live result's status line ('RUNNING · 3 rows · 1.2 s · job …'), as text and as HTML. */
  status?: { text: string; html: string };
  /** Text under a finished table, e.g. '3 rows in set'. */
  footer?: string;
  /** How far the running job is, 0-100: its finished subtasks of all (Zeppelin's paragraph progress). */
  progress?: number;
  /** The job's page in the Flink web UI (Zeppelin's paragraph job link). */
  jobUrl?: string;
}

export const TABLE_DATA_MIME = 'application/vnd.tsflink.table+json';

/**
 * A job's progress and web UI page as data, under JOB_STATUS_MIME in the status bundle of an
 * INSERT (a status line without a table), for front-ends that show them apart (Zeppelin's progress
 * bar and job link). Passed, like TableData, only to sinks that set `acceptsTableData`.
 */
export interface JobStatusData {
  /** How far the running job is, 0-100: its finished subtasks of all. */
  progress?: number;
  /** The job's page in the Flink web UI. */
  jobUrl?: string;
}

export const JOB_STATUS_MIME = 'application/vnd.tsflink.job+json';

export interface OutputSink {
  /** Whether bundles may carry TABLE_DATA_MIME and JOB_STATUS_MIME (default: no, the core strips them). */
  readonly acceptsTableData?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Shows a rich value; with displayId the display can later be updated in place. */
  display(bundle: MimeBundle, displayId?: string): void;
  /** Replaces the content of an earlier display(…, displayId). */
  updateDisplay(bundle: MimeBundle, displayId: string): void;
  clearOutput(wait: boolean): void;
}

export interface Diagnostic {
  message: string;
  /** 1-based line and column in the cell. */
  line: number;
  column: number;
  category: 'error' | 'warning';
  /** The TypeScript error code (e.g. 2322), when the diagnostic comes from the type checker. */
  code?: number;
}

/** What an execute() produced: a value to show as the cell's result, or an error. */
export type ExecuteOutcome =
  | { status: 'ok'; result?: MimeBundle }
  | { status: 'error'; ename: string; evalue: string; traceback: string[]; diagnostics?: Diagnostic[] };

export interface ExecuteOptions {
  /** The front-end's number for the entry (Jupyter's execution count): stack traces name it `cell[N]`. */
  executionCount?: number;
}

export interface CompletionResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  /** What each match is ('method', 'property', 'function', 'class', 'variable', 'keyword', 'table', ...), in the same order. */
  kinds?: string[];
}

export interface InspectResult {
  found: boolean;
  bundle: MimeBundle;
}

export type CompletenessStatus =
  | { status: 'complete' }
  | { status: 'incomplete'; indent: string }
  | { status: 'invalid' };

export interface InteractiveCore {
  /** Runs one cell / REPL entry: TypeScript, or a %sql / %%sql / %bsql / %%bsql paragraph. */
  execute(code: string, sink: OutputSink, options?: ExecuteOptions): Promise<ExecuteOutcome>;
  complete(code: string, cursor: number): Promise<CompletionResult>;
  inspect(code: string, cursor: number): Promise<InspectResult>;
  isComplete(code: string): CompletenessStatus;
  /** Cancels the running evaluation and the Flink job(s) it started; earlier definitions survive. */
  interrupt(): Promise<void>;
  /** Cancels running jobs, stops the mini-cluster; the process may exit afterwards. */
  shutdown(): Promise<void>;
  /**
   * Shows an error nobody awaited (unhandled rejection, uncaught exception) in the output of the
   * entry running or run last, with advice for fatal JVM conditions (out of memory).
   */
  reportBackgroundError(err: unknown, kind?: string): Promise<void>;
  /** Banner facts: Flink version, web UI address, pre-bound names. */
  readonly info: { flinkVersion: string; webUi: string; boundNames: string[] };
}

/**
 * The statements Flink's SQL client handles itself rather than passing to a TableEnvironment, for
 * `tsflink sql` and for `%%sql` / `%%bsql` paragraphs alike: SET / RESET (session-wide, on both
 * environments), SHOW JOBS, STOP JOB '<id>' [WITH SAVEPOINT [WITH DRAIN]], and TypeScript UDFs
 * from pure SQL: `CREATE [TEMPORARY] [SYSTEM] FUNCTION name AS 'udfs.ts#export'` (the role of
 * PyFlink's `CREATE FUNCTION … LANGUAGE PYTHON`) and whole modules (`registerUdfModule`).
 */
import * as Module from 'node:module';
import * as path from 'node:path';
import { packageRoot } from '../gateway/paths';
import type { TableEnvironment } from '../api/table-environment';
import type { TableResult } from '../api/table-result';
import type { JobClient } from '../api/job-client';
import { TsFunction } from '../api/udf/udf';
import type { Session } from '../session/session';
import { stripLeadingComments } from './sql-paragraph-parse';
import type { OutputSink } from './types';
import { bundleOf } from './value-display';

/** How the SQL client shows query results (Flink's `sql-client.execution.result-mode`). */
export type ResultMode = 'table' | 'changelog' | 'tableau';
export const RESULT_MODE_KEY = 'sql-client.execution.result-mode';
const RUNTIME_MODE_KEY = 'execution.runtime-mode';

const QUOTED = `'((?:[^']|'')*)'`;
const SET_KV = new RegExp(`^SET\\s+${QUOTED}\\s*=\\s*${QUOTED}\\s*;?\\s*$`, 'i');
const SET_ALL = /^SET\s*;?\s*$/i;
const RESET_KEY = new RegExp(`^RESET\\s+${QUOTED}\\s*;?\\s*$`, 'i');
const RESET_ALL = /^RESET\s*;?\s*$/i;
const SHOW_JOBS = /^SHOW\s+JOBS\s*;?\s*$/i;
const STOP_JOB = new RegExp(`^STOP\\s+JOB\\s+${QUOTED}((?:\\s+WITH\\s+(?:SAVEPOINT|DRAIN))*)\\s*;?\\s*$`, 'i');
const CREATE_TS_FUNCTION = new RegExp(
  `^CREATE\\s+(TEMPORARY\\s+)?(SYSTEM\\s+)?FUNCTION\\s+(IF\\s+NOT\\s+EXISTS\\s+)?([\\w.\`]+)\\s+AS\\s+${QUOTED}(\\s+LANGUAGE\\s+(?:TYPESCRIPT|JAVASCRIPT))?\\s*;?\\s*$`,
  'i',
);

/**
 * Loads a UDF module, TypeScript included (tsx's loader); `import … from 'tsflink'` in it resolves
 * to this installation, so its functions are TSFlink's own TsFunction.
 */
export function requireTsModule(file: string): Record<string, unknown> {
  const modules = path.join(packageRoot(), 'node_modules');
  const paths = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
  if (!paths.includes(modules)) {
    process.env.NODE_PATH = [modules, ...paths].join(path.delimiter);
    (Module as unknown as { _initPaths(): void })._initPaths();
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsx = require('tsx/cjs/api') as { require: (id: string, fromFile: string) => Record<string, unknown> };
  return tsx.require(file, __filename);
}

/** A job name (a query's SQL text, for queries) on one line, at most 80 characters. */
function oneLine(name: string): string {
  const flat = name.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

const unquote = (s: string): string => s.replace(/''/g, "'");

/** A module reference in a CREATE FUNCTION … AS '<file>#<export>': a .ts/.js file, not a Java class. */
function tsModuleRef(target: string): { file: string; name: string } | undefined {
  const m = /^(.+\.(?:ts|mts|cts|js|mjs|cjs))(?:#(\w+))?$/.exec(target);
  return m ? { file: m[1], name: m[2] ?? '' } : undefined;
}

export interface SqlClientContext {
  tEnv: TableEnvironment;
  bEnv: TableEnvironment;
  session: Session;
  /** Where relative UDF module paths resolve from. */
  cwd: string;
  /** Loads a module (a TypeScript file through tsx's loader in the front-ends). */
  requireModule: (file: string) => Record<string, unknown>;
}

/** The session state the SQL client keeps beside Flink's: client options and the jobs it submitted. */
export class SqlClientStatements {
  /** Client options (sql-client.*), as Flink's SQL client keeps them apart from Flink's configuration. */
  readonly clientOptions = new Map<string, string>([[RESULT_MODE_KEY, 'table']]);
  /** Keys set with SET in this session (RESET without a key resets these). */
  private readonly setKeys = new Set<string>();
  /** The runtime mode of statements that name none (the SQL client's; %%sql / %%bsql choose their own). */
  private mode: 'streaming' | 'batch' = 'streaming';
  private readonly jobs = new Map<string, JobClient>();

  constructor(private readonly ctx: SqlClientContext) {}

  /** The environment of the current runtime mode (`SET 'execution.runtime-mode' = 'batch'` switches). */
  get env(): TableEnvironment {
    return this.mode === 'batch' ? this.ctx.bEnv : this.ctx.tEnv;
  }

  get resultMode(): ResultMode {
    return this.clientOptions.get(RESULT_MODE_KEY) as ResultMode;
  }

  /** Remembers the job a statement submitted, so STOP JOB can reach it through its JobClient. */
  track(result: TableResult): void {
    const client = result.getJobClient();
    if (client) this.jobs.set(client.getJobID(), client);
  }

  /**
   * Runs the statement if it is one of the client's own; false if it is for Flink. Errors (a bad
   * value, an unknown job, a missing module) are thrown with a message saying what is wrong.
   */
  async run(statement: string, sink: OutputSink): Promise<boolean> {
    const s = stripLeadingComments(statement).trim();
    let m: RegExpExecArray | null;
    if (SET_ALL.test(s)) {
      this.showConfig(sink);
    } else if ((m = SET_KV.exec(s))) {
      this.set(unquote(m[1]), unquote(m[2]));
      sink.stdout('[INFO] Execute statement succeeded.\n');
    } else if (RESET_ALL.test(s)) {
      for (const key of [...this.setKeys]) this.reset(key);
      sink.stdout('[INFO] Execute statement succeeded.\n');
    } else if ((m = RESET_KEY.exec(s))) {
      this.reset(unquote(m[1]));
      sink.stdout('[INFO] Execute statement succeeded.\n');
    } else if (SHOW_JOBS.test(s)) {
      await this.showJobs(sink);
    } else if ((m = STOP_JOB.exec(s))) {
      const flags = m[2].toUpperCase().split(/\s*WITH\s+/).filter(Boolean);
      // Flink's parser: WITH DRAIN only after WITH SAVEPOINT (draining is a way to stop with a savepoint)
      if (flags.includes('DRAIN') && flags.join(' ') !== 'SAVEPOINT DRAIN') {
        throw new SyntaxError("STOP JOB: WITH DRAIN could only be used after WITH SAVEPOINT (write STOP JOB '<id>' WITH SAVEPOINT WITH DRAIN)");
      }
      await this.stopJob(unquote(m[1]), flags.includes('SAVEPOINT'), flags.includes('DRAIN'), sink);
    } else if ((m = CREATE_TS_FUNCTION.exec(s)) && tsModuleRef(unquote(m[5]))) {
      const ref = tsModuleRef(unquote(m[5]))!;
      const name = m[4].replace(/`/g, '');
      if (!ref.name) throw new SyntaxError(`CREATE FUNCTION ${name} AS '${ref.file}': name the export too, as '${ref.file}#${name}'`);
      const ifNotExists = m[3] !== undefined;
      if (ifNotExists && this.ctx.tEnv.listUserDefinedFunctions().includes(name.split('.').pop()!.toLowerCase())) {
        sink.stdout('[INFO] Execute statement succeeded.\n');
        return true;
      }
      this.registerFunction(name, this.loadExport(ref.file, ref.name), m[2] !== undefined ? 'system' : m[1] !== undefined ? 'temporary' : 'catalog');
      sink.stdout('[INFO] Execute statement succeeded.\n');
    } else {
      return false;
    }
    return true;
  }

  /** Session-wide: both environments get the option (the runtime mode and sql-client.* stay client-side). */
  set(key: string, value: string): void {
    if (key === RESULT_MODE_KEY) {
      const mode = value.toLowerCase();
      if (mode !== 'table' && mode !== 'changelog' && mode !== 'tableau') throw new RangeError(`${RESULT_MODE_KEY}='${value}': expected table, changelog or tableau`);
      this.clientOptions.set(key, mode);
    } else if (key.startsWith('sql-client.')) {
      this.clientOptions.set(key, value);
    } else if (key === RUNTIME_MODE_KEY) {
      const mode = value.toLowerCase();
      if (mode !== 'streaming' && mode !== 'batch') throw new RangeError(`${RUNTIME_MODE_KEY}='${value}': expected streaming or batch`);
      this.mode = mode;
    } else {
      for (const env of [this.ctx.tEnv, this.ctx.bEnv]) env.getConfig().set(key, value);
    }
    this.setKeys.add(key);
  }

  /** Back to the session's value (the -D options it started with), or Flink's default. */
  reset(key: string): void {
    this.setKeys.delete(key);
    if (key === RESULT_MODE_KEY) this.clientOptions.set(key, 'table');
    else if (key.startsWith('sql-client.')) this.clientOptions.delete(key);
    else if (key === RUNTIME_MODE_KEY) this.mode = 'streaming';
    else {
      const base = this.ctx.session.baseConfig[key];
      for (const env of [this.ctx.tEnv, this.ctx.bEnv]) {
        env.getConfig().remove(key);
        if (base !== undefined) env.getConfig().set(key, base);
      }
    }
  }

  private showConfig(sink: OutputSink): void {
    const all: Record<string, string> = { ...this.env.getConfig().toMap(), [RUNTIME_MODE_KEY]: this.mode };
    for (const [k, v] of this.clientOptions) all[k] = v;
    const rows = Object.keys(all)
      // Flink's own bookkeeping, not options a user sets
      .filter((k) => !k.startsWith('$internal.') && !k.startsWith('__'))
      .sort()
      .map((k) => [k, all[k]]);
    sink.display(bundleOf([{ name: 'key' }, { name: 'value' }], rows, `${rows.length} rows in set`));
  }

  private async showJobs(sink: OutputSink): Promise<void> {
    const res = await fetch(`${this.ctx.session.restAddress}/jobs/overview`);
    const body = (await res.json()) as { jobs: { jid: string; name: string; state: string; 'start-time': number }[] };
    const rows = body.jobs
      .sort((a, b) => a['start-time'] - b['start-time'])
      .map((j) => [j.jid, oneLine(j.name), j.state, new Date(j['start-time']).toISOString().replace('T', ' ').replace('Z', '')]);
    const columns = [
      { name: 'job id' },
      { name: 'job name' },
      { name: 'status' },
      { name: 'start time' },
    ];
    sink.display(bundleOf(columns, rows, rows.length === 0 ? 'Empty set' : `${rows.length} row${rows.length === 1 ? '' : 's'} in set`));
  }

  /**
   * Flink's STOP JOB: cancels the job, or stops it with a savepoint (into `state.savepoints.dir`),
   * WITH DRAIN first advancing to the end of event time: the sources emit MAX_WATERMARK, so every
   * event-time window and timer fires before the job ends (for a job that is not meant to resume). Jobs this session submitted go through
   * their JobClient; others on the cluster through its REST API.
   */
  private async stopJob(jobId: string, savepoint: boolean, drain: boolean, sink: OutputSink): Promise<void> {
    if (!/^[0-9a-f]{32}$/i.test(jobId)) throw new RangeError(`STOP JOB '${jobId}': not a job id (32 hex digits; SHOW JOBS lists them)`);
    const jobs = await this.ctx.session.listJobs();
    const job = jobs.find((j) => j.jid === jobId);
    if (!job) throw new RangeError(`STOP JOB '${jobId}': the cluster has no such job (SHOW JOBS lists them)`);
    if (['FINISHED', 'CANCELED', 'FAILED'].includes(job.state)) throw new RangeError(`STOP JOB '${jobId}': the job has already ended (${job.state})`);
    const client = this.jobs.get(jobId);
    if (!savepoint) {
      if (client) await client.cancel();
      else await this.ctx.session.cancelJob(jobId);
      sink.stdout('[INFO] Execute statement succeeded.\n');
      return;
    }
    const dir = this.env.getConfig().get('state.savepoints.dir');
    if (!dir) throw new RangeError("STOP JOB … WITH SAVEPOINT needs a savepoint directory: SET 'state.savepoints.dir' = 'file:///…' first");
    const location = client ? await client.stopWithSavepoint(drain, dir) : await this.stopByRest(jobId, drain, dir);
    sink.display(bundleOf([{ name: 'savepoint path' }], [[location]], '1 row in set'));
  }

  private async stopByRest(jobId: string, drain: boolean, dir: string): Promise<string> {
    const base = `${this.ctx.session.restAddress}/jobs/${jobId}`;
    const started = (await (await fetch(`${base}/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ drain, targetDirectory: dir }) })).json()) as { 'request-id'?: string; errors?: string[] };
    if (!started['request-id']) throw new Error(`STOP JOB '${jobId}': ${started.errors?.join('; ') ?? 'the cluster refused'}`);
    for (;;) {
      const r = (await (await fetch(`${base}/savepoints/${started['request-id']}`)).json()) as { status: { id: string }; operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string } } };
      if (r.status.id === 'COMPLETED') {
        if (r.operation?.location) return r.operation.location;
        throw new Error(`STOP JOB '${jobId}': the savepoint failed: ${r.operation?.['failure-cause']?.['stack-trace']?.split('\n')[0] ?? 'unknown cause'}`);
      }
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  /** One export of a UDF module: a TSFlink function (udf, udtf, udaf, …), else a message saying what to write. */
  private loadExport(file: string, name: string): TsFunction<never, unknown> {
    const exports = this.loadModule(file);
    const value = exports[name];
    if (value === undefined) {
      const fns = Object.keys(exports).filter((k) => exports[k] instanceof TsFunction);
      throw new ReferenceError(`${file} has no export '${name}'${fns.length ? ` (its UDFs: ${fns.join(', ')})` : ''}`);
    }
    if (!(value instanceof TsFunction)) {
      throw new TypeError(
        typeof value === 'function'
          ? `${file}#${name} is a plain function: Flink needs its types, so export it as udf(fn, { inputTypes: [...], resultType: ... }) (or udtf / udaf)`
          : `${file}#${name} is not a UDF (export udf(...), udtf(...), udaf(...) or udtaf(...))`,
      );
    }
    return value as TsFunction<never, unknown>;
  }

  private loadModule(file: string): Record<string, unknown> {
    const full = path.resolve(this.ctx.cwd, file);
    try {
      return this.ctx.requireModule(full);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(full)) throw new Error(`cannot load UDF module ${file}: no such file (${full})`);
      throw new Error(`cannot load UDF module ${file}: ${err.message}`);
    }
  }

  private registerFunction(name: string, fn: TsFunction<never, unknown>, kind: 'system' | 'temporary' | 'catalog'): void {
    // one catalog for both environments (createSessionEnvironments): registering once is enough
    if (kind === 'system') this.ctx.tEnv.createTemporarySystemFunction(name, fn);
    else if (kind === 'temporary') this.ctx.tEnv.createTemporaryFunction(name, fn);
    // a catalog keeps functions by class name; a TS function is a live value of this session
    else throw new TypeError(`CREATE FUNCTION ${name} AS '…#…': a TypeScript UDF lives in this session, not in a catalog; write CREATE TEMPORARY FUNCTION (or TEMPORARY SYSTEM)`);
  }

  /** `--udfs udfs.ts`: every UDF the module exports, as a temporary system function named as its export. */
  registerUdfModule(file: string): string[] {
    const exports = this.loadModule(file);
    const names = Object.keys(exports).filter((k) => exports[k] instanceof TsFunction);
    if (names.length === 0) throw new Error(`${file} exports no UDFs (export const toEuro = udf(...))`);
    for (const n of names) this.ctx.tEnv.createTemporarySystemFunction(n, exports[n] as TsFunction<never, unknown>);
    return names;
  }
}

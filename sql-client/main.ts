/**
 * `tsflink sql`: an interactive SQL client in the manner of Flink's, on the same core as the kernel
 * and tsflink-shell (src/repl: the SQL paragraph runner, the client statements, one catalog for
 * the streaming and batch environments). This file only reads arguments and lines and prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createSessionEnvironments } from '../src/repl/core';
import { requireTsModule, RESULT_MODE_KEY, SqlClientStatements } from '../src/repl/sql-client-statements';
import { runSqlParagraph } from '../src/repl/sql-paragraph';
import { splitStatements, stripLeadingComments } from '../src/repl/sql-paragraph-parse';
import type { ExecuteOutcome } from '../src/repl/types';
import { Session, type SessionOptions } from '../src/session/session';
import { TerminalSink } from '../shell/terminal-sink';
import { connectorSpec } from '../src/connectors/resolve';

const PROMPT = 'Flink SQL> ';
const CONTINUE = '> ';

export const USAGE = `usage: tsflink sql [-i init.sql] [-f script.sql] [--udfs udfs.ts]... [-D key=value]... [--parallelism N] [--remote host:port] [--connector NAME]...

An interactive SQL client on one Flink session (streaming and batch share its catalog).
  -i FILE         run these statements first (tables, functions, SET), then go on
  -f FILE         run these statements and exit (stops at the first failing one, exit code 1)
  --udfs FILE     register every UDF a TypeScript module exports (udf(...), udaf(...), ...) by its export name
  -D key=value    Flink configuration for the session
  --parallelism N, --remote host:port, --connector NAME   as for tsflink run
Statements end with ';'. Besides Flink's SQL: SET / RESET, SHOW JOBS, STOP JOB '<id>' [WITH SAVEPOINT [WITH DRAIN]],
ADD JAR, BEGIN STATEMENT SET; … END;, CREATE [TEMPORARY] FUNCTION f AS 'udfs.ts#f', HELP;, QUIT;.
Result modes: SET '${RESULT_MODE_KEY}' = 'table' | 'changelog' | 'tableau'. See docs/sql-client.md.
`;

interface SqlArgs {
  init?: string;
  file?: string;
  udfs: string[];
  session: SessionOptions;
  help: boolean;
}

export function parseSqlArgs(argv: string[]): SqlArgs {
  const config: Record<string, string> = {};
  const out: SqlArgs = { udfs: [], session: { config }, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') out.help = true;
    else if (a === '-i' || a === '--init') out.init = value();
    else if (a === '-f' || a === '--file') out.file = value();
    else if (a === '--udfs') out.udfs.push(value());
    else if (a === '-D' || a.startsWith('-D')) {
      const kv = a === '-D' ? value() : a.slice(2);
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`-D needs key=value, got '${kv}'`);
      config[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--parallelism' || a === '-p') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error('--parallelism needs a positive whole number');
      out.session.parallelism = n;
    } else if (a === '--remote') out.session.remote = value();
    else if (a === '--connector') {
      const names = value().split(',').map((n) => n.trim()).filter(Boolean);
      for (const n of names) if (!n.endsWith('.jar')) connectorSpec(n);
      out.session.connectors = [...(out.session.connectors ?? []), ...names.map((n) => (n.endsWith('.jar') ? path.resolve(n) : n))];
    } else throw new Error(`unknown argument '${a}'`);
  }
  return out;
}

/** Whether the typed text is one or more whole statements: ends with ';' and every BEGIN … END is closed. */
function complete(text: string): boolean {
  const code = stripLeadingComments(text).trim();
  if (!code.endsWith(';')) return false;
  try {
    splitStatements(text);
    return true;
  } catch {
    return false;
  }
}

class SqlClient {
  private readonly sink = new TerminalSink(process.stdout, process.stderr);
  private running?: AbortController;
  private entries = 0;
  failed = false;

  constructor(
    readonly statements: SqlClientStatements,
    private readonly tty: boolean,
  ) {}

  /** Runs each statement of the text in order; with stopOnError, stops at the first failure. */
  async runText(text: string, stopOnError: boolean): Promise<boolean> {
    let statements: string[];
    try {
      statements = splitStatements(text);
    } catch (e) {
      this.error((e as Error).message);
      return false;
    }
    for (const statement of statements) {
      const code = stripLeadingComments(statement).trim().replace(/;$/, '').trim();
      if (/^(QUIT|EXIT)$/i.test(code)) return false;
      if (/^HELP$/i.test(code)) {
        this.sink.stdout(USAGE);
        continue;
      }
      const ok = await this.runStatement(statement);
      if (!ok && stopOnError) return false;
    }
    return true;
  }

  private async runStatement(statement: string): Promise<boolean> {
    const controller = new AbortController();
    this.running = controller;
    const mode = this.statements.resultMode;
    // table: one table redrawn in place; changelog: every change with its kind; tableau: printed as it comes
    const type = !this.tty && mode !== 'changelog' ? 'tableau' : mode === 'table' ? 'update' : mode === 'changelog' ? 'append' : 'tableau';
    let outcome: ExecuteOutcome;
    try {
      outcome = await runSqlParagraph({
        env: this.statements.env,
        statement,
        // INSERTs return once submitted, as in Flink's SQL client, unless SET 'table.dml-sync' = 'true'
        options: { type, refreshInterval: '500', detach: String(this.statements.env.getConfig().get('table.dml-sync') !== 'true') },
        sink: this.sink,
        signal: controller.signal,
        displayIdPrefix: `sql-${++this.entries}`,
        statements: this.statements,
      });
    } finally {
      this.running = undefined;
      this.sink.endEntry();
    }
    if (outcome.status === 'ok') return true;
    this.failed = true;
    const reason = outcome.traceback.slice(1).join('\n') || `${outcome.ename}: ${outcome.evalue}`;
    this.error(`Could not execute SQL statement. Reason:\n${reason}`);
    return false;
  }

  error(text: string): void {
    const head = this.tty ? '\x1b[31m[ERROR]\x1b[0m' : '[ERROR]';
    this.sink.stderr(`${head} ${text}\n`);
  }

  /** Ctrl-C: cancels the running statement (and its job); true if there was one. */
  interrupt(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }
}

async function shutdown(code: number): Promise<never> {
  const session = await Session.running().catch(() => undefined);
  await session?.cancelAllJobs().catch(() => undefined);
  await session?.close().catch(() => undefined);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  let args: SqlArgs;
  try {
    args = parseSqlArgs(argv);
  } catch (e) {
    process.stderr.write(`tsflink sql: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      process.stderr.write(`tsflink sql: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return undefined;
    }
  };
  const init = args.init === undefined ? undefined : read(args.init);
  const script = args.file === undefined ? undefined : read(args.file);
  if ((args.init !== undefined && init === undefined) || (args.file !== undefined && script === undefined)) process.exit(2);
  const interactive = script === undefined && process.stdin.isTTY === true;
  if (interactive) process.stdout.write('Starting the Flink session ...\n');
  let statements: SqlClientStatements;
  try {
    const [tEnv, bEnv] = await createSessionEnvironments({ ...args.session, announce: false });
    const session = await Session.start(args.session);
    statements = new SqlClientStatements({ tEnv, bEnv, session, cwd: process.cwd(), requireModule: requireTsModule });
  } catch (e) {
    process.stderr.write(`tsflink sql: cannot start the Flink session: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const client = new SqlClient(statements, process.stdout.isTTY === true);
  process.on('SIGTERM', () => void shutdown(143));
  for (const file of args.udfs) {
    try {
      const names = statements.registerUdfModule(file);
      process.stdout.write(`[INFO] Registered the UDFs of ${file}: ${names.join(', ')}\n`);
    } catch (e) {
      client.error((e as Error).message);
      if (!interactive) await shutdown(1);
    }
  }
  if (init !== undefined && !(await client.runText(init, !interactive)) && !interactive) await shutdown(1);
  if (script !== undefined) {
    const ok = await client.runText(script, true);
    await shutdown(ok && !client.failed ? 0 : 1);
  }
  const session = await Session.running();
  if (interactive) process.stdout.write(`TSFlink SQL client · Apache Flink ${Session.flinkVersion} · web UI ${session?.webUi}\nStatements end with ';'. HELP; lists the commands, QUIT; or Ctrl-D leaves.\n\n`);
  const rl = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive, prompt: PROMPT });
  let buffer = '';
  const queue: string[] = [];
  let draining = false;
  let ended = false;
  const prompt = () => {
    if (!interactive) return;
    rl.setPrompt(buffer ? CONTINUE : PROMPT);
    rl.prompt();
  };
  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    while (queue.length) {
      buffer = buffer ? `${buffer}\n${queue.shift()!}` : queue.shift()!;
      if (!buffer.trim()) buffer = '';
      if (buffer && complete(buffer)) {
        const text = buffer;
        buffer = '';
        if (!(await client.runText(text, false))) {
          if (/^\s*(QUIT|EXIT)\s*;/im.test(stripLeadingComments(text))) await shutdown(0);
        }
      }
    }
    draining = false;
    if (ended) await shutdown(interactive || !client.failed ? 0 : 1);
    prompt();
  };
  rl.on('line', (line) => {
    queue.push(line);
    void drain();
  });
  rl.on('SIGINT', () => {
    if (client.interrupt()) return;
    buffer = '';
    process.stdout.write('^C\n');
    prompt();
  });
  process.on('SIGINT', () => {
    if (!client.interrupt()) void shutdown(130);
  });
  rl.on('close', () => {
    ended = true;
    void drain();
  });
  prompt();
}

#!/usr/bin/env node
/**
 * tsflink-shell: TypeScript and SQL, line by line, against one live Flink session, on the same
 * interactive core as the Jupyter kernel.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as readline from 'node:readline';
import { renderText } from '../src/api/render';
import { killChildren } from '../src/repl/children';
import { loadTypeScript } from '../src/repl/completeness';
import { createInteractiveCore, type TSFlinkCore } from '../src/repl/core';
import type { ExecuteOutcome } from '../src/repl/types';
import { parseArgs, USAGE, type ShellArgs } from './args';
import { EntryBuffer, type Entry } from './entry-buffer';
import { appendHistory, historyFile, HISTORY_SIZE, loadHistory, trimHistory } from './history';
import { TerminalSink } from './terminal-sink';

const PROMPT = 'tsflink> ';
const CONTINUE = '    ...> ';

const HELP = `TypeScript entries run as typed; a multi-line entry continues until its brackets and statements close.
The last expression's value is shown (Tables and TableResults as tables; a promise is awaited first).

Pre-bound:  tEnv (streaming StreamTableEnvironment), bEnv (batch), senv (StreamExecutionEnvironment), sql('...') / sql\`...\` on tEnv,
            display(value), session, and every TSFlink export ($, lit, DataTypes, Schema, ...).
SQL:        %sql <statement>      one statement on the streaming tEnv
            %bsql <statement>     one statement on the batch bEnv
            %%sql [type=update|append|single maxRows=N refreshInterval=MS]
            ...lines...           a paragraph, ended by a line ending with ';' or by an empty line
Commands:   .jobs  list the cluster's jobs    .clear  drop a half-typed entry    .exit  quit (or Ctrl-D)
Keys:       Tab completes, Up/Down walk the history, Ctrl-C cancels the running entry and its Flink jobs.
`;

function red(text: string, tty: boolean): string {
  return tty ? `\x1b[31m${text}\x1b[0m` : text;
}

class Shell {
  private readonly sink: TerminalSink;
  readonly buffer: EntryBuffer;
  private readonly queue: string[] = [];
  private draining = false;
  private evaluating = false;
  private failed = false;
  private exiting = false;
  private inputEnded = false;
  private rl?: readline.Interface;

  constructor(
    private readonly core: TSFlinkCore,
    private readonly interactive: boolean,
  ) {
    this.sink = new TerminalSink(process.stdout, process.stderr);
    this.buffer = new EntryBuffer((code) => core.isComplete(code));
  }

  private get tty(): boolean {
    return process.stdout.isTTY === true;
  }

  banner(startMs: number): string {
    const i = this.core.info;
    const where = this.core.session.local ? 'local mini-cluster' : `remote cluster`;
    return [
      `TSFlink shell · Apache Flink ${i.flinkVersion} · ${where}`,
      `Web UI:     ${i.webUi}`,
      `Pre-bound:  tEnv (streaming), bEnv (batch), senv (DataStream), sql(), display(), session + the TSFlink API ($, lit, DataTypes, ...)`,
      `SQL:        %sql <stmt> · %bsql <stmt> · %%sql / %%bsql paragraphs ending with ';' or an empty line`,
      `Help:       .help · exit with Ctrl-D or .exit${this.core.logFile ? ` · Flink log: ${this.core.logFile}` : ''}`,
      `Ready in ${(startMs / 1000).toFixed(1)} s (Flink session ${(this.core.startup.sessionMs / 1000).toFixed(1)} s, TypeScript checker ${(this.core.startup.typeCheckerMs / 1000).toFixed(1)} s, in parallel).`,
      '',
    ].join('\n');
  }

  private printOutcome(outcome: ExecuteOutcome): void {
    if (outcome.status === 'ok') {
      if (outcome.result) this.sink.display(outcome.result);
      return;
    }
    this.failed = true;
    const [first, ...rest] = outcome.traceback.length ? outcome.traceback : [`${outcome.ename}: ${outcome.evalue}`];
    this.sink.stderr(red(first, this.tty) + '\n' + rest.map((l) => l + '\n').join(''));
  }

  private async runCommand(name: string): Promise<void> {
    switch (name) {
      case 'exit':
      case 'quit':
        await this.exit(this.failed && !this.interactive ? 1 : 0);
        return;
      case 'help':
        this.sink.stdout(HELP);
        return;
      case 'clear':
        this.buffer.clear();
        return;
      case 'jobs': {
        const jobs = await this.core.session.listJobs().catch((e: Error) => {
          this.sink.stderr(`cannot list jobs: ${e.message}\n`);
          return undefined;
        });
        if (jobs) {
          const columns = [{ name: 'job id' }, { name: 'name' }, { name: 'state' }];
          this.sink.stdout(renderText(columns, jobs.map((j) => [j.jid, j.name, j.state]), { footer: `${jobs.length} job(s)` }) + '\n');
        }
        return;
      }
    }
  }

  private async run(entry: Entry): Promise<void> {
    if (entry.kind === 'command') return this.runCommand(entry.name);
    this.evaluating = true;
    try {
      const outcome = await this.core.execute(entry.code, this.sink);
      this.sink.endEntry();
      this.printOutcome(outcome);
    } finally {
      this.evaluating = false;
    }
  }

  private prompt(): void {
    if (!this.rl || !this.interactive || this.exiting) return;
    this.rl.setPrompt(this.buffer.pending ? CONTINUE : PROMPT);
    this.rl.prompt();
  }

  /** Runs queued lines one entry at a time (input typed or piped meanwhile waits its turn). */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length && !this.exiting) {
        const entry = this.buffer.push(this.queue.shift()!);
        if (entry) await this.run(entry);
      }
      if (this.inputEnded && !this.exiting) {
        const rest = this.buffer.flush();
        if (rest) await this.run(rest);
        await this.exit(this.interactive ? 0 : this.failed ? 1 : 0);
      }
    } finally {
      this.draining = false;
    }
    this.prompt();
  }

  feed(line: string): void {
    this.queue.push(line);
    void this.drain();
  }

  endOfInput(): void {
    this.inputEnded = true;
    void this.drain();
  }

  /** Ctrl-C: cancel what runs, else drop the half-typed entry, else hint how to leave. */
  async onInterrupt(): Promise<void> {
    if (this.evaluating) {
      this.queue.length = 0;
      this.sink.stderr('^C\n');
      await this.core.interrupt();
      return;
    }
    const typed = this.rl?.line ?? '';
    if (typed !== '' || this.buffer.pending) {
      this.buffer.clear();
      this.rl?.write(null, { ctrl: true, name: 'e' });
      this.rl?.write(null, { ctrl: true, name: 'u' });
      process.stdout.write('^C\n');
      this.prompt();
      return;
    }
    process.stdout.write('\n(To exit, press Ctrl-D or type .exit)\n');
    this.prompt();
  }

  attach(rl: readline.Interface): void {
    this.rl = rl;
  }

  async exit(code: number): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    this.rl?.close();
    if (this.evaluating) await this.core.interrupt();
    await this.core.shutdown();
    killChildren();
    trimHistory(historyFile());
    process.exit(code);
  }
}

function readSources(args: ShellArgs): string[] {
  return [...args.files.map((f) => fs.readFileSync(f, 'utf8')), ...args.evaluate];
}

async function main(): Promise<void> {
  let args: ShellArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`tsflink-shell: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  let scripts: string[];
  try {
    scripts = readSources(args);
  } catch (e) {
    process.stderr.write(`tsflink-shell: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const interactive = scripts.length === 0 && process.stdin.isTTY === true;
  if (interactive) process.stdout.write('Starting the Flink session ...\n');
  let core: TSFlinkCore;
  try {
    core = await createInteractiveCore({ session: { ...args.session, announce: false } });
  } catch (e) {
    process.stderr.write(`tsflink-shell: cannot start the Flink session: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const shell = new Shell(core, interactive);
  // registered after the JVM started (and the JVM runs with -Xrs), so SIGINT reaches us
  process.on('SIGINT', () => void shell.onInterrupt());
  process.on('SIGTERM', () => void shell.exit(143));
  // an error nobody awaited (a stray promise of an entry, a runtime callback) is shown, with advice
  // when the JVM ran out of memory; it must not end the shell and its session
  process.on('unhandledRejection', (reason) => void core.reportBackgroundError(reason, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => void core.reportBackgroundError(err, 'uncaught exception'));

  if (scripts.length) {
    for (const text of scripts) for (const line of text.split('\n')) shell.feed(line);
    shell.endOfInput();
    return;
  }
  if (!interactive) {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    rl.on('line', (line) => shell.feed(line));
    rl.on('close', () => shell.endOfInput());
    return;
  }
  const file = historyFile();
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    prompt: PROMPT,
    history: loadHistory(file),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      const before = shell.buffer.text;
      const code = before ? `${before}\n${line}` : line;
      core.complete(code, code.length).then(
        (r) => callback(null, [r.matches, code.slice(r.cursorStart, r.cursorEnd)]),
        () => callback(null, [[], line]),
      );
    },
  });
  shell.attach(rl);
  rl.on('line', (line) => {
    if (line.trim() !== '') appendHistory(file, line);
    shell.feed(line);
  });
  rl.on('SIGINT', () => void shell.onInterrupt());
  rl.on('close', () => void shell.exit(0));
  process.stdout.write(shell.banner(performance.now()));
  rl.prompt();
  // load the parser isComplete needs while the user types the first line
  setImmediate(() => loadTypeScript());
}

void main();

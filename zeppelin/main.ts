#!/usr/bin/env node
/**
 * The Node side of TSFlink's Zeppelin interpreter group: `node dist/zeppelin/main.js`, started by
 * the Java interpreter classes (zeppelin/jvm) once per interpreter group. It runs the interactive
 * core (src/repl), the same one the Jupyter kernel and tsflink-shell use, and speaks the line
 * protocol of protocol.ts on stdin/stdout. Session options come from $TSFLINK_ZEPPELIN_OPTIONS
 * (JSON: SessionOptions plus `cwd`), written by the Java side from the interpreter's properties.
 */
import * as readline from 'node:readline';
import { killChildren } from '../src/repl/children';
import { createInteractiveCore, type TSFlinkCore } from '../src/repl/core';
import type { ExecuteOutcome } from '../src/repl/types';
import type { SessionOptions } from '../src/session/session';
import { ParagraphOutput } from './output';
import { encodeEvent, parseRequest, type Event, type Request } from './protocol';

/** How often a running paragraph's output changes are sent at most (the core throttles live tables itself). */
const FLUSH_MS = 100;

type Write = typeof process.stdout.write;
const realStdoutWrite: Write = process.stdout.write.bind(process.stdout);
const realStderrWrite: Write = process.stderr.write.bind(process.stderr);

function send(e: Event): void {
  realStdoutWrite(encodeEvent(e));
}

function log(line: string): void {
  realStderrWrite(`[tsflink-zeppelin] ${line}\n`);
}

interface Entry {
  id: number;
  code: string;
  output: ParagraphOutput;
  sentProgress?: number;
  sentJobUrl?: string;
}

class Server {
  private readonly queue: Entry[] = [];
  private running?: Entry;
  private flushTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly core: TSFlinkCore) {}

  /** The output of the paragraph running: where console.log of cells goes. */
  get current(): ParagraphOutput | undefined {
    return this.running?.output;
  }

  handle(r: Request): void {
    switch (r.type) {
      case 'execute':
        this.queue.push({ id: r.id, code: r.code, output: new ParagraphOutput() });
        this.next();
        return;
      case 'cancel': {
        if (this.running?.id === r.id) {
          void this.core.interrupt();
          return;
        }
        const i = this.queue.findIndex((e) => e.id === r.id);
        if (i >= 0) {
          this.queue.splice(i, 1);
          send({ type: 'done', id: r.id, status: 'error', ename: 'Interrupted', evalue: 'cancelled before it ran', traceback: ['Interrupted: cancelled before it ran'] });
        }
        return;
      }
      case 'complete':
        this.core.complete(r.code, r.cursor).then(
          (c) => send({ type: 'completion', id: r.id, cursorStart: c.cursorStart, cursorEnd: c.cursorEnd, matches: c.matches.map((value, i) => ({ value, kind: c.kinds?.[i] ?? '' })) }),
          () => send({ type: 'completion', id: r.id, cursorStart: r.cursor, cursorEnd: r.cursor, matches: [] }),
        );
        return;
      case 'shutdown':
        void this.shutdown();
        return;
    }
  }

  private next(): void {
    if (this.running || this.closing) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.running = entry;
    this.flushTimer = setInterval(() => this.flush(entry), FLUSH_MS);
    this.core.execute(entry.code, entry.output).then(
      (outcome) => this.finish(entry, outcome),
      (err: unknown) => this.finish(entry, { status: 'error', ename: 'Error', evalue: String(err), traceback: [String(err)] }),
    );
  }

  private flush(entry: Entry): void {
    const ops = entry.output.changes();
    const progress = entry.output.progress;
    const progressChanged = progress !== undefined && progress !== entry.sentProgress;
    entry.sentProgress = progress;
    const jobUrl = entry.output.jobUrl;
    const urlChanged = jobUrl !== undefined && jobUrl !== entry.sentJobUrl;
    entry.sentJobUrl = jobUrl;
    if (ops.length || progressChanged || urlChanged) send({ type: 'output', id: entry.id, ops, ...(progressChanged ? { progress } : {}), ...(urlChanged ? { jobUrl } : {}) });
  }

  private finish(entry: Entry, outcome: ExecuteOutcome): void {
    clearInterval(this.flushTimer);
    if (outcome.status === 'ok' && outcome.result) entry.output.display(outcome.result);
    this.flush(entry);
    this.running = undefined;
    if (outcome.status === 'ok') send({ type: 'done', id: entry.id, status: 'ok' });
    else send({ type: 'done', id: entry.id, status: 'error', ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback });
    this.next();
  }

  async shutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    try {
      await this.core.shutdown();
    } catch (e) {
      log(`shutdown: ${String(e)}`);
    }
    killChildren();
    process.exit(0);
  }
}

/** Routes what cells print (process.stdout / stderr) into the running paragraph; the rest is logged. */
function captureStdio(current: () => ParagraphOutput | undefined): void {
  const redirect = (stream: NodeJS.WriteStream, original: Write) => {
    stream.write = ((chunk: unknown, encodingOrCb?: unknown, cb?: unknown): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encodingOrCb === 'string' ? (encodingOrCb as BufferEncoding) : 'utf8');
      const out = current();
      // stdout carries the protocol: text nobody's paragraph owns goes to the log (stderr)
      if (out) out.stdout(text);
      else original(text);
      const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as Write;
  };
  redirect(process.stdout, realStderrWrite);
  redirect(process.stderr, realStderrWrite);
}

async function main(): Promise<void> {
  process.env.TSFLINK_QUIET ??= '1';
  const options = JSON.parse(process.env.TSFLINK_ZEPPELIN_OPTIONS || '{}') as SessionOptions & { cwd?: string };
  const { cwd, ...session } = options;
  let server: Server | undefined;
  captureStdio(() => server?.current);
  const started = Date.now();
  let core: TSFlinkCore;
  try {
    core = await createInteractiveCore({ cwd: cwd || process.cwd(), session: { announce: false, ...session } });
  } catch (e) {
    send({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(1);
  }
  server = new Server(core);
  const s = server;
  // A cell's stray promise must not end the interpreter, nor go unseen: shown in the paragraph running (or run last).
  const background = (err: unknown, kind: string) => void core.reportBackgroundError(err, kind).catch(() => undefined);
  process.on('unhandledRejection', (reason) => background(reason, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => background(err, 'uncaught exception'));
  process.on('SIGTERM', () => void s.shutdown());
  // the JVM runs with -Xrs: SIGINT is ours, and means what cancel means
  process.on('SIGINT', () => void core.interrupt());
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    try {
      s.handle(parseRequest(line));
    } catch (e) {
      log(`bad request ${JSON.stringify(line.slice(0, 200))}: ${String(e)}`);
    }
  });
  // the interpreter process went away: nobody is left to show anything to
  lines.on('close', () => void s.shutdown());
  send({ type: 'ready', flinkVersion: core.info.flinkVersion, webUi: core.info.webUi, startupMs: Date.now() - started, pid: process.pid });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});

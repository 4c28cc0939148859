/**
 * The Jupyter kernel: message handling on top of the channels, delegating cells, completion,
 * inspection and interrupts to the interactive core (src/repl).
 *
 * Shell requests are handled one at a time in arrival order (as ipykernel does); they are read
 * eagerly into a queue so that `stop_on_error` can abort the executes queued behind a failed cell.
 * Control requests (interrupt, shutdown, kernel_info) are handled as they arrive, even while a
 * cell runs.
 */
import { randomUUID } from 'node:crypto';
import type { CompletenessStatus, ExecuteOutcome, InteractiveCore, MimeBundle, OutputSink } from '../src/repl/types';
import { withSvgFallback } from '../src/repl/chart-svg';
import { Channels, type ChannelName } from './channels';
import { History } from './history';
import { kernelInfo } from './kernel-info';
import { codePointsToIndex, indexToCodePoints } from './positions';
import { captureStdio, kernelLog } from './stdio';
import { readConnectionFile, Signer, type Header, type JsonObject, type Message } from './wire';

export interface KernelOptions {
  connectionFile: string;
  /** The core, possibly still starting (JVM, cluster): requests that need it wait for it. */
  core: Promise<InteractiveCore>;
  historyFile?: string;
  log?: (line: string) => void;
  /** Called after a shutdown_request was answered; default exits the process. */
  exit?: (code: number) => void;
}

/** A request's cursor_pos (code points; default the end) as an index into code. */
function cursorIndex(code: string, content: JsonObject): number {
  return codePointsToIndex(code, Number(content.cursor_pos ?? code.length));
}

export class Kernel {
  private readonly channels: Channels;
  private readonly history: History;
  private readonly log: (line: string) => void;
  private readonly queue: Message[] = [];
  private draining = false;
  private executionCount = 0;
  private shuttingDown = false;
  private coreReady?: InteractiveCore;
  /** Where console output of cells goes: the sink of the execute running or run last. */
  private outputSink?: OutputSink;

  constructor(private readonly options: KernelOptions) {
    const info = readConnectionFile(options.connectionFile);
    this.log = options.log ?? kernelLog;
    this.channels = new Channels(info, new Signer(info.key), randomUUID(), this.log);
    this.history = new History(options.historyFile);
    options.core.then(
      (c) => (this.coreReady = c),
      (err: unknown) => this.log(`the session failed to start: ${(err as Error).stack ?? String(err)}`),
    );
  }

  async start(): Promise<void> {
    captureStdio(() => this.outputSink);
    await this.channels.bind();
    void this.channels.publish('status', { execution_state: 'starting' });
    void this.readShell();
    void this.readControl();
    void this.readStdin();
  }

  private async readShell(): Promise<void> {
    for await (const msg of this.channels.messages('shell')) {
      this.queue.push(msg);
      void this.drain();
    }
  }

  private async readControl(): Promise<void> {
    for await (const msg of this.channels.messages('control')) void this.handle('control', msg);
  }

  private async readStdin(): Promise<void> {
    // input_request is never sent (allow_stdin is not supported), so replies are unexpected
    for await (const msg of this.channels.messages('stdin')) this.log(`ignored ${msg.header.msg_type} on stdin`);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length) await this.handle('shell', this.queue.shift()!);
    } finally {
      this.draining = false;
    }
  }

  private async handle(channel: ChannelName, msg: Message): Promise<void> {
    const parent = msg.header;
    await this.channels.publish('status', { execution_state: 'busy' }, parent);
    try {
      await this.dispatch(channel, msg);
    } catch (err) {
      this.log(`${msg.header.msg_type} failed: ${(err as Error).stack ?? String(err)}`);
    } finally {
      await this.channels.publish('status', { execution_state: 'idle' }, parent);
    }
  }

  private async dispatch(channel: ChannelName, msg: Message): Promise<void> {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case 'kernel_info_request':
        return this.channels.reply(channel, msg, 'kernel_info_reply', kernelInfo());
      case 'execute_request':
        return this.execute(channel, msg);
      case 'complete_request': {
        const core = await this.core();
        const code = String(c.code ?? '');
        const r = await core.complete(code, cursorIndex(code, c));
        const start = indexToCodePoints(code, r.cursorStart);
        const end = indexToCodePoints(code, r.cursorEnd);
        // what JupyterLab (and others) show as each completion's kind
        const types = r.kinds ? r.matches.map((text, i) => ({ start, end, text, type: r.kinds![i] })) : undefined;
        return this.channels.reply(channel, msg, 'complete_reply', {
          status: 'ok',
          matches: r.matches,
          cursor_start: start,
          cursor_end: end,
          metadata: types ? { _jupyter_types_experimental: types } : {},
        });
      }
      case 'inspect_request': {
        const core = await this.core();
        const code = String(c.code ?? '');
        const r = await core.inspect(code, cursorIndex(code, c));
        return this.channels.reply(channel, msg, 'inspect_reply', { status: 'ok', found: r.found, data: r.found ? r.bundle : {}, metadata: {} });
      }
      case 'is_complete_request': {
        const status = await this.isComplete(String(c.code ?? ''));
        return this.channels.reply(channel, msg, 'is_complete_reply', status.status === 'incomplete' ? { status: 'incomplete', indent: status.indent } : { status: status.status });
      }
      case 'history_request':
        return this.channels.reply(channel, msg, 'history_reply', { status: 'ok', history: this.history.query(c) });
      case 'comm_info_request':
        return this.channels.reply(channel, msg, 'comm_info_reply', { status: 'ok', comms: {} });
      case 'comm_open':
        // no comm targets exist: tell the frontend the comm is closed, as the spec asks
        return this.channels.publish('comm_close', { comm_id: c.comm_id ?? '', data: {} }, msg.header);
      case 'comm_msg':
      case 'comm_close':
        return;
      case 'interrupt_request':
        // the control relay raised SIGINT for it already, which interrupted through main.ts's handler
        if (!msg.interruptSignalled) await this.interrupt();
        return this.channels.reply(channel, msg, 'interrupt_reply', { status: 'ok' });
      case 'shutdown_request':
        return this.shutdown(channel, msg);
      default:
        this.log(`unsupported message type ${msg.header.msg_type} on ${channel}`);
    }
  }

  private async core(): Promise<InteractiveCore> {
    return this.coreReady ?? this.options.core;
  }

  private async isComplete(code: string): Promise<CompletenessStatus | { status: 'unknown' }> {
    // before the core is up, answering 'unknown' keeps consoles responsive
    const core = this.coreReady;
    return core ? core.isComplete(code) : { status: 'unknown' };
  }

  /**
   * An OutputSink publishing on iopub under the request's header (also after the cell ended).
   * Messages go out in order through one chain, because a chart's SVG fallback is drawn (a few ms)
   * before its display is sent; updates of a display that queue up while drawing are folded into
   * the newest, so a fast live chart never builds a backlog. `flushed()` waits for what is queued.
   */
  private sinkFor(parent: Header): OutputSink & { flushed(): Promise<void>; result(bundle: MimeBundle, count: number): void } {
    let chain: Promise<void> = Promise.resolve();
    const send = (type: string, content: () => JsonObject | Promise<JsonObject>) => {
      chain = chain.then(async () => this.channels.publish(type, await content(), parent)).catch((err: unknown) => this.log(`publishing ${type} failed: ${(err as Error).stack ?? String(err)}`));
    };
    const drawn = (bundle: MimeBundle) => withSvgFallback(bundle, (err) => this.log(`chart SVG fallback: ${(err as Error).stack ?? String(err)}`));
    const pendingUpdates = new Map<string, MimeBundle>();
    return {
      stdout: (text) => send('stream', () => ({ name: 'stdout', text })),
      stderr: (text) => send('stream', () => ({ name: 'stderr', text })),
      display: (bundle: MimeBundle, displayId?: string) => send('display_data', async () => ({ data: await drawn(bundle), metadata: {}, transient: displayId ? { display_id: displayId } : {} })),
      updateDisplay: (bundle: MimeBundle, displayId: string) => {
        const queued = pendingUpdates.has(displayId);
        pendingUpdates.set(displayId, bundle);
        if (queued) return;
        send('update_display_data', async () => {
          const newest = pendingUpdates.get(displayId)!;
          pendingUpdates.delete(displayId);
          return { data: await drawn(newest), metadata: {}, transient: { display_id: displayId } };
        });
      },
      clearOutput: (wait) => send('clear_output', () => ({ wait })),
      result: (bundle, count) => send('execute_result', async () => ({ execution_count: count, data: await drawn(bundle), metadata: {} })),
      flushed: () => chain,
    };
  }

  private async execute(channel: ChannelName, msg: Message): Promise<void> {
    const c = msg.content;
    const code = String(c.code ?? '');
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    const stopOnError = c.stop_on_error !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) await this.channels.publish('execute_input', { code, execution_count: count }, msg.header);
    if (storeHistory) this.history.add(count, code);
    let outcome: ExecuteOutcome;
    const sink = this.sinkFor(msg.header);
    try {
      const core = await this.core();
      this.outputSink = sink;
      outcome = code.trim() === '' ? { status: 'ok' } : await core.execute(code, sink, storeHistory ? { executionCount: count } : {});
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      outcome = { status: 'error', ename: e.name, evalue: e.message, traceback: (e.stack ?? e.message).split('\n') };
    }
    if (outcome.status === 'ok') {
      if (outcome.result && !silent) sink.result(outcome.result, count);
      await sink.flushed();
      await this.channels.reply(channel, msg, 'execute_reply', { status: 'ok', execution_count: count, user_expressions: {}, payload: [] });
      return;
    }
    await sink.flushed();
    const error = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    await this.channels.publish('error', error, msg.header);
    await this.channels.reply(channel, msg, 'execute_reply', { status: 'error', execution_count: count, ...error });
    if (stopOnError) await this.abortQueuedExecutes();
  }

  /** stop_on_error: every execute_request already queued is answered as aborted, not run. */
  private async abortQueuedExecutes(): Promise<void> {
    const aborted = this.queue.filter((m) => m.header.msg_type === 'execute_request');
    if (aborted.length === 0) return;
    this.queue.splice(0, this.queue.length, ...this.queue.filter((m) => m.header.msg_type !== 'execute_request'));
    this.log(`aborting ${aborted.length} queued execute request(s) after an error`);
    for (const m of aborted) {
      await this.channels.publish('status', { execution_state: 'busy' }, m.header);
      await this.channels.reply('shell', m, 'execute_reply', {
        status: 'error',
        execution_count: this.executionCount,
        ename: 'ExecutionAborted',
        evalue: 'not run: an earlier cell failed (stop_on_error)',
        traceback: ['ExecutionAborted: not run: an earlier cell failed (stop_on_error)'],
      });
      await this.channels.publish('status', { execution_state: 'idle' }, m.header);
    }
  }

  /** Interrupts the running cell and the Flink jobs it started (message mode and SIGINT). */
  async interrupt(): Promise<void> {
    const core = this.coreReady;
    if (core) await core.interrupt();
  }

  private async shutdown(channel: ChannelName, msg: Message): Promise<void> {
    const restart = msg.content.restart === true;
    await this.stop();
    await this.channels.reply(channel, msg, 'shutdown_reply', { status: 'ok', restart });
    // give zmq a moment to put the reply on the wire before the process goes
    setTimeout(() => {
      this.channels.close();
      (this.options.exit ?? process.exit)(0);
    }, 100);
  }

  /** Cancels jobs and closes the cluster (once). */
  async stop(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    try {
      const core = await Promise.race([this.options.core, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
      await core?.shutdown();
    } catch (err) {
      this.log(`shutdown: ${(err as Error).message}`);
    }
  }
}

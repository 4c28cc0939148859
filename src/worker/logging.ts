/**
 * Routes the worker's console output (and its own diagnostics) through Beam's logging service, so
 * it lands in the TaskManager log (flink-python logs it under the logger "PythonWorker"). Until the
 * logging stream is up, entries are buffered; if it never comes up they go to stderr (the boot log).
 */
import { format } from 'node:util';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { fnApi } from './fn-api';

type Long = NonNullable<import('./generated/protos').google.protobuf.ITimestamp['seconds']>;

const Severity = fnApi.LogEntry.Severity.Enum;
type SeverityLevel = fnApi.LogEntry.Severity.Enum;

export class WorkerLog {
  private pending: fnApi.ILogEntry[] = [];
  private stream?: ClientDuplexStream<fnApi.LogEntry.IList, fnApi.LogControl>;
  private timer?: NodeJS.Timeout;
  private readonly stderrWrite = process.stderr.write.bind(process.stderr);
  /** The instruction (bundle) being processed, attached to entries. */
  currentInstruction = '';

  connect(stream: ClientDuplexStream<fnApi.LogEntry.IList, fnApi.LogControl>): void {
    this.stream = stream;
    stream.on('error', () => {
      this.stream = undefined;
    });
    stream.on('data', () => {});
    this.flush();
  }

  /** Sends console.* through this log. */
  captureConsole(): void {
    const levels: [keyof Console, SeverityLevel][] = [
      ['log', Severity.INFO],
      ['info', Severity.INFO],
      ['warn', Severity.WARN],
      ['error', Severity.ERROR],
      ['debug', Severity.DEBUG],
      ['trace', Severity.DEBUG],
    ];
    for (const [method, severity] of levels) {
      (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => this.log(severity, format(...args), 'console.' + method);
    }
  }

  info(message: string): void {
    this.log(Severity.INFO, message, 'tsflink.worker');
  }

  error(message: string, trace?: string): void {
    this.log(Severity.ERROR, message, 'tsflink.worker', trace);
  }

  log(severity: SeverityLevel, message: string, location: string, trace?: string): void {
    const now = Date.now();
    this.pending.push({
      severity,
      message,
      trace,
      log_location: location,
      instruction_id: this.currentInstruction,
      thread: String(process.pid),
      // protobufjs encodes plain numbers for int64 fields
      timestamp: { seconds: Math.floor(now / 1000) as unknown as Long, nanos: (now % 1000) * 1_000_000 },
    });
    if (this.pending.length >= 100) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length || !this.stream) return;
    const entries = this.pending;
    this.pending = [];
    this.stream.write({ log_entries: entries });
  }

  /** Flushes and closes the stream (waiting until it is sent); leftovers go to stderr. */
  async close(): Promise<void> {
    this.flush();
    for (const e of this.pending) this.stderrWrite(`${e.message}\n`);
    this.pending = [];
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      stream.once('status', done);
      stream.once('error', done);
      stream.end();
      setTimeout(done, 2000).unref();
    });
  }
}

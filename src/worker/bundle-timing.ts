/**
 * Where a bundle's time goes, seen from the worker (a diagnostic, off unless
 * TSFLINK_WORKER_BUNDLE_TIMING names a file). flink-python runs a bundle strictly in turn: the
 * runner fills it, sends all of its input, waits for the worker's response, then emits the
 * results and starts filling the next one. So per bundle:
 *   runner time = previous response sent → this bundle's last input received
 *   worker time = last input received → response sent (the worker's part of the critical path)
 * Once a second, and when the worker closes, it appends one JSON line of averages to the file.
 */
import * as fs from 'node:fs';

export interface BundleTimingLine {
  /** Epoch millis of the line. */
  time: number;
  pid: number;
  bundles: number;
  /** Mean input bytes per bundle. */
  inputBytes: number;
  runnerMicros: number;
  workerMicros: number;
}

const REPORT_EVERY_NS = 1_000_000_000n;

export class BundleTiming {
  private lastResponse = 0n;
  private lastInput = 0n;
  private lastReport = process.hrtime.bigint();
  private bundles = 0;
  private bundleBytes = 0;
  private bytes = 0;
  private runnerNs = 0n;
  private workerNs = 0n;

  private constructor(private readonly file: string) {}

  /** The timing the environment asks for, if any. */
  static fromEnv(): BundleTiming | undefined {
    const file = process.env.TSFLINK_WORKER_BUNDLE_TIMING;
    return file ? new BundleTiming(file) : undefined;
  }

  input(bytes: number, isLast: boolean): void {
    this.bundleBytes += bytes;
    if (isLast) this.lastInput = process.hrtime.bigint();
  }

  responded(): void {
    const now = process.hrtime.bigint();
    // the first bundle has no previous response, and a bundle with no input no last input time
    if (this.lastResponse > 0n && this.lastInput > this.lastResponse) {
      this.runnerNs += this.lastInput - this.lastResponse;
      this.workerNs += now - this.lastInput;
      this.bytes += this.bundleBytes;
      this.bundles++;
    }
    this.bundleBytes = 0;
    this.lastResponse = now;
    if (now - this.lastReport >= REPORT_EVERY_NS) this.flush();
  }

  /** Appends the averages since the last line, if a bundle was timed since. */
  flush(): void {
    const n = this.bundles;
    if (n === 0) return;
    const line: BundleTimingLine = {
      time: Date.now(),
      pid: process.pid,
      bundles: n,
      inputBytes: Math.round(this.bytes / n),
      runnerMicros: Number(this.runnerNs / BigInt(n)) / 1000,
      workerMicros: Number(this.workerNs / BigInt(n)) / 1000,
    };
    fs.appendFileSync(this.file, JSON.stringify(line) + '\n');
    this.lastReport = process.hrtime.bigint();
    this.bundles = 0;
    this.bytes = 0;
    this.runnerNs = 0n;
    this.workerNs = 0n;
  }
}

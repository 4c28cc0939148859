/**
 * The control channel through a worker thread (issue 18, item 6). With `interrupt_mode: message`
 * Jupyter interrupts by sending interrupt_request on control; a cell busy in synchronous code
 * (`while (true) {}`) blocks the main thread, so a socket read there would never see it. The
 * worker (control-relay-worker.ts) owns the socket, raises SIGINT for an interrupt_request (the
 * kernel's SIGINT handler and `vm` breakOnSigint do the rest) and relays all frames both ways.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface ControlFrames {
  frames: Buffer[];
  /** The relay already raised SIGINT for this interrupt_request. */
  interruptSignalled: boolean;
}

type FromWorker = { type: 'bound' } | { type: 'frames'; frames: Uint8Array[]; interruptSignalled: boolean } | { type: 'log'; line: string } | { type: 'error'; message: string };

export class ControlRelay {
  private readonly worker: Worker;
  private readonly received: ControlFrames[] = [];
  private wake?: () => void;
  private closed = false;

  constructor(endpoint: string, key: string, private readonly log: (line: string) => void) {
    const fromSource = __filename.endsWith('.ts');
    const entry = path.join(__dirname, fromSource ? 'control-relay-worker.ts' : 'control-relay-worker.js');
    this.worker = fromSource
      ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(entry)});`, { eval: true, workerData: { endpoint, key } })
      : new Worker(entry, { workerData: { endpoint, key } });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'frames') {
        this.received.push({ frames: m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)), interruptSignalled: m.interruptSignalled });
        this.wake?.();
      } else if (m.type === 'log') this.log(m.line);
      else if (m.type === 'error') this.log(`control channel stopped: ${m.message}`);
    });
    this.worker.on('error', (err) => this.log(`control relay failed: ${err.message}`));
  }

  /** Resolves once the socket is bound. */
  bound(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'bound') resolve();
        else if (m.type === 'error') reject(new Error(m.message));
        else return;
        this.worker.off('message', onMessage);
      };
      this.worker.on('message', onMessage);
    });
  }

  send(frames: Buffer[]): Promise<void> {
    this.worker.postMessage({ type: 'send', frames });
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ControlFrames> {
    while (!this.closed) {
      const next = this.received.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  close(): void {
    this.closed = true;
    this.wake?.();
    this.worker.postMessage({ type: 'close' });
  }
}

/**
 * The control socket, owned by a thread of its own (see control-relay.ts): frames go to and come
 * from the main thread as they are; a correctly signed interrupt_request also raises SIGINT in this
 * process first, which stops a cell stuck in synchronous code (`vm` breakOnSigint) where the main
 * thread could never read the message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Router } from 'zeromq';
import { decode, Signer } from './wire';

interface RelayData {
  endpoint: string;
  key: string;
}

const { endpoint, key } = workerData as RelayData;
const signer = new Signer(key);
const socket = new Router({ linger: 1000 });
let sending: Promise<void> = Promise.resolve();

parentPort!.on('message', (m: { type: 'send'; frames: Uint8Array[] } | { type: 'close' }) => {
  if (m.type === 'close') {
    socket.close();
    process.exit(0);
  }
  const frames = m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  // zeromq.js allows one send in flight per socket
  sending = sending.then(() => socket.send(frames)).catch((err: unknown) => parentPort!.postMessage({ type: 'log', line: `control send failed: ${(err as Error).message}` }));
});

async function relay(): Promise<void> {
  await socket.bind(endpoint);
  parentPort!.postMessage({ type: 'bound' });
  for await (const frames of socket) {
    let interrupt = false;
    try {
      interrupt = decode(frames as Buffer[], signer).header.msg_type === 'interrupt_request';
    } catch {
      // the main thread decodes again and logs what was wrong
    }
    // The main thread's SIGINT handler interrupts the running entry as interrupt_request would;
    // if the entry is busy in synchronous code, V8 breaks it first.
    if (interrupt) process.kill(process.pid, 'SIGINT');
    parentPort!.postMessage({ type: 'frames', frames, interruptSignalled: interrupt });
  }
}

relay().catch((err: unknown) => parentPort!.postMessage({ type: 'error', message: (err as Error).message }));

/**
 * Routes what cells write to process.stdout / process.stderr (console.log, console.error, ...)
 * into `stream` messages of the request that is running, or ran last, as ipykernel does for
 * Python's sys.stdout. The kernel's own log lines keep going to the real stderr.
 */
import type { OutputSink } from '../src/repl/types';

type Write = typeof process.stdout.write;

const realStderrWrite: Write = process.stderr.write.bind(process.stderr);

/** A kernel log line on the real stderr (the terminal or log of whoever started the kernel), never in a cell's output. */
export function kernelLog(line: string): void {
  realStderrWrite(`[tsflink-kernel] ${line}\n`);
}

function redirect(stream: NodeJS.WriteStream, target: () => ((text: string) => void) | undefined): void {
  const original: Write = stream.write.bind(stream);
  stream.write = ((chunk: unknown, encodingOrCb?: unknown, cb?: unknown): boolean => {
    const send = target();
    if (!send) return original(chunk as string, encodingOrCb as BufferEncoding, cb as () => void);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encodingOrCb === 'string' ? (encodingOrCb as BufferEncoding) : 'utf8');
    send(text);
    const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as Write;
}

/** Installs the redirection; `current()` names the sink of the request output belongs to. */
export function captureStdio(current: () => OutputSink | undefined): void {
  redirect(process.stdout, () => {
    const sink = current();
    return sink && ((t: string) => sink.stdout(t));
  });
  redirect(process.stderr, () => {
    const sink = current();
    return sink && ((t: string) => sink.stderr(t));
  });
}

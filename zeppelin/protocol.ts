/**
 * The line protocol between the Zeppelin interpreter classes (Java, zeppelin/jvm) and this Node
 * process: one JSON object per line. Requests arrive on stdin; events leave on stdout, each line
 * starting with EVENT_PREFIX so that anything else the process prints to its stdout (the in-process
 * JVM's own System.out, for one) is told apart and only logged by the Java side.
 */

/** Zeppelin's display systems a message can have (InterpreterResult.Type names). */
export type ZeppelinType = 'TEXT' | 'HTML' | 'TABLE' | 'IMG';

export interface ZeppelinMessage {
  type: ZeppelinType;
  data: string;
}

/** One change to a paragraph's output (InterpreterOutput), applied in order. */
export type OutputOp =
  /** Drop every message (InterpreterOutput.clear()). */
  | { op: 'reset' }
  /** A new message at the end. */
  | { op: 'add'; type: ZeppelinType; data: string }
  /** Replace message `index` (type and data). */
  | { op: 'set'; index: number; type: ZeppelinType; data: string }
  /** Append text to the TEXT message `index`. */
  | { op: 'append'; index: number; data: string };

export type Request =
  | { type: 'execute'; id: number; code: string }
  | { type: 'cancel'; id: number }
  | { type: 'complete'; id: number; code: string; cursor: number }
  | { type: 'shutdown' };

export type Event =
  /** pid: where the Java side sends SIGINT (Java 8 has no Process.pid()). */
  | { type: 'ready'; flinkVersion: string; webUi: string; startupMs: number; pid: number }
  | { type: 'failed'; message: string }
  /** progress: the running job's, 0-100, and jobUrl, its web UI page, when they changed. */
  | { type: 'output'; id: number; ops: OutputOp[]; progress?: number; jobUrl?: string }
  | { type: 'done'; id: number; status: 'ok' }
  | { type: 'done'; id: number; status: 'error'; ename: string; evalue: string; traceback: string[] }
  | { type: 'completion'; id: number; cursorStart: number; cursorEnd: number; matches: { value: string; kind: string }[] };

export const EVENT_PREFIX = '\u001eTSF ';

export function encodeEvent(e: Event): string {
  return `${EVENT_PREFIX}${JSON.stringify(e)}\n`;
}

/** Parses one request line; throws on anything that is not a request. */
export function parseRequest(line: string): Request {
  const r = JSON.parse(line) as Partial<Request> & { type?: unknown };
  switch (r.type) {
    case 'execute':
    case 'complete':
    case 'cancel':
      if (typeof (r as { id?: unknown }).id !== 'number') throw new TypeError(`request ${r.type} without a numeric id`);
      return r as Request;
    case 'shutdown':
      return { type: 'shutdown' };
    default:
      throw new TypeError(`unknown request type ${JSON.stringify(r.type)}`);
  }
}

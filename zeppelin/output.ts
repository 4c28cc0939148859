/**
 * A paragraph's output as Zeppelin shows it: what the core writes to an OutputSink (text, displays
 * updated in place, cleared output) kept as a list of Zeppelin result messages (`%text`, `%html`,
 * `%table`, `%img`), and the changes since the last flush as OutputOps, so the Java side touches
 * only the messages that changed (a live table is one `set` per refresh, as Zeppelin's own Flink
 * interpreter rewrites its `%table` each refresh).
 */
import { JOB_STATUS_MIME, TABLE_DATA_MIME, type JobStatusData, type MimeBundle, type OutputSink, type TableData } from '../src/repl/types';
import type { OutputOp, ZeppelinMessage } from './protocol';

type Block = { kind: 'text'; text: string } | { kind: 'display'; id?: string; messages: ZeppelinMessage[] };

/** A table cell as `%table` takes it: tabs and line breaks would split cells and rows. */
function cell(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

/** `%table` data: a header line and one line per row, tab-separated (as Zeppelin's Flink interpreter writes). */
export function tableText(t: TableData): string {
  const header = (t.kinds ? ['op'] : []).concat(t.columns);
  const rows = t.rows.map((r, i) => (t.kinds ? [t.kinds[i] ?? '+I'] : []).concat(r));
  return [header, ...rows].map((r) => r.map(cell).join('\t') + '\n').join('');
}

/** The Zeppelin messages one MIME bundle becomes. */
export function messagesOf(bundle: MimeBundle): ZeppelinMessage[] {
  const table = bundle[TABLE_DATA_MIME] as TableData | undefined;
  // single mode shows one value (its HTML); tables, live or not, become Zeppelin tables, whose
  // own chart buttons draw them (a `chart=` option's Vega-Lite spec has no renderer in Zeppelin)
  if (table && table.mode !== 'single') {
    const out: ZeppelinMessage[] = [{ type: 'TABLE', data: tableText(table) }];
    if (table.status) out.push({ type: 'HTML', data: table.status.html });
    else if (table.footer) out.push({ type: 'TEXT', data: `${table.footer}\n` });
    return out;
  }
  const html = bundle['text/html'];
  if (typeof html === 'string') return [{ type: 'HTML', data: html }];
  const png = bundle['image/png'];
  // Zeppelin's %img is a base64 PNG; other pictures go in as data URIs
  if (typeof png === 'string') return [{ type: 'IMG', data: png }];
  for (const mime of ['image/jpeg', 'image/gif']) {
    const image = bundle[mime];
    if (typeof image === 'string') return [{ type: 'HTML', data: `<img src="data:${mime};base64,${image}">` }];
  }
  const svg = bundle['image/svg+xml'];
  if (typeof svg === 'string') return [{ type: 'HTML', data: svg }];
  const text = bundle['text/plain'] ?? bundle['text/markdown'];
  if (typeof text === 'string') return [{ type: 'TEXT', data: text.endsWith('\n') ? text : `${text}\n` }];
  const json = Object.entries(bundle).find(([mime, v]) => mime.endsWith('json') && v !== undefined);
  if (json) return [{ type: 'TEXT', data: `${JSON.stringify(json[1], null, 2)}\n` }];
  return [];
}

export class ParagraphOutput implements OutputSink {
  readonly acceptsTableData = true;
  private blocks: Block[] = [];
  private sent: ZeppelinMessage[] = [];

  stdout(text: string): void {
    const last = this.blocks[this.blocks.length - 1];
    if (last?.kind === 'text') last.text += text;
    else this.blocks.push({ kind: 'text', text });
  }

  stderr(text: string): void {
    this.stdout(text);
  }

  /** The running job's progress (0-100) from the newest live table or INSERT status that knows it. */
  progress?: number;

  /** The newest live table's job page in the Flink web UI. */
  jobUrl?: string;

  /** From a live table's data, or an INSERT's status line (JOB_STATUS_MIME). */
  private noteProgress(bundle: MimeBundle): void {
    const job = (bundle[TABLE_DATA_MIME] ?? bundle[JOB_STATUS_MIME]) as TableData | JobStatusData | undefined;
    if (job?.progress !== undefined) this.progress = job.progress;
    if (job?.jobUrl !== undefined) this.jobUrl = job.jobUrl;
  }

  display(bundle: MimeBundle, displayId?: string): void {
    this.noteProgress(bundle);
    this.blocks.push({ kind: 'display', id: displayId, messages: messagesOf(bundle) });
  }

  updateDisplay(bundle: MimeBundle, displayId: string): void {
    this.noteProgress(bundle);
    const block = this.blocks.find((b) => b.kind === 'display' && b.id === displayId);
    if (block?.kind === 'display') block.messages = messagesOf(bundle);
    else this.display(bundle, displayId);
  }

  clearOutput(_wait: boolean): void {
    this.blocks = [];
  }

  /** The messages as they stand. */
  messages(): ZeppelinMessage[] {
    return this.blocks.flatMap((b) => (b.kind === 'text' ? (b.text ? [{ type: 'TEXT' as const, data: b.text }] : []) : b.messages));
  }

  /** What changed since the last call, as operations on Zeppelin's InterpreterOutput. */
  changes(): OutputOp[] {
    const now = this.messages();
    const before = this.sent;
    this.sent = now;
    if (now.length < before.length) return [{ op: 'reset' }, ...now.map((m) => ({ op: 'add' as const, type: m.type, data: m.data }))];
    const ops: OutputOp[] = [];
    now.forEach((m, index) => {
      const old = before[index];
      if (!old) ops.push({ op: 'add', type: m.type, data: m.data });
      else if (old.type === m.type && old.data === m.data) return;
      else if (m.type === 'TEXT' && old.type === 'TEXT' && m.data.startsWith(old.data)) ops.push({ op: 'append', index, data: m.data.slice(old.data.length) });
      else ops.push({ op: 'set', index, type: m.type, data: m.data });
    });
    return ops;
  }
}

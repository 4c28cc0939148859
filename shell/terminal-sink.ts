/**
 * Shows a session's output in a terminal. On a TTY a live display (a streaming query's table) is
 * redrawn in place: the cursor moves up over its previous rendering, which is cleared and drawn
 * again. When stdout is not a terminal, updates are appended instead: the newest rendering of a
 * display is written at most every `appendEveryMs`, and once more when the entry ends.
 */
import type { MimeBundle, OutputSink } from '../src/repl/types';

export interface TerminalOutput {
  write(text: string): boolean;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

function textOf(bundle: MimeBundle): string {
  if (bundle['text/plain'] !== undefined) return bundle['text/plain'];
  const markdown = bundle['text/markdown'];
  if (typeof markdown === 'string') return markdown;
  const kinds = Object.keys(bundle);
  return `[${kinds.join(', ') || 'empty output'}]`;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}

export class TerminalSink implements OutputSink {
  /** The live display drawn last, while nothing else was written after it. */
  private live?: { id: string; rows: number; full: string; shown: string };
  private readonly pending = new Map<string, { text: string; printed?: string }>();
  /** Displays shown by the running entry; a late update to an earlier entry's display is dropped (it would draw over the prompt). */
  private readonly entryDisplays = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly out: TerminalOutput,
    private readonly err: TerminalOutput,
    private readonly appendEveryMs = 2000,
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** Columns of the screen: 80 when the terminal does not say (0 on a pty whose size was never set). */
  private get width(): number {
    return this.out.columns || 80;
  }

  /** Screen rows the text takes, counting wrapped lines. */
  private rows(text: string): number {
    const width = this.width;
    return text
      .replace(/\n$/, '')
      .split('\n')
      // eslint-disable-next-line no-control-regex
      .reduce((n, line) => n + Math.max(1, Math.ceil(line.replace(/\x1b\[[0-9;]*m/g, '').length / width)), 0);
  }

  /**
   * A live display taller than the screen cannot be redrawn in place (the cursor cannot move above
   * the top row): keep its head and its last line (the job status) and say what was left out.
   */
  private fitScreen(text: string): string {
    const height = this.out.rows ?? 0;
    if (height < 6 || this.rows(text) < height - 1) return text;
    const lines = text.replace(/\n$/, '').split('\n');
    const width = this.width;
    const keep: string[] = [];
    let used = 0;
    const budget = height - 4;
    for (const line of lines.slice(0, -1)) {
      const r = Math.max(1, Math.ceil(line.length / width));
      if (used + r > budget) break;
      keep.push(line);
      used += r;
    }
    const omitted = lines.length - 1 - keep.length;
    return `${keep.join('\n')}\n... ${omitted} more line${omitted === 1 ? '' : 's'} (taller than the terminal)\n${lines[lines.length - 1]}\n`;
  }

  stdout(text: string): void {
    this.flush();
    this.live = undefined;
    this.out.write(text);
  }

  stderr(text: string): void {
    this.flush();
    this.live = undefined;
    this.err.write(text);
  }

  display(bundle: MimeBundle, displayId?: string): void {
    const text = withNewline(textOf(bundle));
    if (displayId) this.entryDisplays.add(displayId);
    if (displayId && !this.tty) {
      // appended later (timer or end of entry), so a short query shows only its final table
      this.pending.set(displayId, { text });
      this.timer ??= setTimeout(() => this.flush(), this.appendEveryMs);
      return;
    }
    this.flush();
    const shown = displayId ? this.fitScreen(text) : text;
    this.out.write(shown);
    this.live = displayId ? { id: displayId, rows: this.rows(shown), full: text, shown } : undefined;
  }

  updateDisplay(bundle: MimeBundle, displayId: string): void {
    if (!this.entryDisplays.has(displayId)) return;
    const text = withNewline(textOf(bundle));
    if (this.tty) {
      const shown = this.fitScreen(text);
      if (this.live?.id === displayId) {
        // cursor to the start of the display's first row, clear to the end of the screen, redraw
        this.out.write(`\x1b[${this.live.rows}F\x1b[0J${shown}`);
      } else {
        this.out.write(shown);
      }
      this.live = { id: displayId, rows: this.rows(shown), full: text, shown };
      return;
    }
    const entry = this.pending.get(displayId);
    if (entry) entry.text = text;
    else this.pending.set(displayId, { text });
    this.timer ??= setTimeout(() => this.flush(), this.appendEveryMs);
  }

  clearOutput(): void {
    this.live = undefined;
  }

  /** Writes displays whose newest rendering was not written yet (append mode); call when an entry ends. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const entry of this.pending.values()) {
      if (entry.printed !== entry.text) {
        this.out.write(entry.text);
        entry.printed = entry.text;
      }
    }
  }

  /** Forgets displays of the finished entry; a live display cut to the screen is shown whole. */
  endEntry(): void {
    if (this.tty && this.live && this.live.shown !== this.live.full) this.out.write(`\x1b[${this.live.rows}F\x1b[0J${this.live.full}`);
    this.flush();
    this.pending.clear();
    this.entryDisplays.clear();
    this.live = undefined;
  }
}

/**
 * Collects input lines into entries: TypeScript until it is complete (balanced brackets, no
 * statement left open), `%sql`/`%bsql` one-liners at once, `%%sql`/`%%bsql` paragraphs until a
 * line ends with `;` or an empty line. Dot-commands (.exit, .help, .jobs) stand alone.
 */
import type { CompletenessStatus } from '../src/repl/types';

export type Entry = { kind: 'code'; code: string } | { kind: 'command'; name: string; arg: string };

export class EntryBuffer {
  private lines: string[] = [];

  constructor(private readonly isComplete: (code: string) => CompletenessStatus) {}

  get pending(): boolean {
    return this.lines.length > 0;
  }

  /** The lines collected so far (for completion of the current line). */
  get text(): string {
    return this.lines.join('\n');
  }

  clear(): void {
    this.lines = [];
  }

  /** Adds a line; returns the entry it completes, if any. */
  push(line: string): Entry | undefined {
    if (this.lines.length === 0) {
      if (line.trim() === '') return undefined;
      const cmd = /^\s*\.(\w+)\s*(.*)$/.exec(line);
      if (cmd && ['exit', 'quit', 'help', 'jobs', 'clear'].includes(cmd[1])) return { kind: 'command', name: cmd[1], arg: cmd[2] };
    }
    this.lines.push(line);
    const code = this.lines.join('\n');
    const status = this.isComplete(code);
    const sqlParagraph = /^\s*%%b?sql\b/.test(code);
    // TypeScript: an empty line after an entry the parser can never finish runs it (to show the error)
    if (status.status === 'complete' || (status.status === 'invalid' && !sqlParagraph)) return this.take();
    return undefined;
  }

  /** What is left at the end of input, as an entry. */
  flush(): Entry | undefined {
    if (this.lines.every((l) => l.trim() === '')) {
      this.lines = [];
      return undefined;
    }
    return this.take();
  }

  private take(): Entry {
    const code = this.lines.join('\n');
    this.lines = [];
    return { kind: 'code', code: code.replace(/\s+$/, '') };
  }
}

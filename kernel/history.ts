/**
 * Cell history for `history_request`: kept in memory and appended to a JSON-lines file so it
 * survives kernel restarts. Each kernel process is one session (numbered after the file's last).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelLog } from './stdio';

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
}

const KEEP = 10_000;

/** ~/.local/share/tsflink/kernel-history.jsonl, or $TSFLINK_KERNEL_HISTORY. */
export function defaultHistoryFile(): string {
  if (process.env.TSFLINK_KERNEL_HISTORY) return process.env.TSFLINK_KERNEL_HISTORY;
  const data = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'tsflink', 'kernel-history.jsonl');
}

export interface HistoryQuery {
  hist_access_type?: string;
  output?: boolean;
  raw?: boolean;
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

export class History {
  private readonly entries: HistoryEntry[] = [];
  readonly session: number;

  constructor(private readonly file: string | undefined) {
    if (file && fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as HistoryEntry;
          if (typeof e.session === 'number' && typeof e.line === 'number' && typeof e.input === 'string') this.entries.push(e);
        } catch {
          // a torn last line (kernel killed mid-write) is skipped
        }
      }
      if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    }
    this.session = (this.entries.reduce((m, e) => Math.max(m, e.session), 0) || 0) + 1;
  }

  add(line: number, input: string): void {
    const e = { session: this.session, line, input };
    this.entries.push(e);
    if (!this.file) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, JSON.stringify(e) + '\n');
    } catch (err) {
      kernelLog(`cannot write history ${this.file}: ${(err as Error).message}`);
    }
  }

  /** Answers a history_request: [session, line, input] (or [session, line, [input, null]] with output). */
  query(q: HistoryQuery): unknown[] {
    const type = q.hist_access_type ?? 'tail';
    let found: HistoryEntry[];
    if (type === 'range') {
      // session 0 is this session, negative ones count back from it, as in IPython
      const s = q.session === undefined || q.session === 0 ? this.session : q.session < 0 ? this.session + q.session : q.session;
      const start = q.start ?? 0;
      const stop = q.stop ?? Infinity;
      found = this.entries.filter((e) => e.session === s && e.line >= start && e.line < stop);
    } else if (type === 'search') {
      const re = globToRegExp(q.pattern ?? '*');
      found = this.entries.filter((e) => re.test(e.input));
      if (q.unique) {
        const seen = new Set<string>();
        found = found.reverse().filter((e) => (seen.has(e.input) ? false : (seen.add(e.input), true))).reverse();
      }
      if (q.n) found = found.slice(-q.n);
    } else {
      found = q.n ? this.entries.slice(-q.n) : [...this.entries];
    }
    return found.map((e) => (q.output ? [e.session, e.line, [e.input, null]] : [e.session, e.line, e.input]));
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

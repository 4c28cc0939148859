/** The shell's persistent history: ~/.tsflink_history, or the file TSFLINK_HISTORY names. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const HISTORY_SIZE = 1000;

export function historyFile(): string {
  return process.env.TSFLINK_HISTORY || path.join(os.homedir(), '.tsflink_history');
}

function storedLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

/** Lines, newest first (readline's order). */
export function loadHistory(file: string): string[] {
  try {
    return storedLines(file).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

export function appendHistory(file: string, line: string): void {
  try {
    fs.appendFileSync(file, line.replace(/\n/g, ' ') + '\n');
  } catch {
    // history is a convenience: a read-only home must not break the shell
  }
}

/** Keeps the file from growing without bound (rewritten at exit when it is much too long). */
export function trimHistory(file: string): void {
  try {
    const lines = storedLines(file);
    if (lines.length > HISTORY_SIZE * 2) fs.writeFileSync(file, lines.slice(-HISTORY_SIZE).join('\n') + '\n');
  } catch {
    // see appendHistory
  }
}

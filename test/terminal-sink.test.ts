/** tsflink-shell's terminal output: live displays redrawn in place, appended when not a TTY. */
import { describe, expect, it } from 'vitest';
import { TerminalSink, type TerminalOutput } from '../shell/terminal-sink';

class FakeTerminal implements TerminalOutput {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
    readonly rows = 40,
  ) {}
  write(t: string): boolean {
    this.text += t;
    return true;
  }
}

const table = (n: number) => ({ 'text/plain': `| n |\n| ${n} |\nRUNNING` });

describe('TerminalSink', () => {
  it('redraws a live display in place on a terminal', () => {
    const out = new FakeTerminal(true);
    const sink = new TerminalSink(out, out);
    sink.display(table(1), 'd1');
    sink.updateDisplay(table(2), 'd1');
    expect(out.text).toBe('| n |\n| 1 |\nRUNNING\n\x1b[3F\x1b[0J| n |\n| 2 |\nRUNNING\n');
  });

  it('redraws in place on a terminal that reports 0 columns (a pty whose size was never set)', () => {
    const out = new FakeTerminal(true, 0, 0);
    const sink = new TerminalSink(out, out);
    sink.display(table(1), 'd1');
    sink.updateDisplay(table(2), 'd1');
    expect(out.text).toBe('| n |\n| 1 |\nRUNNING\n\x1b[3F\x1b[0J| n |\n| 2 |\nRUNNING\n');
  });

  it("drops a late update to an earlier entry's display instead of drawing over the prompt", () => {
    const out = new FakeTerminal(true);
    const sink = new TerminalSink(out, out);
    sink.display(table(1), 'd1');
    sink.endEntry();
    out.text = '';
    sink.stdout('tsflink> ');
    sink.updateDisplay(table(9), 'd1');
    expect(out.text).toBe('tsflink> ');
    // the next entry's own displays still update
    sink.display(table(3), 'd2');
    sink.updateDisplay(table(4), 'd2');
    expect(out.text).toContain('| 4 |');
  });

  it('appends only the newest rendering of a display when not a terminal', () => {
    const out = new FakeTerminal(false);
    const sink = new TerminalSink(out, out, 60_000);
    sink.display(table(1), 'd1');
    sink.updateDisplay(table(2), 'd1');
    sink.updateDisplay(table(3), 'd1');
    expect(out.text).toBe('');
    sink.endEntry();
    expect(out.text).toBe('| n |\n| 3 |\nRUNNING\n');
  });
});

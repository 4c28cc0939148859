/**
 * Errors worth reading (issue 18, item 5): the user's error and location first, Java's cause chain
 * folded to what it adds, Calcite's "Was expecting one of" list cut to a few lines. With
 * TSFLINK_DEBUG=1 everything is shown as it came.
 */

/** Alternatives of a parse error kept before the rest is summed up. */
const EXPECTATIONS_KEPT = 8;

export function debugErrors(): boolean {
  return process.env.TSFLINK_DEBUG === '1';
}

/** Cuts Calcite's "Was expecting one of:" list (often 150 lines) to its first few alternatives. */
export function cutExpectations(text: string): string {
  if (debugErrors()) return text;
  return text.replace(/(Was expecting(?: one of)?:\s*\n)((?:[ \t]+\S.*(?:\n|$))+)/g, (_m, head: string, list: string) => {
    const lines = list.split('\n').filter((l) => l.trim() !== '');
    if (lines.length <= EXPECTATIONS_KEPT) return head + list;
    return `${head}${lines.slice(0, EXPECTATIONS_KEPT).join('\n')}\n    … and ${lines.length - EXPECTATIONS_KEPT} more\n`;
  });
}

export interface JavaCause {
  className: string;
  message: string;
}

/**
 * The Java causes worth a line: those whose message the lines before do not already say (Flink
 * wraps one failure in several exceptions repeating it) and that are not mere wrappers ("Job
 * execution failed."); the root cause unless it was said already. The rest is counted in one line.
 */
export function foldCauses(head: string, causes: readonly JavaCause[]): string[] {
  if (debugErrors()) return causes.map((c) => `Caused by ${c.className}: ${c.message}`);
  const said = [head];
  const out: string[] = [];
  let folded = 0;
  causes.forEach((c, i) => {
    // Beam's runner wraps the worker's own error text in a prefix: what follows is said already
    const message = c.message.trim().replace(/^Error received from SDK harness for instruction \S+: /, '');
    const root = i === causes.length - 1;
    const repeats = message === '' || said.some((s) => s.includes(message) || s.includes(message.split('\n')[0]));
    if (repeats || (!root && isWrapper(message))) {
      folded++;
      return;
    }
    out.push(`Caused by ${c.className}: ${message}`);
    said.push(message);
  });
  if (folded) out.push(`(${folded} more Java cause${folded === 1 ? '' : 's'} repeating or wrapping these; TSFLINK_DEBUG=1 shows the whole chain)`);
  return out;
}

/** Messages that only say "something failed" around the real cause. */
function isWrapper(message: string): boolean {
  return /^(Job execution failed\.?|Recovery is suppressed by \w+|Failed to fetch (next result|job execution result)|[\w.]+Exception: .*Job failed \(JobID: \w+\))$/.test(message.split('\n')[0]);
}

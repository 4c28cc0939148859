/** Positions in a cell: the identifier at a cursor, and positions in a rewritten cell mapped back to the cell as typed. */

/** One rewrite: [start, end) in the edited text replaced [start, end) of the original. */
export type EditSpan = [editedStart: number, editedEnd: number, originalStart: number, originalEnd: number];

/** Where the identifier (or its prefix) ending at cursor starts: what a completion replaces. */
export function identifierStart(code: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /[\w$]/.test(code[i - 1])) i--;
  return i;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** What maps a position in the edited cell back to the cell as typed. */
export interface PositionMap {
  edits: EditSpan[];
  editedLineStarts: number[];
  originalLineStarts: number[];
}

/** A 1-based line/column of the edited cell as a line/column of the typed cell. */
export function originalPosition(map: PositionMap, line: number, column: number): { line: number; column: number } {
  const pos = (map.editedLineStarts[line - 1] ?? 0) + column - 1;
  let orig = pos;
  for (const [es, ee, os, oe] of map.edits) {
    if (pos < es) break;
    if (pos < ee) {
      // inside a rewrite: point at the statement it replaced
      orig = os;
      break;
    }
    orig = oe + (pos - ee);
  }
  const starts = map.originalLineStarts;
  let l = 0;
  while (l + 1 < starts.length && starts[l + 1] <= orig) l++;
  return { line: l + 1, column: orig - starts[l] + 1 };
}

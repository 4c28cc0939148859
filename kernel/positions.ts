/**
 * Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16 code
 * units. These convert between the two (they differ only around astral characters, e.g. emoji).
 */

export function codePointsToIndex(text: string, codePoints: number): number {
  let index = 0;
  for (let n = 0; n < codePoints && index < text.length; n++) {
    const c = text.codePointAt(index)!;
    index += c > 0xffff ? 2 : 1;
  }
  return index;
}

export function indexToCodePoints(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < text.length; n++) {
    const c = text.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
  }
  return n;
}

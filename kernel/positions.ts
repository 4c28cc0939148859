/**
 * Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16 code
 * units. These convert between the two (they differ only around astral characters, e.g. emoji).
 */

/** Steps through text one code point at a time until either limit is reached. */
function walk(text: string, maxIndex: number, maxCodePoints: number): { index: number; codePoints: number } {
  const end = Math.min(maxIndex, text.length);
  let index = 0;
  let codePoints = 0;
  for (; index < end && codePoints < maxCodePoints; codePoints++) index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  return { index, codePoints };
}

export function codePointsToIndex(text: string, codePoints: number): number {
  return walk(text, Infinity, codePoints).index;
}

export function indexToCodePoints(text: string, index: number): number {
  return walk(text, index, Infinity).codePoints;
}

/** A minimal reader for the version-3 source maps TypeScript emits: generated → original position. */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment's base64 VLQ numbers. */
function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) throw new Error(`bad source map character '${ch}'`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** [generatedColumn, originalLine, originalColumn], all 0-based, per generated line. */
type Segment = [number, number, number];

export class SourceMapReader {
  private readonly lines: Segment[][] = [];

  constructor(json: string) {
    const map = JSON.parse(json) as { mappings: string };
    let srcLine = 0;
    let srcCol = 0;
    for (const line of map.mappings.split(';')) {
      const segments: Segment[] = [];
      let genCol = 0;
      for (const raw of line.split(',')) {
        if (!raw) continue;
        const v = decodeVlq(raw);
        genCol += v[0];
        if (v.length >= 4) {
          srcLine += v[2];
          srcCol += v[3];
          segments.push([genCol, srcLine, srcCol]);
        }
      }
      this.lines.push(segments);
    }
  }

  /** The original 1-based line/column for a generated 1-based line/column, if mapped. */
  originalPosition(line: number, column: number): { line: number; column: number } | undefined {
    const segments = this.lines[line - 1];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0];
    for (const s of segments) {
      if (s[0] <= column - 1) best = s;
      else break;
    }
    return { line: best[1] + 1, column: best[2] + Math.max(0, column - 1 - best[0]) + 1 };
  }
}

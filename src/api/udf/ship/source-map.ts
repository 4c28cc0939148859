/**
 * Source maps for shipped code: each shipped function's lines map back to where the function was
 * defined, through the defining script's own source map (tsx, vitest and tsc emit inline ones) to
 * the user's original TypeScript file.
 */
import * as fs from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += B64[digit];
  } while (v > 0);
  return out;
}

export interface Mapping {
  generatedLine: number; // 0-based
  generatedColumn: number; // 0-based
  source: string;
  originalLine: number; // 0-based
  originalColumn: number; // 0-based
}

/** Encodes mappings as a source map v3 JSON string. */
export function encodeSourceMap(file: string, mappings: Mapping[]): string {
  const sources: string[] = [];
  const sourceIndex = new Map<string, number>();
  const byLine = new Map<number, Mapping[]>();
  for (const m of mappings) {
    if (!sourceIndex.has(m.source)) {
      sourceIndex.set(m.source, sources.length);
      sources.push(m.source);
    }
    const l = byLine.get(m.generatedLine) ?? [];
    l.push(m);
    byLine.set(m.generatedLine, l);
  }
  const lastLine = Math.max(-1, ...byLine.keys());
  let prevSource = 0;
  let prevLine = 0;
  let prevCol = 0;
  const lines: string[] = [];
  for (let line = 0; line <= lastLine; line++) {
    const segs = (byLine.get(line) ?? []).sort((a, b) => a.generatedColumn - b.generatedColumn);
    let prevGen = 0;
    lines.push(
      segs
        .map((m) => {
          const s = sourceIndex.get(m.source)!;
          const seg = vlq(m.generatedColumn - prevGen) + vlq(s - prevSource) + vlq(m.originalLine - prevLine) + vlq(m.originalColumn - prevCol);
          prevGen = m.generatedColumn;
          prevSource = s;
          prevLine = m.originalLine;
          prevCol = m.originalColumn;
          return seg;
        })
        .join(','),
    );
  }
  return JSON.stringify({ version: 3, file, sources, names: [], mappings: lines.join(';') });
}

/** A file path (or the URL itself when it is not a file) for a script URL. */
export function scriptPath(url: string): string {
  if (url.startsWith('file://')) return fileURLToPath(url);
  return url;
}

const mapCache = new Map<string, { map: SourceMap; base: string } | null>();

/** The source map a script declared in its sourceMappingURL comment, if it can be read. */
export function loadScriptSourceMap(scriptUrl: string, sourceMapURL: string): { map: SourceMap; base: string } | undefined {
  if (!sourceMapURL) return undefined;
  const key = `${scriptUrl}\n${sourceMapURL.length > 200 ? sourceMapURL.slice(0, 100) + sourceMapURL.length + sourceMapURL.slice(-100) : sourceMapURL}`;
  const cached = mapCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let result: { map: SourceMap; base: string } | null = null;
  try {
    const base = path.dirname(scriptPath(scriptUrl));
    let json: string;
    if (sourceMapURL.startsWith('data:')) {
      const comma = sourceMapURL.indexOf(',');
      const meta = sourceMapURL.slice(5, comma);
      const body = sourceMapURL.slice(comma + 1);
      json = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
    } else {
      const file = sourceMapURL.startsWith('file://') ? fileURLToPath(sourceMapURL) : path.resolve(base, sourceMapURL);
      json = fs.readFileSync(file, 'utf8');
    }
    result = { map: new SourceMap(JSON.parse(json) as SourceMapPayload), base };
  } catch {
    result = null;
  }
  mapCache.set(key, result);
  return result ?? undefined;
}

/** A source named in a source map, as an absolute path when it is a file. */
export function normalizeSource(source: string, base: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) || path.isAbsolute(source)) return source;
  return path.resolve(base, source);
}

const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export interface DecodedMappings {
  sources: string[];
  /** Per generated line: segments [column, sourceIndex, originalLine, originalColumn] (absolute). */
  lines: number[][][];
}

const decodedCache = new WeakMap<SourceMap, DecodedMappings>();

/** Decodes a source map's VLQ mappings into absolute segments. */
export function decodedMappings(map: SourceMap): DecodedMappings {
  const cached = decodedCache.get(map);
  if (cached) return cached;
  const payload = map.payload;
  const root = payload.sourceRoot ? payload.sourceRoot.replace(/\/?$/, '/') : '';
  const sources = payload.sources.map((s) => (root && !/^[a-z]+:|^\//i.test(s) ? root + s : s));
  const lines: number[][][] = [];
  let src = 0;
  let oLine = 0;
  let oCol = 0;
  for (const lineText of payload.mappings.split(';')) {
    const segs: number[][] = [];
    let col = 0;
    if (lineText) {
      for (const segText of lineText.split(',')) {
        if (!segText) continue;
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const ch of segText) {
          const digit = B64_INDEX.get(ch) ?? 0;
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        col += fields[0];
        if (fields.length >= 4) {
          src += fields[1];
          oLine += fields[2];
          oCol += fields[3];
          segs.push([col, src, oLine, oCol]);
        } else segs.push([col]);
      }
    }
    lines.push(segs);
  }
  const result = { sources, lines };
  decodedCache.set(map, result);
  return result;
}

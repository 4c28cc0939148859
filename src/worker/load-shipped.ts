/**
 * Worker side of UDF shipping: evaluates a `ShippedCode` module (from `shipValue`) and returns
 * its `module.exports`. Stack traces through shipped code name the user's original file and line
 * (the shipped source map is applied by an `Error.prepareStackTrace` hook).
 */
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as vm from 'node:vm';
import type { ShippedCode } from '../api/udf/ship/index';
import { decodedMappings } from '../api/udf/ship/source-map';
import { shippedRequire, workerDependencies } from './dependencies';

export type { ShippedCode };

const maps = new Map<string, SourceMap>();
/** Each shipped module's source, to find where a shipped function is (shippedOrigin). */
const sources = new Map<string, string>();
let hookInstalled = false;

interface Entry {
  generatedLine?: number;
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
}

/** The original location of a 1-based line/column in shipped code, if mapped. */
export function originalPosition(filename: string, line: number, column: number): { source: string; line: number; column: number } | undefined {
  const map = maps.get(filename);
  if (!map) return undefined;
  const e = map.findEntry(line - 1, Math.max(0, column - 1)) as Entry;
  if (e.originalSource === undefined || e.originalLine === undefined || e.generatedLine !== line - 1) return undefined;
  return { source: e.originalSource, line: e.originalLine + 1, column: (e.originalColumn ?? 0) + 1 };
}

/**
 * Where a shipped function was written, `file:line` of the user's source (or undefined): for errors
 * about what it returned, which have no stack frame of it. Shipped code holds each function's own
 * source text, found here and mapped through the module's source map.
 */
export function shippedOrigin(fn: Function): string | undefined {
  const text = Function.prototype.toString.call(fn);
  for (const [filename, source] of sources) {
    const at = source.indexOf(text);
    const map = maps.get(filename);
    if (at < 0 || !map) continue;
    const before = source.slice(0, at);
    const firstLine = before.split('\n').length - 1; // 0-based
    const firstColumn = at - (before.lastIndexOf('\n') + 1);
    // the function's first mapped segment (its first line's may start after its first column)
    const decoded = decodedMappings(map);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const start = i === 0 ? firstColumn : 0;
      const seg = (decoded.lines[firstLine + i] ?? []).find((g) => g.length >= 4 && g[0] >= start && g[0] < start + lines[i].length);
      if (seg) return `${decoded.sources[seg[1]]}:${seg[2] + 1}`;
    }
  }
  return undefined;
}

function mapFrame(frame: NodeJS.CallSite): string {
  const text = String(frame);
  const file = frame.getFileName();
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (!file || !line || !column || !maps.has(file)) return text;
  const pos = originalPosition(file, line, column);
  if (!pos) return text;
  return text.replace(`${file}:${line}:${column}`, `${pos.source}:${pos.line}:${pos.column}`);
}

function installStackMapping(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (err, frames) => {
    if (previous && !frames.some((f) => maps.has(f.getFileName() ?? ''))) return previous(err, frames);
    let header: string;
    try {
      header = Error.prototype.toString.call(err);
    } catch {
      header = 'Error';
    }
    return header + frames.map((f) => `\n    at ${mapFrame(f)}`).join('');
  };
}

/** Evaluates shipped code in this worker and returns the value it re-creates. */
export function loadShipped(code: ShippedCode): unknown {
  installStackMapping();
  if (code.sourceMap) {
    maps.set(code.filename, new SourceMap(JSON.parse(code.sourceMap) as SourceMapPayload));
    sources.set(code.filename, code.source);
  }
  const factory = vm.compileFunction(code.source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: code.filename });
  const module = { exports: {} as unknown };
  const deps = workerDependencies();
  factory(module.exports, shippedRequire(deps), module, code.filename, deps.workingDir ?? process.cwd());
  return module.exports;
}

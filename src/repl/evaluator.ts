/**
 * Runs cells in real, nested JavaScript scopes of this V8 context. Each cell's code is a direct
 * `eval` inside a continuation closure returned by the previous cell, wrapped in an async arrow:
 * its declarations are ordinary block-scoped variables that later cells (and functions defined in
 * them, e.g. UDFs whose closures get shipped) see as real scope bindings; redeclaring a name in a
 * later cell shadows it; top-level `await` works; a failed cell leaves the chain where it was.
 */
import * as path from 'node:path';
import * as vm from 'node:vm';
import { INTEROP_DEFAULT, RESULT_VAR } from './cell-names';
import { originalPosition, type PositionMap } from './cell-positions';
import { SourceMapReader } from './source-map';

type Continuation = (code: string) => unknown;

export interface RunningCell {
  /** Settles with the value of the cell's trailing expression. */
  value: Promise<unknown>;
  /** Makes the cell's declarations visible to the following cells (call once it succeeded). */
  commit(): void;
}

const STEP = Symbol.for('tsflink.repl.step');
/** Runs the synchronous part of a cell under breakOnSigint, so a SIGINT stops a busy loop. */
const stepScript = new vm.Script(`globalThis[Symbol.for('tsflink.repl.step')]()`, { filename: 'tsflink-repl-step' });

function interopDefault(m: unknown): unknown {
  return m !== null && typeof m === 'object' && (m as { __esModule?: boolean }).__esModule ? (m as { default: unknown }).default : m;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** TSFlink's own modules: src/ (from the sources) or dist/src/ (a build), the folder above this one. */
const OWN_CODE = path.resolve(__dirname, '..') + path.sep;
const keepOwnFrames = () => process.env.TSFLINK_DEBUG === '1';

export class CellEvaluator {
  private next: Continuation;
  private readonly maps = new Map<string, { map: SourceMapReader; positions?: PositionMap }>();
  /** Assigns new values to pre-bound names (a restarted session's tEnv, ...), seen by every cell. */
  readonly rebind: (values: Record<string, unknown>) => void;

  constructor(scope: Record<string, unknown>, requireFn: (id: string) => unknown) {
    const names = Object.keys(scope).filter((n) => IDENTIFIER.test(n));
    // `let`, not `const`, so that rebind can assign them; cells cannot (their declarations say const)
    const root = vm.runInThisContext(
      `(function (__tsflink_scope, require, ${INTEROP_DEFAULT}) {\n` +
        `  let { ${names.join(', ')} } = __tsflink_scope;\n` +
        `  return [(__tsflink_code) => eval(__tsflink_code), (__tsflink_v) => { ${names.map((n) => `if ('${n}' in __tsflink_v) ${n} = __tsflink_v.${n};`).join(' ')} }];\n})`,
      { filename: 'tsflink-repl-root' },
    ) as (scope: Record<string, unknown>, req: (id: string) => unknown, interop: typeof interopDefault) => [Continuation, (values: Record<string, unknown>) => void];
    [this.next, this.rebind] = root(scope, requireFn, interopDefault);
  }

  run(cell: { js: string; sourceMap?: string; positions?: PositionMap }, name: string, sigintBreaks = true): RunningCell {
    if (cell.sourceMap) this.maps.set(name, { map: new SourceMapReader(cell.sourceMap), positions: cell.positions });
    const code =
      `"use strict"; (async () => { let ${RESULT_VAR};\n${cell.js}\n` +
      `;return [${RESULT_VAR}, (__tsflink_code) => eval(__tsflink_code)]; })()\n//# sourceURL=${name}`;
    const base = this.next;
    let started: Promise<[unknown, Continuation]>;
    const g = globalThis as unknown as Record<symbol, () => unknown>;
    g[STEP] = () => base(code);
    try {
      started = (sigintBreaks ? stepScript.runInThisContext({ breakOnSigint: true }) : g[STEP]()) as Promise<[unknown, Continuation]>;
    } catch (e) {
      started = Promise.reject(e);
    } finally {
      delete g[STEP];
    }
    let next: Continuation | undefined;
    const value = started.then(([v, n]) => {
      next = n;
      return v;
    });
    return {
      value,
      commit: () => {
        if (next && this.next === base) this.next = next;
      },
    };
  }

  /**
   * The error's stack with cell frames pointing at the lines the user typed (`cell[3]:2:7`) and
   * the REPL's own frames below the cell removed.
   */
  traceback(err: unknown): string[] {
    if (!(err instanceof Error) || !err.stack) return [String(err)];
    const lines = err.stack.split('\n');
    const out: string[] = [];
    for (const line of lines) {
      const frame = /^\s+at /.test(line);
      // frames of the REPL's wrappers, of Node and of TSFlink's own code say nothing about the user's
      // mistake (TSFLINK_DEBUG=1 keeps TSFlink's)
      if (frame && (/tsflink-repl-(root|step)|\(node:/.test(line) || (!keepOwnFrames() && line.includes(OWN_CODE)))) continue;
      let unmapped = false;
      const mapped = line.replace(/(cell\[\w+\]):(\d+):(\d+)/g, (m, cellName: string, l: string, c: string) => {
        // line 1 of the eval code is our wrapper
        const m2 = this.maps.get(cellName);
        const edited = m2?.map.originalPosition(Number(l) - 1, Number(c));
        const pos = edited && m2?.positions ? originalPosition(m2.positions, edited.line, edited.column) : edited;
        if (!pos) unmapped = true;
        return pos ? `${cellName}:${pos.line}:${pos.column}` : m;
      });
      // frames in the wrappers around cells (not the user's code) say nothing useful
      if (frame && unmapped) continue;
      out.push(mapped);
    }
    return out;
  }
}

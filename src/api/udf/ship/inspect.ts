/**
 * Reads V8 internals of live functions through `node:inspector` (a same-process session):
 * `[[Scopes]]` (the closure, script and module scopes a function closes over),
 * `[[FunctionLocation]]`, bound-function parts, and each parsed script's URL and source map.
 */
import * as inspector from 'node:inspector';

const SLOT = Symbol.for('tsflink.ship.slot');
const SLOT_EXPR = "globalThis[Symbol.for('tsflink.ship.slot')]";

interface RemoteObject {
  type: string;
  subtype?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
}

interface PropertiesResult {
  result: PropertyDescriptor[];
  internalProperties?: PropertyDescriptor[];
  privateProperties?: PropertyDescriptor[];
}

export interface FunctionLocation {
  scriptId: string;
  /** 0-based. */
  lineNumber: number;
  /** 0-based. */
  columnNumber: number;
}

export interface ScriptInfo {
  url: string;
  sourceMapURL: string;
}

export type ScopeType = 'global' | 'local' | 'with' | 'closure' | 'catch' | 'block' | 'script' | 'eval' | 'module' | string;

export interface FunctionInternals {
  location?: FunctionLocation;
  scopes: { type: ScopeType; objectId: string }[];
  bound?: { target: Function; thisArg: unknown; args: unknown[] };
}

export type Lookup = { found: true; value: unknown } | { found: false };

/** One inspector session for the duration of a shipValue call. */
export class Inspector {
  private readonly session = new inspector.Session();
  private readonly scripts = new Map<string, ScriptInfo>();
  private readonly scopeVars = new Map<string, Map<string, RemoteObject>>();

  private constructor() {}

  static open(): Inspector {
    const i = new Inspector();
    i.session.connect();
    i.session.on('Debugger.scriptParsed', (m: { params: { scriptId: string; url: string; sourceMapURL?: string } }) => {
      i.scripts.set(m.params.scriptId, { url: m.params.url, sourceMapURL: m.params.sourceMapURL ?? '' });
    });
    i.post('Debugger.enable', {});
    return i;
  }

  close(): void {
    try {
      this.post('Debugger.disable', {});
    } finally {
      this.session.disconnect();
      delete (globalThis as Record<symbol, unknown>)[SLOT];
    }
  }

  /** In-process inspector sessions answer synchronously (the callback runs inside post). */
  private post<T>(method: string, params: object): T {
    let answered = false;
    let error: Error | null = null;
    let result: unknown;
    this.session.post(method, params, (err, res) => {
      answered = true;
      error = err;
      result = res;
    });
    if (!answered) throw new Error(`the inspector did not answer ${method} synchronously`);
    if (error) throw error;
    return result as T;
  }

  private readonly sources = new Map<string, string>();
  private readonly starts = new Map<string, { line: number; column: number }>();

  /** Finds where a function's source text starts in its script (V8's location may point inside it). */
  locate(loc: FunctionLocation, text: string): void {
    const key = `${loc.scriptId}:${loc.lineNumber}:${loc.columnNumber}`;
    if (this.starts.has(key)) return;
    let src = this.sources.get(loc.scriptId);
    if (src === undefined) {
      try {
        src = (this.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId: loc.scriptId })).scriptSource;
      } catch {
        src = '';
      }
      this.sources.set(loc.scriptId, src);
    }
    let offset = 0;
    for (let l = 0; l < loc.lineNumber && offset >= 0; l++) offset = src.indexOf('\n', offset) + 1;
    if (offset < 0) return;
    offset += loc.columnNumber;
    const head = text.slice(0, 200);
    let best = -1;
    for (let i = src.indexOf(head, Math.max(0, offset - 5000)); i >= 0 && i <= offset + 5000; i = src.indexOf(head, i + 1)) {
      if (best < 0 || Math.abs(i - offset) < Math.abs(best - offset)) best = i;
    }
    if (best < 0) return;
    const before = src.slice(0, best);
    const line = before.split('\n').length - 1;
    this.starts.set(key, { line, column: best - (before.lastIndexOf('\n') + 1) });
  }

  sourceStart(loc: FunctionLocation, _text: string): { line: number; column: number } | undefined {
    return this.starts.get(`${loc.scriptId}:${loc.lineNumber}:${loc.columnNumber}`);
  }

  script(scriptId: string): ScriptInfo | undefined {
    return this.scripts.get(scriptId);
  }

  private remote(value: unknown): string {
    (globalThis as Record<symbol, unknown>)[SLOT] = value;
    const { result } = this.post<{ result: RemoteObject }>('Runtime.evaluate', { expression: SLOT_EXPR });
    if (!result.objectId) throw new Error('inspector returned no object id');
    return result.objectId;
  }

  /** The JS value a RemoteObject mirrors, boxed. */
  private valueOf(r: RemoteObject): { v: unknown } {
    if (r.objectId) {
      this.post('Runtime.callFunctionOn', {
        objectId: r.objectId,
        functionDeclaration: `function () { 'use strict'; ${SLOT_EXPR} = this; }`,
      });
      return { v: (globalThis as Record<symbol, unknown>)[SLOT] };
    }
    if (r.unserializableValue !== undefined) {
      const u = r.unserializableValue;
      if (u.endsWith('n')) return { v: BigInt(u.slice(0, -1)) };
      return { v: u === '-0' ? -0 : Number(u) };
    }
    return { v: r.type === 'undefined' ? undefined : r.value };
  }

  functionInternals(fn: Function): FunctionInternals {
    const objectId = this.remote(fn);
    const props = this.post<PropertiesResult>('Runtime.getProperties', { objectId, ownProperties: true });
    const internal = new Map((props.internalProperties ?? []).map((p) => [p.name, p.value]));
    const out: FunctionInternals = { scopes: [] };
    const loc = internal.get('[[FunctionLocation]]');
    if (loc?.value) out.location = loc.value as FunctionLocation;
    const target = internal.get('[[TargetFunction]]');
    if (target) {
      const boundArgs = internal.get('[[BoundArgs]]');
      out.bound = {
        target: this.valueOf(target).v as Function,
        thisArg: this.valueOf(internal.get('[[BoundThis]]') ?? { type: 'undefined' }).v,
        args: boundArgs ? (this.valueOf(boundArgs).v as unknown[]) : [],
      };
    }
    const scopes = internal.get('[[Scopes]]');
    if (scopes?.objectId) {
      const list = this.post<PropertiesResult>('Runtime.getProperties', { objectId: scopes.objectId, ownProperties: true });
      for (const p of list.result) {
        if (!/^\d+$/.test(p.name) || !p.value?.objectId) continue;
        const type = (p.value.description ?? '').split(' ')[0].toLowerCase();
        out.scopes.push({ type, objectId: p.value.objectId });
      }
    }
    return out;
  }

  /** Private fields (`#x`) of an object; they cannot be re-created outside their class. */
  privateFieldNames(obj: object): string[] {
    const objectId = this.remote(obj);
    const props = this.post<PropertiesResult>('Runtime.getProperties', { objectId, ownProperties: true });
    return (props.privateProperties ?? []).map((p) => p.name);
  }

  /** Resolves a free variable through the function's scope chain, innermost first (globals excluded). */
  lookup(internals: FunctionInternals, name: string): Lookup {
    for (const scope of internals.scopes) {
      if (scope.type === 'global') continue;
      let vars = this.scopeVars.get(scope.objectId);
      if (!vars) {
        const res = this.post<PropertiesResult>('Runtime.getProperties', { objectId: scope.objectId, ownProperties: true });
        vars = new Map(res.result.filter((p) => p.value).map((p) => [p.name, p.value as RemoteObject]));
        this.scopeVars.set(scope.objectId, vars);
      }
      const r = vars.get(name);
      if (r) return { found: true, value: this.valueOf(r).v };
    }
    return { found: false };
  }
}

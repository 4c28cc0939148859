/**
 * Recognises values that need not be copied because the worker can obtain them itself: standard
 * globals (`Math.max`, `Symbol.iterator`), node builtin modules and their members (`fs`,
 * `fs.readFileSync`), and exports of npm packages loaded through `require` (`require.cache`).
 * Such values ship as `require('pkg').path` / `globalThis.X.path` expressions.
 */
import { builtinModules, createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { packageRoot } from '../../../gateway/paths';

export type ModuleRef =
  | { kind: 'require'; request: string; path: string[] }
  | { kind: 'namespace'; request: string }
  | { kind: 'global'; path: string[] };

/** Node's globals beyond ECMAScript's (those a fresh `vm` context lacks). */
const NODE_GLOBALS = [
  'global', 'process', 'Buffer', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval',
  'setImmediate', 'clearImmediate', 'queueMicrotask', 'structuredClone', 'URL', 'URLSearchParams',
  'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'Event', 'EventTarget', 'MessageChannel',
  'MessagePort', 'MessageEvent', 'BroadcastChannel', 'Blob', 'File', 'performance', 'fetch', 'FormData',
  'Headers', 'Request', 'Response', 'crypto', 'Crypto', 'CryptoKey', 'SubtleCrypto', 'navigator', 'Navigator',
  'DOMException', 'atob', 'btoa', 'ReadableStream', 'WritableStream', 'TransformStream', 'CompressionStream',
  'DecompressionStream', 'TextEncoderStream', 'TextDecoderStream', 'ReadableStreamDefaultReader',
  'ReadableByteStreamController', 'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'CustomEvent',
  'WebSocket', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure', 'PerformanceObserver',
  'PerformanceObserverEntryList', 'PerformanceResourceTiming', 'require', 'module', 'exports', '__filename', '__dirname',
];

/** Deprecated or side-effecting builtins that must not be loaded just to build the index. */
const SKIPPED_BUILTINS = new Set(['sys', 'punycode', 'wasi', 'trace_events', 'inspector', 'inspector/promises', 'repl', 'cluster']);

let standardGlobals: Set<string> | undefined;

/** Names every Node worker has as globals; free variables with these names are left as they are. */
export function isStandardGlobal(name: string): boolean {
  if (!standardGlobals) {
    const ecma = vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[];
    standardGlobals = new Set([...ecma, ...NODE_GLOBALS]);
  }
  return standardGlobals.has(name);
}

/** The package a file inside node_modules belongs to: its name and directory. */
export function packageOf(file: string): { name: string; dir: string } | undefined {
  const marker = `${path.sep}node_modules${path.sep}`;
  const i = file.lastIndexOf(marker);
  if (i < 0) return undefined;
  const rest = file.slice(i + marker.length).split(path.sep);
  const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  if (!name) return undefined;
  return { name, dir: file.slice(0, i + marker.length) + name.split('/').join(path.sep) };
}

/** A `require` request that loads `file` from a worker with the same packages installed. */
export function requestForFile(file: string): string | undefined {
  const pkg = packageOf(file);
  if (!pkg) {
    // TSFlink's own compiled modules (a user script importing 'tsflink' through a symlink)
    const root = packageRoot();
    if (file.startsWith(path.join(root, 'dist') + path.sep) && file.endsWith('.js')) {
      return `tsflink/${path.relative(root, file).split(path.sep).join('/')}`;
    }
    return undefined;
  }
  try {
    if (createRequire(file).resolve(pkg.name) === file) return pkg.name;
  } catch {
    // a package without a main entry: fall through to the subpath
  }
  const sub = `${pkg.name}/${path.relative(pkg.dir, file).split(path.sep).join('/')}`;
  try {
    // A subpath the package's "exports" map hides cannot be required by the worker either.
    return createRequire(file).resolve(sub) === file ? sub : undefined;
  } catch {
    return undefined;
  }
}

function ownDataValues(o: object): [string, unknown][] {
  const out: [string, unknown][] = [];
  let keys: string[];
  try {
    keys = Object.getOwnPropertyNames(o);
  } catch {
    return out;
  }
  for (const k of keys) {
    const d = Object.getOwnPropertyDescriptor(o, k);
    if (d && 'value' in d) out.push([k, d.value]);
  }
  return out;
}

function isIndexable(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** Value → module reference, built from the process's current module state. */
export class ModuleIndex {
  private readonly refs = new Map<unknown, ModuleRef>();
  private readonly symbols = new Map<symbol, ModuleRef>();
  /** Globals and builtin modules do not change: indexed once per process. */
  private static base?: ModuleIndex;

  constructor(withBase = true) {
    if (!withBase) {
      this.indexGlobals();
      this.indexBuiltins();
      return;
    }
    ModuleIndex.base ??= new ModuleIndex(false);
    this.indexRequireCache();
  }

  private add(v: unknown, ref: ModuleRef): void {
    if (ModuleIndex.base && ModuleIndex.base !== this && ModuleIndex.base.find(v)) return;
    if (typeof v === 'symbol') {
      if (!this.symbols.has(v)) this.symbols.set(v, ref);
      return;
    }
    if (!isIndexable(v) || this.refs.has(v)) return;
    this.refs.set(v, ref);
  }

  private indexGlobals(): void {
    const g = globalThis as Record<string, unknown>;
    const ecma = vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[];
    for (const name of [...ecma, ...NODE_GLOBALS]) {
      if (['require', 'module', 'exports', 'global', 'globalThis'].includes(name)) continue;
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      if (!d || !('value' in d)) continue;
      const v = g[name];
      this.add(v, { kind: 'global', path: [name] });
      if (!isIndexable(v)) continue;
      for (const [k, m] of ownDataValues(v)) this.add(m, { kind: 'global', path: [name, k] });
      const proto = (v as { prototype?: unknown }).prototype;
      if (typeof v === 'function' && isIndexable(proto)) {
        this.add(proto, { kind: 'global', path: [name, 'prototype'] });
        for (const [k, m] of ownDataValues(proto)) this.add(m, { kind: 'global', path: [name, 'prototype', k] });
      }
    }
  }

  private indexBuiltins(): void {
    const load = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    if (!load) return;
    for (const id of builtinModules) {
      if (id.startsWith('_') || SKIPPED_BUILTINS.has(id)) continue;
      let exp: unknown;
      try {
        exp = load(id);
      } catch {
        continue;
      }
      this.indexModule(exp, id);
    }
  }

  private indexRequireCache(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cache = require.cache;
    const found: [string, unknown][] = [];
    for (const [file, mod] of Object.entries(cache)) {
      if (!mod || !mod.loaded) continue;
      const request = requestForFile(file);
      if (request) found.push([request, mod.exports]);
    }
    // Package entry points first: their members are what user code imports.
    found.sort((a, b) => Number(a[0].includes('/', a[0].startsWith('@') ? a[0].indexOf('/') + 1 : 0)) - Number(b[0].includes('/', b[0].startsWith('@') ? b[0].indexOf('/') + 1 : 0)));
    for (const [request, exports] of found) this.indexModule(exports, request);
  }

  private indexModule(exp: unknown, request: string): void {
    this.add(exp, { kind: 'require', request, path: [] });
    if (!isIndexable(exp)) return;
    for (const [k, m] of ownDataValues(exp)) {
      this.add(m, { kind: 'require', request, path: [k] });
      if (k === 'default' && isIndexable(m)) {
        for (const [k2, m2] of ownDataValues(m)) this.add(m2, { kind: 'require', request, path: [k, k2] });
      }
    }
  }

  find(v: unknown): ModuleRef | undefined {
    const base = ModuleIndex.base !== this ? ModuleIndex.base?.find(v) : undefined;
    if (base) return base;
    if (typeof v === 'symbol') return this.symbols.get(v);
    return this.refs.get(v);
  }

  /**
   * An ES module namespace or an import-interop wrapper (tsx's `import_x`, vitest's
   * `__vi_import_0__`) of a module the index knows, as a namespace reference.
   */
  findNamespace(v: object): ModuleRef | undefined {
    let keys: string[];
    try {
      keys = Object.keys(v);
    } catch {
      return undefined;
    }
    const record = v as Record<string, unknown>;
    if (keys.includes('default')) {
      const ref = this.find(record.default);
      if (ref?.kind === 'require' && ref.path.length === 0) return { kind: 'namespace', request: ref.request };
    }
    for (const k of keys) {
      if (k === 'default') continue;
      let m: unknown;
      try {
        m = record[k];
      } catch {
        continue;
      }
      const ref = this.find(m);
      if (ref?.kind === 'require' && ref.path.length === 1 && ref.path[0] === k) return { kind: 'namespace', request: ref.request };
    }
    return undefined;
  }
}

/** JS expression for a module reference. */
export function moduleRefCode(ref: ModuleRef): string {
  const access = (p: string[]) => p.map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('');
  switch (ref.kind) {
    case 'global':
      return `globalThis${access(ref.path)}`;
    case 'namespace':
      return `__tsf_ns(require(${JSON.stringify(ref.request)}))`;
    case 'require':
      return `require(${JSON.stringify(ref.request)})${access(ref.path)}`;
  }
}

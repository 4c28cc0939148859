/**
 * Turns a live value (a UDF function, a class instance, an object of functions) into the source of
 * a self-contained CommonJS module that re-creates it: functions are re-created from their source
 * text with the values they close over (read through the inspector), recursively; module exports
 * become `require` calls; shared identity and cycles are preserved through a value table.
 */
import { createRequire, isBuiltin } from 'node:module';
import * as path from 'node:path';
import * as util from 'node:util';
import type { FunctionInternals, Inspector } from './inspect';
import { isStandardGlobal, moduleRefCode, packageOf, type ModuleIndex, type ModuleRef } from './modules';
import { parseFunctionSource, type FreeUse, type ParsedFunction } from './parse-function';
import { scriptPath } from './source-map';

export class UnshippableError extends Error {
  override name = 'UnshippableError';
}

/** Where a value sits in the captured graph, for error messages. */
export interface Trail {
  variable?: string;
  via: string[];
  at: string;
}

export interface FunctionOrigin {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

export interface FunctionNode {
  id: number;
  phase: 'function' | 'class';
  parsed: ParsedFunction;
  source: string;
  strict: boolean;
  captures: [string, string][];
  thisCode?: string;
  origin?: FunctionOrigin;
  deps: number[];
  patches: string[];
}

export type ValueNode =
  | { id: number; phase: 'module'; code: string }
  | { id: number; phase: 'shell'; code: string; patches: string[]; integrity?: 'freeze' | 'seal' | 'preventExtensions' }
  | { id: number; phase: 'derived'; code: string; deps: number[]; patches: string[] }
  | FunctionNode;

type NodeInit = ValueNode extends infer N ? (N extends ValueNode ? Omit<N, 'id'> : never) : never;

/** Classes of the TSFlink client API: they hold JVM handles and only live in the client. */
const CLIENT_ONLY_CLASSES = new Set([
  'TableEnvironment', 'Table', 'GroupedTable', 'WindowGroupedTable', 'GroupWindowedTable', 'OverWindowedTable',
  'AggregatedTable', 'FlatAggregateTable', 'Session', 'TableResult', 'StatementSet', 'TableConfig',
  'StreamExecutionEnvironment', 'DataStream',
]);

const IDENT = /^[A-Za-z_$][\w$]*$/;

function prop(key: string | symbol, keyCode: string): string {
  return typeof key === 'string' && IDENT.test(key) ? `.${key}` : `[${keyCode}]`;
}

function describeNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}


/** A dense array of JSON-exact primitives (written as one literal instead of per element). */
function isJsonPrimitiveArray(a: unknown[]): boolean {
  if (Reflect.ownKeys(a).length !== a.length + 1) return false;
  for (let i = 0; i < a.length; i++) {
    if (!(i in a)) return false;
    const v = a[i];
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) continue;
    return false;
  }
  return true;
}

export class Serializer {
  readonly nodes: ValueNode[] = [];
  private readonly ids = new Map<unknown, number>();
  private readonly functionOwners = new Map<Function, string>();
  private readonly packageExports = new Map<string, unknown>();
  /** Namespaces shipped as some of their members (members()): each shell, and the members it has. */
  private readonly memberShells = new Map<object, { node: Extract<ValueNode, { phase: 'shell' }>; added: Set<string> }>();

  constructor(
    private readonly label: string,
    private readonly inspector: Inspector,
    private readonly index: ModuleIndex,
    private readonly packageRoot: string,
  ) {}

  private fail(trail: Trail, what: string): never {
    let subject: string;
    if (trail.variable) {
      subject = `captured variable '${trail.variable}'`;
      if (trail.at !== trail.variable) subject += ` (at ${trail.at})`;
      if (trail.via.length) subject += ` (reached via ${trail.via.join(' → ')})`;
    } else {
      subject = trail.at ? `the value at ${trail.at}` : 'the value';
    }
    throw new UnshippableError(`Cannot ship UDF '${this.label}': ${subject} is ${what}`);
  }

  private register<N extends ValueNode = ValueNode>(value: unknown, node: NodeInit): N {
    const full = { ...node, id: this.nodes.length } as N;
    this.nodes.push(full);
    this.ids.set(value, full.id);
    return full;
  }

  private ref(id: number): string {
    return `v${id}`;
  }

  /** A JS expression for the value (a literal, or a reference into the value table). */
  value(v: unknown, trail: Trail, owner?: string): string {
    switch (typeof v) {
      case 'undefined':
        return 'void 0';
      case 'boolean':
        return String(v);
      case 'number':
        return describeNumber(v);
      case 'bigint':
        return `${v}n`;
      case 'string':
        return JSON.stringify(v);
      case 'symbol':
        return this.symbol(v);
    }
    if (v === null) return 'null';
    const known = this.ids.get(v);
    if (known !== undefined) return this.ref(known);
    const mod = this.index.find(v);
    if (mod) return this.ref(this.register(v, { phase: 'module', code: moduleRefCode(mod) }).id);
    if (typeof v === 'function') return this.fn(v, trail, owner);
    return this.object(v as object, trail);
  }

  private symbol(s: symbol): string {
    const key = Symbol.keyFor(s);
    if (key !== undefined) return `Symbol.for(${JSON.stringify(key)})`;
    const mod = this.index.find(s);
    if (mod) return moduleRefCode(mod);
    const known = this.ids.get(s);
    if (known !== undefined) return this.ref(known);
    const desc = s.description === undefined ? '' : JSON.stringify(s.description);
    return this.ref(this.register(s, { phase: 'shell', code: `Symbol(${desc})`, patches: [] }).id);
  }

  private keyCode(k: string | symbol): string {
    return typeof k === 'string' ? JSON.stringify(k) : this.symbol(k);
  }

  private fileOfFunction(internals: FunctionInternals): string | undefined {
    if (!internals.location) return undefined;
    const script = this.inspector.script(internals.location.scriptId);
    return script ? scriptPath(script.url) : undefined;
  }

  /** The CommonJS exports of the package a file belongs to, as the worker will `require` them. */
  private packageExportsFor(file: string): { name: string; exports: unknown } | undefined {
    const pkg = packageOf(file);
    if (!pkg) return undefined;
    if (!this.packageExports.has(pkg.name)) {
      let exp: unknown;
      try {
        exp = createRequire(file)(pkg.name);
      } catch {
        exp = undefined;
      }
      this.packageExports.set(pkg.name, exp);
    }
    const exports = this.packageExports.get(pkg.name);
    return exports === undefined ? undefined : { name: pkg.name, exports };
  }

  private fn(f: Function, trail: Trail, owner?: string): string {
    const internals = this.inspector.functionInternals(f);
    if (internals.bound) {
      const node = this.register<Extract<ValueNode, { phase: 'derived' }>>(f, { phase: 'derived', code: '', deps: [], patches: [] });
      const { target, thisArg, args } = internals.bound;
      const t = this.value(target, { ...trail, at: `${trail.at} (bound target)` });
      const self = this.value(thisArg, { ...trail, at: `${trail.at} (bound this)` });
      const a = args.map((x, i) => this.value(x, { ...trail, at: `${trail.at} (bound argument ${i})` }));
      node.code = `${t}.bind(${[self, ...a].join(', ')})`;
      node.deps = this.depsOf([t, self, ...a]);
      return this.ref(node.id);
    }
    const source = Function.prototype.toString.call(f);
    const file = this.fileOfFunction(internals);
    if (file && packageOf(file)) {
      const pkg = this.packageExportsFor(file);
      const exported = pkg && this.exportedAs(pkg.exports, f);
      if (pkg && exported) {
        const ref: ModuleRef = { kind: 'require', request: pkg.name, path: exported };
        return this.ref(this.register(f, { phase: 'module', code: moduleRefCode(ref) }).id);
      }
    }
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) this.fail(trail, `a native function '${f.name}' that is not a global or module export`);
    let parsed: ParsedFunction;
    try {
      parsed = parseFunctionSource(source);
    } catch (e) {
      this.fail(trail, `a function whose source cannot be re-created (${(e as Error).message})`);
    }
    if (parsed.usesObjectSuper) this.fail(trail, `a method using 'super' outside a class (${f.name || 'anonymous'})`);
    if (parsed.lexicalThis && owner === undefined) {
      this.fail(trail, `an arrow function using 'this' of its surrounding scope (${f.name || 'anonymous'}); use a regular function or a method`);
    }
    const strict = parsed.kind === 'function' && !Object.prototype.hasOwnProperty.call(f, 'caller');
    const node = this.register<FunctionNode>(f, {
      phase: parsed.kind === 'class' ? 'class' : 'function',
      parsed,
      source,
      strict,
      captures: [],
      thisCode: parsed.lexicalThis ? owner : undefined,
      origin: internals.location,
      deps: [],
      patches: [],
    });
    if (internals.location) this.inspector.locate(internals.location, source);
    const name = f.name || 'anonymous';
    for (const [variable, use] of parsed.free) {
      const code = this.capture(f, internals, variable, use, { variable, via: trail.variable ? [...trail.via, trail.variable] : trail.via, at: variable }, name);
      if (code !== undefined) node.captures.push([variable, code]);
    }
    if (parsed.extendsClause !== undefined) {
      const parent = Object.getPrototypeOf(f) as unknown;
      node.captures.push(['__tsf_super', this.value(parent, { ...trail, at: `${trail.at ? trail.at + ' ' : ''}extends ${parsed.extendsClause}` })]);
    }
    node.deps = this.depsOf(node.captures.map(([, c]) => c));
    this.functionProperties(f, node, trail);
    return this.ref(node.id);
  }

  /** Key path under which a package's exports hold f (by identity, else by name). */
  private exportedAs(exports: unknown, f: Function): string[] | undefined {
    if (exports === f) return [];
    if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return undefined;
    const record = exports as Record<string, unknown>;
    for (const k of Object.keys(record)) if (record[k] === f) return [k];
    if (f.name && typeof record[f.name] === 'function' && (record[f.name] as Function).length === f.length) return [f.name];
    return undefined;
  }

  private depsOf(codes: string[]): number[] {
    const out: number[] = [];
    for (const c of codes) {
      for (const m of c.matchAll(/\bv(\d+)\b/g)) out.push(Number(m[1]));
    }
    return out;
  }

  /** Code for a captured free variable, or undefined to leave it free (a standard global). */
  private capture(f: Function, internals: FunctionInternals, name: string, use: FreeUse, trail: Trail, fnName: string): string | undefined {
    const found = this.inspector.lookup(internals, name);
    let value: unknown;
    if (found.found) {
      value = found.value;
    } else if (name in globalThis && !isStandardGlobal(name)) {
      value = (globalThis as Record<string, unknown>)[name];
    } else {
      return undefined;
    }
    // Any captured `require` (CommonJS, createRequire, a REPL's) becomes the worker's require.
    if (name === 'require' && typeof value === 'function') return this.requireFunction(value as NodeRequire, f, trail);
    if (name === 'module' && found.found && typeof value === 'object' && value !== null && 'exports' in value) {
      this.fail(trail, `the CommonJS 'module' object of ${fnName}'s file; export the helper and import it instead`);
    }
    // a namespace another function already shipped some members of: add the ones this one reads
    const shell = typeof value === 'object' && value !== null ? this.memberShells.get(value) : undefined;
    if (shell && use.membersOnly) return this.members(value as object, use, trail);
    if (typeof value === 'object' && value !== null && this.ids.get(value) === undefined && !this.index.find(value)) {
      if (this.isNamespaceLike(value)) return this.namespace(value, use, trail);
      // tsc's CommonJS output reads a module's own exports as `exports.x`: ship only what is read.
      if (name === 'exports' && found.found && use.membersOnly) return this.members(value, use, trail);
    }
    return this.value(value, trail);
  }

  /**
   * A fresh object holding only the given members of `obj`; the same object for every function
   * that reads some of them, holding the members all of them read.
   */
  private members(obj: object, use: FreeUse, trail: Trail): string {
    const record = obj as Record<string, unknown>;
    let shell = this.memberShells.get(obj);
    if (!shell) {
      shell = { node: this.register<Extract<ValueNode, { phase: 'shell' }>>(obj, { phase: 'shell', code: '{}', patches: [] }), added: new Set() };
      this.memberShells.set(obj, shell);
    }
    const { node, added } = shell;
    for (const k of use.members) {
      if (added.has(k)) continue;
      added.add(k);
      const code = this.value(record[k], { ...trail, at: `${trail.at}.${k}` });
      node.patches.push(`${this.ref(node.id)}${prop(k, JSON.stringify(k))} = ${code};`);
    }
    return this.ref(node.id);
  }

  private isNamespaceLike(v: object): boolean {
    if (util.types.isModuleNamespaceObject(v)) return true;
    if ((v as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module') return true;
    const keys = Object.keys(v).filter((k) => k !== 'default');
    if (keys.length === 0) return false;
    return keys.every((k) => {
      const d = Object.getOwnPropertyDescriptor(v, k);
      return d !== undefined && d.get !== undefined && d.set === undefined;
    });
  }

  /** An import namespace: `require` of the module when known, else only the members the function reads. */
  private namespace(ns: object, use: FreeUse, trail: Trail): string {
    const known = this.index.findNamespace(ns);
    if (known) return this.ref(this.register(ns, { phase: 'module', code: moduleRefCode(known) }).id);
    const record = ns as Record<string, unknown>;
    const keys = Object.keys(ns);
    for (const k of keys) {
      const m = record[k];
      if (typeof m !== 'function') continue;
      const file = this.fileOfFunction(this.inspector.functionInternals(m));
      const pkg = file && packageOf(file) ? this.packageExportsFor(file) : undefined;
      if (pkg && typeof pkg.exports === 'object' && pkg.exports !== null) {
        const needed = use.membersOnly ? [...use.members] : keys.filter((x) => x !== 'default');
        if (needed.every((x) => x in (pkg.exports as object))) {
          return this.ref(this.register(ns, { phase: 'module', code: moduleRefCode({ kind: 'namespace', request: pkg.name }) }).id);
        }
      }
      break;
    }
    if (!use.membersOnly) return this.object(ns, trail);
    // A local module (or one loaded by a custom loader): ship the members the function uses.
    return this.members(ns, use, trail);
  }

  /** A captured CommonJS `require`: the worker's require, with literal local requests shipped by value. */
  private requireFunction(req: NodeRequire, f: Function, trail: Trail): string {
    const parsed = parseFunctionSource(Function.prototype.toString.call(f));
    const local: string[] = [];
    for (const request of new Set(parsed.requires)) {
      if (!request.startsWith('.') && !path.isAbsolute(request)) continue;
      let exp: unknown;
      try {
        exp = typeof req.resolve === 'function' ? req(req.resolve(request)) : req(request);
      } catch (e) {
        this.fail(trail, `a require of '${request}' that fails here: ${(e as Error).message}`);
      }
      const code = this.value(exp, { ...trail, at: `require('${request}')` });
      local.push(`${JSON.stringify(request)}: ${code}`);
    }
    return `__tsf_require({ ${local.join(', ')} })`;
  }

  private functionProperties(f: Function, node: FunctionNode, trail: Trail): void {
    const self = this.ref(node.id);
    for (const k of Reflect.ownKeys(f)) {
      if (k === 'length' || k === 'name' || k === 'prototype' || k === 'arguments' || k === 'caller') continue;
      const d = Object.getOwnPropertyDescriptor(f, k)!;
      // Static methods and accessors of a class are re-created by its source.
      if (node.phase === 'class' && !d.enumerable && (typeof d.value === 'function' || d.get || d.set)) continue;
      this.patchProperty(node.patches, self, k, d, trail);
    }
    if (node.phase === 'function' && node.parsed.kind === 'function') {
      const proto = (f as { prototype?: object }).prototype;
      if (proto && typeof proto === 'object') {
        const protoNode = this.register<Extract<ValueNode, { phase: 'derived' }>>(proto, { phase: 'derived', code: `${self}.prototype`, deps: [node.id], patches: [] });
        for (const k of Reflect.ownKeys(proto)) {
          if (k === 'constructor') continue;
          this.patchProperty(protoNode.patches, this.ref(protoNode.id), k, Object.getOwnPropertyDescriptor(proto, k)!, trail);
        }
      }
    }
  }

  private patchProperty(patches: string[], target: string, k: string | symbol, d: PropertyDescriptor, trail: Trail): void {
    const at: Trail = { ...trail, at: `${trail.at}${typeof k === 'string' ? (IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`) : `[${String(k)}]`}` };
    const key = this.keyCode(k);
    if ('value' in d) {
      const v = this.value(d.value, at, target);
      if (d.writable && d.enumerable && d.configurable) patches.push(`${target}${prop(k, key)} = ${v};`);
      else patches.push(`Object.defineProperty(${target}, ${key}, { value: ${v}, writable: ${!!d.writable}, enumerable: ${!!d.enumerable}, configurable: ${!!d.configurable} });`);
    } else {
      const get = d.get ? this.value(d.get, at, target) : 'void 0';
      const set = d.set ? this.value(d.set, at, target) : 'void 0';
      patches.push(`Object.defineProperty(${target}, ${key}, { get: ${get}, set: ${set}, enumerable: ${!!d.enumerable}, configurable: ${!!d.configurable} });`);
    }
  }

  private unshippableReason(o: object): string | undefined {
    const t = util.types;
    if (t.isPromise(o)) return 'a Promise; await it before registering the UDF';
    if (t.isProxy(o)) return 'a Proxy';
    if (t.isWeakMap(o) || t.isWeakSet(o)) return `a ${t.isWeakMap(o) ? 'WeakMap' : 'WeakSet'}`;
    if (o instanceof WeakRef || o instanceof FinalizationRegistry) return `a ${o.constructor.name}`;
    if (t.isGeneratorObject(o)) return 'a running generator';
    if (t.isExternal(o)) return 'a native handle';
    if (t.isBoxedPrimitive(o) || Buffer.isBuffer(o) || t.isTypedArray(o) || t.isDataView(o) || t.isDate(o) || t.isRegExp(o)) return undefined;
    if (t.isMap(o) || t.isSet(o) || Array.isArray(o) || t.isNativeError(o) || t.isArrayBuffer(o)) return undefined;
    for (let p = Object.getPrototypeOf(o) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      const d = Object.getOwnPropertyDescriptor(p, 'constructor');
      const C = d && 'value' in d ? (d.value as unknown) : undefined;
      if (typeof C !== 'function') continue;
      const ref = this.index.find(C);
      if (ref?.kind === 'require' && isBuiltin(ref.request)) {
        return `a ${ref.request.replace(/^node:/, '')}.${ref.path.length ? ref.path.join('.') : C.name}`;
      }
      if (CLIENT_ONLY_CLASSES.has(C.name) || (ref?.kind === 'require' && ref.request.startsWith('java-bridge'))) {
        const file = this.fileOfFunction(this.inspector.functionInternals(C));
        if (file && (file.startsWith(this.packageRoot + path.sep) || file.includes(`${path.sep}java-bridge${path.sep}`))) {
          return file.includes('java-bridge') ? 'a Java object (java-bridge), which lives only in the client JVM' : `a TSFlink ${C.name}, which lives only in the client; create what the UDF needs in open() instead`;
        }
      }
      if (ref?.kind === 'global' && ['EventTarget', 'MessagePort', 'WebSocket', 'AbortSignal', 'ReadableStream', 'WritableStream'].includes(C.name)) {
        return `a ${C.name}`;
      }
    }
    return undefined;
  }

  private object(o: object, trail: Trail): string {
    const reason = this.unshippableReason(o);
    if (reason) this.fail(trail, reason);
    const t = util.types;
    const proto = Object.getPrototypeOf(o) as object | null;
    let shell: string;
    let skipKeys = new Set<string | symbol>();
    let protoHandled = false;
    const entries: string[] = [];
    if (Array.isArray(o) && proto === Array.prototype && isJsonPrimitiveArray(o)) {
      shell = JSON.stringify(o);
      skipKeys = new Set(Reflect.ownKeys(o));
      protoHandled = true;
    } else if (Array.isArray(o)) {
      shell = `new Array(${o.length})`;
      skipKeys = new Set(['length']);
      protoHandled = proto === Array.prototype;
    } else if (t.isDate(o)) {
      shell = `new Date(${describeNumber(o.getTime())})`;
      protoHandled = proto === Date.prototype;
    } else if (t.isRegExp(o)) {
      shell = `new RegExp(${JSON.stringify(o.source)}, ${JSON.stringify(o.flags)})`;
      protoHandled = proto === RegExp.prototype;
    } else if (t.isMap(o)) {
      shell = 'new Map()';
      protoHandled = proto === Map.prototype;
    } else if (t.isSet(o)) {
      shell = 'new Set()';
      protoHandled = proto === Set.prototype;
    } else if (Buffer.isBuffer(o)) {
      shell = `Buffer.from(${JSON.stringify(o.toString('base64'))}, 'base64')`;
      protoHandled = true;
      skipKeys = new Set(Object.keys(o));
    } else if (t.isTypedArray(o) || t.isDataView(o)) {
      const view = o as ArrayBufferView;
      const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
      shell = `new ${o.constructor.name}(new Uint8Array(Buffer.from(${JSON.stringify(bytes)}, 'base64')).buffer)`;
      protoHandled = true;
      skipKeys = new Set(Object.keys(o));
    } else if (t.isArrayBuffer(o) || t.isSharedArrayBuffer(o)) {
      shell = `new Uint8Array(Buffer.from(${JSON.stringify(Buffer.from(o as ArrayBuffer).toString('base64'))}, 'base64')).buffer`;
      protoHandled = true;
    } else if (t.isNativeError(o) || o instanceof Error) {
      const ctor = (globalThis as Record<string, unknown>)[o.constructor?.name] === o.constructor ? o.constructor.name : 'Error';
      shell = `new ${ctor}()`;
      protoHandled = proto === (globalThis as unknown as Record<string, { prototype: object }>)[ctor].prototype;
    } else if (t.isBoxedPrimitive(o)) {
      shell = `Object(${this.value((o as { valueOf(): unknown }).valueOf(), trail)})`;
      protoHandled = true;
    } else if (proto === null) {
      shell = 'Object.create(null)';
      protoHandled = true;
    } else {
      shell = '{}';
      protoHandled = proto === Object.prototype;
    }
    const node = this.register<Extract<ValueNode, { phase: 'shell' }>>(o, { phase: 'shell', code: shell, patches: [] });
    const self = this.ref(node.id);
    if (!protoHandled && proto) {
      const privates = this.inspector.privateFieldNames(o);
      if (privates.length) this.fail(trail, `an instance with private fields (${privates.join(', ')}); use regular properties for state a UDF ships`);
      node.patches.push(`Object.setPrototypeOf(${self}, ${this.prototype(proto, trail)});`);
    }
    for (const k of Reflect.ownKeys(o)) {
      if (skipKeys.has(k)) continue;
      this.patchProperty(node.patches, self, k, Object.getOwnPropertyDescriptor(o, k)!, trail);
    }
    if (t.isMap(o)) {
      let i = 0;
      for (const [k, v] of o) {
        const at = { ...trail, at: `${trail.at}<entry ${i++}>` };
        entries.push(`${self}.set(${this.value(k, at)}, ${this.value(v, at)});`);
      }
    } else if (t.isSet(o)) {
      let i = 0;
      for (const v of o) entries.push(`${self}.add(${this.value(v, { ...trail, at: `${trail.at}<element ${i++}>` })});`);
    }
    node.patches.push(...entries);
    if (Object.isFrozen(o) && Reflect.ownKeys(o).length) node.integrity = 'freeze';
    else if (Object.isSealed(o) && Reflect.ownKeys(o).length) node.integrity = 'seal';
    else if (!Object.isExtensible(o)) node.integrity = 'preventExtensions';
    return self;
  }

  /** A prototype object: a class's or function's `prototype` is derived from the (shipped) class. */
  private prototype(proto: object, trail: Trail): string {
    const known = this.ids.get(proto);
    if (known !== undefined) return this.ref(known);
    const mod = this.index.find(proto);
    if (mod) return this.value(proto, trail);
    const d = Object.getOwnPropertyDescriptor(proto, 'constructor');
    const C = d && 'value' in d ? (d.value as unknown) : undefined;
    if (typeof C === 'function' && (C as { prototype?: unknown }).prototype === proto) {
      const c = this.value(C, { ...trail, at: `${trail.at}.constructor` });
      const existing = this.ids.get(proto);
      if (existing !== undefined) return this.ref(existing);
      return this.ref(this.register(proto, { phase: 'derived', code: `${c}.prototype`, deps: this.depsOf([c]), patches: [] }).id);
    }
    return this.value(proto, { ...trail, at: `${trail.at}.__proto__` });
  }
}

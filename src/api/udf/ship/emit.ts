/**
 * Writes the value table as a CommonJS module, in phases that respect creation order:
 * module references, object shells, functions, classes and derived values (topologically), then
 * properties and captured-variable bindings, then freezing, then `module.exports`.
 */
import type { Inspector } from './inspect';
import { decodedMappings, encodeSourceMap, loadScriptSourceMap, normalizeSource, scriptPath, type Mapping } from './source-map';
import type { FunctionNode, ValueNode } from './serialize';

const PRELUDE = [
  `const __tsf_ns = (m) => (m && m.__esModule ? m : Object.assign(Object.create(null), m, { default: m }));`,
  `const __tsf_require = (shipped) => (id) => (Object.prototype.hasOwnProperty.call(shipped, id) ? shipped[id] : require(id));`,
];

class Writer {
  private readonly parts: string[] = [];
  line = 0;
  column = 0;

  write(text: string): void {
    this.parts.push(text);
    const nl = text.lastIndexOf('\n');
    if (nl < 0) this.column += text.length;
    else {
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.line++;
      this.column = text.length - nl - 1;
    }
  }

  toString(): string {
    return this.parts.join('');
  }
}

export interface Emitted {
  source: string;
  sourceMap?: string;
}

export function emitModule(label: string, filename: string, nodes: ValueNode[], root: string, inspector: Inspector): Emitted {
  const w = new Writer();
  const mappings: Mapping[] = [];
  w.write(`// TSFlink shipped code for ${JSON.stringify(label).slice(1, -1)} (generated)\n`);
  for (const p of PRELUDE) w.write(p + '\n');
  const v = (id: number) => `v${id}`;
  const byPhase = (ph: ValueNode['phase']) => nodes.filter((n) => n.phase === ph);

  for (const n of byPhase('module')) w.write(`const ${v(n.id)} = ${(n as { code: string }).code};\n`);
  for (const n of byPhase('shell')) w.write(`const ${v(n.id)} = ${(n as { code: string }).code};\n`);

  const factory = (n: FunctionNode): void => {
    const names = n.captures.map(([name]) => name);
    w.write(`const f${n.id} = (function () {${n.strict ? " 'use strict';" : ''} `);
    if (names.length) w.write(`let ${names.join(', ')}; `);
    w.write(`return { set(__tsf_v) { ${names.map((x, i) => `${x} = __tsf_v[${i}];`).join(' ')} }, make(__tsf_this) { return `);
    w.write('(');
    if (n.thisCode !== undefined) w.write('function () { return (');
    w.write('\n');
    const startLine = w.line;
    const startColumn = n.parsed.sourceOffset;
    w.write(n.parsed.expression);
    mapFunction(n, startLine, startColumn, inspector, mappings);
    w.write(n.thisCode !== undefined ? '); }).call(__tsf_this)' : ')');
    w.write('; } }; })();\n');
  };
  const setCall = (n: FunctionNode) => `f${n.id}.set([${n.captures.map(([, code]) => code).join(', ')}]);`;

  // Classes and derived values (prototypes, bound functions) come after the functions, in dependency order.
  const late = nodes.filter((n) => n.phase === 'class' || n.phase === 'derived');
  // Declared up front: a class may capture a value that is created after it (a cycle), and a
  // function's first binding below may capture a class not made yet (undefined until the final
  // bindings, instead of a TDZ ReferenceError).
  if (late.length) w.write(`let ${late.map((n) => v(n.id)).join(', ')};\n`);

  const functions = byPhase('function') as FunctionNode[];
  for (const n of functions) factory(n);
  for (const n of functions) w.write(`const ${v(n.id)} = f${n.id}.make(${n.thisCode ?? ''});\n`);
  // bound now for the functions classes call while they are made (e.g. in static blocks)
  for (const n of functions) w.write(setCall(n) + '\n');

  const lateIds = new Set(late.map((n) => n.id));
  const done = new Set<number>();
  const visiting = new Set<number>();
  const classes = late.filter((n) => n.phase === 'class') as FunctionNode[];
  for (const n of classes) factory(n);
  const emitLate = (n: ValueNode): void => {
    if (done.has(n.id) || visiting.has(n.id)) return;
    visiting.add(n.id);
    for (const d of (n as { deps: number[] }).deps) if (lateIds.has(d)) emitLate(nodes[d]);
    visiting.delete(n.id);
    done.add(n.id);
    if (n.phase === 'class') {
      w.write(`${setCall(n)} ${v(n.id)} = f${n.id}.make(${n.thisCode ?? ''});\n`);
    } else {
      w.write(`${v(n.id)} = ${(n as { code: string }).code};\n`);
    }
  };
  for (const n of late) emitLate(n);

  for (const n of nodes) {
    const patches = (n as { patches?: string[] }).patches;
    if (patches) for (const p of patches) w.write(p + '\n');
  }
  for (const n of nodes) if (n.phase === 'function' || n.phase === 'class') w.write(setCall(n) + '\n');
  for (const n of nodes) {
    if (n.phase === 'shell' && n.integrity) w.write(`Object.${n.integrity}(${v(n.id)});\n`);
  }
  w.write(`module.exports = ${root};\n`);
  const sourceMap = mappings.length ? encodeSourceMap(filename, mappings) : undefined;
  return { source: w.toString(), sourceMap };
}

/**
 * Maps a function's source text to its original location: through the defining script's source
 * map segment by segment when it has one (tsx and vitest output), else line by line.
 */
function mapFunction(n: FunctionNode, startLine: number, startColumn: number, inspector: Inspector, out: Mapping[]): void {
  const origin = n.origin;
  if (!origin) return;
  const script = inspector.script(origin.scriptId);
  if (!script || !script.url) return;
  const located = inspector.sourceStart(origin, n.source);
  if (!located) return;
  const map = loadScriptSourceMap(script.url, script.sourceMapURL);
  const file = scriptPath(script.url);
  const lines = n.source.split('\n');
  if (map) {
    const decoded = decodedMappings(map.map);
    for (let i = 0; i < lines.length; i++) {
      const scriptLine = located.line + i;
      const first = i === 0 ? located.column : 0;
      const last = first + lines[i].length;
      for (const seg of decoded.lines[scriptLine] ?? []) {
        if (seg.length < 4 || seg[0] < first || seg[0] >= last) continue;
        out.push({
          generatedLine: startLine + i,
          generatedColumn: seg[0] - first + (i === 0 ? startColumn : 0),
          source: normalizeSource(decoded.sources[seg[1]], map.base),
          originalLine: seg[2],
          originalColumn: seg[3],
        });
      }
    }
    return;
  }
  for (let i = 0; i < lines.length; i++) {
    const indent = /^\s*/.exec(lines[i])![0].length;
    if (indent === lines[i].length) continue;
    const genCol = (i === 0 ? startColumn : 0) + indent;
    const scriptLine = located.line + i;
    const scriptCol = (i === 0 ? located.column : 0) + indent;
    out.push({ generatedLine: startLine + i, generatedColumn: genCol, source: file, originalLine: scriptLine, originalColumn: scriptCol });
  }
}

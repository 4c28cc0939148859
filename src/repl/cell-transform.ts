/**
 * Turns one TypeScript cell into JavaScript that runs inside the previous cell's scope (see
 * evaluator.ts): imports become `require` bindings (so an imported name stays visible to later
 * cells, which a CommonJS emit would rename away), `export` modifiers are dropped, and the value of
 * a trailing expression statement is captured. Edits keep the cell's line structure, so the emitted
 * source map points at the lines the user typed.
 */
import * as ts from 'typescript';

import { INTEROP_DEFAULT, RESULT_VAR } from './cell-names';
import { lineStarts, type EditSpan, type PositionMap } from './cell-positions';

export type DeclarationKind = 'const' | 'let' | 'value' | 'type';

/** Top-level names a cell declares, with whether later cells may assign to them. */
export type DeclaredNames = Map<string, DeclarationKind>;

export interface TransformedCell {
  js: string;
  /** Source map (JSON) from js back to the edited cell (see `edits`). */
  sourceMap: string;
  /** Maps positions of the compiled (edited) cell back to what the user typed. */
  positions: PositionMap;
  declared: DeclaredNames;
}



interface Edit {
  start: number;
  end: number;
  text: string;
}

export function parseCell(code: string): ts.SourceFile {
  return ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function bindingNames(name: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** The names a cell's top-level statements declare. */
export function declaredNames(sf: ts.SourceFile): DeclaredNames {
  const out: DeclaredNames = new Map();
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const flags = st.declarationList.flags;
      const kind: DeclarationKind = flags & ts.NodeFlags.Const || flags & ts.NodeFlags.Using ? 'const' : 'let';
      if (hasModifier(st, ts.SyntaxKind.DeclareKeyword)) continue;
      for (const d of st.declarationList.declarations) {
        const names: string[] = [];
        bindingNames(d.name, names);
        names.forEach((n) => out.set(n, kind));
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
      if (!hasModifier(st, ts.SyntaxKind.DeclareKeyword)) out.set(st.name.text, 'value');
    } else if (ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) {
      // `declare global { ... }` augments the global scope; it declares no name called `global`
      if (ts.isIdentifier(st.name) && !(st.flags & ts.NodeFlags.GlobalAugmentation)) out.set(st.name.text, 'value');
    } else if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      out.set(st.name.text, 'type');
    } else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      const typeOnly = c.isTypeOnly;
      if (c.name) out.set(c.name.text, typeOnly ? 'type' : 'const');
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, typeOnly ? 'type' : 'const');
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) out.set(el.name.text, typeOnly || el.isTypeOnly ? 'type' : 'const');
      }
    } else if (ts.isImportEqualsDeclaration(st)) {
      out.set(st.name.text, st.isTypeOnly ? 'type' : 'const');
    }
  }
  return out;
}

/** Same number of line breaks as the replaced text, so later lines keep their numbers. */
function keepLines(replaced: string, text: string): string {
  const n = (replaced.match(/\n/g) ?? []).length;
  return text + '\n'.repeat(n);
}

function importEdit(st: ts.ImportDeclaration, code: string): Edit {
  const original = code.slice(st.getStart(), st.getEnd());
  const spec = (st.moduleSpecifier as ts.StringLiteral).text;
  const req = `require(${JSON.stringify(spec)})`;
  const c = st.importClause;
  let text: string;
  if (!c) text = `${req};`;
  else if (c.isTypeOnly) text = '';
  else {
    const parts: string[] = [];
    const tmp = `__tsflink_m${st.pos}`;
    const nb = c.namedBindings;
    const named = nb && ts.isNamedImports(nb) ? nb.elements.filter((e) => !e.isTypeOnly) : [];
    const needsTmp = (c.name ? 1 : 0) + (nb && ts.isNamespaceImport(nb) ? 1 : 0) + (named.length ? 1 : 0) > 1;
    const source = needsTmp ? tmp : req;
    if (needsTmp) parts.push(`const ${tmp} = ${req};`);
    if (c.name) parts.push(`const ${c.name.text} = ${INTEROP_DEFAULT}(${source});`);
    if (nb && ts.isNamespaceImport(nb)) parts.push(`const ${nb.name.text} = ${source};`);
    if (named.length) {
      const fields = named.map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
      parts.push(`const { ${fields.join(', ')} } = ${source};`);
    }
    if (!parts.length && nb && ts.isNamedImports(nb) && nb.elements.length === 0) parts.push(`${req};`);
    text = parts.join(' ');
  }
  return { start: st.getStart(), end: st.getEnd(), text: keepLines(original, text) };
}

function collectEdits(sf: ts.SourceFile, code: string): Edit[] {
  const edits: Edit[] = [];
  const statements = sf.statements;
  statements.forEach((st, i) => {
    if (ts.isImportDeclaration(st)) {
      edits.push(importEdit(st, code));
    } else if (ts.isImportEqualsDeclaration(st)) {
      const original = code.slice(st.getStart(), st.getEnd());
      const ref = st.moduleReference;
      const text = st.isTypeOnly
        ? ''
        : ts.isExternalModuleReference(ref)
          ? `const ${st.name.text} = require(${ref.expression.getText()});`
          : `const ${st.name.text} = ${ref.getText()};`;
      edits.push({ start: st.getStart(), end: st.getEnd(), text: keepLines(original, text) });
    } else if (ts.isExportDeclaration(st) || ts.isExportAssignment(st)) {
      const original = code.slice(st.getStart(), st.getEnd());
      const text = ts.isExportAssignment(st) ? `${st.expression.getText()};` : '';
      edits.push({ start: st.getStart(), end: st.getEnd(), text: keepLines(original, text) });
    } else {
      const exp = ts.canHaveModifiers(st) ? (ts.getModifiers(st) ?? []).find((m) => m.kind === ts.SyntaxKind.ExportKeyword) : undefined;
      if (exp) edits.push({ start: exp.getStart(), end: exp.getEnd(), text: '' });
      if (i === statements.length - 1 && ts.isExpressionStatement(st)) {
        const e = st.expression;
        edits.push({ start: e.getStart(), end: e.getStart(), text: `${RESULT_VAR} = (` });
        edits.push({ start: e.getEnd(), end: e.getEnd(), text: ')' });
      }
    }
  });
  return edits;
}

function applyEdits(code: string, edits: Edit[]): { text: string; spans: EditSpan[] } {
  let out = '';
  let at = 0;
  const spans: EditSpan[] = [];
  for (const e of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    out += code.slice(at, e.start);
    spans.push([out.length, out.length + e.text.length, e.start, e.end]);
    out += e.text;
    at = e.end;
  }
  return { text: out + code.slice(at), spans };
}

/**
 * The JavaScript for a cell (its statements only; the evaluator wraps them). Type errors are the
 * checker's business; this only strips types and rewrites module syntax.
 */
export function transformCell(code: string): TransformedCell {
  const sf = parseCell(code);
  const { text: edited, spans } = applyEdits(code, collectEdits(sf, code));
  const out = ts.transpileModule(edited, {
    fileName: 'cell.ts',
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleDetection: ts.ModuleDetectionKind.Force,
      sourceMap: true,
      inlineSources: false,
      // keep const enums and namespaces as values, and every import we turned into a const
      isolatedModules: true,
      verbatimModuleSyntax: false,
      useDefineForClassFields: true,
    },
  });
  const js = out.outputText
    .replace(/\/\/# sourceMappingURL=.*$/m, '')
    .replace(/^export \{\};\s*$/m, '');
  return {
    js,
    sourceMap: out.sourceMapText ?? '',
    positions: { edits: spans, editedLineStarts: lineStarts(edited), originalLineStarts: lineStarts(code) },
    declared: declaredNames(sf),
  };
}

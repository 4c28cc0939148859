/**
 * Reads a function's source text (`fn.toString()`) with the TypeScript compiler API: what kind of
 * function it is, how to turn its text back into an expression, and which identifiers it uses
 * from its surroundings (its free variables).
 */
import ts from 'typescript';

export type FunctionKind = 'function' | 'arrow' | 'class' | 'method' | 'getter' | 'setter';

export interface ParsedFunction {
  kind: FunctionKind;
  /** A JS expression evaluating to a fresh copy of the function (the source is embedded verbatim). */
  expression: string;
  /** Offset of the original source text inside `expression` (for source maps). */
  sourceOffset: number;
  /** Free identifiers, each with the property names it is read through when only used as `x.name`. */
  free: Map<string, FreeUse>;
  /** The function is an arrow (or contains arrows) reading the `this` of its definition site. */
  lexicalThis: boolean;
  /** Uses `super` outside a class body (an object-literal method): cannot be re-created. */
  usesObjectSuper: boolean;
  /** Declared async or generator (informational). */
  async: boolean;
  generator: boolean;
  /** String literal arguments of `require(...)` calls inside the function. */
  requires: string[];
  /**
   * A class's `extends` expression, replaced in `expression` by `__tsf_super`: the parent is read
   * from the live class (`Object.getPrototypeOf`), as V8 keeps no scope entry for a binding used
   * only there.
   */
  extendsClause?: string;
}

export interface FreeUse {
  /** Every use is `x.member` / `x['member']` (lets module namespaces ship as `require`). */
  membersOnly: boolean;
  members: Set<string>;
}

interface ParseDiagnostics {
  parseDiagnostics?: readonly ts.Diagnostic[];
}

function parse(text: string): ts.SourceFile | undefined {
  const sf = ts.createSourceFile('fn.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const diags = (sf as unknown as ParseDiagnostics).parseDiagnostics ?? [];
  return diags.length === 0 ? sf : undefined;
}

function unparen(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Parses `fn.toString()`; throws if the text is not a function (e.g. native code). */
export function parseFunctionSource(source: string): ParsedFunction {
  const asExpression = `(${source}\n)`;
  let sf = parse(asExpression);
  if (sf && sf.statements.length === 1 && ts.isExpressionStatement(sf.statements[0])) {
    const e = unparen(sf.statements[0].expression);
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e) || ts.isClassExpression(e)) {
      const kind: FunctionKind = ts.isClassExpression(e) ? 'class' : ts.isArrowFunction(e) ? 'arrow' : 'function';
      return analyse(e, kind, asExpression, 1);
    }
  }
  const asMember = `({${source}\n})`;
  sf = parse(asMember);
  if (sf && sf.statements.length === 1 && ts.isExpressionStatement(sf.statements[0])) {
    const e = unparen(sf.statements[0].expression);
    if (ts.isObjectLiteralExpression(e) && e.properties.length === 1) {
      const m = e.properties[0];
      if (m.name && ts.isPrivateIdentifier(m.name)) throw new Error('a private method (#name) cannot be shipped on its own');
      const part = ts.isGetAccessor(m) ? 'get' : ts.isSetAccessor(m) ? 'set' : 'value';
      if (ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
        const expression = `Object.values(Object.getOwnPropertyDescriptors(${asMember}))[0].${part}`;
        const offset = expression.indexOf(asMember) + 2;
        const kind: FunctionKind = part === 'get' ? 'getter' : part === 'set' ? 'setter' : 'method';
        return { ...analyse(m, kind, asMember, 2), expression, sourceOffset: offset };
      }
    }
  }
  throw new Error(`cannot parse the function's source text: ${source.slice(0, 80)}`);
}

type FunctionLike = ts.FunctionLikeDeclaration | ts.ClassLikeDeclaration;

function analyse(node: FunctionLike, kind: FunctionKind, text: string, offset: number): ParsedFunction {
  const walker = new ScopeWalker(node);
  walker.run();
  const mods = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  let expression = text;
  let extendsClause: string | undefined;
  if (ts.isClassLike(node)) {
    const ext = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (ext) {
      extendsClause = text.slice(ext.getStart(), ext.getEnd());
      expression = text.slice(0, ext.getStart()) + '__tsf_super' + text.slice(ext.getEnd());
    }
  }
  return {
    kind,
    extendsClause,
    expression,
    sourceOffset: offset,
    free: walker.free,
    lexicalThis: walker.lexicalThis,
    usesObjectSuper: walker.objectSuper,
    async: mods.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword),
    generator: !ts.isClassLike(node) && !!(node as ts.FunctionLikeDeclaration).asteriskToken,
    requires: walker.requires,
  };
}

class Scope {
  readonly names = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}
  has(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.names.has(name)) return true;
    return false;
  }
}

function bindingNames(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

/** var declarations and function declarations hoisted to a function body (not into nested functions). */
function hoistedVars(body: ts.Node, out: Set<string>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) {
      for (const d of n.declarations) bindingNames(d.name, out);
    }
    if (ts.isFunctionDeclaration(n)) {
      if (n.name) out.add(n.name.text);
      return;
    }
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
}

/** let/const/class/function declared directly in a block's statements. */
function blockDeclarations(statements: readonly ts.Statement[], out: Set<string>): void {
  for (const s of statements) {
    if (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.BlockScoped) {
      for (const d of s.declarationList.declarations) bindingNames(d.name, out);
    } else if ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s)) && s.name) {
      out.add(s.name.text);
    }
  }
}

class ScopeWalker {
  readonly free = new Map<string, FreeUse>();
  readonly requires: string[] = [];
  lexicalThis = false;
  objectSuper = false;
  /** Depth of non-arrow functions/class bodies around the current node (0 = the shipped function's own `this`). */
  private thisDepth = 0;
  private objectMethodDepth = 0;

  constructor(private readonly root: FunctionLike) {}

  run(): void {
    const top = new Scope(undefined);
    if (ts.isArrowFunction(this.root)) this.thisDepth = 0;
    else this.thisDepth = 1;
    this.visit(this.root, top);
  }

  private use(id: ts.Identifier, scope: Scope): void {
    const name = id.text;
    if (scope.has(name)) return;
    let use = this.free.get(name);
    if (!use) this.free.set(name, (use = { membersOnly: true, members: new Set() }));
    const p = id.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === id) use.members.add(p.name.text);
    else if (ts.isElementAccessExpression(p) && p.expression === id && ts.isStringLiteralLike(p.argumentExpression)) {
      use.members.add(p.argumentExpression.text);
    } else use.membersOnly = false;
    if (name === 'require' && ts.isCallExpression(p) && p.expression === id && p.arguments.length === 1) {
      const a = p.arguments[0];
      if (ts.isStringLiteralLike(a)) this.requires.push(a.text);
    }
  }

  private visitAll(nodes: readonly ts.Node[] | undefined, scope: Scope): void {
    if (nodes) for (const n of nodes) this.visit(n, scope);
  }

  private visitFunction(n: ts.FunctionLikeDeclaration, scope: Scope): void {
    if (n.name && ts.isComputedPropertyName(n.name)) this.visit(n.name.expression, scope);
    const fs = new Scope(scope);
    if (ts.isFunctionExpression(n) && n.name) fs.names.add(n.name.text);
    if (!ts.isArrowFunction(n)) fs.names.add('arguments');
    for (const p of n.parameters) bindingNames(p.name, fs.names);
    if (n.body) hoistedVars(n.body, fs.names);
    if (n.body && ts.isBlock(n.body)) blockDeclarations(n.body.statements, fs.names);
    const arrow = ts.isArrowFunction(n);
    const objectMethod = (ts.isMethodDeclaration(n) || ts.isAccessor(n)) && ts.isObjectLiteralExpression(n.parent);
    if (!arrow) this.thisDepth++;
    if (objectMethod) this.objectMethodDepth++;
    for (const p of n.parameters) {
      this.visitBindingDefaults(p.name, fs);
      if (p.initializer) this.visit(p.initializer, fs);
    }
    if (n.body) {
      if (ts.isBlock(n.body)) this.visitAll(n.body.statements, fs);
      else this.visit(n.body, fs);
    }
    if (!arrow) this.thisDepth--;
    if (objectMethod) this.objectMethodDepth--;
  }

  private visitBindingDefaults(name: ts.BindingName, scope: Scope): void {
    if (ts.isIdentifier(name)) return;
    for (const el of name.elements) {
      if (ts.isOmittedExpression(el)) continue;
      if (el.propertyName && ts.isComputedPropertyName(el.propertyName)) this.visit(el.propertyName.expression, scope);
      if (el.initializer) this.visit(el.initializer, scope);
      this.visitBindingDefaults(el.name, scope);
    }
  }

  private visitClass(n: ts.ClassLikeDeclaration, scope: Scope): void {
    const cs = new Scope(scope);
    if (n.name) cs.names.add(n.name.text);
    if (n !== this.root) for (const h of n.heritageClauses ?? []) for (const t of h.types) this.visit(t.expression, cs);
    this.thisDepth++;
    for (const m of n.members) {
      if (m.name && ts.isComputedPropertyName(m.name)) this.visit(m.name.expression, cs);
      if (ts.isPropertyDeclaration(m)) {
        if (m.initializer) this.visit(m.initializer, cs);
      } else if (ts.isClassStaticBlockDeclaration(m)) {
        const bs = new Scope(cs);
        hoistedVars(m.body, bs.names);
        blockDeclarations(m.body.statements, bs.names);
        this.visitAll(m.body.statements, bs);
      } else if (ts.isFunctionLike(m)) {
        this.visitFunction(m as ts.FunctionLikeDeclaration, cs);
      }
    }
    this.thisDepth--;
  }

  private visit(n: ts.Node, scope: Scope): void {
    switch (n.kind) {
      case ts.SyntaxKind.Identifier:
        this.use(n as ts.Identifier, scope);
        return;
      case ts.SyntaxKind.ThisKeyword:
        if (this.thisDepth === 0) this.lexicalThis = true;
        return;
      case ts.SyntaxKind.SuperKeyword:
        if (this.objectMethodDepth > 0) this.objectSuper = true;
        return;
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.FunctionExpression:
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.MethodDeclaration:
      case ts.SyntaxKind.GetAccessor:
      case ts.SyntaxKind.SetAccessor:
      case ts.SyntaxKind.Constructor:
        this.visitFunction(n as ts.FunctionLikeDeclaration, scope);
        return;
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression:
        this.visitClass(n as ts.ClassLikeDeclaration, scope);
        return;
      case ts.SyntaxKind.Block:
      case ts.SyntaxKind.CaseBlock: {
        const statements = ts.isBlock(n) ? n.statements : (n as ts.CaseBlock).clauses.flatMap((c) => [...c.statements]);
        const bs = new Scope(scope);
        blockDeclarations(statements, bs.names);
        if (ts.isBlock(n)) this.visitAll(n.statements, bs);
        else for (const c of (n as ts.CaseBlock).clauses) {
          if (ts.isCaseClause(c)) this.visit(c.expression, bs);
          this.visitAll(c.statements, bs);
        }
        return;
      }
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement: {
        const f = n as ts.ForStatement | ts.ForInStatement | ts.ForOfStatement;
        const fs = new Scope(scope);
        if (f.initializer && ts.isVariableDeclarationList(f.initializer) && f.initializer.flags & ts.NodeFlags.BlockScoped) {
          for (const d of f.initializer.declarations) bindingNames(d.name, fs.names);
        }
        ts.forEachChild(n, (c) => this.visit(c, fs));
        return;
      }
      case ts.SyntaxKind.CatchClause: {
        const c = n as ts.CatchClause;
        const cs = new Scope(scope);
        if (c.variableDeclaration) {
          bindingNames(c.variableDeclaration.name, cs.names);
          this.visitBindingDefaults(c.variableDeclaration.name, cs);
        }
        this.visit(c.block, cs);
        return;
      }
      case ts.SyntaxKind.VariableDeclaration: {
        const d = n as ts.VariableDeclaration;
        this.visitBindingDefaults(d.name, scope);
        if (d.initializer) this.visit(d.initializer, scope);
        return;
      }
      case ts.SyntaxKind.PropertyAccessExpression:
        this.visit((n as ts.PropertyAccessExpression).expression, scope);
        return;
      case ts.SyntaxKind.PropertyAssignment: {
        const p = n as ts.PropertyAssignment;
        if (ts.isComputedPropertyName(p.name)) this.visit(p.name.expression, scope);
        this.visit(p.initializer, scope);
        return;
      }
      case ts.SyntaxKind.ShorthandPropertyAssignment: {
        const p = n as ts.ShorthandPropertyAssignment;
        this.use(p.name, scope);
        if (p.objectAssignmentInitializer) this.visit(p.objectAssignmentInitializer, scope);
        return;
      }
      case ts.SyntaxKind.LabeledStatement:
        this.visit((n as ts.LabeledStatement).statement, scope);
        return;
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
      case ts.SyntaxKind.MetaProperty:
        return;
      default:
        ts.forEachChild(n, (c) => this.visit(c, scope));
    }
  }
}

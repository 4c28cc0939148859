/**
 * Type-checks cells incrementally with the TypeScript language service. Every accepted cell is kept
 * as a virtual module `__tsflink_cell_N.ts` (in cwd, so relative imports resolve as at run time) that exports the names it declares; the cell being checked gets a
 * generated header importing each visible name from where it was last declared (a later cell
 * shadows an earlier one, a cell's own declarations shadow everything), plus the TSFlink API and
 * the session bindings. `let`/`var` names come in as `declare let` so later cells may assign them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { identifierStart } from './cell-positions';
import { declaredNames, parseCell, type DeclarationKind, type DeclaredNames } from './cell-transform';
import type { CompletionResult, Diagnostic, InspectResult } from './types';

type NameSource = { from: 'tsflink' } | { from: 'bindings' } | { from: 'cell'; module: string; kind: DeclarationKind };

export interface TypeCheckerOptions {
  /** Where user imports resolve from (its node_modules); virtual files live below it. */
  cwd: string;
  /** The TSFlink entry for types: src/index.ts, or dist/src/index.d.ts in an installed build. */
  tsflinkEntry: string;
  /** @types folder holding `node`. */
  typeRoots: string[];
  /** The bindings module's declarations (export declare const tEnv: ...). */
  bindingsDeclarations: string;
  bindingNames: string[];
  /** Packages TSFlink's API hands out values of, resolved to TSFlink's own copy: name → declaration entry. */
  sharedPackages?: Record<string, string>;
}

const INTERNAL = /^__tsflink/;

/**
 * Diagnostics a REPL should not stop on: 7016, an npm package without type declarations (its
 * import is typed `any`, as in a JavaScript REPL).
 */
const IGNORED = new Set([7016]);

/** "Cannot find module" diagnostics. */
const MODULE_NOT_FOUND = new Set([2307, 2792]);

/**
 * Reads files from disk once per change. Files under node_modules and TypeScript's own lib folder
 * are taken as fixed for the session; others (the user's own modules) are re-read when their mtime
 * changes. Re-reading every file for every cell cost ~10 ms a cell.
 */
class DiskFiles {
  private readonly cache = new Map<string, { text: string | undefined; mtimeMs: number }>();
  private readonly libDir = path.dirname(ts.getDefaultLibFilePath({}));

  private fixed(f: string): boolean {
    return f.includes(`${path.sep}node_modules${path.sep}`) || f.startsWith(this.libDir);
  }

  private mtime(f: string): number {
    return fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  }

  private entry(f: string): { text: string | undefined; mtimeMs: number } {
    const cached = this.cache.get(f);
    if (cached && this.fixed(f)) return cached;
    const mtimeMs = this.mtime(f);
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    const text = mtimeMs < 0 ? undefined : fs.readFileSync(f, 'utf8');
    const fresh = { text, mtimeMs };
    this.cache.set(f, fresh);
    return fresh;
  }

  read(f: string): string | undefined {
    return this.entry(f).text;
  }

  version(f: string): string {
    return String(this.entry(f).mtimeMs);
  }
}

/** Every name (value or type) that a TSFlink entry file exports, read from its export clauses. */
function exportedNames(entryFile: string): string[] {
  const sf = ts.createSourceFile(entryFile, fs.readFileSync(entryFile, 'utf8'), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) names.push(el.name.text);
    }
  }
  return names;
}

export class CellTypeChecker {
  private readonly dir: string;
  private readonly currentFile: string;
  private readonly bindingsFile: string;
  private readonly files = new Map<string, { text: string; version: number }>();
  /**
   * The program's root files. Accepted cells join the program only through the imports of the cell
   * being checked, so a cell that changes no imports reuses the whole previous program (a new root
   * file per cell made TypeScript walk every declaration file again: ~10 ms a cell).
   */
  private readonly roots: string[] = [];
  private readonly disk = new DiskFiles();
  private readonly resolutionCache: ts.ModuleResolutionCache;
  private readonly scope = new Map<string, NameSource>();
  private readonly service: ts.LanguageService;
  private readonly options: ts.CompilerOptions;
  private cellCount = 0;

  constructor(private readonly opts: TypeCheckerOptions) {
    // Virtual files sit in cwd itself, so relative imports resolve as they do at run time.
    this.dir = opts.cwd;
    this.currentFile = path.join(this.dir, '__tsflink_current.ts');
    this.bindingsFile = path.join(this.dir, '__tsflink_bindings.ts');
    this.files.set(this.bindingsFile, { text: opts.bindingsDeclarations, version: 1 });
    this.files.set(this.currentFile, { text: 'export {};', version: 1 });
    this.roots.push(this.bindingsFile, this.currentFile);
    for (const n of exportedNames(opts.tsflinkEntry)) this.scope.set(n, { from: 'tsflink' });
    for (const n of opts.bindingNames) this.scope.set(n, { from: 'bindings' });
    this.options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      moduleDetection: ts.ModuleDetectionKind.Force,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      typeRoots: opts.typeRoots,
      strict: true,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      skipLibCheck: true,
      // declaration emit only, in memory (commit keeps each cell as its declaration file)
      declaration: true,
      emitDeclarationOnly: true,
      resolveJsonModule: true,
      paths: { tsflink: [opts.tsflinkEntry], ...Object.fromEntries(Object.entries(opts.sharedPackages ?? {}).map(([name, entry]) => [name, [entry]])) },
    };
    const canonical = (f: string) => (ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase());
    this.resolutionCache = ts.createModuleResolutionCache(opts.cwd, canonical, this.options);
    // getModuleResolutionCache is read by the language service though its host type omits it; without
    // it every program re-reads and re-parses the package.json files above each declaration file.
    const host: ts.LanguageServiceHost & Pick<ts.CompilerHost, 'getModuleResolutionCache'> = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.roots],
      getScriptVersion: (f) => {
        const v = this.files.get(f);
        return v ? String(v.version) : this.disk.version(f);
      },
      getScriptSnapshot: (f) => {
        const text = this.files.get(f)?.text ?? this.disk.read(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getModuleResolutionCache: () => this.resolutionCache,
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containing) =>
        literals.map((lit) =>
          ts.resolveModuleName(
            lit.text,
            containingFile,
            options,
            host,
            this.resolutionCache,
            redirected,
            ts.getModeForUsageLocation(containing, lit, options),
          ),
        ),
      getCurrentDirectory: () => opts.cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.files.has(f) || ts.sys.fileExists(f),
      readFile: (f) => this.files.get(f)?.text ?? this.disk.read(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /**
   * The import header a cell declaring `own` sees. With `used` (the identifiers the cell contains),
   * only the earlier cells' names it mentions are imported: a name the cell never mentions cannot
   * change how it type-checks, and importing every name ever declared made each check (and each
   * stored cell) grow with the session's history. TSFlink's API and the bindings are a fixed set.
   */
  private header(own: DeclaredNames, used?: Set<string>): string {
    const fromTsflink: string[] = [];
    const fromBindings: string[] = [];
    const fromCells = new Map<string, string[]>();
    const lets: string[] = [];
    for (const [name, src] of this.scope) {
      if (own.has(name)) continue;
      if (used && src.from === 'cell' && !used.has(name)) continue;
      if (src.from === 'tsflink') fromTsflink.push(name);
      else if (src.from === 'bindings') fromBindings.push(name);
      else if (src.kind === 'let') lets.push(`declare let ${name}: typeof import('./${src.module}').${name};`);
      else {
        const list = fromCells.get(src.module) ?? [];
        list.push(name);
        fromCells.set(src.module, list);
      }
    }
    const parts: string[] = [];
    if (fromTsflink.length) parts.push(`import { ${fromTsflink.join(', ')} } from 'tsflink';`);
    if (fromBindings.length) parts.push(`import { ${fromBindings.join(', ')} } from './__tsflink_bindings';`);
    for (const [m, names] of fromCells) parts.push(`import { ${names.join(', ')} } from './${m}';`);
    parts.push(...lets);
    return parts.join(' ') + '\n';
  }

  /**
   * Makes the current file the cell behind its header. Checking imports only the names the cell
   * mentions; completion and inspection see every visible name (`allNames`), since what the user
   * is about to type is not in the cell yet.
   */
  private setCurrent(code: string, allNames = false, reuse = false): number {
    const sf = parseCell(code);
    const own = declaredNames(sf);
    const head = this.header(own, allNames ? undefined : identifiersIn(sf));
    // Exported as commit() records it, so the commit after a check reuses the check's program.
    const text = `${head}${code}\nexport { ${[...own.keys()].join(', ')} };\n`;
    const entry = this.files.get(this.currentFile)!;
    // A new version makes a new program (files on disk may have changed since: a module that was
    // missing); only commit() reuses the program of the check of the same cell just before it.
    if (!reuse || entry.text !== text) {
      entry.text = text;
      entry.version++;
    }
    return head.length;
  }

  /** Errors (and warnings) of a cell, positioned in the cell. */
  check(code: string): Diagnostic[] {
    const offset = this.setCurrent(code);
    const diags = [
      ...this.service.getSyntacticDiagnostics(this.currentFile),
      ...this.service.getSemanticDiagnostics(this.currentFile),
    ];
    // A module that was missing may exist by the next cell; do not let the cache remember the miss.
    if (diags.some((d) => MODULE_NOT_FOUND.has(d.code))) this.resolutionCache.clear();
    const out: Diagnostic[] = [];
    for (const d of diags) {
      if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) continue;
      if (IGNORED.has(d.code)) continue;
      const start = d.start === undefined ? offset : d.start;
      // A problem in the generated header would be ours; report it at the cell's start rather than hide it.
      const at = Math.min(Math.max(start - offset, 0), code.length);
      const before = code.slice(0, at).split('\n');
      out.push({
        message: withHint(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
        line: before.length,
        column: before[before.length - 1].length + 1,
        category: d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
        code: d.code,
      });
    }
    return out;
  }

  /**
   * Records an accepted cell so later cells see its declarations. What is kept is the cell's
   * declaration file (TypeScript's declaration emit of the cell as a module exporting its names):
   * signatures and types only, importing just the earlier cells its types refer to. Later cells are
   * checked against it, never against the cell's code again, so a long session neither re-checks
   * nor holds every cell's source.
   */
  commit(code: string): void {
    const declared = declaredNames(parseCell(code));
    const module = `__tsflink_cell_${++this.cellCount}`;
    this.setCurrent(code, false, true);
    let text: string | undefined;
    try {
      const out = this.service.getEmitOutput(this.currentFile, true, true);
      text = out.outputFiles.find((f) => f.name.endsWith('.d.ts'))?.text;
    } catch {
      // no declarations: keep the cell's source instead (correct, only bigger)
    }
    let file: string;
    if (text !== undefined) {
      file = path.join(this.dir, `${module}.d.ts`);
    } else {
      file = path.join(this.dir, `${module}.ts`);
      text = this.files.get(this.currentFile)!.text;
    }
    this.files.set(file, { text, version: 1 });
    // A global or module augmentation must apply even to cells that import nothing from this one.
    if (/\bdeclare\s+(global|module)\b/.test(code)) this.roots.push(file);
    for (const [name, kind] of declared) this.scope.set(name, { from: 'cell', module, kind });
  }

  /**
   * What the checker holds and what its last program covered, for tests that a long session's
   * per-cell work stays bounded: `programCellFiles`/`programCellChars` are the earlier cells' files
   * (and their size) in the program of the last check; `storedChars` is all cells' text kept.
   */
  stats(): { programFiles: number; programCellFiles: number; programCellChars: number; currentChars: number; storedChars: number } {
    const program = this.service.getProgram();
    const cells = (program?.getSourceFiles() ?? []).filter((f) => /__tsflink_cell_\d+\.(d\.)?ts$/.test(f.fileName));
    let storedChars = 0;
    for (const [f, v] of this.files) if (f !== this.currentFile) storedChars += v.text.length;
    return {
      programFiles: program?.getSourceFiles().length ?? 0,
      programCellFiles: cells.length,
      programCellChars: cells.reduce((n, f) => n + f.text.length, 0),
      currentChars: this.files.get(this.currentFile)!.text.length,
      storedChars,
    };
  }

  complete(code: string, cursor: number): CompletionResult {
    const offset = this.setCurrent(code, true);
    const start = identifierStart(code, cursor);
    const prefix = code.slice(start, cursor);
    const info = this.service.getCompletionsAtPosition(this.currentFile, offset + cursor, {
      includeCompletionsWithInsertText: false,
      includeExternalModuleExports: false,
    });
    const entries = (info?.entries ?? [])
      .filter((e) => e.name.startsWith(prefix) && !INTERNAL.test(e.name))
      .sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name));
    const kindOf = new Map<string, string>();
    for (const e of entries) if (!kindOf.has(e.name)) kindOf.set(e.name, completionKind(e.kind));
    const matches = [...kindOf.keys()];
    return { matches, cursorStart: start, cursorEnd: cursor, kinds: matches.map((m) => kindOf.get(m)!) };
  }

  inspect(code: string, cursor: number): InspectResult {
    const offset = this.setCurrent(code, true);
    const at = (pos: number) => this.service.getQuickInfoAtPosition(this.currentFile, offset + pos);
    const info = at(cursor) ?? (cursor > 0 ? at(cursor - 1) : undefined);
    if (!info) return { found: false, bundle: {} };
    const signature = ts.displayPartsToString(info.displayParts);
    const docs = ts.displayPartsToString(info.documentation);
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trim());
    const text = [signature, docs, ...tags].filter((s) => s.length > 0).join('\n\n');
    const markdown = ['```typescript', signature, '```', docs, ...tags].filter((s) => s.length > 0).join('\n');
    return { found: true, bundle: { 'text/plain': text, 'text/markdown': markdown } };
  }

  /** Builds the program and loads the TSFlink and Node types, so the first real cell is quick. */
  warmUp(): void {
    this.check('const __tsflink_warm = tEnv;');
    this.complete('tEnv.ex', 7);
  }
}

/** Every identifier in a cell (names it may refer to; a superset is harmless). */
function identifiersIn(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** A TypeScript completion entry's kind in the words Jupyter front-ends show next to completions. */
function completionKind(kind: string): string {
  switch (kind) {
    case 'let':
    case 'const':
    case 'var':
    case 'local var':
      return 'variable';
    case 'method':
    case 'construct':
      return 'method';
    case 'local function':
      return 'function';
    case 'getter':
    case 'setter':
      return 'property';
    case 'type':
    case 'alias':
      return 'type';
    case 'external module name':
      return 'module';
    default:
      return kind || 'text';
  }
}

const NULLABLE_PARAMETER_HINT =
  "Hint: SQL values can be NULL, so a UDF parameter of a nullable type gets 'T | null': declare it that way " +
  '(or leave it unannotated), or declare the type NOT NULL, e.g. DataTypes.INT().notNull().';

/** TSFlink's advice for type errors users of its API commonly meet. */
function withHint(message: string): string {
  if (message.includes('ArgsOf<') && message.includes("Type 'null' is not assignable to type")) return `${message}\n${NULLABLE_PARAMETER_HINT}`;
  return message;
}

/**
 * Worker-side view of the dependencies a job shipped through Flink's distributed cache
 * (TableEnvironment.addJsFile/addJsFiles/addArchive/setNpmRequirements, i.e. the
 * python.files / python.archives / python.requirements options). Flink's Java side materialises
 * them under `<tmp>/python-dist-<uuid>/` and tells the worker through environment variables:
 *
 *   PYTHONPATH                         shipped files/dirs (and extracted zips), then the npm
 *                                      requirements' node_modules (printed by our python shim)
 *   _PYTHON_WORKING_DIR                 the extracted archives (the worker's cwd)
 *   _PYTHON_REQUIREMENTS_INSTALL_DIR    prefix the requirements were `npm install`ed into
 *
 * The worker main calls `installWorkerDependencies()` once at startup; `loadShipped` then resolves
 * `require()` calls of shipped UDF code against these locations first.
 */
import * as fs from 'node:fs';
import Module, { createRequire, isBuiltin } from 'node:module';
import * as path from 'node:path';
import { packageRoot } from '../gateway/paths';

export interface WorkerDependencies {
  /** Shipped files and directories requirable by their name (`mylib` for mylib.js or mylib/). */
  modules: Map<string, string>;
  /** Directories searched like NODE_PATH (`<root>/<request>`, and node_modules lookups). */
  searchRoots: string[];
  /** The extracted archives directory (the worker's working directory), if any. */
  workingDir?: string;
  /** node_modules the npm requirements were installed into, if any. */
  requirementsNodeModules?: string;
}

const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.json', '.node'];

function moduleName(entry: string): string {
  const base = path.basename(entry);
  const ext = path.extname(base);
  return JS_EXTENSIONS.includes(ext) ? base.slice(0, -ext.length) : base;
}

/** Reads the dependency locations from the environment Flink gives a worker. */
export function workerDependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerDependencies {
  const installDir = env._PYTHON_REQUIREMENTS_INSTALL_DIR;
  const deps = shippedDependencyLookup((env.PYTHONPATH ?? '').split(path.delimiter).filter(Boolean), {
    requirementsNodeModules: installDir ? path.join(installDir, 'node_modules') : undefined,
    // Flink links each shipped file into a directory of its own, so its directory holds only it
    fileDirsAreRoots: true,
  });
  if (env._PYTHON_WORKING_DIR) {
    deps.workingDir = env._PYTHON_WORKING_DIR;
    if (!deps.searchRoots.includes(deps.workingDir)) deps.searchRoots.push(deps.workingDir);
  }
  return deps;
}

/**
 * The lookup tables for shipped entries (files and directories; missing ones are skipped) and the
 * npm requirements' node_modules. The worker builds them from PYTHONPATH; embedded mode's bundler
 * (src/api/udf/shipped-modules.ts) from `python.files` on the client, where a file's directory is
 * the user's own and holds files that were not shipped (`fileDirsAreRoots: false`).
 */
export function shippedDependencyLookup(entries: readonly string[], options: { requirementsNodeModules?: string; fileDirsAreRoots: boolean }): WorkerDependencies {
  const deps: WorkerDependencies = { modules: new Map(), searchRoots: [] };
  const addRoot = (dir: string) => {
    if (!deps.searchRoots.includes(dir)) deps.searchRoots.push(dir);
  };
  if (options.requirementsNodeModules) deps.requirementsNodeModules = options.requirementsNodeModules;
  for (const entry of entries) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(entry);
    } catch {
      continue;
    }
    if (stat.isFile()) {
      if (!deps.modules.has(moduleName(entry))) deps.modules.set(moduleName(entry), entry);
      if (options.fileDirsAreRoots) addRoot(path.dirname(entry));
    } else if (stat.isDirectory()) {
      if (path.basename(entry) !== 'node_modules' && !deps.modules.has(moduleName(entry)) && isRequirableDir(entry)) {
        deps.modules.set(moduleName(entry), entry);
      }
      addRoot(entry);
    }
  }
  if (deps.requirementsNodeModules) addRoot(deps.requirementsNodeModules);
  return deps;
}

function isRequirableDir(dir: string): boolean {
  return ['package.json', 'index.js', 'index.cjs', 'index.ts'].some((f) => fs.existsSync(path.join(dir, f)));
}

let current: WorkerDependencies | undefined;
let tsHookInstalled = false;

/**
 * Called once by the worker main at startup (before loading any UDF): records the shipped
 * dependency locations for `loadShipped`'s `require`, lets shipped `.ts` files be required
 * (transpiled on load), and makes the archives directory the working directory.
 */
export function installWorkerDependencies(env: NodeJS.ProcessEnv = process.env): WorkerDependencies {
  current = workerDependenciesFromEnv(env);
  installTypeScriptHook();
  if (current.workingDir && fs.existsSync(current.workingDir)) process.chdir(current.workingDir);
  return current;
}

/** The dependencies in effect (computed from process.env on first use if the main did not). */
export function workerDependencies(): WorkerDependencies {
  current ??= workerDependenciesFromEnv();
  return current;
}

/** Shipped `.ts`/`.cts`/`.mts` files are transpiled to CommonJS when required. */
export function installTypeScriptHook(): void {
  if (tsHookInstalled) return;
  tsHookInstalled = true;
  const extensions = (require as NodeJS.Require).extensions as Record<string, (m: NodeModule, f: string) => void>;
  for (const ext of ['.ts', '.cts', '.mts']) {
    if (extensions[ext]) continue;
    extensions[ext] = (m, filename) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ts = require('typescript') as typeof import('typescript');
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
      });
      (m as unknown as { _compile(code: string, file: string): void })._compile(out.outputText, filename);
    };
  }
}

const ownRequire = createRequire(__filename);

function tryResolve(request: string, options?: { paths: string[] }): string | undefined {
  try {
    return ownRequire.resolve(request, options);
  } catch {
    return undefined;
  }
}

/**
 * Where a `require(request)` of shipped code goes: a node builtin, a shipped file/dir by name,
 * `<root>/<request>` or a node_modules package under a shipped root or the requirements, else the
 * worker's own node_modules (packages installed with tsflink).
 */
export function resolveShippedRequest(request: string, deps: WorkerDependencies = workerDependencies()): string {
  if (isBuiltin(request)) return request;
  if (request === 'tsflink' || request.startsWith('tsflink/')) {
    const own = tryResolve(path.join(packageRoot(), request.slice('tsflink'.length) || '.'));
    if (own) return own;
  }
  const shipped = resolveInShipped(request, deps);
  if (shipped) return shipped;
  const own = tryResolve(request);
  if (own) return own;
  const where = deps.searchRoots.length ? ` (searched the shipped dependencies ${deps.searchRoots.join(', ')} and the worker's node_modules)` : '';
  const e = new Error(`Cannot find module '${request}' for shipped UDF code${where}; ship it with addJsFile/addArchive/setNpmRequirements`);
  (e as NodeJS.ErrnoException).code = 'MODULE_NOT_FOUND';
  throw e;
}

/**
 * The file `request` names among the shipped dependencies only: a shipped file/dir by name,
 * `<root>/<request>`, or a node_modules package under a shipped root or the requirements.
 */
export function resolveInShipped(request: string, deps: WorkerDependencies): string | undefined {
  const bare = request.replace(/^\.\//, '');
  const byName = deps.modules.get(bare) ?? deps.modules.get(moduleName(bare));
  if (byName) {
    if (isFile(byName)) return byName;
    const r = tryResolve(byName);
    if (r) return r;
  }
  for (const root of deps.searchRoots) {
    const r = tryResolve(path.join(root, request));
    if (r) return r;
  }
  if (!request.startsWith('.') && !path.isAbsolute(request)) {
    for (const root of deps.searchRoots) {
      const base = path.basename(root) === 'node_modules' ? path.dirname(root) : root;
      const r = tryResolve(request, { paths: [base] });
      if (r) return r;
    }
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

interface InternalModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
}
interface ModuleInternals {
  new (id: string, parent?: unknown): InternalModule;
  _extensions: Record<string, (m: InternalModule, file: string) => void>;
  _nodeModulePaths(dir: string): string[];
}

const shippedFiles = new Map<string, InternalModule>();

/**
 * Loads a shipped file under the name Flink gave its symlink: the distributed-cache copy it points
 * to has lost the extension, which would make `require` treat a .ts or .json file as JavaScript.
 */
function requireShippedFile(file: string): unknown {
  const cached = shippedFiles.get(file);
  if (cached) return cached.exports;
  const M = Module as unknown as ModuleInternals;
  const handler = M._extensions[path.extname(file)] ?? M._extensions['.js'];
  const m = new M(file, module);
  m.filename = file;
  m.paths = M._nodeModulePaths(path.dirname(file));
  shippedFiles.set(file, m);
  try {
    handler(m, file);
  } catch (e) {
    shippedFiles.delete(file);
    throw e;
  }
  m.loaded = true;
  return m.exports;
}

/** The `require` given to shipped modules. */
export function shippedRequire(deps: WorkerDependencies = workerDependencies()): NodeJS.Require {
  const shipped = new Set(deps.modules.values());
  const req = ((request: string) => {
    const resolved = resolveShippedRequest(request, deps);
    return shipped.has(resolved) && isFile(resolved) ? requireShippedFile(resolved) : ownRequire(resolved);
  }) as NodeJS.Require;
  req.resolve = ((request: string) => resolveShippedRequest(request, deps)) as NodeJS.RequireResolve;
  req.cache = ownRequire.cache;
  req.main = ownRequire.main;
  req.extensions = ownRequire.extensions;
  return req;
}

/**
 * npm packages for embedded mode (docs/embedded.md): a shipped module refers to a package as
 * `require("pkg")` (src/api/udf/ship/modules.ts), and the user's function may call `require('pkg')`
 * itself; a process-mode worker resolves both from the shipped dependencies and node_modules. An
 * embedded runtime has no node_modules (and the v8 engine no `require` at all), so each module the
 * function requires is bundled here, into one CommonJS source with esbuild (the bundler tsx runs
 * on), and travels inside the Java function; the runtime's `require` serves it
 * (JsRuntime.installBundledModules). Modules are found where the worker would find them (the
 * environment's addJsFile files and npm requirements, src/api/udf/shipped-modules.ts), then in the
 * client's own node_modules.
 */
import { builtinModules, createRequire } from 'node:module';
import * as path from 'node:path';
import type { EmbeddedEngine } from './udf';
import { isFileSystemModule, shippedModuleLocator, type ShippedDependencies } from './shipped-modules';

const BUILTINS = new Set(builtinModules);

function isBuiltin(id: string): boolean {
  return id.startsWith('node:') || BUILTINS.has(id) || BUILTINS.has(id.split('/')[0]);
}

/**
 * Every id a shipped module passes to `require` as a string literal: its top-level module
 * references (`const v1 = require("pkg")`) and the function's own `require('pkg')` calls. Relative
 * ids are left out (the function's own relative requires are shipped by value, ship/serialize.ts).
 */
function requiredIds(source: string): Set<string> {
  const ids = new Set<string>();
  for (const m of source.matchAll(/\brequire\(\s*(?:"((?:[^"\\\n]|\\.)+)"|'([^'\\\n]+)')\s*\)/g)) {
    const id = m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2];
    if (!id.startsWith('.') && !path.isAbsolute(id)) ids.add(id);
  }
  return ids;
}

/** The package ids a shipped module requires, built-ins left out. */
export function requiredPackages(source: string): string[] {
  return [...requiredIds(source)].filter((id) => !isBuiltin(id));
}

/**
 * The modules a function made for embedded mode is given: each package it requires, bundled (see
 * bundlePackages). In an environment that ships archives (addArchive), a function reading files
 * is refused with the v8 engine, which has no file system, and warned about with the node engine,
 * whose working directory is the TaskManager's: Flink extracts archives for process mode's worker
 * only.
 */
export function embeddedModules(udfName: string, source: string, engine: EmbeddedEngine, deps: ShippedDependencies, warn: (message: string) => void): Record<string, string> {
  const reads = [...requiredIds(source)].find(isFileSystemModule);
  if (reads && deps.archives.length > 0) {
    const problem =
      `TypeScript UDF '${udfName}' reads files (it requires '${reads}'), and this environment ships archives with addArchive (${deps.archives.join(', ')}), ` +
      `which Flink extracts into the working directory of process mode's Node worker only`;
    if (engine === 'v8') {
      throw new TypeError(`${problem}; embedded mode's v8 engine has no file system at all. Run the function in process mode (its option mode: 'process', or tsflink.udf.execution-mode = 'process')`);
    }
    warn(`${problem}; in embedded mode its relative paths are the TaskManager's. A function reading the archives needs process mode (its option mode: 'process')`);
  }
  return bundlePackages(udfName, requiredPackages(source), engine, deps);
}

/**
 * Each package bundled as CommonJS source, resolved as process mode's worker would resolve it
 * (the environment's shipped files, then its npm requirements; src/api/udf/shipped-modules.ts),
 * then as the client resolved it (from the working directory, then from TSFlink's own
 * dependencies). For the v8 engine a package that needs a Node.js built-in is refused here, naming it.
 */
export function bundlePackages(udfName: string, ids: readonly string[], engine: EmbeddedEngine, deps: ShippedDependencies): Record<string, string> {
  if (ids.length === 0) return {};
  // esbuild comes with tsx, which TSFlink runs on; loaded only when a function needs it
  const esbuild = require('esbuild') as typeof import('esbuild');
  const inShipped = shippedModuleLocator(deps);
  const out: Record<string, string> = {};
  for (const id of ids) {
    let entry: string;
    try {
      entry = inShipped(id) ?? resolvePackage(id);
    } catch (e) {
      throw new TypeError(`TypeScript UDF '${udfName}' requires '${id}', which embedded mode cannot find to bundle it: ${notFoundDetail(e as Error, deps)}`);
    }
    try {
      const result = esbuild.buildSync({
        entryPoints: [entry],
        bundle: true,
        format: 'cjs',
        platform: engine === 'node' ? 'node' : 'neutral',
        mainFields: ['module', 'main'],
        conditions: ['import', 'require', 'default'],
        target: 'es2022',
        write: false,
        logLevel: 'silent',
        legalComments: 'none',
      });
      out[id] = result.outputFiles[0].text;
    } catch (e) {
      const missing = /Could not resolve "([^"]+)"/.exec((e as Error).message)?.[1];
      if (missing && isBuiltin(missing)) {
        throw new TypeError(
          `TypeScript UDF '${udfName}': npm package '${id}' needs Node.js's '${missing}', which embedded mode's v8 engine does not have; use engine: 'node' (standalone clusters) or process mode`,
        );
      }
      throw new TypeError(`TypeScript UDF '${udfName}': npm package '${id}' could not be bundled for embedded mode: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
    }
  }
  return out;
}

/** Where a module was looked for, and what else could explain it. */
function notFoundDetail(error: Error, deps: ShippedDependencies): string {
  if (!/Cannot find module/.test(error.message)) return error.message.split('\n')[0];
  const shipped = [
    ...(deps.files.length ? [`the files shipped with addJsFile (${deps.files.join(', ')})`] : []),
    ...(deps.requirements ? [`the npm requirements (setNpmRequirements: ${deps.requirements.file})`] : []),
  ];
  const archives = deps.archives.length
    ? `; the archives shipped with addArchive (${deps.archives.join(', ')}) are extracted for process mode only: a function requiring from them needs mode: 'process'`
    : '';
  return `not in ${[...shipped, `node_modules from ${process.cwd()}`, "TSFlink's own"].join(', ')}${archives}`;
}

function resolvePackage(id: string): string {
  try {
    return createRequire(path.join(process.cwd(), 'noop.js')).resolve(id);
  } catch {
    return require.resolve(id);
  }
}

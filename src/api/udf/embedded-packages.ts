/**
 * npm packages for embedded mode (docs/embedded.md): a shipped module refers to a package as
 * `require("pkg")` (src/api/udf/ship/modules.ts), which a process-mode worker resolves from
 * node_modules. An embedded runtime has no node_modules (and the v8 engine no `require` at all), so
 * each package the function requires is bundled here, from the client's own node_modules, into one
 * CommonJS source with esbuild (the bundler tsx runs on), and travels inside the Java function;
 * the runtime's `require` serves it (JsRuntime.installBundledModules).
 */
import { builtinModules, createRequire } from 'node:module';
import * as path from 'node:path';
import type { EmbeddedEngine } from './udf';

const BUILTINS = new Set(builtinModules);

function isBuiltin(id: string): boolean {
  return id.startsWith('node:') || BUILTINS.has(id) || BUILTINS.has(id.split('/')[0]);
}

/** The package ids a shipped module requires (its top-level `require("…")` calls), built-ins left out. */
export function requiredPackages(source: string): string[] {
  const ids = new Set<string>();
  for (const m of source.matchAll(/^const v\d+ = require\("((?:[^"\\]|\\.)+)"\)/gm)) {
    const id = JSON.parse(`"${m[1]}"`) as string;
    if (!isBuiltin(id)) ids.add(id);
  }
  return [...ids];
}

/**
 * Each package bundled as CommonJS source, resolved as the client resolved it (from the working
 * directory, then from TSFlink's own dependencies). For the v8 engine a package that needs a Node.js
 * built-in is refused here, naming it.
 */
export function bundlePackages(udfName: string, ids: readonly string[], engine: EmbeddedEngine): Record<string, string> {
  if (ids.length === 0) return {};
  // esbuild comes with tsx, which TSFlink runs on; loaded only when a function needs it
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out: Record<string, string> = {};
  for (const id of ids) {
    let entry: string;
    try {
      entry = resolvePackage(id);
    } catch (e) {
      throw new TypeError(`TypeScript UDF '${udfName}' requires npm package '${id}', which cannot be found from ${process.cwd()} to bundle it for embedded mode: ${(e as Error).message.split('\n')[0]}`);
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

function resolvePackage(id: string): string {
  try {
    return createRequire(path.join(process.cwd(), 'noop.js')).resolve(id);
  } catch {
    return require.resolve(id);
  }
}

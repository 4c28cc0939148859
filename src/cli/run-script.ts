/**
 * The child side of `tsflink run`: loads the user's script (TypeScript via tsx) and, once the
 * script's work is done (the event loop has nothing left), shuts the session down. Exit 0 on
 * success, 1 with the error (Flink's message, cause and SQL position) if the script failed.
 * TSFLINK_DEBUG=1 prints full stack traces.
 */
import * as Module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlinkError } from '../gateway/errors';
import { packageRoot } from '../gateway/paths';
import { Session } from '../session/session';

const script = path.resolve(process.argv[2]);
const debug = process.env.TSFLINK_DEBUG === '1';
let exiting = false;

async function shutdownAndExit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    const session = await Session.running().catch(() => undefined);
    await session?.close().catch(() => undefined);
  }
  process.exit(code);
}

/** The first stack frame inside the user's script, e.g. `at main (/jobs/etl.ts:12:9)`. */
function scriptFrame(e: Error): string | undefined {
  return e.stack
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('at ') && l.includes(script));
}

/** One clear report of why the script failed: the error and where, not a wall of stack frames. */
export function describeFailure(e: unknown): string[] {
  if (e instanceof FlinkError) {
    const lines = [`tsflink: the job script failed: ${e.message}`];
    if (e.sqlPosition) lines.push(`  at SQL line ${e.sqlPosition.line}, column ${e.sqlPosition.column}`);
    const frame = scriptFrame(e);
    if (frame) lines.push(`  ${frame}`);
    if (debug) lines.push(e.stack ?? '', e.javaStackTrace);
    return lines;
  }
  if (e instanceof Error) {
    if (/Top-level await is currently not supported with the "cjs" output format/.test(e.message)) {
      return [
        `tsflink: ${script} uses top-level await, which needs an ES module script:`,
        '  name it .mts, add "type": "module" to its package.json, or wrap the code in an async function',
      ];
    }
    const lines = [`tsflink: the job script failed: ${e.name}: ${e.message}`];
    const frame = scriptFrame(e);
    if (frame) lines.push(`  ${frame}`);
    if (e.cause !== undefined) lines.push(`  caused by: ${e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message}` : String(e.cause)}`);
    if (debug && e.stack) lines.push(e.stack);
    return lines;
  }
  return [`tsflink: the job script failed: ${String(e)}`];
}

function fail(e: unknown): void {
  if (exiting) return;
  for (const line of describeFailure(e)) console.error(line);
  void shutdownAndExit(1);
}

process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
process.on('beforeExit', () => void shutdownAndExit(Number(process.exitCode ?? 0)));
process.on('SIGINT', () => {
  console.error('tsflink: interrupted, stopping the session');
  void shutdownAndExit(130);
});

// Let scripts anywhere `import ... from 'tsflink'` (or its dependencies, e.g. 'apache-arrow') from
// this installation: CommonJS through NODE_PATH (set by `tsflink`), ES modules through a resolve
// hook that retries bare specifiers from the installation when the script's own lookup fails.
(Module as unknown as { _initPaths(): void })._initPaths();
const fallbackParent = pathToFileURL(path.join(packageRoot(), 'package.json')).href;
// A .ts script that the package.json's type makes CommonJS, but that uses top-level await (every
// job script starts with `await TableEnvironment.create`), is loaded again as an ES module: the
// first load fails while compiling, before any of it ran, and the second asks for module format.
const ESM_QUERY = '?tsflink-esm';
const resolveHook = `
export async function resolve(specifier, context, next) {
  let resolved;
  try {
    resolved = await next(specifier, context);
  } catch (e) {
    if (/^[./]|^[a-z]+:/i.test(specifier)) throw e;
    return next(specifier, { ...context, parentURL: ${JSON.stringify(fallbackParent)} });
  }
  return resolved.url.endsWith(${JSON.stringify(ESM_QUERY)}) ? { ...resolved, format: 'module' } : resolved;
}`;
Module.register('data:text/javascript,' + encodeURIComponent(resolveHook));
// The script sees `process.argv` as if run directly: [node, script, ...args after --].
process.argv = [process.argv[0], script, ...process.argv.slice(3)];
// A real import() (tsc would turn a plain one into require()), so .mts scripts load as ES modules
// and may use top-level await.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
const TOP_LEVEL_AWAIT_IN_CJS = /Top-level await is currently not supported with the "cjs" output format/;
importModule(pathToFileURL(script).href)
  .catch((e: unknown) => {
    if (!(e instanceof Error && TOP_LEVEL_AWAIT_IN_CJS.test(e.message))) throw e;
    return importModule(pathToFileURL(script).href + ESM_QUERY);
  })
  .catch(fail);

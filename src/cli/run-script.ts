/**
 * The child side of `tsflink run`: loads the user's script (TypeScript via tsx) and, once the
 * script's work is done (the event loop has nothing left), shuts the session down. Exit 0 on
 * success, 1 with the error (Flink's message, cause and SQL position) if the script failed.
 */
import * as Module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlinkError } from '../gateway/errors';
import { Session } from '../session/session';

let exiting = false;

async function shutdownAndExit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    const session = await Session.running().catch(() => undefined);
    await session?.close().catch(() => undefined);
  }
  process.exit(code);
}

function fail(e: unknown): void {
  if (e instanceof FlinkError) {
    console.error(`tsflink: the job script failed: ${e.message}`);
    if (e.sqlPosition) console.error(`  at SQL line ${e.sqlPosition.line}, column ${e.sqlPosition.column}`);
  } else {
    console.error('tsflink: the job script failed:', e);
  }
  void shutdownAndExit(1);
}

process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
process.on('beforeExit', () => void shutdownAndExit(Number(process.exitCode ?? 0)));
process.on('SIGINT', () => {
  console.error('tsflink: interrupted, stopping the session');
  void shutdownAndExit(130);
});

// Let scripts anywhere `import ... from 'tsflink'` this installation (NODE_PATH set by `tsflink`).
(Module as unknown as { _initPaths(): void })._initPaths();
import(pathToFileURL(path.resolve(process.argv[2])).href).catch(fail);

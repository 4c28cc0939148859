#!/usr/bin/env node
/**
 * The tsflink Jupyter kernel process: `node dist/kernel/main.js <connection_file>` (what the
 * kernelspec's argv runs). Starts the session core (JVM, mini-cluster, TypeScript service) in the
 * background while the sockets already answer kernel_info.
 */
import { createInteractiveCore } from '../src/repl/core';
import type { InteractiveCore } from '../src/repl/types';
import { defaultHistoryFile } from './history';
import { Kernel } from './server';
import { kernelLog as log } from './stdio';

async function main(): Promise<void> {
  const connectionFile = process.argv[2];
  if (!connectionFile) {
    process.stderr.write('usage: node dist/kernel/main.js <connection_file>\n');
    process.exit(2);
  }
  process.env.TSFLINK_QUIET ??= '1';
  const core: Promise<InteractiveCore> = createInteractiveCore({ cwd: process.cwd() });
  core.catch(() => undefined);
  const kernel = new Kernel({ connectionFile, core, historyFile: defaultHistoryFile(), log });
  await kernel.start();
  // SIGINT (jupyter's signal interrupt mode, Ctrl-C in a console) does what interrupt_request does;
  // the JVM runs with -Xrs, so the signal is ours to handle.
  process.on('SIGINT', () => void kernel.interrupt());
  process.on('SIGTERM', () => {
    void kernel.stop().finally(() => process.exit(0));
  });
  // a cell's stray promise must not take the kernel (and the session) down
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`));
  process.on('uncaughtException', (err) => log(`uncaught exception: ${err.stack ?? String(err)}`));
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});

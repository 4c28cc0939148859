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
  // A cell's stray promise (or a runtime callback's error) must not take the kernel down, nor go
  // unseen: it is shown in the cell running (or run last), with advice if the JVM is out of memory.
  const background = (err: unknown, kind: string) => {
    log(`${kind}: ${err instanceof Error ? err.stack : String(err)}`);
    void core.then((c) => c.reportBackgroundError(err, kind)).catch((e: unknown) => log(`could not report it: ${String(e)}`));
  };
  process.on('unhandledRejection', (reason) => background(reason, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => background(err, 'uncaught exception'));
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});

/**
 * The worker thread hosting the TypeScript language service and the cell transform, so loading
 * and checking TypeScript never blocks the session's event loop (the JVM's callbacks, interrupts,
 * live displays). Requests are answered in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transformCell } from './cell-transform';
import { CellTypeChecker, type TypeCheckerOptions } from './type-checker';
import type { CheckerRequest, CheckerResponse } from './type-checker-client';

const checker = new CellTypeChecker(workerData as TypeCheckerOptions);

function handle(req: CheckerRequest): unknown {
  switch (req.op) {
    case 'warmUp':
      return checker.warmUp();
    case 'prepare': {
      const diagnostics = checker.check(req.code);
      if (diagnostics.some((d) => d.category === 'error')) return { diagnostics };
      const { js, sourceMap, positions } = transformCell(req.code);
      return { diagnostics, js, sourceMap, positions };
    }
    case 'commit':
      return checker.commit(req.code);
    case 'complete':
      return checker.complete(req.code, req.cursor);
    case 'inspect':
      return checker.inspect(req.code, req.cursor);
  }
}

parentPort!.on('message', (req: CheckerRequest) => {
  let res: CheckerResponse;
  try {
    res = { id: req.id, ok: true, value: handle(req) };
  } catch (e) {
    res = { id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(res);
});

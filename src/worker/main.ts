/**
 * The TSFlink UDF worker: the process flink-python's process-mode environment launches (through
 * bin/pyflink-udf-runner.sh) with `--id=<worker id> --provision_endpoint=<host:port>`. It plays
 * the part of PyFlink's Python SDK harness: provision, then logging and control, then bundles.
 */
import { installWorkerDependencies } from './dependencies';
import { FnApiClient } from './fn-api';
import { Harness } from './harness';
import { WorkerLog } from './logging';

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    if (m[2] !== undefined) out.set(m[1], m[2]);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(m[1], argv[++i]);
    else out.set(m[1], '');
  }
  return out;
}

/** The worker's own way out; UDF code gets an error instead (as PyFlink's sys.exit raises). */
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  throw new Error(`process.exit(${code ?? ''}) was called, but a UDF cannot end the TSFlink worker; throw an Error to fail the job`);
}) as typeof process.exit;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workerId = args.get('id') ?? process.env.WORKER_ID ?? '';
  const provisionEndpoint = args.get('provision_endpoint');
  if (!provisionEndpoint) throw new Error('usage: main.js --id=<worker id> --provision_endpoint=<host:port>');
  const log = new WorkerLog();
  log.captureConsole();
  installWorkerDependencies();
  const client = new FnApiClient(workerId);
  const info = await client.getProvisionInfo(provisionEndpoint);
  const loggingUrl = info.logging_endpoint?.url;
  if (loggingUrl) log.connect(client.logging(loggingUrl));
  const controlUrl = info.control_endpoint?.url;
  if (!controlUrl) throw new Error('the provision info has no control endpoint');
  const harness = new Harness(client, controlUrl, log, new Map());
  log.info(`TSFlink worker ${workerId} started (pid ${process.pid}, node ${process.version})`);
  const shutdown = async () => {
    await harness.close();
    await log.close();
    client.close();
  };
  process.once('SIGTERM', () => void shutdown().finally(() => exit(0)));
  // An error thrown outside a bundle (e.g. in a timer a UDF started) ends the worker, like a
  // crash; report it in the TaskManager log first.
  process.on('uncaughtException', (e) => {
    log.error(`uncaught error in the TSFlink worker: ${e.message}`, e.stack);
    void log.close().finally(() => exit(1));
  });
  process.on('unhandledRejection', (e) => {
    log.error(`unhandled promise rejection in the TSFlink worker: ${String(e)}`, e instanceof Error ? e.stack : undefined);
  });
  await harness.run();
  await shutdown();
  setTimeout(() => exit(0), 200).unref();
}

main().catch((e: unknown) => {
  process.stderr.write(`TSFlink worker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  exit(1);
});

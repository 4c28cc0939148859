/** Helpers shared by the test services (Kafka broker, PostgreSQL): ports, waiting, log tails, Maven. */
import { runCommand } from '../../src/connectors/command';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** A free TCP port on 127.0.0.1 (the OS picks one; it stays free long enough for a test service). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (never throws for a non-zero exit; a timeout kills it); see src/connectors/command.ts for why not execFile. */
export function run(cmd: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ExecResult> {
  return runCommand(cmd, args, options);
}

/**
 * Copies the runtime dependencies of a test-only pom into dir/lib once (Maven Central through
 * Maven, cached in ~/.m2); a marker file records that the copy completed.
 */
export async function mavenLibs(pom: string, dir: string): Promise<string> {
  const lib = path.join(dir, 'lib');
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return lib;
  fs.rmSync(lib, { recursive: true, force: true });
  fs.mkdirSync(lib, { recursive: true });
  const r = await run('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'], { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`cannot fetch the jars of ${pom} through Maven:\n${(r.stdout + r.stderr).split('\n').filter((l) => l.includes('ERROR')).slice(0, 5).join('\n')}`);
  fs.writeFileSync(marker, new Date().toISOString());
  return lib;
}

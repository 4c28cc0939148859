/**
 * A real PostgreSQL server for tests: Debian's package (installed here, idempotently, when missing
 * and we are root), a fresh cluster (initdb) in a temp dir, started on 127.0.0.1 with a free port.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the package
 * creates. SQL goes through psql over TCP (trust authentication on loopback only).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, logTail, run, sleep } from './common';

export interface Postgres {
  /** jdbc:postgresql://127.0.0.1:port/tsflink */
  jdbcUrl: string;
  user: string;
  /** Runs SQL with psql; returns the rows as tab-separated lines (no header). */
  query(sql: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The directory of initdb/postgres/psql, installing Debian's postgresql package when needed. */
async function postgresBin(): Promise<string> {
  const find = () => {
    const root = '/usr/lib/postgresql';
    if (!fs.existsSync(root)) return undefined;
    const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    return versions.length ? path.join(root, versions[0], 'bin') : undefined;
  };
  let bin = find();
  if (bin) return bin;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL is not installed and installing it needs root: run `sudo apt-get install -y postgresql`');
  let r = await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { timeoutMs: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.code !== 0) {
    // a fresh machine may have no package lists yet
    await run('apt-get', ['update'], { timeoutMs: 600_000 });
    r = await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { timeoutMs: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  bin = find();
  if (!bin) throw new Error(`cannot install PostgreSQL with apt-get (exit ${r.code}):\n${r.stderr.split('\n').slice(-10).join('\n')}`);
  return bin;
}

export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<Postgres> {
  const bin = await postgresBin();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  fs.writeFileSync(logFile, '');
  if (asRoot) {
    // the server's own user must own its directories
    fs.chmodSync(dir, 0o755);
    await run('chown', ['-R', 'postgres:postgres', dir]);
  }
  // as root: run the server's commands as `postgres`
  const as = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const user = 'tsflink';
  const init = await run(...as(path.join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync']), { timeoutMs: 120_000 });
  if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.stdout}${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = as(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off']);
  const out = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', out, out], detached: true });
  const pid = child.pid!;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return !/^\S+ \(\S+\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  const kill = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.once('exit', kill);

  const psql = path.join(bin, 'psql');
  const query = async (sql: string): Promise<string[]> => {
    const r = await run(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`psql failed (exit ${r.code}) for ${sql}:\n${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l.length > 0);
  };

  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`PostgreSQL exited during start-up; its log (${logFile}):\n${logTail(logFile)}`);
    const ready = await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', user], { timeoutMs: 10_000 });
    if (ready.code === 0) break;
    if (Date.now() > deadline) {
      kill();
      throw new Error(`PostgreSQL was not ready within ${timeoutMs} ms; its log (${logFile}):\n${logTail(logFile)}`);
    }
    await sleep(200);
  }
  return {
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/postgres`,
    user,
    query,
    async stop() {
      process.removeListener('exit', kill);
      try {
        process.kill(-pid, 'SIGINT'); // fast shutdown (the group: runuser and postgres)
      } catch {
        // gone
      }
      const until = Date.now() + 10_000;
      while (alive() && Date.now() < until) await sleep(100);
      kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

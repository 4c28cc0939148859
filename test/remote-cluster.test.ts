/**
 * Submitting to a real Flink cluster: a standalone JobManager + TaskManager (separate JVMs started
 * from the pinned jars), with this process's session in remote mode (no mini-cluster of its own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, asyncUdf, call, DataTypes, EnvironmentSettings, Session, TableEnvironment, udf, udtf } from '../src/index';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { standaloneClusterStatus } from '../src/cluster/standalone';
import { tempDir } from './helpers';
import { freePort } from './services/common';

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'tsflink.js');
const tsflink = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, TSFLINK_QUIET: '1' } });

const dir = tempDir('tsflink-cluster-');
let cluster: { restAddress: string; remote: string };
let tEnv: TableEnvironment;

beforeAll(async () => {
  // the OS's pick: a port made from the pid met another test file's listener in CI
  const port = await freePort();
  expect(tsflink('cluster', 'start', '--dir', dir, '--port', String(port), '--slots', '2')).toContain(`web UI http://localhost:${port}`);
  cluster = standaloneClusterStatus(dir)!;
  tEnv = await TableEnvironment.create(EnvironmentSettings.inBatchMode(), { remote: cluster.remote });
});

afterAll(async () => {
  await (await Session.running())?.close();
  expect(tsflink('cluster', 'stop', '--dir', dir)).toContain('stopped');
  expect(standaloneClusterStatus(dir)).toBeUndefined();
});

describe('remote cluster', () => {
  it('runs a job on the cluster, not in this process', async () => {
    const session = (await Session.running())!;
    expect(session.local).toBe(false);
    expect(session.restAddress).toBe(cluster.restAddress);
    const t = tEnv.fromValues([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }]);
    const result = await t.groupBy($('k')).select($('k'), $('v').sum().as('total')).orderBy($('k')).execute();
    expect(await result.toArray()).toEqual([
      { k: 'a', total: 4 },
      { k: 'b', total: 2 },
    ]);
    const jobs = (await (await fetch(`${cluster.restAddress}/jobs/overview`)).json()) as { jobs: { jid: string; state: string }[] };
    expect(jobs.jobs.map((j) => j.jid)).toContain(result.jobId);
    expect(jobs.jobs.find((j) => j.jid === result.jobId)?.state).toBe('FINISHED');
  });

  it('reports a failing job with its cause and keeps the session usable', async () => {
    const err = await tEnv.executeSql("SELECT CAST('x' AS INT) AS n").then((r) => r.toArray()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain("NumberFormatException: For input string: 'x'");
    expect(await (await tEnv.executeSql('SELECT 41 + 1 AS n')).toArray()).toEqual([{ n: 42 }]);
  });

  it('runs a TypeScript UDF in Node workers started by the cluster TaskManager', async () => {
    const suffix = '!';
    const shout = udf((s: string | null) => (s === null ? null : `${s.toUpperCase()}${suffix}`), {
      inputTypes: [DataTypes.STRING()],
      resultType: DataTypes.STRING(),
    });
    const t = tEnv.fromValues([{ w: 'remote' }, { w: 'flink' }]).select(call(shout, $('w')).as('loud'));
    const result = await t.execute();
    expect((await result.toArray()).map((r) => r.loud).sort()).toEqual(['FLINK!', 'REMOTE!']);
    const jobs = (await (await fetch(`${cluster.restAddress}/jobs/overview`)).json()) as { jobs: { jid: string }[] };
    expect(jobs.jobs.map((j) => j.jid)).toContain(result.jobId);
  });

  it('runs embedded TypeScript UDFs inside the cluster TaskManager JVM, with the v8 and the node engine', async () => {
    const suffix = '?';
    const bare = udf((s: string | null) => `${s}${suffix} ${typeof process}`, { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), mode: 'embedded' });
    // the node engine is Node.js inside the TaskManager's JVM: its process is java
    const host = udf(
      (s: string | null) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { basename } = require('node:path') as typeof import('node:path');
        return `${s} in ${basename(process.execPath)}`;
      },
      { inputTypes: [DataTypes.STRING()], resultType: DataTypes.STRING(), mode: 'embedded', engine: 'node' },
    );
    const t = tEnv.fromValues([{ w: 'remote' }]).select(call(bare, $('w')).as('bare'), call(host, $('w')).as('host'));
    expect(await (await t.execute()).toArray()).toEqual([{ bare: 'remote? undefined', host: 'remote in java' }]);
    // process.exit() in the node engine would end the TaskManager: it fails the task instead, and
    // the cluster runs the next job
    const quitter = udf(
      (x: number | null) => {
        if (x !== null) process.exit(3);
        return x;
      },
      { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT(), mode: 'embedded', engine: 'node', name: 'quitter' },
    );
    await expect((await tEnv.fromValues([{ x: 1 }]).select(call(quitter, $('x')).as('x')).execute()).toArray()).rejects.toThrow(
      /TypeScript UDF 'quitter' failed: Error: process\.exit\(\) would end the TaskManager's process: embedded mode does not allow it/,
    );
    // a table function too, with the node engine (its generator runs in the TaskManager's JVM)
    const chars = udtf(
      function* (s: string | null) {
        for (const c of s ?? '') yield { c, where: typeof process.pid };
      },
      { inputTypes: [DataTypes.STRING()], resultType: DataTypes.ROW(DataTypes.FIELD('c', DataTypes.STRING()), DataTypes.FIELD('where', DataTypes.STRING())), mode: 'embedded', engine: 'node' },
    );
    const lateral = tEnv.fromValues([{ w: 'ab' }]).joinLateral(call(chars, $('w'))).select($('c'), $('where'));
    const rows = (await (await lateral.execute()).toArray()) as { c: string }[];
    expect(rows.sort((a, b) => a.c.localeCompare(b.c))).toEqual([
      { c: 'a', where: 'number' },
      { c: 'b', where: 'number' },
    ]);
  });

  it('an async UDF with the node engine does real I/O from the TaskManager: fetch from a local HTTP service, Node.js timers', async () => {
    const names = new Map([
      ['1', 'one'],
      ['2', 'two'],
    ]);
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      const id = (req.url ?? '').slice(1);
      seen.push(id);
      // answers out of order: the later ids first
      setTimeout(() => res.end(names.get(id) ?? 'unknown'), id === '1' ? 300 : 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    try {
      const lookup = asyncUdf(
        async (id: number | null) => {
          await new Promise((r) => setTimeout(r, 5));
          const res = await fetch(base + String(id));
          return `${await res.text()} via ${typeof process.versions.node}`;
        },
        { inputTypes: [DataTypes.INT()], resultType: DataTypes.STRING(), mode: 'embedded', engine: 'node', name: 'httpLookup' },
      );
      // Flink plans async scalar functions in streaming mode only; in batch mode the error says so
      await expect(tEnv.fromValues([{ id: 1 }]).select(call(lookup, $('id'))).execute()).rejects.toThrow(/Flink plans async scalar functions in streaming mode only/);
      const streaming = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { remote: cluster.remote });
      const t = streaming.fromValues([{ id: 1 }, { id: 2 }, { id: 3 }]).select($('id'), call(lookup, $('id')).as('name'));
      const rows = (await (await t.execute()).toArray()) as { id: number; name: string }[];
      expect(rows.sort((a, b) => a.id - b.id)).toEqual([
        { id: 1, name: 'one via string' },
        { id: 2, name: 'two via string' },
        { id: 3, name: 'unknown via string' },
      ]);
      expect(seen.sort()).toEqual(['1', '2', '3']);
    } finally {
      server.close();
    }
  });

  it('tsflink run --remote submits a job script to the cluster', async () => {
    const before = (await (await fetch(`${cluster.restAddress}/jobs/overview`)).json()) as { jobs: unknown[] };
    const out = tsflink('run', '--remote', cluster.remote, path.join(__dirname, '..', 'examples', 'word-count.ts'));
    expect(out).toMatch(/\|\s+to\s+\|\s+4\s+\|/);
    const after = (await (await fetch(`${cluster.restAddress}/jobs/overview`)).json()) as { jobs: unknown[] };
    expect(after.jobs.length).toBe(before.jobs.length + 1);
  });
});

describe('tsflink cluster start, beside another cluster', () => {
  it('starts a second cluster on another REST port: the RPC ports do not collide', async () => {
    const other = tempDir('tsflink-cluster-');
    const port = await freePort();
    try {
      expect(tsflink('cluster', 'start', '--dir', other, '--port', String(port), '--slots', '1', '-D', 'taskmanager.memory.process.size=1024m')).toContain(`web UI http://localhost:${port}`);
      expect(standaloneClusterStatus(other)?.alive).toBe(true);
    } finally {
      tsflink('cluster', 'stop', '--dir', other);
    }
  });

  const cliError = (...args: string[]): string => {
    try {
      tsflink(...args);
    } catch (e) {
      return String((e as { stderr: string }).stderr);
    }
    throw new Error(`tsflink ${args.join(' ')} did not fail`);
  };

  it("refuses a REST port that answers already, rather than report another cluster's start as its own", () => {
    const other = tempDir('tsflink-cluster-');
    const err = cliError('cluster', 'start', '--dir', other, '--port', cluster.remote.split(':')[1]);
    expect(err).toContain(`port ${cluster.remote.split(':')[1]} is in use`);
    expect(standaloneClusterStatus(other)).toBeUndefined();
  });

  it('names the cause when a Flink process dies during start-up, and leaves nothing running', async () => {
    const other = tempDir('tsflink-cluster-');
    const taken = cluster.remote.split(':')[1];
    const err = cliError('cluster', 'start', '--dir', other, '--port', String(await freePort()), '-D', `jobmanager.rpc.port=${taken}`);
    expect(err).toMatch(/the jobmanager process exited during start-up: java\.net\.BindException: .*port range \d+/);
    expect(standaloneClusterStatus(other)).toBeUndefined();
  });
});

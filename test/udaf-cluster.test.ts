/**
 * A TypeScript aggregate on a real standalone cluster (a JobManager and three TaskManagers, separate
 * JVMs), in process mode and in embedded mode: the TaskManager running the job is killed mid-job;
 * the job restarts from its last checkpoint on another one, and the final results equal a run
 * without failure. Each test kills one TaskManager, so each still has two.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTypes, EnvironmentSettings, Session, TableEnvironment, udaf } from '../src/index';
import { stopStandaloneCluster, type StandaloneCluster } from '../src/cluster/standalone';
import { changelogOf, startFailoverCluster, taskManagerOf, tempDir, until } from './helpers';
import { expectedSums, PidReportingViewSum } from './udaf-fixtures';

const dir = tempDir('tsflink-udaf-cluster-');
let cluster: StandaloneCluster;
let tEnv: TableEnvironment;

beforeAll(async () => {
  cluster = await startFailoverCluster(dir, 3);
  tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode(), { remote: cluster.remote });
});

afterAll(async () => {
  await (await Session.running())?.close();
  await stopStandaloneCluster(dir);
});

describe('a TaskManager killed mid-job', () => {
  // embedded: the node engine's process.pid is the TaskManager's own pid; the accumulators are Flink's Row state
  it.each(['process', 'embedded'] as const)('the job restarts from its checkpoint on another TaskManager: nothing lost, nothing counted twice (%s mode)', async (mode) => {
    tEnv
      .getConfig()
      .set('execution.checkpointing.interval', '500 ms')
      .set('restart-strategy.type', 'fixed-delay')
      .set('restart-strategy.fixed-delay.attempts', '3')
      .set('restart-strategy.fixed-delay.delay', '1 s')
      .set('parallelism.default', '1')
      .set('python.fn-execution.bundle.size', '10');
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-udaf-tm-')), 'worker.pid');
    const table = `ids_${mode}`;
    const N = 4000;
    await tEnv.executeSql(`CREATE TEMPORARY TABLE ${table} (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '400',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}')`);
    tEnv.createTemporarySystemFunction(
      `tsSum_${mode}`,
      // the accumulator keeps a MapView too: Flink's map state, restored with the rest
      udaf(new PidReportingViewSum(pidFile), {
        inputTypes: [DataTypes.BIGINT()],
        resultType: DataTypes.BIGINT(),
        accumulatorType: DataTypes.ROW(DataTypes.FIELD('perResidue', DataTypes.MAP_VIEW(DataTypes.BIGINT(), DataTypes.BIGINT())), DataTypes.FIELD('sum', DataTypes.BIGINT())),
        ...(mode === 'embedded' ? { mode, engine: 'node' as const } : {}),
      }),
    );
    const result = await tEnv.executeSql(`SELECT id % 3 AS k, tsSum_${mode}(id) AS total, COUNT(*) AS n FROM ${table} GROUP BY id % 3`);
    const log = changelogOf(result);
    const worker = await until('the worker', () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined));
    const tm = mode === 'process' ? taskManagerOf(worker, cluster) : worker;
    expect(cluster.pids).toContain(tm);
    await new Promise((r) => setTimeout(r, 3000)); // a few checkpoints in
    process.kill(tm, 'SIGKILL');
    const byKey = new Map<unknown, Record<string, unknown>>();
    for (const [kind, row] of await log) {
      if (kind === '+I' || kind === '+U') byKey.set(row.k, row);
      else byKey.delete(row.k);
    }
    // total = sum * 1e6 + the ids counted in the MapView (each exactly once)
    const expected = expectedSums(N, 3).map((e) => ({ ...e, total: e.total * 1_000_000n + e.n }));
    expect([...byKey.values()].sort((a, b) => Number(a.k) - Number(b.k))).toEqual(expected);
    // the job ran on: a worker (embedded: the function) of another TaskManager took over
    expect(Number(fs.readFileSync(pidFile, 'utf8'))).not.toBe(worker);
  }, 240_000);
});

/**
 * The Zeppelin-style SQL paragraph runner shared by the kernel and the shell, on a real Flink
 * mini-cluster: statements, display modes, throttled in-place updates, interrupt and errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTypes, Session, udf, type TableEnvironment } from '../src/index';
import { requireTsModule, SqlClientStatements } from '../src/repl/sql-client-statements';
import { parseSqlCell, runSqlParagraph, splitStatements } from '../src/repl/sql-paragraph';
import type { MimeBundle, OutputSink } from '../src/repl/types';
import { batchEnv, rowsOf, streamingEnv, tempDir, until } from './helpers';

type Event =
  | { kind: 'stdout' | 'stderr'; text: string }
  | { kind: 'display' | 'update'; bundle: MimeBundle; id?: string; at: number }
  | { kind: 'clear' };

class RecordingSink implements OutputSink {
  readonly events: Event[] = [];
  stdout(text: string): void {
    this.events.push({ kind: 'stdout', text });
  }
  stderr(text: string): void {
    this.events.push({ kind: 'stderr', text });
  }
  display(bundle: MimeBundle, id?: string): void {
    this.events.push({ kind: 'display', bundle, id, at: Date.now() });
  }
  updateDisplay(bundle: MimeBundle, id: string): void {
    this.events.push({ kind: 'update', bundle, id, at: Date.now() });
  }
  clearOutput(): void {
    this.events.push({ kind: 'clear' });
  }
  get text(): string {
    return this.events.map((e) => ('text' in e ? e.text : '')).join('');
  }
  displays(): Extract<Event, { kind: 'display' | 'update' }>[] {
    return this.events.filter((e): e is Extract<Event, { kind: 'display' | 'update' }> => e.kind === 'display' || e.kind === 'update');
  }
  last(): string {
    const d = this.displays();
    return d[d.length - 1]?.bundle['text/plain'] ?? '';
  }
}

let tEnv: TableEnvironment;
let bEnv: TableEnvironment;

async function run(env: TableEnvironment, statement: string, options: Record<string, string> = {}, signal = new AbortController().signal, statements?: SqlClientStatements) {
  const sink = new RecordingSink();
  const outcome = await runSqlParagraph({ env, statement, options, sink, signal, displayIdPrefix: 'cell1', statements });
  return { sink, outcome };
}

beforeAll(async () => {
  tEnv = await streamingEnv();
  bEnv = await batchEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

describe('SQL cell parsing', () => {
  it('reads Zeppelin (k=v) options, flag options and the one-line form', () => {
    expect(parseSqlCell('%%sql(type=update, refreshInterval=500)\nSELECT 1')).toEqual({
      mode: 'streaming',
      options: { type: 'update', refreshInterval: '500' },
      statement: 'SELECT 1',
    });
    expect(parseSqlCell("%%bsql --type single --template='{0} rows'\nSELECT 1;")).toEqual({
      mode: 'batch',
      options: { type: 'single', template: '{0} rows' },
      statement: 'SELECT 1;',
    });
    expect(parseSqlCell("%sql(type=single, template='a, b)') SELECT 2")).toEqual({
      mode: 'streaming',
      options: { type: 'single', template: 'a, b)' },
      statement: 'SELECT 2',
    });
    expect(parseSqlCell("%%sql type=append maxRows=5 template='a b'\nSELECT 3")?.options).toEqual({ type: 'append', maxRows: '5', template: 'a b' });
    expect(parseSqlCell('const sql = 1')).toBeUndefined();
    expect(() => parseSqlCell('%%sql(type=update\nSELECT 1')).toThrow(/unterminated/);
    expect(() => parseSqlCell('%%sql --type\nSELECT 1')).toThrow(/needs a value/);
  });

  it('splits statements outside quotes and comments, keeping statement sets whole', () => {
    expect(splitStatements("SELECT ';' AS a; -- x;y\nSELECT 2;\n/* ; */ ;")).toEqual(["SELECT ';' AS a", '-- x;y\nSELECT 2']);
    // a `;` inside a backtick identifier or a double-quoted string is no statement end either
    expect(splitStatements('SELECT `a;b` FROM t; SELECT "x;y" AS z; SELECT \'it\'\';s\' AS q')).toEqual(['SELECT `a;b` FROM t', 'SELECT "x;y" AS z', "SELECT 'it'';s' AS q"]);
    expect(splitStatements('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END; SELECT 3')).toEqual([
      'EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;\nEND',
      'SELECT 3',
    ]);
    expect(() => splitStatements('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1;')).toThrow(/END/);
  });
});

describe('runSqlParagraph', () => {
  it('runs DDL, SHOW and DESCRIBE in one paragraph', async () => {
    const { sink, outcome } = await run(
      tEnv,
      `CREATE TEMPORARY VIEW words AS SELECT * FROM (VALUES ('a'), ('b'), ('a')) AS t(w);
       SHOW TABLES;
       DESCRIBE words;`,
    );
    expect(outcome).toEqual({ status: 'ok' });
    expect(sink.text).toContain('[INFO] Execute statement succeeded.');
    const tables = sink.displays().map((d) => d.bundle['text/plain']);
    expect(tables[0]).toMatch(/\| +words \|/);
    expect(tables[1]).toMatch(/\| +w \|/);
    expect(tables[1]).toContain('CHAR(1)');
    expect(sink.displays()[0].bundle['text/html']).toContain('<td>words</td>');
  });

  it('update mode folds retractions into one display updated in place', async () => {
    const { sink, outcome } = await run(tEnv, 'SELECT w, COUNT(*) AS n FROM words GROUP BY w', { type: 'update', refreshInterval: '100' });
    expect(outcome).toEqual({ status: 'ok' });
    const ds = sink.displays();
    expect(ds[0].kind).toBe('display');
    expect(ds.slice(1).every((d) => d.kind === 'update' && d.id === ds[0].id)).toBe(true);
    const final = sink.last();
    expect(final).toMatch(/\| +a \| +2 \|/);
    expect(final).toMatch(/\| +b \| +1 \|/);
    expect(final).not.toMatch(/\| +a \| +1 \|/);
    expect(final).toContain('FINISHED · 2 rows (4 changes received)');
    expect(ds[ds.length - 1].bundle['text/html']).toContain('#/job/completed/');
  });

  it('append mode with maxRows stops an unbounded query and cancels its job', async () => {
    await run(tEnv, "CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '50', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000000')");
    const { sink, outcome } = await run(tEnv, 'SELECT id FROM ticks', { type: 'append', maxRows: '5', refreshInterval: '100' });
    expect(outcome).toEqual({ status: 'ok' });
    const final = sink.last();
    expect(final).toContain('STOPPED · 5 rows received');
    expect(final).toContain('stopped after maxRows=5');
    expect(final.match(/^\| +\d+ \|$/gm)).toHaveLength(5);
    await expectNoRunningJobs();
  });

  it('single mode shows one value through a template (batch)', async () => {
    const { sink, outcome } = await run(bEnv, 'SELECT COUNT(*) AS n FROM (VALUES (1), (2), (3)) AS t(x)', { type: 'single', template: '{0} rows' });
    expect(outcome).toEqual({ status: 'ok' });
    expect(sink.last().split('\n')[0]).toBe('3 rows');
  });

  it('an interrupt cancels an unbounded streaming query within 2 s', async () => {
    const ac = new AbortController();
    const sink = new RecordingSink();
    const done = runSqlParagraph({ env: tEnv, statement: 'SELECT id FROM ticks', options: { refreshInterval: '200' }, sink, signal: ac.signal, displayIdPrefix: 'c2' });
    // wait for the first row on screen
    const firstRowBy = Date.now() + 30_000;
    while (!/\| +1 \|/.test(sink.last()) && Date.now() < firstRowBy) await new Promise((r) => setTimeout(r, 50));
    expect(sink.last()).toMatch(/\| +1 \|/);
    const t0 = Date.now();
    ac.abort();
    const outcome = await done;
    expect(outcome).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect(sink.last()).toContain('CANCELED');
    await expectNoRunningJobs(2000 - (Date.now() - t0));
  });

  it('stopAfter ends an unbounded update-mode query; liveDisplay=clear redraws instead of updating', async () => {
    const { sink, outcome } = await run(tEnv, 'SELECT id % 3 AS k, COUNT(*) AS n FROM ticks GROUP BY id % 3', { stopAfter: '1500', refreshInterval: '200', liveDisplay: 'clear' });
    expect(outcome).toEqual({ status: 'ok' });
    expect(sink.events.some((e) => e.kind === 'update')).toBe(false);
    expect(sink.events.filter((e) => e.kind === 'clear').length).toBeGreaterThan(0);
    expect(sink.displays().every((d) => d.id === undefined)).toBe(true);
    expect(sink.last()).toContain('stopped after stopAfter=1500 ms');
    expect(sink.last()).toMatch(/STOPPED · 3 rows/);
    await expectNoRunningJobs();
  });

  it('parallelism option applies to the paragraph only', async () => {
    await run(bEnv, "CREATE TEMPORARY TABLE par_src (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    /** The parallelism of the source of the job the paragraph ran, read from Flink's REST API. */
    const sourceParallelism = async (options: Record<string, string>) => {
      const { sink, outcome } = await run(bEnv, 'SELECT x FROM par_src', options);
      expect(outcome.status).toBe('ok');
      const jobId = /job ([0-9a-f]{32})/.exec(sink.last())![1];
      const job = (await (await fetch(`${bEnv.session.webUi.replace(/\/$/, '')}/jobs/${jobId}`)).json()) as { vertices: { name: string; parallelism: number }[] };
      return job.vertices.find((v) => /par_src/.test(v.name))!.parallelism;
    };
    const before = bEnv.getConfig().get('parallelism.default');
    expect(await sourceParallelism({ parallelism: '2' })).toBe(2);
    expect(bEnv.getConfig().get('parallelism.default')).toBe(before);
    expect(await sourceParallelism({})).toBe(1);
  });

  it("jobName names the paragraph's jobs; runAsOne runs its INSERTs as one job", async () => {
    await run(bEnv, `CREATE TEMPORARY TABLE one_src (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
      CREATE TEMPORARY TABLE one_a (x INT) WITH ('connector' = 'blackhole');
      CREATE TEMPORARY TABLE one_b (x INT) WITH ('connector' = 'blackhole')`);
    const jobsNamed = async (name: string) => {
      const overview = (await (await fetch(`${bEnv.session.webUi.replace(/\/$/, '')}/jobs/overview`)).json()) as { jobs: { jid: string; name: string }[] };
      return overview.jobs.filter((j) => j.name === name);
    };
    const inserts = 'INSERT INTO one_a SELECT x FROM one_src; INSERT INTO one_b SELECT x + 1 FROM one_src';
    expect((await run(bEnv, inserts, { jobName: 'as-one', runAsOne: 'true' })).outcome.status).toBe('ok');
    const [job, ...more] = await jobsNamed('as-one');
    expect(more).toEqual([]);
    // the job's plan (its chained operators' descriptions) writes to both tables
    const sinks = JSON.stringify(await (await fetch(`${bEnv.session.webUi.replace(/\/$/, '')}/jobs/${job.jid}/plan`)).json());
    expect(sinks).toContain('one_a');
    expect(sinks).toContain('one_b');
    // without runAsOne, one job per INSERT; the name applied to the paragraph only
    expect((await run(bEnv, inserts, { jobName: 'one-by-one' })).outcome.status).toBe('ok');
    expect(await jobsNamed('one-by-one')).toHaveLength(2);
    expect(bEnv.getConfig().get('pipeline.name')).toBeUndefined();
    expect((await run(bEnv, 'SELECT 1', { runAsOne: 'maybe' })).outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining('runAsOne=maybe: expected true or false') });
  });

  it('savepointDir: an interrupted INSERT stops with a savepoint; resumeFromSavepoint continues it, no row lost or written twice', async () => {
    const out = tempDir('tsflink-sp-out-');
    const savepoints = tempDir('tsflink-sp-');
    tEnv.getConfig().set('execution.checkpointing.interval', '500ms');
    try {
      await run(tEnv, `CREATE TEMPORARY TABLE sp_src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '80');
        CREATE TEMPORARY TABLE sp_sink (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
      const insert = 'INSERT INTO sp_sink SELECT id FROM sp_src';
      const options = { savepointDir: savepoints, resumeFromSavepoint: 'true', refreshInterval: '200' };
      const interrupt = new AbortController();
      setTimeout(() => interrupt.abort(), 2500);
      const first = await run(tEnv, insert, options, interrupt.signal);
      expect(first.outcome.status).toBe('error');
      expect(first.sink.last()).toMatch(/STOPPED[^]*savepoint file:/);
      const second = await run(tEnv, insert, options);
      expect(second.outcome).toEqual({ status: 'ok' });
      expect(second.sink.text).toContain('[INFO] Resuming from savepoint file:');
      // the committed files hold the sequence once: the second job went on where the first stopped
      await run(bEnv, `CREATE TEMPORARY TABLE sp_read (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
      const ids = (await rowsOf(bEnv.sqlQuery(`SELECT id FROM sp_read`))).map((r) => Number(r.id)).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    } finally {
      tEnv.getConfig().remove('execution.checkpointing.interval');
    }
    // the jobs copied '500ms' into the session's root configuration as '500 ms': remove() drops that copy too
    expect(tEnv.getConfig().get('execution.checkpointing.interval')).toBeUndefined();
  });

  it('resumeFromLatestCheckpoint: a cancelled INSERT re-runs from its latest retained checkpoint, no row lost or written twice', async () => {
    // without retained checkpoints the option says what to set
    const unset = await run(tEnv, 'SELECT 1', { resumeFromLatestCheckpoint: 'true' });
    expect(unset.outcome).toEqual({ status: 'ok' });
    expect(unset.sink.text).toMatch(/\[WARNING\] resumeFromLatestCheckpoint needs retained checkpoints; not set: 'execution\.checkpointing\.interval'.*'execution\.checkpointing\.dir'.*'RETAIN_ON_CANCELLATION'/);
    const out = tempDir('tsflink-cp-out-');
    const config = tEnv.getConfig();
    config.set('execution.checkpointing.interval', '300ms');
    config.set('execution.checkpointing.dir', `file://${tempDir('tsflink-cp-')}`);
    config.set('execution.checkpointing.externalized-checkpoint-retention', 'RETAIN_ON_CANCELLATION');
    try {
      await run(tEnv, `CREATE TEMPORARY TABLE cp_src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '80');
        CREATE TEMPORARY TABLE cp_sink (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv', 'sink.rolling-policy.rollover-interval' = '1s', 'sink.rolling-policy.check-interval' = '200ms')`);
      await run(bEnv, `CREATE TEMPORARY TABLE cp_read (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
      const committed = async () => (await rowsOf(bEnv.sqlQuery('SELECT id FROM cp_read'))).map((r) => Number(r.id)).sort((a, b) => a - b);
      const insert = 'INSERT INTO cp_sink SELECT id FROM cp_src';
      const options = { resumeFromLatestCheckpoint: 'true', refreshInterval: '200' };
      // interrupted once a checkpoint has committed a first part file (part-<uuid>-0-0; in-progress ones start with '.'), well before its 8 s of rows end
      const interrupt = new AbortController();
      const partCommitted = until('a committed part file', () => (fs.readdirSync(out).some((f) => f.startsWith('part-')) ? true : undefined)).finally(() => interrupt.abort());
      const first = await run(tEnv, insert, options, interrupt.signal);
      await partCommitted;
      expect(first.sink.text).not.toContain('[WARNING]');
      expect(first.outcome.status).toBe('error');
      expect(first.sink.last()).toMatch(/CANCELED[^]*interrupted; checkpoint file:[^ ]*chk-\d+/);
      // the cancelled job committed a first part: a fresh re-run would write it again
      const before = await committed();
      expect(before.length).toBeGreaterThan(0);
      expect(before.length).toBeLessThan(80);
      expect(before).toEqual(Array.from({ length: before.length }, (_, i) => i + 1));
      const second = await run(tEnv, insert, options);
      expect(second.outcome).toEqual({ status: 'ok' });
      expect(second.sink.text).toContain('[INFO] Resuming from checkpoint file:');
      // the second job went on from the checkpoint: the sequence once
      expect(await committed()).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      // a finished job leaves nothing to resume: the next run starts afresh
      const third = await run(tEnv, 'INSERT INTO cp_sink SELECT id FROM cp_src', { ...options, detach: 'true' });
      expect(third.sink.text).not.toContain('Resuming');
      await run(tEnv, `STOP JOB '${/job ([0-9a-f]{32})/.exec(third.sink.last())![1]}'`, {}, undefined, new SqlClientStatements({ tEnv, bEnv, session: tEnv.session, cwd: process.cwd(), requireModule: requireTsModule }));
    } finally {
      for (const k of ['execution.checkpointing.interval', 'execution.checkpointing.dir', 'execution.checkpointing.externalized-checkpoint-retention']) config.remove(k);
    }
    expect((await run(tEnv, 'SELECT 1', { resumeFromLatestCheckpoint: 'maybe' })).outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining('resumeFromLatestCheckpoint=maybe: expected true or false') });
  });

  it('resumeFromLatestCheckpoint after a failed INSERT: the re-run resumes from the failed job\'s latest checkpoint', async () => {
    // a TS function that fails the job at id 50 while the flag file exists (no restarts: the job fails)
    const flag = path.join(tempDir('tsflink-cp-fail-'), 'fail');
    fs.writeFileSync(flag, '');
    const failAt = udf(
      (id: bigint, at: bigint, file: string) => {
        if (id === at && require('node:fs').existsSync(file)) throw new Error(`injected failure at ${id}`);
        return id;
      },
      { inputTypes: [DataTypes.BIGINT(), DataTypes.BIGINT(), DataTypes.STRING()], resultType: DataTypes.BIGINT() },
    );
    tEnv.createTemporarySystemFunction('failAt', failAt);
    const out = tempDir('tsflink-cp-fail-out-');
    const settings: Record<string, string> = {
      'execution.checkpointing.interval': '300ms',
      'execution.checkpointing.dir': `file://${tempDir('tsflink-cp-fail-chk-')}`,
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      'restart-strategy.type': 'none',
    };
    tEnv.getConfig().addConfiguration(settings);
    try {
      await run(tEnv, `CREATE TEMPORARY TABLE cf_src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '80');
        CREATE TEMPORARY TABLE cf_sink (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv', 'sink.rolling-policy.rollover-interval' = '1s', 'sink.rolling-policy.check-interval' = '200ms')`);
      await run(bEnv, `CREATE TEMPORARY TABLE cf_read (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
      const committed = async () => (await rowsOf(bEnv.sqlQuery('SELECT id FROM cf_read'))).map((r) => Number(r.id)).sort((a, b) => a - b);
      const insert = `INSERT INTO cf_sink SELECT failAt(id, 50, '${flag}') FROM cf_src`;
      const options = { resumeFromLatestCheckpoint: 'true', refreshInterval: '200' };
      const first = await run(tEnv, insert, options);
      expect(first.outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining('injected failure at 50') });
      expect(first.sink.last()).toMatch(/FAILED[^]*checkpoint file:[^ ]*chk-\d+/);
      const before = await committed();
      expect(before.length).toBeGreaterThan(0);
      expect(before).toEqual(Array.from({ length: before.length }, (_, i) => i + 1));
      expect(before.length).toBeLessThan(50);
      fs.unlinkSync(flag);
      const second = await run(tEnv, insert, options);
      expect(second.outcome).toEqual({ status: 'ok' });
      expect(second.sink.text).toContain('[INFO] Resuming from checkpoint file:');
      expect(await committed()).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    } finally {
      for (const k of Object.keys(settings)) tEnv.getConfig().remove(k);
    }
  }, 240_000);

  it('STOP JOB … WITH SAVEPOINT WITH DRAIN ends event time: an event-time window fires that a plain stop leaves open', async () => {
    const statements = new SqlClientStatements({ tEnv, bEnv, session: tEnv.session, cwd: process.cwd(), requireModule: requireTsModule });
    const sql = (statement: string, options: Record<string, string> = {}) => run(tEnv, statement, options, undefined, statements);
    // Flink's rule: draining is a way of stopping with a savepoint
    for (const flags of ['WITH DRAIN', 'WITH DRAIN WITH SAVEPOINT']) {
      expect((await sql(`STOP JOB '${'0'.repeat(32)}' ${flags}`)).outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining('WITH DRAIN could only be used after WITH SAVEPOINT') });
    }
    const out = tempDir('tsflink-drain-out-');
    // a stop that commits no file leaves no folder
    for (const dir of ['plain', 'drained']) fs.mkdirSync(`${out}/${dir}`);
    await sql(`SET 'state.savepoints.dir' = 'file://${tempDir('tsflink-drain-sp-')}'`);
    try {
      // every row's event time is in one hour: the watermark never passes that window's end
      const ddl = await sql(`CREATE TEMPORARY TABLE drain_src (id BIGINT, ts AS CAST(TIMESTAMP '2020-01-01 00:10:00' AS TIMESTAMP(3)), WATERMARK FOR ts AS ts)
          WITH ('connector' = 'datagen', 'rows-per-second' = '100', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000');
        CREATE TEMPORARY TABLE drain_plain (window_start TIMESTAMP(3), n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}/plain', 'format' = 'csv');
        CREATE TEMPORARY TABLE drain_drained (window_start TIMESTAMP(3), n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}/drained', 'format' = 'csv')`);
      expect(ddl.outcome).toEqual({ status: 'ok' });
      const start = async (sink: string) => {
        const r = await sql(`INSERT INTO ${sink} SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE drain_src, DESCRIPTOR(ts), INTERVAL '1' HOUR)) WHERE id <= 10 GROUP BY window_start, window_end`, { detach: 'true' });
        expect(r.outcome).toEqual({ status: 'ok' });
        return /job ([0-9a-f]{32})/.exec(r.sink.last())![1];
      };
      const plain = await start('drain_plain');
      const drained = await start('drain_drained');
      // both jobs' tasks run; then the source emits ids 1..10 within a tenth of a second
      for (const id of [plain, drained]) {
        await until(`the tasks of ${id} running`, async () => {
          const job = (await (await fetch(`${tEnv.session.restAddress}/jobs/${id}`)).json()) as { vertices?: { status: string }[] };
          return job.vertices?.length && job.vertices.every((v) => v.status === 'RUNNING') ? true : undefined;
        });
      }
      await new Promise((r) => setTimeout(r, 3000));
      const stopPlain = await sql(`STOP JOB '${plain}' WITH SAVEPOINT`);
      expect(stopPlain.outcome).toEqual({ status: 'ok' });
      expect(stopPlain.sink.last()).toContain('savepoint path');
      const stopDrained = await sql(`STOP JOB '${drained}' WITH SAVEPOINT WITH DRAIN`);
      expect(stopDrained.outcome).toEqual({ status: 'ok' });
      expect(stopDrained.sink.last()).toMatch(/file:[^ ]*savepoint-/);
      const windows = async (dir: string) => {
        await run(bEnv, `CREATE TEMPORARY TABLE IF NOT EXISTS read_${dir} (window_start TIMESTAMP(3), n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}/${dir}', 'format' = 'csv')`);
        return (await rowsOf(bEnv.sqlQuery(`SELECT CAST(window_start AS STRING) AS ws, n FROM read_${dir}`))).map((r) => [r.ws, Number(r.n)]);
      };
      // only the drain's MAX_WATERMARK closed the hour: its window holds the ten rows
      expect(await windows('drained')).toEqual([['2020-01-01 00:00:00.000', 10]]);
      expect(await windows('plain')).toEqual([]);
    } finally {
      await sql("RESET 'state.savepoints.dir'");
    }
  });

  it('INSERT waits for its job and shows its status; EXPLAIN prints the plan', async () => {
    const { sink, outcome } = await run(
      tEnv,
      `CREATE TEMPORARY TABLE sink_t (id BIGINT) WITH ('connector' = 'blackhole');
       INSERT INTO sink_t SELECT x FROM (VALUES (CAST(1 AS BIGINT)), (2)) AS t(x);
       EXPLAIN SELECT id FROM ticks WHERE id > 3;`,
    );
    expect(outcome).toEqual({ status: 'ok' });
    expect(sink.displays().some((d) => /^FINISHED · .* · job [0-9a-f]{32}/.test(d.bundle['text/plain']))).toBe(true);
    expect(sink.text).toContain('== Abstract Syntax Tree ==');
  });

  it('reports a bad statement with its position, runs nothing after it, and the env still works', async () => {
    const { sink, outcome } = await run(tEnv, 'SELECT 1;\nSELEC oops;\nSELECT 3');
    expect(outcome.status).toBe('error');
    if (outcome.status !== 'error') return;
    expect(outcome.ename).toBe('FlinkError');
    expect(outcome.evalue).toMatch(/SqlParserException|parse/i);
    expect(outcome.traceback[0]).toContain('statement 2 of 3: SELEC oops');
    expect(sink.displays().filter((d) => d.kind === 'display')).toHaveLength(1);
    const again = await run(tEnv, 'SELECT 7 AS seven');
    expect(again.outcome.status).toBe('ok');
    expect(again.sink.last()).toMatch(/\| +7 \|/);
  });

  it('rejects unknown or malformed options by name', async () => {
    const a = await run(tEnv, 'SELECT 1', { tpye: 'update' });
    expect(a.outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining("unknown SQL option 'tpye'") });
    const b = await run(tEnv, 'SELECT 1', { type: 'table' });
    expect(b.outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining('type=table') });
  });
});

async function expectNoRunningJobs(withinMs = 5000): Promise<void> {
  const session = (await Session.running())!;
  const deadline = Date.now() + Math.max(withinMs, 0);
  let running: string[] = [];
  do {
    running = (await session.listJobs()).filter((j) => !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state)).map((j) => `${j.jid} ${j.state}`);
    if (running.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  expect(running).toEqual([]);
}

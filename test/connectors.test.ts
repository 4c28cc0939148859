/**
 * Connector resolution: names from src/connectors/connectors.json → jars fetched from Maven Central
 * through Maven → added to a RUNNING session (tEnv, bEnv, later environments) without a restart,
 * through `%connector` in the shell/kernel core, `tEnv.addConnector`, `ADD JAR` in a SQL paragraph
 * and `tsflink run --connector`. Real Flink planning (explain) proves the factories are found; the
 * Kafka and JDBC tests run real jobs with them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTypes, EnvironmentSettings, FlinkError, TableEnvironment, UnknownConnectorError, udf } from '../src/index';
import { connectorSpec, connectorTable, resolveConnector } from '../src/connectors/resolve';
import { parseRunArgs } from '../src/cli/tsflink';
import { runCommand } from '../src/connectors/command';
import { createInteractiveCore, type TSFlinkCore } from '../src/repl/core';
import { isComplete } from '../src/repl/completeness';
import type { ExecuteOutcome, MimeBundle, OutputSink } from '../src/repl/types';

process.env.TSFLINK_QUIET ??= '1';

class RecordingSink implements OutputSink {
  out = '';
  err = '';
  stdout(t: string): void {
    this.out += t;
  }
  stderr(t: string): void {
    this.err += t;
  }
  display(_b: MimeBundle): void {}
  updateDisplay(_b: MimeBundle): void {}
  clearOutput(): void {}
}

let core: TSFlinkCore;

async function run(code: string): Promise<{ outcome: ExecuteOutcome; sink: RecordingSink }> {
  const sink = new RecordingSink();
  const outcome = await core.execute(code, sink);
  return { outcome, sink };
}

const KAFKA_DDL = (name: string, bounded: boolean) => `CREATE TABLE ${name} (id INT, name STRING) WITH (
  'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:9', 'format' = 'json',
  'scan.startup.mode' = 'earliest-offset'${bounded ? ", 'scan.bounded.mode' = 'latest-offset'" : ''})`;

const JDBC_DDL = `CREATE TABLE dim (id INT, label STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:9/db', 'table-name' = 'dim')`;

beforeAll(async () => {
  core = await createInteractiveCore({ breakOnSigint: false });
});

afterAll(async () => {
  await core?.shutdown();
});

describe('the connector table', () => {
  it('names Maven artifacts for Flink 2.x for every connector that is not built in', () => {
    const table = connectorTable();
    for (const name of ['kafka', 'jdbc', 'json', 'csv', 'avro', 'parquet', 'debezium-json']) expect(table.has(name)).toBe(true);
    for (const spec of table.values()) {
      if (spec.builtin) expect(spec.artifacts).toEqual([]);
      else for (const a of spec.artifacts) expect(a).toMatch(/^[\w.-]+:[\w.-]+:(2\.\d+\.\d+|\d+\.\d+\.\d+-2\.\d+|[\d.]+)$/);
    }
    expect(connectorSpec('upsert-kafka').name).toBe('kafka');
    expect(connectorSpec('KAFKA').name).toBe('kafka');
    expect(connectorSpec('org.example:thing:1.0').artifacts).toEqual(['org.example:thing:1.0']);
  });

  it('an unknown name fails listing the known ones', async () => {
    await expect(resolveConnector('kafak')).rejects.toThrow(UnknownConnectorError);
    await expect(resolveConnector('kafak')).rejects.toThrow(/unknown connector 'kafak'; known connectors and formats: kafka, jdbc, avro, parquet, json, csv, debezium-json/);
  });

  it('tsflink run --connector: repeatable and comma-separated; unknown names are usage errors', () => {
    const cmd = parseRunArgs(['--connector', 'kafka', '--connector=jdbc,avro', 'job.ts']);
    expect(cmd.options.connectors).toEqual(['kafka', 'jdbc', 'avro']);
    expect(() => parseRunArgs(['--connector', 'nope', 'job.ts'])).toThrow(/unknown connector 'nope'; known connectors and formats: kafka/);
  });
});

describe('adding connectors to a running session', () => {
  it('a missing factory names the connector to add; %connector kafka adds it to tEnv and bEnv without a restart', async () => {
    expect((await run(`%sql ${KAFKA_DDL('k', false)}`)).outcome.status).toBe('ok');
    const before = await run('await tEnv.explainSql("SELECT * FROM k")');
    expect(before.outcome.status).toBe('error');
    if (before.outcome.status !== 'error') return;
    expect(before.outcome.ename).toBe('FlinkError');
    expect(before.outcome.evalue).toContain("Could not find any factory for identifier 'kafka'");
    expect(before.outcome.evalue).toContain(
      "TSFlink: 'kafka' comes with the 'kafka' connector; add it with await tEnv.addConnector('kafka'), %connector kafka in the shell or kernel, connectors: ['kafka'] in the session options, or tsflink run --connector kafka.",
    );

    expect(isComplete('%connector kafka')).toEqual({ status: 'complete' });
    const added = await run('%connector kafka');
    expect(added.outcome).toEqual({ status: 'ok' });
    expect(added.sink.out).toBe('Added kafka: flink-sql-connector-kafka-5.0.0-2.2.jar\n');

    // the same running environment now plans the Kafka source
    const plan = await run('await tEnv.explainSql("SELECT * FROM k")');
    expect(plan.outcome.status).toBe('ok');
    expect(plan.outcome.status === 'ok' && plan.outcome.result?.['text/plain']).toMatch(/TableSourceScan\(table=\[\[default_catalog, default_database, k\]\]/);
    // and so does the batch environment of the same session
    expect((await run(`%bsql ${KAFKA_DDL('kb', true)}`)).outcome.status).toBe('ok');
    expect((await run('(await bEnv.explainSql("SELECT * FROM kb")).includes("TableSourceScan")')).outcome).toMatchObject({ status: 'ok', result: { 'text/plain': 'true' } });
    expect(core.session.connectors).toEqual(['kafka']);

    const listing = await run('%connector');
    expect(listing.sink.out).toMatch(/^\* kafka +Apache Kafka source and sink/m);
    expect(listing.sink.out).toMatch(/^ {2}jdbc +JDBC source/m);
  });

  it('an environment created later gets the session\'s connectors too', async () => {
    const later = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    await later.executeSql(KAFKA_DDL('k2', false));
    expect(await later.explainSql('SELECT * FROM k2')).toContain('TableSourceScan');
  });

  it('%connector with an unknown name is an error listing the known ones; the session keeps working', async () => {
    const { outcome } = await run('%connector kafak jdbc');
    expect(outcome).toMatchObject({ status: 'error', ename: 'UnknownConnectorError' });
    expect(outcome.status === 'error' && outcome.evalue).toMatch(/unknown connector 'kafak'; known connectors and formats: kafka, jdbc/);
    // nothing of the entry was added (jdbc neither)
    expect(core.session.connectors).toEqual(['kafka']);
    expect((await run('1 + 1')).outcome).toMatchObject({ status: 'ok', result: { 'text/plain': '2' } });
  });

  it('ADD JAR in a %%sql paragraph adds a jar to that environment (here the JDBC connector\'s jars)', async () => {
    const { jars } = await resolveConnector('jdbc');
    expect(jars.map((j) => path.basename(j))).toEqual(['flink-connector-jdbc-core-4.0.0-2.0.jar', 'flink-connector-jdbc-postgres-4.0.0-2.0.jar', 'postgresql-42.7.14.jar']);
    for (const j of jars) expect(fs.statSync(j).size).toBeGreaterThan(10_000);
    expect((await run(`%sql ${JDBC_DDL}`)).outcome.status).toBe('ok');
    const missing = await run('await tEnv.explainSql("SELECT * FROM dim")');
    expect(missing.outcome.status === 'error' && missing.outcome.evalue).toContain("'jdbc' comes with the 'jdbc' connector");
    const add = await run(`%%sql\n${jars.map((j) => `ADD JAR '${j}';`).join('\n')}`);
    expect(add.outcome.status).toBe('ok');
    const plan = await run('await tEnv.explainSql("SELECT * FROM dim")');
    expect(plan.outcome.status === 'ok' && plan.outcome.result?.['text/plain']).toMatch(/TableSourceScan\(table=\[\[default_catalog, default_database, dim\]\]/);
  });

  it('tEnv.addConnector resolves the formats too; a format factory error names its connector', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'tsflink-avro-'));
    await core.tEnv.executeSql(`CREATE TABLE av (a INT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'avro')`);
    const err = await core.tEnv.explainSql('SELECT * FROM av').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkError);
    expect((err as FlinkError).message).toContain("'avro' comes with the 'avro' connector; add it with await tEnv.addConnector('avro')");
    const resolved = await core.tEnv.addConnector('avro', 'json');
    expect(resolved.map((r) => [r.spec.name, r.jars.map((j) => path.basename(j))])).toEqual([
      ['avro', ['flink-sql-avro-2.3.0.jar']],
      ['json', []],
    ]);
    expect(await core.tEnv.explainSql('SELECT * FROM av')).toContain('TableSourceScan');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('parquet through the filesystem connector', () => {
  it('%connector parquet; a batch job writes parquet files and another reads them back', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'tsflink-parquet-'));
    expect((await run('%connector parquet')).sink.out).toContain('flink-sql-parquet-2.3.0.jar');
    await core.bEnv.executeSql(`CREATE TABLE pq (id INT, name STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3)) WITH (
      'connector' = 'filesystem', 'path' = '${dir}', 'format' = 'parquet')`);
    await (await core.bEnv.executeSql(`INSERT INTO pq VALUES (1, 'ada', 250.50, TIMESTAMP '2026-01-02 03:04:05.678'),
      (2, 'bob', CAST(NULL AS DECIMAL(10, 2)), CAST(NULL AS TIMESTAMP(3)))`)).await();
    // real parquet files: the format's magic bytes at both ends
    const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.'));
    expect(files.length).toBeGreaterThan(0);
    const bytes = fs.readFileSync(path.join(dir, files[0]));
    expect([bytes.subarray(0, 4).toString(), bytes.subarray(-4).toString()]).toEqual(['PAR1', 'PAR1']);
    const rows = await (await core.bEnv.executeSql('SELECT id, name, amount, CAST(ts AS STRING) AS ts FROM pq ORDER BY id')).toArray();
    expect(rows).toEqual([
      { id: 1, name: 'ada', amount: '250.50', ts: '2026-01-02 03:04:05.678' },
      { id: 2, name: 'bob', amount: null, ts: null },
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the session process after a UDF job', () => {
  // Maven (for %connector), Kafka's tools and psql are child processes of the session's process,
  // where Node may stop hearing of child exits once Flink started UDF workers (src/connectors/command.ts).
  it('runCommand still sees its commands end, with their exit status and output', async () => {
    core.tEnv.createTemporarySystemFunction('plusOne', udf((x: number | null) => (x === null ? null : x + 1), { inputTypes: [DataTypes.INT()], resultType: DataTypes.INT() }));
    const rows = await (await core.tEnv.executeSql('SELECT plusOne(41) AS v')).toArray();
    expect(rows.map((r) => r.v)).toEqual([42]);
    for (let i = 0; i < 3; i++) {
      expect(await runCommand('sh', ['-c', 'cat; echo err >&2; exit 3'], { input: 'in\n', timeoutMs: 20_000 })).toEqual({ code: 3, stdout: 'in\n', stderr: 'err\n' });
    }
    await expect(runCommand('no-such-command-tsflink', [])).rejects.toThrow('no-such-command-tsflink is not installed');
    expect(await runCommand('sleep', ['30'], { timeoutMs: 500 })).toMatchObject({ code: -1 });
  });
});

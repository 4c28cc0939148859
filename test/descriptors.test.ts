/** TableDescriptor + Schema against real connectors: datagen, print, blackhole, filesystem (csv, json). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, DataTypes, FlinkError, FormatDescriptor, Schema, Session, TableDescriptor, type TableEnvironment } from '../src/index';
import { batchEnv, rowsOf, sorted, streamingEnv, tempDir } from './helpers';

let batch: TableEnvironment;
let streaming: TableEnvironment;
const dirs: string[] = [];

function dir(): string {
  const d = tempDir('tsflink-descriptors-');
  dirs.push(d);
  return d;
}

/** Every file under `root`, relative, sorted (hidden in-progress files excluded). */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

function readAll(root: string): string {
  return filesUnder(root)
    .map((f) => fs.readFileSync(path.join(root, f), 'utf8'))
    .join('');
}

const people = [
  { id: 1, name: 'ann', city: 'Oslo', score: 1.5 },
  { id: 2, name: 'bob', city: 'Rome', score: 2.25 },
  { id: 3, name: 'cy', city: 'Oslo', score: -3 },
];

const peopleSchema = () =>
  Schema.newBuilder()
    .column('id', DataTypes.INT())
    .column('name', DataTypes.STRING())
    .column('city', DataTypes.STRING())
    .column('score', DataTypes.DOUBLE())
    .build();

beforeAll(async () => {
  batch = await batchEnv();
  streaming = await streamingEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('datagen', () => {
  it('generates number-of-rows rows with per-field options, read with from(descriptor)', async () => {
    const descriptor = TableDescriptor.forConnector('datagen')
      .schema(Schema.newBuilder().column('id', DataTypes.BIGINT().notNull()).column('word', DataTypes.STRING()).column('n', DataTypes.INT()).build())
      .option('number-of-rows', 25)
      .option('fields.id.kind', 'sequence')
      .option('fields.id.start', 100)
      .option('fields.id.end', 124)
      .option('fields.word.length', 4)
      .option('fields.n.min', -5)
      .option('fields.n.max', 5)
      .build();
    const rows = await rowsOf(streaming.from(descriptor));
    expect(rows.map((r) => r.id).sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(100 + i)));
    for (const r of rows) {
      expect(r.word).toHaveLength(4);
      expect(r.n).toBeGreaterThanOrEqual(-5);
      expect(r.n).toBeLessThanOrEqual(5);
    }
    // The row type flows from the Schema builder into the rows' TypeScript type.
    const first: bigint = rows[0].id;
    expect(typeof first).toBe('bigint');
  });

  it('computed columns, metadata-free watermarks and rows-per-second in a temporary table', async () => {
    streaming.createTemporaryTable(
      'ticks',
      TableDescriptor.forConnector('datagen')
        .schema(
          Schema.newBuilder()
            .column('k', DataTypes.INT())
            .column('ts', DataTypes.TIMESTAMP(3))
            .columnByExpression('k2', 'k * 2')
            .watermark('ts', "ts - INTERVAL '1' SECOND")
            .build(),
        )
        .option('number-of-rows', 10)
        .option('rows-per-second', 1000)
        .option('fields.k.kind', 'sequence')
        .option('fields.k.start', 1)
        .option('fields.k.end', 10)
        .comment('ten ticks')
        .build(),
    );
    const schema = streaming.from('ticks').getResolvedSchema();
    expect(schema.columns.map((c) => [c.name, c.type.sql, c.physical])).toEqual([
      ['k', 'INT', true],
      ['ts', 'TIMESTAMP(3)', true],
      ['k2', 'INT', false],
    ]);
    expect(schema.watermarks).toEqual([{ rowtimeAttribute: 'ts', expression: "ts - INTERVAL '1' SECOND" }]);
    expect(schema.summary).toContain('*ROWTIME*');
    const rows = await rowsOf(streaming.sqlQuery('SELECT k, k2 FROM ticks'));
    expect(sorted(rows.map((r) => ({ ...r })))).toEqual(sorted(Array.from({ length: 10 }, (_, i) => ({ k: i + 1, k2: 2 * (i + 1) }))));
  });
});

describe('Schema', () => {
  it('declares single and composite primary keys, metadata columns and column comments', () => {
    const single = Schema.newBuilder().column('id', DataTypes.INT().notNull()).column('v', DataTypes.STRING()).primaryKey('id').build();
    const composite = Schema.newBuilder()
      .column('a', DataTypes.INT().notNull())
      .column('b', DataTypes.STRING().notNull())
      .column('v', DataTypes.DOUBLE())
      .columnByMetadata('file', DataTypes.STRING(), undefined, true)
      .primaryKey('a', 'b')
      .build();
    batch.createTemporaryTable('pk1', TableDescriptor.forConnector('blackhole').schema(single).build());
    batch.createTemporaryTable('pk2', TableDescriptor.forConnector('filesystem').schema(composite).option('path', dir()).format('json').build());
    expect(batch.from('pk1').getResolvedSchema().primaryKey).toEqual(['id']);
    const s2 = batch.from('pk2').getResolvedSchema();
    expect(s2.primaryKey).toEqual(['a', 'b']);
    expect(s2.columns.map((c) => [c.name, c.physical])).toEqual([
      ['a', true],
      ['b', true],
      ['v', true],
      ['file', false],
    ]);
    expect(() => Schema.newBuilder().column('id', DataTypes.INT()).primaryKey()).toThrow(/at least one column/);
  });

  it('a primary key on a nullable column is a clear Flink error', () => {
    const bad = Schema.newBuilder().column('id', DataTypes.INT()).primaryKey('id').build();
    expect(() => batch.createTemporaryTable('pk_bad', TableDescriptor.forConnector('blackhole').schema(bad).build())).toThrow(/id.*nullable|nullable.*id/i);
  });
});

describe('createTable vs createTemporaryTable', () => {
  const bounded = () =>
    TableDescriptor.forConnector('datagen')
      .schema(Schema.newBuilder().column('x', DataTypes.INT()).build())
      .option('number-of-rows', 3)
      .build();

  it('registers catalog and temporary tables, and rejects duplicates with a clear error', async () => {
    batch.createTable('catalog_t', bounded());
    batch.createTemporaryTable('temp_t', bounded());
    expect(batch.listTables()).toEqual(expect.arrayContaining(['catalog_t', 'temp_t']));
    expect(batch.listTemporaryTables()).toContain('temp_t');
    expect(batch.listTemporaryTables()).not.toContain('catalog_t');
    expect(() => batch.createTable('catalog_t', bounded())).toThrow(FlinkError);
    expect(() => batch.createTable('catalog_t', bounded())).toThrow(/catalog_t.*already exists/);
    expect(() => batch.createTemporaryTable('temp_t', bounded())).toThrow(/temp_t.*already exists/);
    // A temporary table may shadow a catalog table of the same name.
    batch.createTemporaryTable('catalog_t', TableDescriptor.forConnector('datagen').schema(Schema.newBuilder().column('y', DataTypes.STRING()).build()).option('number-of-rows', 1).build());
    expect(batch.from('catalog_t').getResolvedSchema().columns.map((c) => c.name)).toEqual(['y']);
    expect(batch.dropTemporaryTable('catalog_t')).toBe(true);
    expect(batch.from('catalog_t').getResolvedSchema().columns.map((c) => c.name)).toEqual(['x']);
    expect(await rowsOf(batch.from('temp_t'))).toHaveLength(3);
    expect(batch.dropTemporaryTable('temp_t')).toBe(true);
    expect(batch.listTables()).not.toContain('temp_t');
  });

  it('reports a missing connector option and an unknown connector', async () => {
    const noPath = TableDescriptor.forConnector('filesystem').schema(peopleSchema()).format('csv').build();
    await expect(rowsOf(batch.from(noPath))).rejects.toThrow(/path/);
    const unknown = TableDescriptor.forConnector('no-such-connector').schema(peopleSchema()).build();
    await expect(rowsOf(batch.from(unknown))).rejects.toThrow(/no-such-connector/);
    expect(await rowsOf(batch.sqlQuery('SELECT 1 AS ok'))).toEqual([{ ok: 1 }]);
  });
});

describe('filesystem', () => {
  it('writes and reads back CSV with format options', async () => {
    const root = dir();
    const csv = TableDescriptor.forConnector('filesystem')
      .schema(peopleSchema())
      .option('path', root)
      .format(FormatDescriptor.forFormat('csv').option('field-delimiter', '|').option('quote-character', "'").build())
      .build();
    await (await batch.fromValues(people).executeInsert(csv)).await();
    const text = readAll(root);
    // Both format options took effect: '|' between fields, strings quoted with '.
    expect(text.trim().split('\n').sort()).toEqual(["1|'ann'|'Oslo'|1.5", "2|'bob'|'Rome'|2.25", "3|'cy'|'Oslo'|-3.0"]);
    expect(sorted((await rowsOf(batch.from(csv))).map((r) => ({ ...r })))).toEqual(sorted(people));
  });

  it('writes and reads back JSON, registered with createTable', async () => {
    const root = dir();
    batch.createTable(
      'people_json',
      TableDescriptor.forConnector('filesystem').schema(peopleSchema()).option('path', root).format('json').build(),
    );
    await (await batch.fromValues(people).executeInsert('people_json')).await();
    const lines = readAll(root).trim().split('\n').map((l) => JSON.parse(l));
    expect(sorted(lines)).toEqual(sorted(people));
    const oslo = await rowsOf(batch.from('people_json').filter($('city').isEqual('Oslo')).select($('name')));
    expect(oslo.map((r) => r.name).sort()).toEqual(['ann', 'cy']);
  });

  it('partitionedBy writes one directory per partition value and reads the partition column back', async () => {
    const root = dir();
    const partitioned = TableDescriptor.forConnector('filesystem')
      .schema(peopleSchema())
      .partitionedBy('city')
      .option('path', root)
      .format('json')
      .build();
    await (await batch.fromValues(people).executeInsert(partitioned)).await();
    expect(filesUnder(root).map((f) => f.split(path.sep)[0]).filter((v, i, a) => a.indexOf(v) === i)).toEqual(['city=Oslo', 'city=Rome']);
    const romeFiles = filesUnder(path.join(root, 'city=Rome'));
    expect(JSON.parse(fs.readFileSync(path.join(root, 'city=Rome', romeFiles[0]), 'utf8'))).toEqual({ id: 2, name: 'bob', score: 2.25 });
    expect(sorted((await rowsOf(batch.from(partitioned))).map((r) => ({ ...r })))).toEqual(sorted(people));
  });

  it('exposes the file.path metadata column through columnByMetadata', async () => {
    const root = dir();
    fs.writeFileSync(path.join(root, 'a.csv'), '1,one\n2,two\n');
    const withPath = TableDescriptor.forConnector('filesystem')
      .schema(
        Schema.newBuilder()
          .column('n', DataTypes.INT())
          .column('word', DataTypes.STRING())
          .columnByMetadata('file', DataTypes.STRING(), 'file.path', true)
          .build(),
      )
      .option('path', root)
      .format('csv')
      .build();
    const rows = await rowsOf(batch.from(withPath));
    expect(rows.map((r) => ({ ...r, file: path.basename(String(r.file)) }))).toEqual([
      { n: 1, word: 'one', file: 'a.csv' },
      { n: 2, word: 'two', file: 'a.csv' },
    ]);
  });

  it('a missing path fails the read with a clear error and the session keeps working', async () => {
    const missing = TableDescriptor.forConnector('filesystem').schema(peopleSchema()).option('path', path.join(dir(), 'nope')).format('csv').build();
    await expect(rowsOf(batch.from(missing))).rejects.toThrow(FlinkError);
    expect(await rowsOf(batch.sqlQuery('SELECT 2 AS ok'))).toEqual([{ ok: 2 }]);
  });
});

describe('blackhole and print sinks', () => {
  it('blackhole swallows every row and the job finishes', async () => {
    const result = await streaming
      .from(TableDescriptor.forConnector('datagen').schema(peopleSchema()).option('number-of-rows', 500).build())
      .executeInsert(TableDescriptor.forConnector('blackhole').schema(peopleSchema()).build());
    await result.await();
    expect(await result.getJobStatus()).toBe('FINISHED');
  });

  it('print writes each row with its kind and identifier to the process stdout', { timeout: 240_000 }, () => {
    // The print sink writes to the JVM's System.out, which is this process's fd 1 — so run the job
    // in a child process and capture that.
    const script = path.join(dir(), 'print-job.ts');
    fs.writeFileSync(
      script,
      `import { DataTypes, EnvironmentSettings, Schema, Session, TableDescriptor, TableEnvironment } from ${JSON.stringify(path.resolve(__dirname, '../src/index'))};
async function main(): Promise<void> {
  const tEnv = await TableEnvironment.create(EnvironmentSettings.inStreamingMode());
  const sink = TableDescriptor.forConnector('print')
    .schema(Schema.newBuilder().column('word', DataTypes.STRING()).column('n', DataTypes.BIGINT()).build())
    .option('print-identifier', 'tsf')
    .build();
  const counts = tEnv.sqlQuery("SELECT word, COUNT(*) AS n FROM (VALUES ('a'), ('b'), ('a')) AS t(word) GROUP BY word");
  await (await counts.executeInsert(sink)).await();
  await (await Session.running())?.close();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`,
    );
    const loader = path.resolve(__dirname, '../node_modules/tsx/dist/loader.mjs');
    const child = spawnSync(process.execPath, ['--import', loader, script], {
      encoding: 'utf8',
      timeout: 220_000,
      env: { ...process.env, TSFLINK_QUIET: '1' },
    });
    expect(child.status, child.stderr).toBe(0);
    const printed = child.stdout.split('\n').filter((l) => l.startsWith('tsf>'));
    // A streaming count: a's first count is retracted when the second 'a' arrives.
    expect(printed).toEqual(['tsf> +I[a, 1]', 'tsf> +I[b, 1]', 'tsf> -U[a, 1]', 'tsf> +U[a, 2]']);
  });
});

/**
 * Catalogs, modules, views/functions by path and compiled plans from the Table API (issue 17), on
 * the real mini-cluster: Flink's built-in in-memory catalog and GenericInMemoryCatalogs created by
 * descriptor and by object, browsed through Catalog/ObjectPath and queried across databases; the
 * core module unloaded and loaded; a Java function by class name; a plan compiled, written, loaded
 * and executed. One streaming environment (compiled plans are streaming-only in Flink).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  $,
  Catalog,
  CatalogBaseTable,
  CatalogColumnStatistics,
  CatalogColumnStatisticsDataBinary,
  CatalogColumnStatisticsDataBoolean,
  CatalogColumnStatisticsDataDate,
  CatalogColumnStatisticsDataDouble,
  CatalogColumnStatisticsDataLong,
  CatalogColumnStatisticsDataString,
  CatalogPartition,
  CatalogTableStatistics,
  CatalogDatabase,
  CatalogDescriptor,
  CatalogFunction,
  ObjectIdentifier,
  nullOf,
  DataTypes,
  EnvironmentSettings,
  ExplainDetail,
  FormatDescriptor,
  ModelDescriptor,
  ColumnList,
  descriptor,
  SqlDialect,
  ObjectPath,
  PlanReference,
  Schema,
  Session,
  TableDescriptor,
  TableEnvironment,
  TableConfig,
  call,
} from '../src/index';
import { rowsOf, sorted, streamingEnv, tempDir } from './helpers';

const { INT, STRING, BIGINT } = DataTypes;
let env: TableEnvironment;

beforeAll(async () => {
  env = await streamingEnv();
});

afterAll(async () => {
  await (await Session.running())?.close();
});

describe('catalogs', () => {
  it('browses the built-in catalog', () => {
    expect(env.listCatalogs()).toContain('default_catalog');
    const builtIn = env.getCatalog('default_catalog')!;
    expect(builtIn.getDefaultDatabase()).toBe('default_database');
    expect(builtIn.listDatabases()).toEqual(['default_database']);
    expect(env.getCatalog('nope')).toBeUndefined();
  });

  it('creates catalogs by descriptor and by object, with databases, tables and views used across them', async () => {
    const descriptor = CatalogDescriptor.of('mem1', { type: 'generic_in_memory' }, 'made by name');
    expect(descriptor.getConfiguration()).toEqual({ type: 'generic_in_memory' });
    env.createCatalog('mem1', descriptor);
    env.registerCatalog('mem2', Catalog.genericInMemory('mem2', 'db0'));
    expect(env.listCatalogs()).toEqual(expect.arrayContaining(['default_catalog', 'mem1', 'mem2']));

    const mem1 = env.getCatalog('mem1')!;
    mem1.createDatabase('sales', CatalogDatabase.createInstance({ owner: 'ann' }, 'the sales db'));
    expect(mem1.databaseExists('sales')).toBe(true);
    expect(mem1.getDatabase('sales').getProperties()).toEqual({ owner: 'ann' });
    expect(mem1.getDatabase('sales').getComment()).toBe('the sales db');

    env.useCatalog('mem1');
    env.useDatabase('sales');
    expect([env.getCurrentCatalog(), env.getCurrentDatabase()]).toEqual(['mem1', 'sales']);
    expect(sorted(env.listDatabases())).toEqual(['default', 'sales']);

    env.createTable(
      'nums',
      TableDescriptor.forConnector('datagen')
        .schema(Schema.newBuilder().column('n', BIGINT()).build())
        .option('number-of-rows', '5')
        .option('fields.n.kind', 'sequence')
        .option('fields.n.start', '1')
        .option('fields.n.end', '5')
        .build(),
    );
    const nums = mem1.getTable(new ObjectPath('sales', 'nums'));
    expect(nums.getTableKind()).toBe('TABLE');
    expect(nums.getOptions()).toMatchObject({ connector: 'datagen', 'number-of-rows': '5' });
    expect(nums.getUnresolvedSchema()).toContain('`n` BIGINT');

    env.createView('odd', env.from('nums').filter($('n').mod(2).isEqual(1)));
    expect(mem1.listViews('sales')).toEqual(['odd']);
    expect(mem1.getTable(ObjectPath.fromString('sales.odd')).getTableKind()).toBe('VIEW');

    // a table in another catalog and database, and one query over both
    await env.executeSql(`CREATE TABLE mem2.db0.tens (n BIGINT, t AS n * 10) WITH ('connector' = 'datagen', 'number-of-rows' = '4',
      'fields.n.kind' = 'sequence', 'fields.n.start' = '2', 'fields.n.end' = '5')`);
    expect(env.getCatalog('mem2')!.listTables('db0')).toEqual(['tens']);
    const rows = await rowsOf(env.sqlQuery('SELECT o.n, x.t FROM mem1.sales.odd o JOIN mem2.db0.tens x ON o.n = x.n'));
    expect(sorted(rows.map((r) => `${r.n}/${r.t}`))).toEqual(['3/30', '5/50']);

    expect(env.dropView('odd')).toBe(true);
    expect(mem1.tableExists(new ObjectPath('sales', 'odd'))).toBe(false);
    mem1.renameTable(new ObjectPath('sales', 'nums'), 'numbers');
    expect(mem1.listTables('sales')).toEqual(['numbers']);
    expect(env.dropTable('numbers')).toBe(true);
    mem1.dropDatabase('sales', false, true);
    expect(mem1.listDatabases()).toEqual(['default']);
    env.useCatalog('default_catalog');
    env.useDatabase('default_database');
  });
});

describe('catalog tables, partitions and statistics', () => {
  it('CatalogBaseTable.createTable/createView make a queryable table and view', async () => {
    env.registerCatalog('st', Catalog.genericInMemory('st', 'db'));
    const st = env.getCatalog('st')!;
    const nums = new ObjectPath('db', 'nums');
    const seq = { connector: 'datagen', 'number-of-rows': '5', 'fields.n.kind': 'sequence', 'fields.n.start': '1', 'fields.n.end': '5' };
    st.createTable(nums, CatalogBaseTable.createTable(Schema.newBuilder().column('n', BIGINT()).build(), 'five numbers', [], seq));
    const view = CatalogBaseTable.createView(Schema.newBuilder().column('d', BIGINT()).build(), 'doubled', 'SELECT n * 2 AS d FROM nums', 'SELECT `n` * 2 AS `d` FROM `st`.`db`.`nums`');
    st.createTable(new ObjectPath('db', 'doubled'), view);
    expect([st.getTable(nums).getTableKind(), st.getTable(nums).getComment(), st.getTable(nums).getOptions()]).toEqual(['TABLE', 'five numbers', seq]);
    expect(st.getTable(new ObjectPath('db', 'doubled')).getTableKind()).toBe('VIEW');
    const out = await rowsOf(env.sqlQuery('SELECT d FROM st.db.doubled'));
    expect(out.map((r) => Number(r.d)).sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10]);
  });

  it('partitions: created, read, altered, listed', () => {
    const st = env.getCatalog('st')!;
    const sales = new ObjectPath('db', 'sales');
    const schema = Schema.newBuilder().column('amount', DataTypes.DOUBLE()).column('paid', DataTypes.BOOLEAN()).column('day', DataTypes.DATE()).column('raw', DataTypes.BYTES()).column('region', STRING()).build();
    st.createTable(sales, CatalogBaseTable.createTable(schema, null, ['region'], { connector: 'datagen' }));
    st.createPartition(sales, { region: 'eu' }, CatalogPartition.createInstance({ owner: 'ann' }, 'Europe'));
    st.createPartition(sales, { region: 'us' }, CatalogPartition.createInstance({}, 'America'));
    expect(sorted(st.listPartitions(sales))).toEqual([{ region: 'eu' }, { region: 'us' }]);
    const eu = st.getPartition(sales, { region: 'eu' });
    expect([eu.getProperties(), eu.getComment()]).toEqual([{ owner: 'ann' }, 'Europe']);
    st.alterPartition(sales, { region: 'eu' }, CatalogPartition.createInstance({ owner: 'bob' }, 'Europe, altered'));
    expect([st.getPartition(sales, { region: 'eu' }).getProperties(), st.getPartition(sales, { region: 'eu' }).getComment()]).toEqual([{ owner: 'bob' }, 'Europe, altered']);
    expect(() => st.getPartition(sales, { region: 'asia' })).toThrow(/PartitionNotExistException/);
    // Flink's in-memory catalog has no procedures: the Java method says so
    expect(() => st.getProcedure(new ObjectPath('db', 'compact'))).toThrow(/getProcedure is not implemented for class org.apache.flink.table.catalog.GenericInMemoryCatalog/);
  });

  it('table and partition statistics round-trip through the catalog, and the planner reads the row count', async () => {
    const st = env.getCatalog('st')!;
    const nums = new ObjectPath('db', 'nums');
    const sales = new ObjectPath('db', 'sales');
    // none set: Flink's UNKNOWN
    expect(st.getTableStatistics(nums).getRowCount()).toBe(CatalogTableStatistics.UNKNOWN.getRowCount());
    st.alterTableStatistics(nums, new CatalogTableStatistics(12345, 3, 4096, 8192, { source: 'test' }));
    const t = st.getTableStatistics(nums);
    expect([t.getRowCount(), t.getFileCount(), t.getTotalSize(), t.getRawDataSize(), t.getProperties()]).toEqual([12345, 3, 4096, 8192, { source: 'test' }]);
    expect(await env.sqlQuery('SELECT n FROM st.db.nums').explain(ExplainDetail.ESTIMATED_COST)).toContain('rowcount = 12345.0');

    st.alterTableColumnStatistics(nums, new CatalogColumnStatistics({ n: new CatalogColumnStatisticsDataLong(1, 5, 5, 0) }));
    const n = st.getTableColumnStatistics(nums).getColumnStatisticsData().n as CatalogColumnStatisticsDataLong;
    expect(n).toBeInstanceOf(CatalogColumnStatisticsDataLong);
    expect([n.getMin(), n.getMax(), n.getNdv(), n.getNullCount()]).toEqual([1, 5, 5, 0]);

    st.alterPartitionStatistics(sales, { region: 'eu' }, new CatalogTableStatistics(100, 2, 1000, 900));
    st.alterPartitionColumnStatistics(
      sales,
      { region: 'eu' },
      new CatalogColumnStatistics(
        {
          amount: new CatalogColumnStatisticsDataDouble(0.5, 99.5, 80, 3),
          paid: new CatalogColumnStatisticsDataBoolean(60, 37, 3),
          day: new CatalogColumnStatisticsDataDate(19000, 19030, 31, 0),
          raw: new CatalogColumnStatisticsDataBinary(64, 12.5, 1, { codec: 'none' }),
          region: new CatalogColumnStatisticsDataString(2, 2, 1, 0),
        },
        { collected: 'today' },
      ),
    );
    expect(st.getPartitionStatistics(sales, { region: 'eu' }).getRowCount()).toBe(100);
    const cols = st.getPartitionColumnStatistics(sales, { region: 'eu' });
    expect(cols.getProperties()).toEqual({ collected: 'today' });
    // every field of every type, as Flink's catalog kept it
    expect(JSON.parse(JSON.stringify(cols.getColumnStatisticsData()))).toEqual({
      amount: { type: 'DOUBLE', min: 0.5, max: 99.5, ndv: 80, nullCount: 3, properties: {} },
      paid: { type: 'BOOLEAN', trueCount: 60, falseCount: 37, nullCount: 3, properties: {} },
      day: { type: 'DATE', min: 19000, max: 19030, ndv: 31, nullCount: 0, properties: {} },
      raw: { type: 'BINARY', maxLength: 64, avgLength: 12.5, nullCount: 1, properties: { codec: 'none' } },
      region: { type: 'STRING', maxLength: 2, avgLength: 2, ndv: 1, nullCount: 0, properties: {} },
    });
    expect((cols.getColumnStatisticsData().paid as CatalogColumnStatisticsDataBoolean).getFalseCount()).toBe(37);

    // bulk reads keep the order of the specs; 'us' has none
    expect(st.bulkGetPartitionStatistics(sales, [{ region: 'us' }, { region: 'eu' }]).map((s) => s.getRowCount())).toEqual([-1, 100]);
    const bulk = st.bulkGetPartitionColumnStatistics(sales, [{ region: 'eu' }, { region: 'us' }]);
    expect(bulk.map((c) => Object.keys(c.getColumnStatisticsData()).length)).toEqual([5, 0]);
    expect(() => st.alterPartitionStatistics(sales, { region: 'asia' }, CatalogTableStatistics.UNKNOWN)).toThrow(/PartitionNotExistException/);
    st.alterPartitionStatistics(sales, { region: 'asia' }, CatalogTableStatistics.UNKNOWN, true);
  });
});

describe('modules and functions', () => {
  it('unloads and loads the core module', async () => {
    expect(env.listModules()).toEqual(['core']);
    env.unloadModule('core');
    expect(env.listModules()).toEqual([]);
    // the Table API resolves even `as` through the core module
    expect(() => env.fromValues([{ a: 1 }]).select($('a').as('b'))).toThrow(/built-in function \[as\] could not be found/);
    await env.loadModule('core');
    env.useModules('core');
    expect(env.listFullModules()).toEqual([{ name: 'core', used: true }]);
    expect((await rowsOf(env.sqlQuery('SELECT ABS(-2) AS a')))[0].a).toBe(2);
  });

  it('registers a Java function by class name, lists and drops it', async () => {
    env.createJavaTemporarySystemFunction('to_euro', 'dev.tsflink.bench.ToEuro');
    env.createJavaFunction('to_euro_cat', 'dev.tsflink.bench.ToEuro');
    expect(env.listUserDefinedFunctions()).toEqual(expect.arrayContaining(['to_euro', 'to_euro_cat']));
    const fn = env.getCatalog('default_catalog')!.getFunction(new ObjectPath('default_database', 'to_euro_cat'));
    expect([fn.getClassName(), fn.getFunctionLanguage()]).toEqual(['dev.tsflink.bench.ToEuro', 'JAVA']);
    const t = env.fromValues([{ p: 100n }]);
    const [viaSystem] = await rowsOf(t.select(call('to_euro', $('p')).as('e')));
    const [viaSql] = await rowsOf(env.sqlQuery('SELECT to_euro_cat(CAST(100 AS BIGINT)) AS e'));
    expect(viaSystem.e).toBe(viaSql.e);
    expect(typeof viaSystem.e).toBe('number');
    expect(env.dropFunction('to_euro_cat')).toBe(true);
    expect(env.dropTemporarySystemFunction('to_euro')).toBe(true);
    expect(env.listUserDefinedFunctions()).not.toContain('to_euro_cat');
  });
});

describe('compiled plans', () => {
  it('compiles an INSERT, writes it, loads it and executes it', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    await env.executeSql(`CREATE TEMPORARY TABLE src (k INT, v STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
      'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '3', 'fields.v.length' = '4')`);
    await env.executeSql(`CREATE TEMPORARY TABLE sink (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
    const plan = await env.compilePlanSql('INSERT INTO sink SELECT k * 10, v FROM src');
    expect(JSON.parse(plan.asJsonString()).flinkVersion).toBe('2.3');
    expect(plan.getFlinkVersion()).toBe('2.3');
    const file = path.join(dir, 'plan.json');
    plan.writeToFile(file);
    expect(() => plan.writeToFile(file)).toThrow(/Cannot overwrite the plan file/);
    plan.writeToFile(file, true); // kept as it is
    const loaded = await env.loadPlan(PlanReference.fromFile(file));
    expect(await loaded.explain()).toContain('Sink');
    await (await loaded.execute()).await();
    // executePlan runs it once more from the JSON string
    await (await env.executePlan(PlanReference.fromJsonString(fs.readFileSync(file, 'utf8')))).await();
    // and a third time from Smile, Jackson's binary JSON (header ':)\n')
    const smile = plan.asSmileBytes();
    expect([...smile.subarray(0, 3)]).toEqual([0x3a, 0x29, 0x0a]);
    const fromSmile = await env.loadPlan(PlanReference.fromSmileBytes(smile));
    expect(JSON.parse(fromSmile.asJsonString())).toEqual(JSON.parse(plan.asJsonString()));
    await (await env.executePlan(PlanReference.fromSmileBytes(smile))).await();
    const lines = fs.readdirSync(out).flatMap((f) => fs.readFileSync(path.join(out, f), 'utf8').split('\n').filter(Boolean));
    expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(['10', '10', '10', '20', '20', '20', '30', '30', '30']);
  });

  it('explains with details', async () => {
    const text = await env.fromValues([{ a: 1 }]).explain(ExplainDetail.ESTIMATED_COST);
    expect(text).toMatch(/rowcount/);
    expect(() => env.fromValues([{ a: 1 }]).explain('COST' as unknown as ExplainDetail)).rejects.toThrow(/ExplainDetail/);
  });
});

describe('config, settings and descriptors', () => {
  it('TableConfig setters reach the Java configuration and change query results', async () => {
    const config = env.getConfig();
    config.setLocalTimezone('Asia/Tokyo').setIdleStateRetention(90_000).setSqlDialect(SqlDialect.DEFAULT);
    expect([config.getLocalTimezone(), config.getIdleStateRetention(), config.getSqlDialect()]).toEqual(['Asia/Tokyo', 90_000, SqlDialect.DEFAULT]);
    expect(config.getConfiguration()).toMatchObject({ 'table.local-time-zone': 'Asia/Tokyo', 'table.exec.state.ttl': '90000 ms' });
    // epoch 0 as a local timestamp in Tokyo is 09:00
    const [r] = await rowsOf(env.sqlQuery("SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING) AS t"));
    expect(r.t).toBe('1970-01-01 09:00:00.000');
    config.addConfiguration({ 'table.local-time-zone': 'UTC' });
    expect(config.getLocalTimezone()).toBe('UTC');
    expect(() => config.setIdleStateRetention(-1)).toThrow(/milliseconds/);

    // a detached config with Flink's defaults: nothing set, and setting it leaves the environment alone
    const detached = TableConfig.getDefault();
    expect(detached.toMap()).toEqual({});
    detached.setLocalTimezone('America/New_York').set('table.exec.mini-batch.enabled', true);
    expect(detached.getConfiguration()).toEqual({ 'table.local-time-zone': 'America/New_York', 'table.exec.mini-batch.enabled': 'true' });
    expect(config.getLocalTimezone()).toBe('UTC');
    config.addConfiguration(detached.getConfiguration());
    expect(config.getLocalTimezone()).toBe('America/New_York');
    config.setLocalTimezone('UTC').set('table.exec.mini-batch.enabled', false);
  });

  it('EnvironmentSettings names the built-in catalog and database', () => {
    const s = EnvironmentSettings.newInstance().inBatchMode().withBuiltInCatalogName('cat').withBuiltInDatabaseName('db').build();
    expect([s.getBuiltInCatalogName(), s.getBuiltInDatabaseName(), s.isStreamingMode()]).toEqual(['cat', 'db', false]);
    expect(EnvironmentSettings.inStreamingMode().getBuiltInCatalogName()).toBe('default_catalog');
  });

  it('descriptors answer their getters from the Java descriptor', () => {
    const d = TableDescriptor.forConnector('datagen')
      .schema(Schema.newBuilder().column('a', INT()).column('b', STRING()).build())
      .option('rows-per-second', 5)
      .format(FormatDescriptor.forFormat('json').option('ignore-parse-errors', true).build())
      .partitionedBy('b')
      .comment('gen')
      .build();
    expect(d.getOptions()).toEqual({ connector: 'datagen', 'rows-per-second': '5', format: 'json', 'json.ignore-parse-errors': 'true' });
    expect([d.getPartitionKeys(), d.getComment()]).toEqual([['b'], 'gen']);
    expect(d.getSchema()).toContain('`a` INT');
    const f = FormatDescriptor.forFormat('csv').option('field-delimiter', ';').build();
    expect([f.getFormat(), f.getOptions()]).toEqual(['csv', { 'field-delimiter': ';' }]);
  });
});

describe('models', () => {
  it('creates a model, describes it, lists and drops it', () => {
    const d = ModelDescriptor.forProvider('openai')
      .inputSchema(Schema.newBuilder().column('text', STRING()).build())
      .outputSchema(Schema.newBuilder().column('label', STRING()).build())
      .option('endpoint', 'http://127.0.0.1:1/v1/chat/completions')
      .option('model', 'small')
      .comment('a classifier')
      .build();
    expect(d.getOptions()).toMatchObject({ provider: 'openai', model: 'small' });
    expect([d.getComment(), d.getInputSchema()]).toEqual(['a classifier', expect.stringContaining('`text` STRING')]);
    env.createModel('classifier', d);
    env.createTemporaryModel('tmp_classifier', d);
    // as in Flink 2.3, listModels() names the current database's catalog models only
    expect(env.listModels()).toEqual(['classifier']);
    expect(env.listTemporaryModels()).toEqual(['tmp_classifier']);
    const m = env.fromModel('classifier');
    expect(m.getResolvedInputSchema()).toContain('`text` STRING');
    expect(m.getResolvedOutputSchema()).toContain('`label` STRING');
    const catalog = env.getCatalog('default_catalog')!;
    expect(catalog.modelExists(new ObjectPath('default_database', 'classifier'))).toBe(true);
    expect(catalog.getModel(new ObjectPath('default_database', 'classifier')).getOptions()).toMatchObject({ provider: 'openai', model: 'small' });
    // a second model made in the catalog directly, then changed
    catalog.createModel(new ObjectPath('default_database', 'direct'), d);
    catalog.alterModel(new ObjectPath('default_database', 'direct'), ModelDescriptor.forProvider('openai').inputSchema(Schema.newBuilder().column('text', STRING()).build()).outputSchema(Schema.newBuilder().column('score', DataTypes.DOUBLE()).build()).option('model', 'big').build());
    const altered = catalog.getModel(new ObjectPath('default_database', 'direct'));
    expect([altered.getOptions().model, altered.getOutputSchema()]).toEqual(['big', expect.stringContaining('`score` DOUBLE')]);
    catalog.dropModel(new ObjectPath('default_database', 'direct'));
    expect(env.dropTemporaryModel('tmp_classifier')).toBe(true);
    expect(env.dropModel('classifier')).toBe(true);
    expect(env.listModels()).toEqual([]);
  });

  // 'tsflink-linear' (src/jvm/.../ml/LinearModelFactory.java): score = bias + sum(weights[i] * input[i])
  const points = `SELECT * FROM (VALUES (1, 1.0e0, 2), (2, 3.0e0, -4), (3, 0.5e0, 10), (4, CAST(NULL AS DOUBLE), 1)) AS t(id, x, y)`;
  // 1 + 2x - 0.5y for the rows above; a null feature predicts null
  const expected = [
    { id: 1, score: 2 },
    { id: 2, score: 9 },
    { id: 3, score: -3 },
    { id: 4, score: null },
  ];
  const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => (a.id as number) - (b.id as number));

  it('predicts with a model created in SQL, from SQL (ML_PREDICT) and from TS (Model.predict, fromCall)', async () => {
    await env.executeSql(`CREATE TEMPORARY VIEW pts AS ${points}`);
    await env.executeSql(
      `CREATE MODEL lin INPUT (x DOUBLE, y INT) OUTPUT (score DOUBLE) WITH ('provider' = 'tsflink-linear', 'weights' = '2, -0.5', 'bias' = '1')`,
    );
    expect(env.listModels()).toContain('lin');

    const fromSql = await rowsOf(env.sqlQuery('SELECT id, score FROM ML_PREDICT(TABLE pts, MODEL lin, DESCRIPTOR(x, y))'));
    expect(byId(fromSql)).toEqual(expected);

    const model = env.fromModel('lin');
    const predicted = model.predict(env.from('pts'), ColumnList.of('x', 'y'));
    // the input's columns, then the model's output columns
    expect(predicted.getResolvedSchema().columns.map((c) => c.name)).toEqual(['id', 'x', 'y', 'score']);
    expect(byId(await rowsOf(predicted.select($('id'), $('score'))))).toEqual(expected);

    // plain names for the columns, and ML_PREDICT's runtime options
    const sync = model.predict(env.from('pts'), ['x', 'y'], { async: 'false' }).select($('id'), $('score'));
    expect(byId(await rowsOf(sync))).toEqual(expected);
    // the options reach Flink: the provider is synchronous only
    await expect(rowsOf(model.predict(env.from('pts'), ['x', 'y'], { async: 'true' }))).rejects.toThrow(/doesn't support async mode/);

    // ML_PREDICT as a call with named arguments: Table.asArgument, Model.asArgument, descriptor
    const called = env.fromCall('ML_PREDICT', env.from('pts').asArgument('INPUT'), model.asArgument('MODEL'), descriptor('x', 'y').asArgument('ARGS'));
    expect(byId(await rowsOf(called.select($('id'), $('score'))))).toEqual(expected);
    env.dropModel('lin');
  });

  it('a bad model option fails the query with a message naming it', async () => {
    const d = (weights: string) =>
      ModelDescriptor.forProvider('tsflink-linear')
        .inputSchema(Schema.newBuilder().column('x', DataTypes.DOUBLE()).column('y', INT()).build())
        .outputSchema(Schema.newBuilder().column('score', DataTypes.DOUBLE()).build())
        .option('weights', weights)
        .build();
    env.createTemporaryModel('bad_weights', d('2, two'));
    env.createTemporaryModel('short_weights', d('2'));
    const pts = env.sqlQuery(points);
    await expect(rowsOf(env.fromModel('bad_weights').predict(pts, ['x', 'y']))).rejects.toThrow(
      /Model '[^']*bad_weights' \(provider 'tsflink-linear'\): option 'weights' must be comma-separated numbers, got '2, two'/,
    );
    await expect(rowsOf(env.fromModel('short_weights').predict(pts, ['x', 'y']))).rejects.toThrow(/option 'weights' has 1 numbers for 2 input columns/);
    // an option the provider does not know: Flink's own validation lists the supported ones
    env.createTemporaryModel('typo', ModelDescriptor.forProvider('tsflink-linear').inputSchema(Schema.newBuilder().column('x', DataTypes.DOUBLE()).build()).outputSchema(Schema.newBuilder().column('score', DataTypes.DOUBLE()).build()).option('weights', '1').option('bais', '2').build());
    await expect(rowsOf(env.fromModel('typo').predict(pts, ['x']))).rejects.toThrow(/Unsupported options[\s\S]*bais/);
    for (const m of ['bad_weights', 'short_weights', 'typo']) env.dropTemporaryModel(m);
  });
});

describe('schemas, types and identifiers', () => {
  it('Schema builders, INTERVAL types and ObjectIdentifier', () => {
    const { ROW, FIELD, INTERVAL, DAY, SECOND, YEAR, MONTH } = DataTypes;
    const keyed = Schema.newBuilder().fromRowDataType(ROW(FIELD('id', DataTypes.of<number>('INT NOT NULL')), FIELD('v', STRING()))).primaryKeyNamed('pk_id', 'id').build();
    expect(keyed.toString()).toMatch(/CONSTRAINT `pk_id` PRIMARY KEY \(`id`\)/);
    const copied = Schema.newBuilder().fromSchema(keyed).column('extra', INT()).build().toString();
    expect(copied).toContain('`extra` INT');
    expect(copied).toContain('pk_id');
    const resolved = env.fromValues([{ x: 1, y: 'a' }]).getResolvedSchema();
    expect(Schema.newBuilder().fromResolvedSchema(resolved).build().toString()).toMatch(/`x` INT,\s*`y` STRING/);
    expect(Schema.newBuilder().fromFields(['a', 'b'], [INT(), STRING()]).build().toString()).toMatch(/`a` INT,\s*`b` STRING/);

    const types = env
      .fromValues([{ x: 1 }])
      .select(nullOf(INTERVAL(DAY(), SECOND(3))).as('dt'), nullOf(INTERVAL(YEAR(2), MONTH())).as('ym'))
      .getResolvedSchema()
      .columns.map((c) => c.type.sql);
    expect(types).toEqual(['INTERVAL DAY(2) TO SECOND(3)', 'INTERVAL YEAR(2) TO MONTH']);
    expect(() => INTERVAL(YEAR(), SECOND())).toThrow(/mixes/);

    const id = ObjectIdentifier.of('cat', 'db', 'my`t');
    expect([id.asSummaryString(), id.asSerializableString(), id.toObjectPath().getFullName()]).toEqual(['cat.db.my`t', '`cat`.`db`.`my``t`', 'db.my`t']);
  });

  it('a CatalogFunction made by class name is callable from SQL', async () => {
    const catalog = env.getCatalog('default_catalog')!;
    catalog.createFunction(new ObjectPath('default_database', 'to_eur'), CatalogFunction.createInstance('dev.tsflink.bench.ToEuro'));
    expect(catalog.functionExists(new ObjectPath('default_database', 'to_eur'))).toBe(true);
    const [r] = await rowsOf(env.sqlQuery('SELECT to_eur(CAST(100 AS BIGINT)) AS e'));
    expect(r.e).toBeCloseTo(90.8, 10);
    catalog.dropFunction(new ObjectPath('default_database', 'to_eur'));
  });
});

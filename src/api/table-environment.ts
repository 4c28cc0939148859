/**
 * Mirrors org.apache.flink.table.api.TableEnvironment: the entry point to the Table API and SQL.
 * `await TableEnvironment.create(EnvironmentSettings.inStreamingMode())` starts (once per process)
 * the session's JVM and local Flink mini-cluster and returns an environment bound to it.
 */
import { callAsync, callSync } from '../gateway/jvm';
import { Envs, Gateway, TypesFacade, handleOf, track, type ArgNode, type Handle } from '../gateway/facade';
import { Session, type ConnectorJarTarget, type SessionOptions } from '../session/session';
import type { ResolvedConnector } from '../connectors/resolve';
import '../connectors/factory-hint';
import type { DataType, Row } from './data-types';
import { assertFunctionRef, toNode, type ExpressionLike, type JavaFunctionRef } from './expressions';
import { EnvironmentSettings } from './environment-settings';
import { StatementSet } from './statement-set';
import { Table, tableNode, type TableContext } from './table';
import { ASYNC_SCALAR_RETRY_STRATEGY, ASYNC_SCALAR_TIMEOUT, EXECUTION_MODE_OPTION, parseExecutionMode, type ExecutionMode } from './udf/execution-mode';
import { shippedDependenciesOf, type ShippedDependencies } from './udf/shipped-modules';
import type { TableDescriptor } from './table-descriptor';
import { TableResult } from './table-result';
import { encodeValue, inferSqlType, type LogicalTypeTree } from './values';
import type * as arrow from 'apache-arrow';
import { fromArrowTable } from './arrow/from-arrow';
import * as udfDependencies from './udf/ship/dependencies';
import { toJavaJson } from '../gateway/java-json';
import { trackTableConfig } from './udf/aggregate-state-backend';
import { Catalog, CatalogDescriptor, type ModuleEntry } from './catalog';
import { CompiledPlan, PlanReference } from './compiled-plan';
import { Model, ModelDescriptor } from './model';
import { SqlDialect, explainArgs, type ExplainDetail } from './enums';

const CATALOGS = 'dev.tsflink.gateway.Catalogs';

export class TableConfig {
  /**
   * @param env a TableEnvironment's handle (its config), or a Java TableConfig's own handle
   * @param owner the TableEnvironment whose handle `env` is: held so the config never outlives it
   */
  constructor(
    private readonly env: Handle,
    private readonly owner?: TableEnvironment,
  ) {}

  /**
   * A new TableConfig with Flink's defaults, not attached to any environment (Java's
   * TableConfig.getDefault()): to inspect defaults or prepare options to copy with addConfiguration.
   */
  static getDefault(): TableConfig {
    const h = handleOf(Gateway.invokeStatic('TableConfig', 'getDefault'), 'a TableConfig');
    const config = new TableConfig(h);
    track(config, h);
    return config;
  }

  /** Sets a Flink option for this environment, e.g. set('parallelism.default', '2'). */
  set(key: string, value: string | number | boolean): this {
    Envs.configSet(this.env, key, String(value));
    return this;
  }

  /** Forgets the value set for key here (SQL's RESET 'key'): the session's value, or Flink's default, applies again. */
  remove(key: string): this {
    Envs.configRemove(this.env, key);
    return this;
  }

  /** The value set for key (here or in the session's configuration), or undefined. */
  get(key: string): string | undefined {
    return Envs.configGet(this.env, key) ?? undefined;
  }

  /** Every option set for this environment. */
  toMap(): Record<string, string> {
    return Envs.configToJson(this.env);
  }

  /** The environment's configuration, as key-value pairs (Java's getConfiguration().toMap()). */
  getConfiguration(): Record<string, string> {
    return this.toMap();
  }

  /** Sets every option of `configuration`. */
  addConfiguration(configuration: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(configuration)) this.set(k, v);
    return this;
  }

  /** The session time zone for TIMESTAMP_LTZ and time functions (`table.local-time-zone`), e.g. 'UTC' or 'Europe/Berlin'. */
  setLocalTimezone(zoneId: string): this {
    return this.set('table.local-time-zone', zoneId);
  }

  getLocalTimezone(): string {
    return this.get('table.local-time-zone') ?? 'default';
  }

  /** How long idle keys' state is kept, in milliseconds (`table.exec.state.ttl`; 0 keeps it forever). */
  setIdleStateRetention(ms: number): this {
    if (!Number.isInteger(ms) || ms < 0) throw new TypeError(`setIdleStateRetention takes a whole number of milliseconds >= 0, got ${ms}`);
    return this.set('table.exec.state.ttl', `${ms} ms`);
  }

  getIdleStateRetention(): number {
    return durationMs(this.get('table.exec.state.ttl') ?? '0 ms');
  }

  /** The SQL dialect of executeSql / sqlQuery (`table.sql-dialect`). */
  setSqlDialect(dialect: SqlDialect): this {
    return this.set('table.sql-dialect', dialect.name.toLowerCase());
  }

  getSqlDialect(): SqlDialect {
    return (this.get('table.sql-dialect') ?? 'default').toUpperCase() === 'HIVE' ? SqlDialect.HIVE : SqlDialect.DEFAULT;
  }

  /** Above this many bytes, generated code is split into methods (`table.generated-code.max-length`). */
  setMaxGeneratedCodeLength(length: number): this {
    return this.set('table.generated-code.max-length', length);
  }

  getMaxGeneratedCodeLength(): number {
    return Number(this.get('table.generated-code.max-length') ?? 4000);
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000,
  min: 60_000, minute: 60_000, minutes: 60_000, m: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000, d: 86_400_000, day: 86_400_000, days: 86_400_000 };

/** Milliseconds of a Flink duration text ('90 s', '1 h', '500 ms', '1000'). */
function durationMs(text: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) throw new Error(`cannot read the duration '${text}'`);
  const unit = m[2].toLowerCase() || 'ms';
  if (!(unit in UNIT_MS)) throw new Error(`unknown duration unit in '${text}'`);
  return Number(m[1]) * UNIT_MS[unit];
}

const WIDER: Record<string, number> = { INT: 1, BIGINT: 2, DOUBLE: 3 };

function widen(a: string | undefined, b: string | undefined, column: string): string | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  if (WIDER[a] && WIDER[b]) return WIDER[a] > WIDER[b] ? a : b;
  throw new TypeError(`column '${column}' mixes values of types ${a} and ${b}; pass an explicit row type`);
}

/** Infers a ROW type for rows given as objects (named columns) or arrays (f0, f1, ...). */
function inferRowType(rows: readonly unknown[]): string {
  if (rows.length === 0) throw new TypeError('fromValues() of no rows needs an explicit row type');
  const objects = rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  const arrays = rows.every((r) => Array.isArray(r));
  if (!objects && !arrays) throw new TypeError('fromValues() rows must be all objects or all arrays');
  const names: string[] = [];
  const types = new Map<string, string | undefined>();
  rows.forEach((r) => {
    const entries: [string, unknown][] = arrays ? (r as unknown[]).map((v, i) => [`f${i}`, v]) : Object.entries(r as object);
    for (const [k, v] of entries) {
      if (!types.has(k)) names.push(k);
      types.set(k, widen(types.get(k), inferSqlType(v), k));
    }
  });
  const fields = names.map((n) => {
    const t = types.get(n);
    if (!t) throw new TypeError(`cannot infer the type of column '${n}': every value is null; pass an explicit row type`);
    return `\`${n}\` ${t}`;
  });
  return `ROW<${fields.join(', ')}>`;
}

export class TableEnvironment implements TableContext, ConnectorJarTarget {
  readonly streaming: boolean;

  // protected: StreamTableEnvironment (src/api/datastream) extends it
  protected constructor(
    readonly handle: Handle,
    readonly settings: EnvironmentSettings,
    readonly session: Session,
  ) {
    this.streaming = settings.isStreamingMode();
    track(this, handle);
    trackTableConfig(this.getConfig());
  }

  /** Creates a table environment on the process's session (started on first use). */
  static async create(settings: EnvironmentSettings = EnvironmentSettings.inStreamingMode(), session?: SessionOptions): Promise<TableEnvironment> {
    return TableEnvironment.build(settings, session, -1, (h, st, s) => new TableEnvironment(h, st, s));
  }

  /**
   * A new environment in its own runtime mode that sees the same catalogs, tables, views (temporary
   * ones included), functions, modules and jars as `other`, as the environments of one session of
   * Flink's SQL gateway do: e.g. a batch environment next to a streaming one. Its configuration is
   * its own.
   */
  static async createSharingCatalogs(settings: EnvironmentSettings, other: TableEnvironment): Promise<TableEnvironment> {
    return TableEnvironment.build(settings, undefined, other.handle, (h, st, s) => new TableEnvironment(h, st, s));
  }

  /** Builds the Java environment (SessionTableEnvironment) on the session; `make` wraps it. */
  protected static async build<E extends TableEnvironment>(
    settings: EnvironmentSettings,
    session: SessionOptions | undefined,
    shareWith: Handle | -1,
    make: (handle: Handle, settings: EnvironmentSettings, session: Session) => E,
  ): Promise<E> {
    const s = await Session.start(session);
    const config = { ...s.baseConfig, ...settings.configuration };
    const handle = await callAsync<number>('dev.tsflink.gateway.Envs', 'createSharing', settings.mode, toJavaJson(config), shareWith);
    const env = make(handle, settings, s);
    await s.attachEnvironment(env);
    // connectors asked for here also count when the session was already running
    if (session?.connectors?.length) await s.addConnectors(...session.connectors);
    return env;
  }

  /**
   * Adds connectors or formats by name ('kafka', 'jdbc', 'avro', ...; src/connectors/connectors.json),
   * Maven coordinates or jar paths to the running session: the jars are fetched through Maven when
   * not cached, added to this and every other table environment of the session without a restart,
   * and shipped with each job to the cluster (`pipeline.jars`). See docs/connectors.md.
   */
  addConnector(...names: string[]): Promise<ResolvedConnector[]> {
    return this.session.addConnectors(...names);
  }

  /** Flink's ADD JAR for each jar: the environment's user class loader, and the jobs' pipeline.jars. */
  async addJars(jars: readonly string[]): Promise<void> {
    for (const jar of jars) {
      await Gateway.invokeAsync(this.handle, 'executeSql', [`ADD JAR '${jar.replace(/'/g, "''")}'`]);
    }
  }

  private invoke(method: string, args: ArgNode[]): ReturnType<typeof Gateway.invoke> {
    return Gateway.invoke(this.handle, method, args);
  }

  protected table<R = Row>(h: Handle): Table<R> {
    return new Table<R>(h, this);
  }

  getConfig(): TableConfig {
    return new TableConfig(this.handle, this);
  }

  /** A function to register: a TS UDF is made for this environment (its mode, its shipped dependencies). */
  private functionNode(fn: JavaFunctionRef): ArgNode {
    return { k: 'handle', id: fn.toJavaHandle(this) };
  }

  /**
   * Where TS UDFs without a `mode` of their own run when used with this environment: its
   * `tsflink.udf.execution-mode` option ('process', the default, or 'embedded'; docs/embedded.md).
   * A function registered for SQL keeps the mode in force when it was registered.
   */
  udfExecutionMode(): ExecutionMode {
    return parseExecutionMode(this.getConfig().get(EXECUTION_MODE_OPTION));
  }

  /**
   * What this environment ships for TS UDFs (addJsFile(s), setNpmRequirements, addArchive): a
   * function made for embedded mode bundles the modules it requires from them (docs/embedded.md).
   */
  udfDependencies(): ShippedDependencies {
    return shippedDependenciesOf(this.getConfig());
  }

  /**
   * When an embedded async UDF used here fails a call, naming itself: `table.exec.async-scalar.timeout`
   * in ms (Flink's default when unset), or 0 with a retry strategy set (Flink's own timeout then).
   */
  udfAsyncDeadlineMs(): number {
    const config = this.getConfig();
    // (a Java long: java-bridge gives a bigint)
    return Number(
      callSync<bigint | number>('dev.tsflink.udf.UdfFactory', 'asyncScalarDeadlineMs', config.get(ASYNC_SCALAR_TIMEOUT) ?? null, config.get(ASYNC_SCALAR_RETRY_STRATEGY) ?? null),
    );
  }

  /** Runs one SQL statement (DDL, DML, SELECT, SHOW, ...); INSERT and SELECT submit a job. */
  async executeSql(statement: string): Promise<TableResult> {
    const r = await Gateway.invokeAsync(this.handle, 'executeSql', [statement]);
    return new TableResult(handleOf(r, 'a TableResult'), this.streaming);
  }

  /** A Table for a SELECT query, for further Table API calls. */
  sqlQuery(query: string): Table {
    return this.table(handleOf(this.invoke('sqlQuery', [query]), 'a Table'));
  }

  /** The plan of a statement, with optional extra details: `explainSql(sql, ExplainDetail.CHANGELOG_MODE)`. */
  async explainSql(statement: string, ...details: ExplainDetail[]): Promise<string> {
    return (await Gateway.invokeAsync(this.handle, 'explainSql', [statement, ...explainArgs(details)])).v as string;
  }

  // --- catalogs ---------------------------------------------------------------------------------

  /** Creates and registers a catalog from its options: `createCatalog('c1', CatalogDescriptor.of('c1', { type: 'generic_in_memory' }))`. */
  createCatalog(name: string, descriptor: CatalogDescriptor): void {
    this.invoke('createCatalog', [name, descriptor.node]);
  }

  /** Registers a catalog object (e.g. `Catalog.genericInMemory('c2')`) under a name. */
  registerCatalog(name: string, catalog: Catalog): void {
    this.invoke('registerCatalog', [name, catalog.node]);
  }

  /** The catalog registered under name, to browse; undefined if there is none. */
  getCatalog(name: string): Catalog | undefined {
    const r = this.invoke('getCatalog', [name]);
    return r.h === undefined ? undefined : new Catalog(r.h);
  }

  listCatalogs(): string[] {
    return this.invoke('listCatalogs', []).v as string[];
  }

  /** The databases of the current catalog. */
  listDatabases(): string[] {
    return this.invoke('listDatabases', []).v as string[];
  }

  // --- modules ----------------------------------------------------------------------------------

  /**
   * Loads a module by its factory identifier, with options (Flink's LOAD MODULE; 'core' ships with
   * Flink, others come with their jars, e.g. addConnector('hive')).
   */
  async loadModule(name: string, options: Record<string, string> = {}): Promise<void> {
    const withClause = Object.keys(options).length
      ? ` WITH (${Object.entries(options).map(([k, v]) => `'${k.replace(/'/g, "''")}' = '${v.replace(/'/g, "''")}'`).join(', ')})`
      : '';
    await Gateway.invokeAsync(this.handle, 'executeSql', [`LOAD MODULE \`${name.replace(/`/g, '``')}\`${withClause}`]);
  }

  unloadModule(name: string): void {
    this.invoke('unloadModule', [name]);
  }

  /** Uses these loaded modules, in this resolution order (the others stay loaded, unused). */
  useModules(...names: string[]): void {
    this.invoke('useModules', names);
  }

  /** The used modules, in resolution order. */
  listModules(): string[] {
    return this.invoke('listModules', []).v as string[];
  }

  /** Every loaded module, used or not. */
  listFullModules(): ModuleEntry[] {
    return JSON.parse(callSync<string>(CATALOGS, 'fullModules', this.handle)) as ModuleEntry[];
  }

  // --- views, tables, functions by path -----------------------------------------------------------

  /** Registers a view of a Table in the current catalog; false if it existed and ignoreIfExists. */
  createView(path: string, table: Table<unknown>, ignoreIfExists = false): boolean {
    const r = this.invoke('createView', ignoreIfExists ? [path, tableNode(table), true] : [path, tableNode(table)]);
    return r.v === undefined || r.v === null ? true : (r.v as boolean);
  }

  dropView(path: string, ignoreIfNotExists = true): boolean {
    return this.invoke('dropView', [path, ignoreIfNotExists]).v as boolean;
  }

  dropTable(path: string, ignoreIfNotExists = true): boolean {
    return this.invoke('dropTable', [path, ignoreIfNotExists]).v as boolean;
  }

  listTemporaryViews(): string[] {
    return this.invoke('listTemporaryViews', []).v as string[];
  }

  listMaterializedTables(): string[] {
    return this.invoke('listMaterializedTables', []).v as string[];
  }

  /** Functions registered by users (not the built-ins), of every kind. */
  listUserDefinedFunctions(): string[] {
    return this.invoke('listUserDefinedFunctions', []).v as string[];
  }

  /** Registers a function in the current catalog and database (persisted by a persistent catalog). */
  createFunction(path: string, fn: JavaFunctionRef, ignoreIfExists = false): void {
    assertFunctionRef(fn, 'createFunction');
    fn.registeredAs?.(path.split('.').pop()!.replace(/`/g, ''));
    this.invoke('createFunction', [path, this.functionNode(fn), ignoreIfExists]);
  }

  dropFunction(path: string): boolean {
    return this.invoke('dropFunction', [path]).v as boolean;
  }

  dropTemporaryFunction(path: string): boolean {
    return this.invoke('dropTemporaryFunction', [path]).v as boolean;
  }

  /** A Java UserDefinedFunction by class name (on the class path or an added jar), as a temporary system function. */
  createJavaTemporarySystemFunction(name: string, className: string): void {
    callSync(CATALOGS, 'createJavaFunction', this.handle, 'system', name, className, false);
  }

  /** A Java UserDefinedFunction by class name, as a temporary catalog function. */
  createJavaTemporaryFunction(path: string, className: string): void {
    callSync(CATALOGS, 'createJavaFunction', this.handle, 'temporary', path, className, false);
  }

  /** A Java UserDefinedFunction by class name, as a catalog function. */
  createJavaFunction(path: string, className: string, ignoreIfExists = false): void {
    callSync(CATALOGS, 'createJavaFunction', this.handle, 'catalog', path, className, ignoreIfExists);
  }

  // --- models -----------------------------------------------------------------------------------

  /** Registers a model in the current catalog: `createModel('m', ModelDescriptor.forProvider('openai')...build())`. */
  createModel(path: string, descriptor: ModelDescriptor, ignoreIfExists = false): void {
    this.invoke('createModel', [path, descriptor.node, ignoreIfExists]);
  }

  createTemporaryModel(path: string, descriptor: ModelDescriptor, ignoreIfExists = false): void {
    this.invoke('createTemporaryModel', [path, descriptor.node, ignoreIfExists]);
  }

  /** A registered model (Java's Model), by path or from a descriptor. */
  fromModel(pathOrDescriptor: string | ModelDescriptor): Model {
    const arg = typeof pathOrDescriptor === 'string' ? pathOrDescriptor : pathOrDescriptor.node;
    return new Model(handleOf(this.invoke('fromModel', [arg]), 'a Model'), this);
  }

  dropModel(path: string, ignoreIfNotExists = true): boolean {
    return this.invoke('dropModel', [path, ignoreIfNotExists]).v as boolean;
  }

  dropTemporaryModel(path: string): boolean {
    return this.invoke('dropTemporaryModel', [path]).v as boolean;
  }

  listModels(): string[] {
    return this.invoke('listModels', []).v as string[];
  }

  listTemporaryModels(): string[] {
    return this.invoke('listTemporaryModels', []).v as string[];
  }

  // --- compiled plans ---------------------------------------------------------------------------

  /** The compiled plan of an INSERT (or STATEMENT SET): JSON to store, load and execute later. */
  async compilePlanSql(statement: string): Promise<CompiledPlan> {
    const r = await Gateway.invokeAsync(this.handle, 'compilePlanSql', [statement]);
    return new CompiledPlan(handleOf(r, 'a CompiledPlan'), this.streaming);
  }

  /** A compiled plan from a file, JSON string or resource: `loadPlan(PlanReference.fromFile(path))`. */
  async loadPlan(plan: PlanReference): Promise<CompiledPlan> {
    const r = await Gateway.invokeAsync(this.handle, 'loadPlan', [plan.node]);
    return new CompiledPlan(handleOf(r, 'a CompiledPlan'), this.streaming);
  }

  /** Loads and runs a compiled plan. */
  async executePlan(plan: PlanReference): Promise<TableResult> {
    const r = await Gateway.invokeAsync(this.handle, 'executePlan', [plan.node]);
    return new TableResult(handleOf(r, 'a TableResult'), this.streaming);
  }

  /** A registered table or view: `from('orders')`, or a connector table: `from(TableDescriptor.forConnector(...)...build())`. */
  from<R = Row>(pathOrDescriptor: string | TableDescriptor<R>): Table<R> {
    if (typeof pathOrDescriptor !== 'string') return this.fromDescriptor(pathOrDescriptor);
    return this.table<R>(handleOf(this.invoke('from', [pathOrDescriptor]), 'a Table'));
  }

  /**
   * The table a table-valued function returns, by name, with positional or named arguments
   * (`x.asArgument('NAME')`): `fromCall('ML_PREDICT', t.asArgument('INPUT'), model.asArgument('MODEL'),
   * descriptor('x').asArgument('ARGS'))`.
   */
  fromCall<R = Row>(path: string, ...args: ExpressionLike[]): Table<R> {
    return this.table<R>(handleOf(this.invoke('fromCall', [path, ...args.map(toNode)]), 'a Table'));
  }

  /** An inline table, typed by the row type: `fromValues(DataTypes.ROW(FIELD('a', INT())), [{a: 1}])`. */
  fromValues<R>(rowType: DataType<R | null>, rows: readonly (R | unknown[])[]): Table<R>;
  /** An inline table with inferred column types: `fromValues([{word: 'a', n: 1}])`; arrays give f0, f1, .... */
  fromValues<R extends object>(rows: readonly R[]): Table<R extends unknown[] ? Row : R>;
  fromValues(a: DataType | readonly unknown[], b?: readonly unknown[]): Table<unknown> {
    const [rowSql, rows] = Array.isArray(a) ? [inferRowType(a), a] : [(a as DataType).sql, b ?? []];
    const tree = JSON.parse(TypesFacade.describeSql(rowSql)) as LogicalTypeTree;
    if (tree.root !== 'ROW') throw new TypeError(`fromValues needs a ROW type, got ${rowSql}`);
    const encoded = rows.map((r, i) => {
      try {
        return encodeValue(r, tree);
      } catch (e) {
        throw new TypeError(`row ${i}: ${(e as Error).message}`);
      }
    });
    return this.table(Envs.fromValues(this.handle, rowSql, encoded));
  }

  /**
   * A Table of an Apache Arrow table's rows, moved in bulk (PyFlink's from_pandas). Column types
   * come from the Arrow types (or the exact Flink types toArrow() records), from a ROW `schema`,
   * or the inferred types get new names from a list of column names. See docs/arrow.md.
   */
  fromArrow<R = Row>(table: arrow.Table, schema?: DataType<R | null> | readonly string[]): Table<R> {
    return this.table<R>(fromArrowTable(this.handle, table, schema));
  }

  /** PyFlink's from_elements: rows with an optional row type. */
  fromElements<R>(elements: readonly R[], rowType?: DataType<R | null>): Table<R> {
    return (rowType ? this.fromValues(rowType, elements) : this.fromValues(elements as readonly object[])) as Table<R>;
  }

  createTemporaryView(path: string, table: Table<unknown>): void {
    this.invoke('createTemporaryView', [path, tableNode(table)]);
  }

  /** Registers a catalog table backed by a connector. */
  createTable(path: string, descriptor: TableDescriptor<unknown>): void {
    this.invoke('createTable', [path, descriptor.node]);
  }

  /** Registers a temporary table backed by a connector. */
  createTemporaryTable(path: string, descriptor: TableDescriptor<unknown>): void {
    this.invoke('createTemporaryTable', [path, descriptor.node]);
  }

  /** A table read through a connector descriptor, without registering it. */
  fromDescriptor<R>(descriptor: TableDescriptor<R>): Table<R> {
    return this.table<R>(handleOf(this.invoke('from', [descriptor.node]), 'a Table'));
  }

  dropTemporaryTable(path: string): boolean {
    return this.invoke('dropTemporaryTable', [path]).v as boolean;
  }

  dropTemporaryView(path: string): boolean {
    return this.invoke('dropTemporaryView', [path]).v as boolean;
  }

  listTables(): string[] {
    return this.invoke('listTables', []).v as unknown as string[];
  }

  listViews(): string[] {
    return this.invoke('listViews', []).v as unknown as string[];
  }

  listTemporaryTables(): string[] {
    return this.invoke('listTemporaryTables', []).v as unknown as string[];
  }

  listFunctions(): string[] {
    return this.invoke('listFunctions', []).v as unknown as string[];
  }

  useCatalog(name: string): void {
    this.invoke('useCatalog', [name]);
  }

  useDatabase(name: string): void {
    this.invoke('useDatabase', [name]);
  }

  getCurrentCatalog(): string {
    return this.invoke('getCurrentCatalog', []).v as string;
  }

  getCurrentDatabase(): string {
    return this.invoke('getCurrentDatabase', []).v as string;
  }

  /** Registers a function (a TS UDF or a Java UserDefinedFunction) for Table API and SQL, by name. */
  createTemporarySystemFunction(name: string, fn: JavaFunctionRef): void {
    assertFunctionRef(fn, 'createTemporarySystemFunction');
    fn.registeredAs?.(name);
    this.invoke('createTemporarySystemFunction', [name, this.functionNode(fn)]);
  }

  /** Registers a function in the current catalog and database. */
  createTemporaryFunction(path: string, fn: JavaFunctionRef): void {
    assertFunctionRef(fn, 'createTemporaryFunction');
    fn.registeredAs?.(path.split('.').pop()!.replace(/`/g, ''));
    this.invoke('createTemporaryFunction', [path, this.functionNode(fn)]);
  }

  dropTemporarySystemFunction(name: string): boolean {
    return this.invoke('dropTemporarySystemFunction', [name]).v as boolean;
  }

  /**
   * Ships a JS/TS file, directory or zip to the UDF workers, where it is requirable (PyFlink's
   * add_python_file); embedded functions used here get what they require from it bundled.
   */
  addJsFile(path: string): void {
    udfDependencies.addJsFiles(this.getConfig(), path);
  }

  /** Ships several files, directories or zips to the UDF workers: `addJsFiles(a, b)` or `addJsFiles([a, b])`. */
  addJsFiles(...paths: (string | readonly string[])[]): void {
    udfDependencies.addJsFiles(this.getConfig(), ...paths.flat());
  }

  /**
   * Ships an archive the workers extract into `targetDir` under their working directory (PyFlink's
   * add_python_archive). Process mode only: an embedded function reading files here is refused (v8) or warned about (node).
   */
  addArchive(path: string, targetDir?: string): void {
    udfDependencies.addArchive(this.getConfig(), path, targetDir);
  }

  /**
   * npm packages installed for the UDF workers, from a package.json or a list of specs; offline from
   * `cacheDir` (an npm cache or a directory of tarballs) when given (PyFlink's set_python_requirements).
   * For embedded functions used here they are installed on the client, the same way, and bundled.
   */
  setNpmRequirements(requirements: string | readonly string[], cacheDir?: string): void {
    udfDependencies.setNpmRequirements(this.getConfig(), requirements, cacheDir);
  }

  createStatementSet(): StatementSet {
    return new StatementSet(handleOf(this.invoke('createStatementSet', []), 'a StatementSet'), this.streaming);
  }
}

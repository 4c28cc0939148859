/**
 * Catalogs as Flink's Java API has them: a Catalog (org.apache.flink.table.catalog.Catalog) got
 * from TableEnvironment.getCatalog() to browse and change databases, tables and functions by
 * ObjectPath; CatalogDescriptor for createCatalog(); GenericInMemoryCatalog for registerCatalog().
 * Each object lives on the JVM behind a handle; every method is one call of the Java method.
 */
import { callSync } from '../gateway/jvm';
import { Gateway, handleOf, track, type ArgNode, type Handle, type InvokeResult } from '../gateway/facade';
import { toJavaJson } from '../gateway/java-json';
import type { ModelDescriptor } from './model';
import type { Schema } from './schema';
import {
  CatalogColumnStatistics,
  CatalogTableStatistics,
  columnStatisticsOf,
  tableStatisticsOf,
  withJavaStatistics,
} from './catalog-stats';

const CATALOGS = 'dev.tsflink.gateway.Catalogs';

/** A Java object behind a handle with typed accessors for its results. */
abstract class JavaObject {
  constructor(readonly handle: Handle) {
    track(this, handle);
  }
  protected invoke(method: string, ...args: ArgNode[]): InvokeResult {
    return Gateway.invoke(this.handle, method, args);
  }
  protected str(method: string, ...args: ArgNode[]): string | null {
    return (this.invoke(method, ...args).v as string | null) ?? null;
  }
  protected bool(method: string, ...args: ArgNode[]): boolean {
    return this.invoke(method, ...args).v as boolean;
  }
  protected list(method: string, ...args: ArgNode[]): string[] {
    return (this.invoke(method, ...args).v as string[]) ?? [];
  }
  protected map(method: string, ...args: ArgNode[]): Record<string, string> {
    return (this.invoke(method, ...args).v as Record<string, string>) ?? {};
  }
  protected handleOf(method: string, ...args: ArgNode[]): Handle {
    return handleOf(this.invoke(method, ...args), `the result of ${method}`);
  }
  get node(): ArgNode {
    return { k: 'handle', id: this.handle };
  }
  toString(): string {
    return Gateway.summary(this.handle);
  }
}

/** A database and object name in a catalog: `new ObjectPath('db', 'orders')`, `ObjectPath.fromString('db.orders')`. */
export class ObjectPath {
  constructor(
    readonly databaseName: string,
    readonly objectName: string,
  ) {
    if (!databaseName || !objectName) throw new TypeError('ObjectPath needs a database name and an object name');
  }
  static fromString(fullName: string): ObjectPath {
    const parts = fullName.split('.');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new TypeError(`ObjectPath.fromString takes 'database.object', got '${fullName}'`);
    return new ObjectPath(parts[0], parts[1]);
  }
  getDatabaseName(): string {
    return this.databaseName;
  }
  getObjectName(): string {
    return this.objectName;
  }
  getFullName(): string {
    return `${this.databaseName}.${this.objectName}`;
  }
  compareTo(other: ObjectPath): number {
    return this.getFullName().localeCompare(other.getFullName());
  }
  equals(other: ObjectPath): boolean {
    return this.getFullName() === other.getFullName();
  }
  toString(): string {
    return this.getFullName();
  }
  get node(): ArgNode {
    return { k: 'new', cls: 'org.apache.flink.table.catalog.ObjectPath', args: [this.databaseName, this.objectName] };
  }
}

/** A fully qualified object name: catalog, database and object (Java's ObjectIdentifier). */
export class ObjectIdentifier {
  private constructor(
    private readonly catalogName: string,
    private readonly databaseName: string,
    private readonly objectName: string,
  ) {}
  static of(catalogName: string, databaseName: string, objectName: string): ObjectIdentifier {
    if (!catalogName || !databaseName || !objectName) throw new TypeError('ObjectIdentifier.of needs catalog, database and object names');
    return new ObjectIdentifier(catalogName, databaseName, objectName);
  }
  getCatalogName(): string {
    return this.catalogName;
  }
  getDatabaseName(): string {
    return this.databaseName;
  }
  getObjectName(): string {
    return this.objectName;
  }
  toObjectPath(): ObjectPath {
    return new ObjectPath(this.databaseName, this.objectName);
  }
  toList(): [string, string, string] {
    return [this.catalogName, this.databaseName, this.objectName];
  }
  /** Back-quoted where SQL needs it, as Flink writes it: `` `cat`.`db`.`t` ``. */
  asSerializableString(): string {
    return this.toList().map((p) => `\`${p.replace(/`/g, '``')}\``).join('.');
  }
  asSummaryString(): string {
    return this.toList().join('.');
  }
  toString(): string {
    return this.asSerializableString();
  }
}

/** A catalog's database: its properties and comment. */
export class CatalogDatabase extends JavaObject {
  /** A new database description for Catalog.createDatabase (Java's CatalogDatabaseImpl). */
  static createInstance(properties: Record<string, string> = {}, comment: string | null = null): CatalogDatabase {
    return new CatalogDatabase(callSync<number>(CATALOGS, 'database', toJavaJson(properties), comment));
  }
  getProperties(): Record<string, string> {
    return this.map('getProperties');
  }
  getComment(): string | null {
    return this.str('getComment');
  }
  getDescription(): string | null {
    return this.str('getDescription');
  }
  getDetailedDescription(): string | null {
    return this.str('getDetailedDescription');
  }
  copy(properties?: Record<string, string>): CatalogDatabase {
    if (properties) return CatalogDatabase.createInstance(properties, this.getComment());
    return new CatalogDatabase(this.handleOf('copy'));
  }
}

/** A table, view or materialized table in a catalog. */
export class CatalogBaseTable extends JavaObject {
  /**
   * A table for Catalog.createTable (Java's CatalogTable.newBuilder()...build()): a connector
   * table by its options, partitioned by `partitionKeys`.
   */
  static createTable(schema: Schema<unknown>, comment: string | null = null, partitionKeys: readonly string[] = [], options: Record<string, string> = {}): CatalogBaseTable {
    const then = [
      { name: 'schema', args: [schema.node] },
      { name: 'comment', args: [comment] },
      { name: 'partitionKeys', args: [{ k: 'list', items: [...partitionKeys] }] },
      { name: 'options', args: [{ k: 'map', v: options }] },
      { name: 'build', args: [] },
    ];
    return new CatalogBaseTable(Gateway.build({ k: 'chain', cls: 'org.apache.flink.table.catalog.CatalogTable', name: 'newBuilder', args: [], then }));
  }
  /**
   * A view for Catalog.createTable (Java's CatalogView.of): `originalQuery` as written,
   * `expandedQuery` with fully qualified names (what the planner runs).
   */
  static createView(schema: Schema<unknown>, comment: string | null, originalQuery: string, expandedQuery: string, options: Record<string, string> = {}): CatalogBaseTable {
    return new CatalogBaseTable(
      Gateway.build({ k: 'chain', cls: 'org.apache.flink.table.catalog.CatalogView', name: 'of', args: [schema.node, comment, originalQuery, expandedQuery, { k: 'map', v: options }], then: [] }),
    );
  }
  /** 'TABLE', 'VIEW' or 'MATERIALIZED_TABLE'. */
  getTableKind(): string {
    return this.str('getTableKind') ?? '';
  }
  getOptions(): Record<string, string> {
    return this.map('getOptions');
  }
  getComment(): string | null {
    return this.str('getComment');
  }
  getDescription(): string | null {
    return this.str('getDescription');
  }
  getDetailedDescription(): string | null {
    return this.str('getDetailedDescription');
  }
  /** The declared schema, as Flink prints it (columns, watermarks, primary key). */
  getUnresolvedSchema(): string {
    return Gateway.summary(this.handleOf('getUnresolvedSchema'));
  }
  copy(): CatalogBaseTable {
    return new CatalogBaseTable(this.handleOf('copy'));
  }
}

/** A function in a catalog: its class and language. */
export class CatalogFunction extends JavaObject {
  /** A function by Java class name, for Catalog.createFunction (Java's CatalogFunctionImpl). */
  static createInstance(className: string, language: 'JAVA' | 'SCALA' | 'PYTHON' = 'JAVA'): CatalogFunction {
    return new CatalogFunction(
      Gateway.build({
        k: 'new',
        cls: 'org.apache.flink.table.catalog.CatalogFunctionImpl',
        args: [className, { k: 'enum', cls: 'org.apache.flink.table.catalog.FunctionLanguage', name: language }],
      }),
    );
  }
  getClassName(): string {
    return this.str('getClassName') ?? '';
  }
  /** 'JAVA', 'SCALA' or 'PYTHON'. */
  getFunctionLanguage(): string {
    return this.str('getFunctionLanguage') ?? '';
  }
  getDescription(): string | null {
    return this.str('getDescription');
  }
  getDetailedDescription(): string | null {
    return this.str('getDetailedDescription');
  }
  getOptions(): Record<string, string> {
    return this.map('getOptions');
  }
  copy(): CatalogFunction {
    return new CatalogFunction(this.handleOf('copy'));
  }
}

/** A catalog registered in a TableEnvironment (or made with GenericInMemoryCatalog), browsed by ObjectPath. */
export class Catalog extends JavaObject {
  /** Flink's in-memory catalog, for registerCatalog(name, catalog). */
  static genericInMemory(name: string, defaultDatabase = 'default'): Catalog {
    return new Catalog(Gateway.build({ k: 'new', cls: 'org.apache.flink.table.catalog.GenericInMemoryCatalog', args: [name, defaultDatabase] }));
  }
  getDefaultDatabase(): string | null {
    return this.str('getDefaultDatabase');
  }
  listDatabases(): string[] {
    return this.list('listDatabases');
  }
  databaseExists(name: string): boolean {
    return this.bool('databaseExists', name);
  }
  getDatabase(name: string): CatalogDatabase {
    return new CatalogDatabase(this.handleOf('getDatabase', name));
  }
  createDatabase(name: string, database: CatalogDatabase, ignoreIfExists = false): void {
    this.invoke('createDatabase', name, database.node, ignoreIfExists);
  }
  alterDatabase(name: string, database: CatalogDatabase, ignoreIfNotExists = false): void {
    this.invoke('alterDatabase', name, database.node, ignoreIfNotExists);
  }
  /** Drops a database; `cascade` drops its tables and functions too. */
  dropDatabase(name: string, ignoreIfNotExists = false, cascade = false): void {
    this.invoke('dropDatabase', name, ignoreIfNotExists, cascade);
  }
  listTables(database: string): string[] {
    return this.list('listTables', database);
  }
  listViews(database: string): string[] {
    return this.list('listViews', database);
  }
  listMaterializedTables(database: string): string[] {
    return this.list('listMaterializedTables', database);
  }
  tableExists(path: ObjectPath): boolean {
    return this.bool('tableExists', path.node);
  }
  getTable(path: ObjectPath): CatalogBaseTable {
    return new CatalogBaseTable(this.handleOf('getTable', path.node));
  }
  /** Registers a table or view got from getTable (of this or another catalog) under path. */
  createTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfExists = false): void {
    this.invoke('createTable', path.node, table.node, ignoreIfExists);
  }
  alterTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfNotExists = false): void {
    this.invoke('alterTable', path.node, table.node, ignoreIfNotExists);
  }
  dropTable(path: ObjectPath, ignoreIfNotExists = false): void {
    this.invoke('dropTable', path.node, ignoreIfNotExists);
  }
  renameTable(path: ObjectPath, newName: string, ignoreIfNotExists = false): void {
    this.invoke('renameTable', path.node, newName, ignoreIfNotExists);
  }
  listFunctions(database: string): string[] {
    return this.list('listFunctions', database);
  }
  functionExists(path: ObjectPath): boolean {
    return this.bool('functionExists', path.node);
  }
  getFunction(path: ObjectPath): CatalogFunction {
    return new CatalogFunction(this.handleOf('getFunction', path.node));
  }
  createFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfExists = false): void {
    this.invoke('createFunction', path.node, fn.node, ignoreIfExists);
  }
  alterFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfNotExists = false): void {
    this.invoke('alterFunction', path.node, fn.node, ignoreIfNotExists);
  }
  dropFunction(path: ObjectPath, ignoreIfNotExists = false): void {
    this.invoke('dropFunction', path.node, ignoreIfNotExists);
  }
  listModels(database: string): string[] {
    return this.list('listModels', database);
  }
  modelExists(path: ObjectPath): boolean {
    return this.bool('modelExists', path.node);
  }
  getModel(path: ObjectPath): CatalogModel {
    return new CatalogModel(this.handleOf('getModel', path.node));
  }
  /** Registers a model from a ModelDescriptor (or another catalog's CatalogModel) under path. */
  createModel(path: ObjectPath, model: CatalogModel | ModelDescriptor, ignoreIfExists = false): void {
    this.invoke('createModel', path.node, catalogModelNode(model), ignoreIfExists);
  }
  alterModel(path: ObjectPath, model: CatalogModel | ModelDescriptor, ignoreIfNotExists = false): void {
    this.invoke('alterModel', path.node, catalogModelNode(model), ignoreIfNotExists);
  }
  dropModel(path: ObjectPath, ignoreIfNotExists = false): void {
    this.invoke('dropModel', path.node, ignoreIfNotExists);
  }
  renameModel(path: ObjectPath, newName: string, ignoreIfNotExists = false): void {
    this.invoke('renameModel', path.node, newName, ignoreIfNotExists);
  }
  listProcedures(database: string): string[] {
    return this.list('listProcedures', database);
  }
  partitionExists(path: ObjectPath, spec: Record<string, string>): boolean {
    return this.bool('partitionExists', path.node, partitionSpec(spec));
  }
  /** The partitions of a partitioned table, each as its key=value map. */
  listPartitions(path: ObjectPath): Record<string, string>[] {
    const list = this.handleOf('listPartitions', path.node);
    const n = Gateway.invoke(list, 'size').v as number;
    return Array.from({ length: n }, (_, i) => {
      const spec = handleOf(Gateway.invoke(list, 'get', [i]), 'a partition spec');
      return Gateway.invoke(spec, 'getPartitionSpec').v as Record<string, string>;
    });
  }
  dropPartition(path: ObjectPath, spec: Record<string, string>, ignoreIfNotExists = false): void {
    this.invoke('dropPartition', path.node, partitionSpec(spec), ignoreIfNotExists);
  }
  /** Adds a partition (its key=value spec) to a partitioned table. */
  createPartition(path: ObjectPath, spec: Record<string, string>, partition: CatalogPartition, ignoreIfExists = false): void {
    this.invoke('createPartition', path.node, partitionSpec(spec), partition.node, ignoreIfExists);
  }
  getPartition(path: ObjectPath, spec: Record<string, string>): CatalogPartition {
    return new CatalogPartition(this.handleOf('getPartition', path.node, partitionSpec(spec)));
  }
  alterPartition(path: ObjectPath, spec: Record<string, string>, partition: CatalogPartition, ignoreIfNotExists = false): void {
    this.invoke('alterPartition', path.node, partitionSpec(spec), partition.node, ignoreIfNotExists);
  }

  // statistics: plain values in TS (catalog-stats.ts), sent as JSON
  getTableStatistics(path: ObjectPath): CatalogTableStatistics {
    return tableStatisticsOf(this.handleOf('getTableStatistics', path.node));
  }
  getTableColumnStatistics(path: ObjectPath): CatalogColumnStatistics {
    return columnStatisticsOf(this.handleOf('getTableColumnStatistics', path.node));
  }
  getPartitionStatistics(path: ObjectPath, spec: Record<string, string>): CatalogTableStatistics {
    return tableStatisticsOf(this.handleOf('getPartitionStatistics', path.node, partitionSpec(spec)));
  }
  getPartitionColumnStatistics(path: ObjectPath, spec: Record<string, string>): CatalogColumnStatistics {
    return columnStatisticsOf(this.handleOf('getPartitionColumnStatistics', path.node, partitionSpec(spec)));
  }
  /** The statistics of several partitions, in the order of `specs`. */
  bulkGetPartitionStatistics(path: ObjectPath, specs: readonly Record<string, string>[]): CatalogTableStatistics[] {
    return tableStatisticsOf(this.handleOf('bulkGetPartitionStatistics', path.node, { k: 'list', items: specs.map(partitionSpec) }), true);
  }
  bulkGetPartitionColumnStatistics(path: ObjectPath, specs: readonly Record<string, string>[]): CatalogColumnStatistics[] {
    return columnStatisticsOf(this.handleOf('bulkGetPartitionColumnStatistics', path.node, { k: 'list', items: specs.map(partitionSpec) }), true);
  }
  alterTableStatistics(path: ObjectPath, stats: CatalogTableStatistics, ignoreIfNotExists = false): void {
    withJavaStatistics(stats, (h) => this.invoke('alterTableStatistics', path.node, { k: 'handle', id: h }, ignoreIfNotExists));
  }
  alterTableColumnStatistics(path: ObjectPath, stats: CatalogColumnStatistics, ignoreIfNotExists = false): void {
    withJavaStatistics(stats, (h) => this.invoke('alterTableColumnStatistics', path.node, { k: 'handle', id: h }, ignoreIfNotExists));
  }
  alterPartitionStatistics(path: ObjectPath, spec: Record<string, string>, stats: CatalogTableStatistics, ignoreIfNotExists = false): void {
    withJavaStatistics(stats, (h) => this.invoke('alterPartitionStatistics', path.node, partitionSpec(spec), { k: 'handle', id: h }, ignoreIfNotExists));
  }
  alterPartitionColumnStatistics(path: ObjectPath, spec: Record<string, string>, stats: CatalogColumnStatistics, ignoreIfNotExists = false): void {
    withJavaStatistics(stats, (h) => this.invoke('alterPartitionColumnStatistics', path.node, partitionSpec(spec), { k: 'handle', id: h }, ignoreIfNotExists));
  }

  /** A stored procedure (Flink 1.18+'s CALL); Flink's in-memory catalog has none (its getProcedure throws). */
  getProcedure(path: ObjectPath): Procedure {
    return new Procedure(this.handleOf('getProcedure', path.node));
  }
}

/** A partition of a catalog table: its properties and comment (Java's CatalogPartition). */
export class CatalogPartition extends JavaObject {
  /** A new partition description for Catalog.createPartition (Java's CatalogPartitionImpl). */
  static createInstance(properties: Record<string, string> = {}, comment: string | null = null): CatalogPartition {
    return new CatalogPartition(Gateway.build({ k: 'new', cls: 'org.apache.flink.table.catalog.CatalogPartitionImpl', args: [{ k: 'map', v: properties }, comment] }));
  }
  getProperties(): Record<string, string> {
    return this.map('getProperties');
  }
  getComment(): string | null {
    return this.str('getComment');
  }
  getDescription(): string | null {
    return this.str('getDescription');
  }
  getDetailedDescription(): string | null {
    return this.str('getDetailedDescription');
  }
  copy(): CatalogPartition {
    return new CatalogPartition(this.handleOf('copy'));
  }
}

/** A catalog's stored procedure (Java's Procedure): called from SQL with CALL. */
export class Procedure extends JavaObject {}

function catalogModelNode(model: CatalogModel | ModelDescriptor): ArgNode {
  if (model instanceof CatalogModel) return model.node;
  const chain = model.node as { k: string; then: ArgNode[] };
  return { ...chain, then: [...chain.then, { name: 'toCatalogModel', args: [] }] };
}

/** A model in a catalog: its options, comment and schemas. */
export class CatalogModel extends JavaObject {
  getOptions(): Record<string, string> {
    return this.map('getOptions');
  }
  getComment(): string | null {
    return this.str('getComment');
  }
  /** The input schema as Flink prints it. */
  getInputSchema(): string {
    return Gateway.summary(this.handleOf('getInputSchema'));
  }
  getOutputSchema(): string {
    return Gateway.summary(this.handleOf('getOutputSchema'));
  }
}

function partitionSpec(spec: Record<string, string>): ArgNode {
  return { k: 'new', cls: 'org.apache.flink.table.catalog.CatalogPartitionSpec', args: [{ k: 'map', v: spec }] };
}

/** A catalog to create by its options: `CatalogDescriptor.of('c1', { type: 'generic_in_memory' })`. */
export class CatalogDescriptor extends JavaObject {
  static of(catalogName: string, options: Record<string, string>, comment?: string): CatalogDescriptor {
    return new CatalogDescriptor(callSync<number>(CATALOGS, 'descriptor', catalogName, toJavaJson(options), comment ?? null));
  }
  getCatalogName(): string {
    return this.str('getCatalogName') ?? '';
  }
  getComment(): string | null {
    return this.str('getComment');
  }
  getConfiguration(): Record<string, string> {
    return JSON.parse(callSync<string>(CATALOGS, 'descriptorOptions', this.handle));
  }
}

/** A module in a TableEnvironment's module list, and whether it is in use. */
export interface ModuleEntry {
  readonly name: string;
  readonly used: boolean;
}

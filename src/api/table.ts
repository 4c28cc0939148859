/**
 * The Table API's Table, mirroring org.apache.flink.table.api.Table: relational operations build
 * new Tables on the JVM (one bridge crossing each); `execute()` runs the query.
 */
import { Envs, Gateway, handleOf, track, type ArgNode, type Handle } from '../gateway/facade';
import type { Row } from './data-types';
import { $, Expression } from './expressions';
import type { TableDescriptor } from './table-descriptor';
import { TableResult, type ResolvedSchema } from './table-result';
import type { GroupWindow, OverWindow } from './windows';
import type * as arrow from 'apache-arrow';
import { exportToArrow, type ToArrowOptions } from './arrow/to-arrow';
import { CompiledPlan } from './compiled-plan';
import { explainArgs, type ExplainDetail } from './enums';
import { resolveFunctionNodes, type FunctionEnvironment } from './udf/execution-mode';

/** A column name or an expression, where Flink takes field expressions (select, groupBy, ...). */
export type FieldLike = string | Expression;

function field(f: FieldLike): ArgNode {
  return typeof f === 'string' ? $(f).node : f.node;
}

/**
 * What a Table needs from its TableEnvironment: for TS UDFs used in it, where those without a mode
 * of their own run (`tsflink.udf.execution-mode`) and what the environment ships, read when one is used.
 */
export interface TableContext extends FunctionEnvironment {
  readonly streaming: boolean;
}

/** Base of objects that live on the JVM behind a handle. */
abstract class JavaBacked {
  constructor(
    readonly handle: Handle,
    protected readonly ctx: TableContext,
  ) {
    track(this, handle);
  }

  protected call(method: string, args: ArgNode[]): Handle {
    const resolved = resolveFunctionNodes(args, this.ctx);
    return handleOf(Gateway.invoke(this.handle, method, resolved), `the result of ${method}`);
  }

  protected table<R = Row>(method: string, args: ArgNode[]): Table<R> {
    return new Table<R>(this.call(method, args), this.ctx);
  }
}

export class Table<R = Row> extends JavaBacked {
  declare readonly __row: R;

  select(...fields: FieldLike[]): Table {
    return this.table('select', fields.map(field));
  }

  filter(predicate: Expression): Table<R> {
    return this.table('filter', [predicate.node]);
  }

  where(predicate: Expression): Table<R> {
    return this.table('where', [predicate.node]);
  }

  /** Renames all fields: `as('a', 'b')`. */
  as(field0: string, ...fields: string[]): Table {
    return this.table('as', [field0, ...fields]);
  }

  groupBy(...fields: FieldLike[]): GroupedTable {
    return new GroupedTable(this.call('groupBy', fields.map(field)), this.ctx);
  }

  distinct(): Table<R> {
    return this.table('distinct', []);
  }

  join(right: Table<unknown>, predicate?: Expression): Table {
    return this.table('join', predicate ? [tableNode(right), predicate.node] : [tableNode(right)]);
  }

  leftOuterJoin(right: Table<unknown>, predicate?: Expression): Table {
    return this.table('leftOuterJoin', predicate ? [tableNode(right), predicate.node] : [tableNode(right)]);
  }

  rightOuterJoin(right: Table<unknown>, predicate: Expression): Table {
    return this.table('rightOuterJoin', [tableNode(right), predicate.node]);
  }

  fullOuterJoin(right: Table<unknown>, predicate: Expression): Table {
    return this.table('fullOuterJoin', [tableNode(right), predicate.node]);
  }

  /** Joins each row with the rows a table function returns for it: `joinLateral(call(split, $('line')).as('word'))`. */
  joinLateral(tableFunctionCall: Expression, predicate?: Expression): Table {
    return this.table('joinLateral', predicate ? [tableFunctionCall.node, predicate.node] : [tableFunctionCall.node]);
  }

  leftOuterJoinLateral(tableFunctionCall: Expression, predicate?: Expression): Table {
    return this.table('leftOuterJoinLateral', predicate ? [tableFunctionCall.node, predicate.node] : [tableFunctionCall.node]);
  }

  union(other: Table<R>): Table<R> {
    return this.table('union', [tableNode(other)]);
  }

  unionAll(other: Table<R>): Table<R> {
    return this.table('unionAll', [tableNode(other)]);
  }

  intersect(other: Table<R>): Table<R> {
    return this.table('intersect', [tableNode(other)]);
  }

  intersectAll(other: Table<R>): Table<R> {
    return this.table('intersectAll', [tableNode(other)]);
  }

  minus(other: Table<R>): Table<R> {
    return this.table('minus', [tableNode(other)]);
  }

  minusAll(other: Table<R>): Table<R> {
    return this.table('minusAll', [tableNode(other)]);
  }

  orderBy(...fields: FieldLike[]): Table<R> {
    return this.table('orderBy', fields.map(field));
  }

  offset(offset: number): Table<R> {
    return this.table('offset', [offset]);
  }

  fetch(fetch: number): Table<R> {
    return this.table('fetch', [fetch]);
  }

  /** `limit(n)` keeps the first n rows; `limit(offset, fetch)` skips offset rows first. */
  limit(fetchOrOffset: number, fetch?: number): Table<R> {
    return this.table('limit', fetch === undefined ? [fetchOrOffset] : [fetchOrOffset, fetch]);
  }

  addColumns(...fields: Expression[]): Table {
    return this.table('addColumns', fields.map((f) => f.node));
  }

  addOrReplaceColumns(...fields: Expression[]): Table {
    return this.table('addOrReplaceColumns', fields.map((f) => f.node));
  }

  /** `renameColumns($('a').as('b'))`. */
  renameColumns(...fields: Expression[]): Table {
    return this.table('renameColumns', fields.map((f) => f.node));
  }

  dropColumns(...fields: FieldLike[]): Table {
    return this.table('dropColumns', fields.map(field));
  }

  /** Applies a scalar function returning a row to every row: `map(call(f, withAllColumns()))`. */
  map(functionCall: Expression): Table {
    return this.table('map', [functionCall.node]);
  }

  /** Applies a table function to every row. */
  flatMap(functionCall: Expression): Table {
    return this.table('flatMap', [functionCall.node]);
  }

  /** Groups by a time window: `window(Tumble.over(lit(1).hours()).on($('ts')).as('w'))`. */
  window(window: GroupWindow): GroupWindowedTable;
  /** Defines over windows for `select(... .over($('w')))`. */
  window(...windows: OverWindow[]): OverWindowedTable;
  window(...windows: (GroupWindow | OverWindow)[]): GroupWindowedTable | OverWindowedTable {
    if (windows.length === 1 && windows[0].kind === 'group') {
      return new GroupWindowedTable(this.call('window', [windows[0].node]), this.ctx);
    }
    return new OverWindowedTable(this.call('window', windows.map((w) => w.node)), this.ctx);
  }

  getResolvedSchema(): ResolvedSchema {
    return JSON.parse(Envs.schema(this.handle)) as ResolvedSchema;
  }

  /**
   * Flink 2.3's TO_CHANGELOG: an append-only table with an `op` column (INSERT, UPDATE_BEFORE,
   * UPDATE_AFTER, DELETE) before the columns; arguments as Java's (e.g. `$('op').as(...)` options).
   */
  toChangelog(...args: Expression[]): Table {
    return this.table('toChangelog', args.map((a) => a.node));
  }

  /** Flink 2.3's FROM_CHANGELOG: an append-only table with an `op` column read as a changelog. */
  fromChangelog(...args: Expression[]): Table {
    return this.table('fromChangelog', args.map((a) => a.node));
  }

  /** PyFlink's get_schema: the resolved schema. */
  getSchema(): ResolvedSchema {
    return this.getResolvedSchema();
  }

  /** Aggregates the whole table with an aggregate function: `aggregate(call(f, $('b')).as('x')).select('x')`. */
  aggregate(aggregateCall: Expression): AggregatedTable {
    return new AggregatedTable(this.call('aggregate', [aggregateCall.node]), this.ctx);
  }

  /** Applies a table aggregate function to the whole table, then `select`. */
  flatAggregate(tableAggregateCall: Expression): FlatAggregateTable {
    return new FlatAggregateTable(this.call('flatAggregate', [tableAggregateCall.node]), this.ctx);
  }

  /** PyFlink's over_window: the over windows for `select(... .over($('w')))`, as `window(...overWindows)`. */
  overWindow(...windows: OverWindow[]): OverWindowedTable {
    return new OverWindowedTable(this.call('window', windows.map((w) => w.node)), this.ctx);
  }

  /** Flink's rendering of the schema, as Table#printSchema prints it. */
  printSchema(): void {
    console.log(this.getResolvedSchema().summary);
  }

  /** The query plan (abstract syntax tree, optimized physical plan, execution plan), with optional extra details. */
  async explain(...details: ExplainDetail[]): Promise<string> {
    return (await Gateway.invokeAsync(this.handle, 'explain', explainArgs(details))).v as string;
  }

  async printExplain(...details: ExplainDetail[]): Promise<void> {
    console.log(await this.explain(...details));
  }

  /** Runs the query; rows come from the result's collect()/print(). */
  async execute(): Promise<TableResult<R>> {
    const r = await Gateway.invokeAsync(this.handle, 'execute', []);
    return new TableResult<R>(handleOf(r, 'a TableResult'), this.ctx.streaming);
  }

  /**
   * Runs the query and returns its rows as an Apache Arrow table, moved in bulk (PyFlink's
   * to_pandas). An updating streaming result is materialized: the final rows once the job ends.
   */
  async toArrow(options?: ToArrowOptions): Promise<arrow.Table> {
    return exportToArrow({ table: this.handle }, this.getResolvedSchema().columns, options);
  }

  /** Writes this table into a registered table (or a descriptor-defined one) and submits the job. */
  async executeInsert(target: string | TableDescriptor<unknown>, overwrite = false): Promise<TableResult> {
    const targetNode: ArgNode = typeof target === 'string' ? target : target.node;
    const r = await Gateway.invokeAsync(this.handle, 'executeInsert', overwrite ? [targetNode, true] : [targetNode]);
    return new TableResult(handleOf(r, 'a TableResult'), this.ctx.streaming);
  }

  /** An insert pipeline for a StatementSet: `set.add(table.insertInto('sink'))`. */
  insertInto(target: string | TableDescriptor<unknown>, overwrite = false): TablePipeline {
    const targetNode: ArgNode = typeof target === 'string' ? target : target.node;
    return new TablePipeline(this.call('insertInto', overwrite ? [targetNode, true] : [targetNode]), this.ctx);
  }

  /**
   * The table as a named argument of a table-valued function call (ML_PREDICT's INPUT, a process
   * table function's table argument): `call('ML_PREDICT', t.asArgument('INPUT'), ...)`.
   */
  asArgument(name: string): Expression {
    const h = this.call('asArgument', [name]);
    const e = new Expression({ k: 'handle', id: h });
    track(e, h);
    return e;
  }

  override toString(): string {
    return Gateway.summary(this.handle);
  }
}

export function tableNode(t: Table<unknown>): ArgNode {
  return { k: 'handle', id: t.handle };
}

export class GroupedTable extends JavaBacked {
  select(...fields: FieldLike[]): Table {
    return this.table('select', fields.map(field));
  }

  /** Applies an aggregate function: `aggregate(call(myAgg, $('b')).as('x'))`, then `select`. */
  aggregate(aggregateCall: Expression): AggregatedTable {
    return new AggregatedTable(this.call('aggregate', [aggregateCall.node]), this.ctx);
  }

  flatAggregate(tableAggregateCall: Expression): FlatAggregateTable {
    return new FlatAggregateTable(this.call('flatAggregate', [tableAggregateCall.node]), this.ctx);
  }
}

/** The result of flatAggregate(), to select from (Java's FlatAggregateTable). */
export class FlatAggregateTable extends JavaBacked {
  select(...fields: FieldLike[]): Table {
    return this.table('select', fields.map(field));
  }
}

export class AggregatedTable extends JavaBacked {
  select(...fields: FieldLike[]): Table {
    return this.table('select', fields.map(field));
  }
}

export class GroupWindowedTable extends JavaBacked {
  /** Groups by the window alias (and optionally more keys): `groupBy($('w'), $('user'))`. */
  groupBy(...fields: FieldLike[]): WindowGroupedTable {
    return new WindowGroupedTable(this.call('groupBy', fields.map(field)), this.ctx);
  }
}

export class WindowGroupedTable extends JavaBacked {
  select(...fields: FieldLike[]): Table {
    return this.table('select', fields.map(field));
  }

  /** Applies an aggregate function per window (and key), then `select`. */
  aggregate(aggregateCall: Expression): AggregatedTable {
    return new AggregatedTable(this.call('aggregate', [aggregateCall.node]), this.ctx);
  }
}

export class OverWindowedTable extends JavaBacked {
  select(...fields: FieldLike[]): Table {
    return this.table('select', fields.map(field));
  }
}

/** A table insert ready to run or to add to a StatementSet (Java's TablePipeline). */
export class TablePipeline extends JavaBacked {
  async execute(): Promise<TableResult> {
    const r = await Gateway.invokeAsync(this.handle, 'execute', []);
    return new TableResult(handleOf(r, 'a TableResult'), this.ctx.streaming);
  }

  async explain(...details: ExplainDetail[]): Promise<string> {
    return (await Gateway.invokeAsync(this.handle, 'explain', explainArgs(details))).v as string;
  }

  async printExplain(...details: ExplainDetail[]): Promise<void> {
    console.log(await this.explain(...details));
  }

  /** The sink table's identifier ('catalog.database.table'), or null for an anonymous (descriptor) sink. */
  getSinkIdentifier(): string | null {
    const r = Gateway.invoke(this.handle, 'getSinkIdentifier', []);
    return r.h === undefined ? null : (Gateway.invoke(r.h, 'asSummaryString', []).v as string);
  }

  /** The compiled plan of this insert. */
  async compilePlan(): Promise<CompiledPlan> {
    const r = await Gateway.invokeAsync(this.handle, 'compilePlan', []);
    return new CompiledPlan(handleOf(r, 'a CompiledPlan'), this.ctx.streaming);
  }
}

/**
 * Mirrors org.apache.flink.table.api.bridge.java.StreamTableEnvironment: a TableEnvironment bound to
 * a StreamExecutionEnvironment, converting between DataStreams and Tables.
 *
 * `await StreamTableEnvironment.create(env)` builds the same Java environment as
 * `TableEnvironment.create()` (so every Table API / SQL call is unchanged, and `createSharingCatalogs`
 * can share its catalogs with a batch environment); the conversions go through Flink's own
 * StreamTableEnvironmentImpl built over that environment's catalogs and `env`
 * (dev.tsflink.gateway.SessionTableEnvironment#bridge, TableInterop): there is one catalog, so a view
 * of a stream is seen by SQL on this environment and on the environments sharing its catalogs.
 */
import { callSync } from '../../gateway/jvm';
import { Gateway, track, type Handle } from '../../gateway/facade';
import type { DataType } from '../data-types';
import { EnvironmentSettings } from '../environment-settings';
import type { Schema } from '../schema';
import { Table } from '../table';
import { TableEnvironment } from '../table-environment';
import type { RowKind } from '../table-result';
import type { Session, SessionOptions } from '../../session/session';
import { ChangelogMode } from './changelog-mode';
import { DataStream } from './data-stream';
import { StreamStatementSet } from './stream-statement-set';
import type { StreamExecutionEnvironment } from './stream-execution-environment';
import { TypeInformation, type TypeSpec } from './types';

const INTEROP = 'dev.tsflink.gateway.TableInterop';

/**
 * The row type of a table made from a stream of T: a record's fields become columns (an atomic
 * record is the one column f0). A DataStream LONG is a JS number, but a BIGINT column reads back as
 * a bigint (the Table API's mapping), so numbers widen to number | bigint; columns are nullable.
 */
export type StreamTableRowOf<T> = [T] extends [Record<string, unknown>]
  ? { [K in keyof T]: (T[K] extends number ? number | bigint : T[K]) | null }
  : { f0: (T extends number ? number | bigint : T) | null };

/** A table's value as a DataStream record's: a BIGINT is a number (exact up to 2^53), as a LONG record's. */
export type StreamValue<V> = V extends bigint ? number : V;

/** A table's row as a DataStream record: its columns (BIGINT as number) and its RowKind (getKind()). */
export type StreamRow<R> = { [K in keyof R]: StreamValue<R[K]> } & { getKind(): RowKind };

/**
 * The records of a stream made from a table with a target type: a ROW type's rows (never null
 * themselves), or an atomic type's values.
 */
export type TableStreamRecord<V> = [NonNullable<V>] extends [Record<string, unknown>] ? StreamRow<NonNullable<V>> : StreamValue<V>;

export class StreamTableEnvironment extends TableEnvironment {
  private constructor(
    handle: Handle,
    settings: EnvironmentSettings,
    session: Session,
    /** The StreamExecutionEnvironment streams made from tables belong to (and tables are made from). */
    private readonly env: StreamExecutionEnvironment,
  ) {
    super(handle, settings, session);
  }

  /**
   * A table environment for `env`'s streams, on the process's session (Java's
   * StreamTableEnvironment.create(env[, settings])). Only streaming mode, as the conversions are
   * tested there.
   */
  static override create(env: StreamExecutionEnvironment, settings?: EnvironmentSettings, session?: SessionOptions): Promise<StreamTableEnvironment>;
  /** Not Java's (a StreamTableEnvironment needs its StreamExecutionEnvironment): fails. Declared because TypeScript makes a subclass keep its base's static methods. */
  static override create(settings?: EnvironmentSettings, session?: SessionOptions): Promise<never>;
  static override async create(
    ...[env, settings = EnvironmentSettings.inStreamingMode(), session]: [StreamExecutionEnvironment, EnvironmentSettings?, SessionOptions?] | [EnvironmentSettings?, SessionOptions?]
  ): Promise<StreamTableEnvironment> {
    if (!isStreamEnv(env) || !(settings instanceof EnvironmentSettings)) throw new TypeError(`StreamTableEnvironment.create() takes a StreamExecutionEnvironment, got ${describe(env)}`);
    if (!settings.isStreamingMode()) throw new TypeError('StreamTableEnvironment.create(): only EnvironmentSettings.inStreamingMode() is supported so far');
    return TableEnvironment.build(settings, session, -1, (h, st, s) => new StreamTableEnvironment(h, st, s, env));
  }

  /** A statement set whose INSERTs can also join this environment's DataStream job (attachAsDataStream). */
  override createStatementSet(): StreamStatementSet {
    return new StreamStatementSet(callSync<number>(INTEROP, 'createStatementSet', this.handle, this.env.handle), true);
  }

  /** The environment this one converts streams of. */
  getStreamExecutionEnvironment(): StreamExecutionEnvironment {
    return this.env;
  }

  /**
   * A Table of a stream's records: the fields of a typed row (Types.ROW_NAMED) become columns, an
   * atomic record the column f0; a Schema may declare or derive columns, a watermark
   * (`.watermark('ts', 'SOURCE_WATERMARK()')`) and metadata. The stream must be of this
   * environment's StreamExecutionEnvironment and typed (untyped records are opaque to SQL).
   */
  fromDataStream<T>(stream: DataStream<T>): Table<StreamTableRowOf<T>>;
  fromDataStream<T, R>(stream: DataStream<T>, schema: Schema<R>): Table<R>;
  fromDataStream<T, X>(stream: DataStream<T>, schema?: Schema<unknown>): Table<X> {
    this.checkStream(stream, 'fromDataStream');
    const h = callSync<number>(INTEROP, 'fromDataStream', this.handle, this.env.handle, stream.handle, this.schemaHandle(schema));
    return this.table(h);
  }

  /**
   * A Table of a stream of rows that carry their RowKind (Java's fromChangelogStream): each row
   * object's getKind() ('+I', '-U', '+U', '-D'; a row without one is an insert), as the rows of
   * toChangelogStream have it. A function makes such a row by giving its result a getKind method,
   * e.g. `{ shop, total, getKind: () => '-D' }`. The stream must be of Types.ROW_NAMED(...) rows;
   * `schema` may declare a primary key, which ChangelogMode.upsert() needs.
   */
  fromChangelogStream<T>(stream: DataStream<T>, schema?: Schema<unknown>, changelogMode?: ChangelogMode): Table<StreamTableRowOf<T>> {
    this.checkStream(stream, 'fromChangelogStream');
    if (changelogMode !== undefined && !(changelogMode instanceof ChangelogMode)) throw new TypeError(`fromChangelogStream(stream, schema, changelogMode): expected a ChangelogMode (ChangelogMode.upsert()), got ${describe(changelogMode)}`);
    const h = callSync<number>(INTEROP, 'fromChangelogStream', this.handle, this.env.handle, stream.handle, this.schemaHandle(schema), changelogMode?.name ?? null);
    return this.table(h);
  }

  /**
   * A temporary view of a Table (as TableEnvironment's) or of a DataStream (Java's
   * createTemporaryView(path, dataStream[, schema])), seen by SQL here and on the environments
   * sharing this one's catalogs (in the kernel: `%%sql` and bEnv).
   */
  override createTemporaryView(path: string, view: Table<unknown>): void;
  override createTemporaryView<T>(path: string, view: DataStream<T>, schema?: Schema<unknown>): void;
  override createTemporaryView<T>(path: string, view: Table<unknown> | DataStream<T>, schema?: Schema<unknown>): void {
    if (view instanceof Table) return super.createTemporaryView(path, view);
    this.checkStream(view, 'createTemporaryView');
    callSync(INTEROP, 'createTemporaryView', this.handle, this.env.handle, path, view.handle, this.schemaHandle(schema));
  }

  /**
   * An insert-only table as a stream of its rows (objects with the columns, and getKind(), always
   * '+I'); with a target type, converted to it first (Java's toDataStream(table, dataType)). A table
   * with updates fails: use toChangelogStream.
   */
  toDataStream<R>(table: Table<R>): DataStream<StreamRow<R>>;
  toDataStream<V>(table: Table<unknown>, targetType: DataType<V>): DataStream<TableStreamRecord<V>>;
  toDataStream<X>(table: Table<unknown>, targetType?: DataType<unknown>): DataStream<X> {
    this.checkTable(table, 'toDataStream');
    if (targetType !== undefined && (typeof targetType !== 'object' || typeof targetType.sql !== 'string')) {
      throw new TypeError(`toDataStream(table, targetType): the target type must be a DataType (DataTypes.ROW(...)), got ${describe(targetType)}`);
    }
    return this.toStream(table, false, targetType?.sql ?? null, -1);
  }

  /**
   * Any table (updating ones too) as the stream of its changes: rows with their RowKind (getKind():
   * '+I', '-U', '+U', '-D'), as Java's toChangelogStream(table[, schema]).
   */
  toChangelogStream<R>(table: Table<R>, schema?: Schema<unknown>): DataStream<StreamRow<R>> {
    this.checkTable(table, 'toChangelogStream');
    return this.toStream(table, true, null, this.schemaHandle(schema));
  }

  private toStream<X>(table: Table<unknown>, changelog: boolean, targetSql: string | null, schema: number): DataStream<X> {
    const r = JSON.parse(callSync<string>(INTEROP, 'toStream', this.handle, this.env.handle, table.handle, changelog, targetSql, schema)) as { h: number; spec: TypeSpec };
    return new DataStream<X>(this.env, r.h, new TypeInformation<X>(r.spec));
  }

  private schemaHandle(schema: Schema<unknown> | undefined): number {
    if (schema === undefined) return -1;
    if (typeof schema !== 'object' || schema === null || !('steps' in schema)) throw new TypeError(`expected a Schema (Schema.newBuilder()...build()), got ${describe(schema)}`);
    const h = Gateway.build(schema.node);
    track(schema, h);
    return h;
  }

  private checkStream(stream: unknown, method: string): asserts stream is DataStream<unknown> {
    if (!(stream instanceof DataStream)) throw new TypeError(`${method}() takes a DataStream, got ${describe(stream)}`);
    if (stream.env !== this.env) {
      throw new TypeError(`${method}(): the DataStream belongs to another StreamExecutionEnvironment than this StreamTableEnvironment's (StreamTableEnvironment.create(env))`);
    }
  }

  private checkTable(table: unknown, method: string): asserts table is Table<unknown> {
    if (!(table instanceof Table)) throw new TypeError(`${method}() takes a Table, got ${describe(table)}`);
  }
}

function isStreamEnv(env: unknown): env is StreamExecutionEnvironment {
  return typeof env === 'object' && env !== null && typeof (env as { fromCollection?: unknown }).fromCollection === 'function' && typeof (env as { handle?: unknown }).handle === 'number';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  return `${typeof v} ${String(v)}`;
}


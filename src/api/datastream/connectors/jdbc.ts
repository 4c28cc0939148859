/**
 * Mirrors Flink's JDBC DataStream sink (flink-connector-jdbc 4.0:
 * org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink with JdbcExecutionOptions and
 * JdbcConnectionOptions), at-least-once. The builders only describe the Java objects;
 * dev.tsflink.datastream.JdbcConnectors builds them from the session's 'jdbc' connector jars
 * (addConnector('jdbc')) when stream.sinkTo uses the sink, and the jars travel with the job.
 *
 * Java's JdbcStatementBuilder is a function the sink calls in the JVM for every record; a TS
 * function cannot run there. So the TS statement builder names the record fields that go to the
 * statement's ? parameters, in order, and a Java statement builder of ours
 * (JdbcRecordStatementBuilder) sets them with the JDBC setter of each field's type. Records must
 * therefore be typed (Types.ROW_NAMED, Types.TUPLE or a basic type).
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
import { TypeInformation, type TypeSpec } from '../types';
import { CONNECTORS, Sink } from './source';

/**
 * The record fields bound to the statement's ? parameters, in order: field names of a
 * Types.ROW_NAMED record, positions of a Types.TUPLE record. A record of a basic type
 * (Types.LONG(), Types.STRING(), …) is itself the one parameter, so it takes no fields.
 */
export type JdbcStatementBuilder<T> = readonly JdbcStatementParameter<T>[];

/** A field name of a row record, a position of a tuple record (never for basic types). */
export type JdbcStatementParameter<T> = T extends readonly unknown[] ? number : T extends object ? Extract<keyof T, string> : never;

/** The DataStream types a ? parameter can take, with the JDBC setter JdbcRecordStatementBuilder uses. */
const BINDABLE: Readonly<Record<string, string>> = {
  STRING: 'setString',
  BOOLEAN: 'setBoolean',
  INT: 'setInt',
  LONG: 'setLong',
  FLOAT: 'setFloat',
  DOUBLE: 'setDouble',
};

function nonEmpty(what: string, value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} needs a non-empty string`);
  return value;
}

function integerAtLeast(what: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} needs an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

/** Mirrors org.apache.flink.connector.jdbc.JdbcExecutionOptions: when the sink flushes its batch, and how often it retries. */
export class JdbcExecutionOptions {
  /** Java's DEFAULT_MAX_RETRY_TIMES. */
  static readonly DEFAULT_MAX_RETRY_TIMES = 3;
  /** Java's DEFAULT_SIZE: records per batch. */
  static readonly DEFAULT_SIZE = 5000;

  /** @internal use JdbcExecutionOptions.builder() */
  constructor(
    private readonly batchIntervalMs: number,
    private readonly batchSize: number,
    private readonly maxRetries: number,
  ) {}

  static builder(): JdbcExecutionOptionsBuilder {
    return new JdbcExecutionOptionsBuilder();
  }

  /** Flink's defaults: batches of 5000, no flush interval, 3 retries. */
  static defaults(): JdbcExecutionOptions {
    return JdbcExecutionOptions.builder().build();
  }

  getBatchIntervalMs(): number {
    return this.batchIntervalMs;
  }

  getBatchSize(): number {
    return this.batchSize;
  }

  getMaxRetries(): number {
    return this.maxRetries;
  }
}

/** Mirrors JdbcExecutionOptions.Builder. */
export class JdbcExecutionOptionsBuilder {
  private batchIntervalMs = 0;
  private batchSize = JdbcExecutionOptions.DEFAULT_SIZE;
  private maxRetries = JdbcExecutionOptions.DEFAULT_MAX_RETRY_TIMES;

  /** Records buffered before the sink writes them as one JDBC batch. */
  withBatchSize(size: number): this {
    this.batchSize = integerAtLeast('withBatchSize', size, 1);
    return this;
  }

  /** Also flush a non-empty batch this often (0: only on size, checkpoints and the end of input). */
  withBatchIntervalMs(intervalMs: number): this {
    this.batchIntervalMs = integerAtLeast('withBatchIntervalMs', intervalMs, 0);
    return this;
  }

  /** Retries of a failing batch (Flink waits 1 s, 2 s, … between them) before the job fails. */
  withMaxRetries(maxRetries: number): this {
    this.maxRetries = integerAtLeast('withMaxRetries', maxRetries, 0);
    return this;
  }

  build(): JdbcExecutionOptions {
    return new JdbcExecutionOptions(this.batchIntervalMs, this.batchSize, this.maxRetries);
  }
}

interface ConnectionDescription {
  url: string;
  driverName?: string;
  username?: string;
  password?: string;
  connectionCheckTimeoutSeconds?: number;
  properties: Record<string, string>;
}

/** Mirrors org.apache.flink.connector.jdbc.JdbcConnectionOptions$JdbcConnectionOptionsBuilder. */
export class JdbcConnectionOptionsBuilder {
  private url?: string;
  private driverName?: string;
  private username?: string;
  private password?: string;
  private connectionCheckTimeoutSeconds?: number;
  private readonly properties: Record<string, string> = {};

  /** The JDBC URL, e.g. jdbc:postgresql://host:5432/db. */
  withUrl(url: string): this {
    this.url = nonEmpty('withUrl', url);
    return this;
  }

  /** The driver's class, e.g. org.postgresql.Driver (loaded from the job's jars). */
  withDriverName(driverName: string): this {
    this.driverName = nonEmpty('withDriverName', driverName);
    return this;
  }

  withUsername(username: string): this {
    this.username = nonEmpty('withUsername', username);
    return this;
  }

  withPassword(password: string): this {
    if (typeof password !== 'string') throw new TypeError('withPassword needs a string');
    this.password = password;
    return this;
  }

  /** A connection property of the driver. */
  withProperty(key: string, value: string): this {
    nonEmpty('withProperty', key);
    if (typeof value !== 'string') throw new TypeError(`withProperty('${key}', …) needs a string value`);
    this.properties[key] = value;
    return this;
  }

  /** How long the sink waits for a connection's isValid() check (Flink's default: 60 s). */
  withConnectionCheckTimeoutSeconds(seconds: number): this {
    this.connectionCheckTimeoutSeconds = integerAtLeast('withConnectionCheckTimeoutSeconds', seconds, 1);
    return this;
  }

  build(): JdbcConnectionOptions {
    if (this.url === undefined) throw new TypeError('JdbcConnectionOptions: withUrl is required');
    return new JdbcConnectionOptions({
      url: this.url,
      driverName: this.driverName,
      username: this.username,
      password: this.password,
      connectionCheckTimeoutSeconds: this.connectionCheckTimeoutSeconds,
      properties: { ...this.properties },
    });
  }
}

/** Mirrors org.apache.flink.connector.jdbc.JdbcConnectionOptions: where and as whom the sink connects. */
export class JdbcConnectionOptions {
  /** As in Java: `new JdbcConnectionOptions.JdbcConnectionOptionsBuilder().withUrl(…)…build()`. */
  static readonly JdbcConnectionOptionsBuilder = JdbcConnectionOptionsBuilder;

  /** @internal use new JdbcConnectionOptions.JdbcConnectionOptionsBuilder() */
  constructor(readonly description: Readonly<ConnectionDescription>) {}

  getDbURL(): string {
    return this.description.url;
  }

  getDriverName(): string | undefined {
    return this.description.driverName;
  }

  getUsername(): string | undefined {
    return this.description.username;
  }
}

/** Which record field each ? parameter takes: its position in the record (-1: the record itself) and its type. */
interface ParameterBinding {
  field: number;
  type: string;
}

interface StatementDescription {
  sql: string;
  fields?: readonly (string | number)[];
}

/** What JdbcRecordStatementBuilder reads a record as. */
type RecordKind = 'ROW' | 'TUPLE' | 'VALUE';

function typeName(spec: TypeSpec): string {
  return new TypeInformation(spec).toString();
}

function bindable(field: string, spec: TypeSpec, recordType: string): string {
  if (typeof spec !== 'string' || BINDABLE[spec] === undefined) {
    throw new TypeError(`JdbcSink: field ${field} of the records (${recordType}) is ${typeName(spec)}; a ? parameter takes ${Object.keys(BINDABLE).join(', ')}`);
  }
  return spec;
}

/** The ? parameters' bindings for records of `type`, or the error naming what does not fit. */
function bindings(type: TypeInformation<unknown>, fields: readonly (string | number)[] | undefined): { record: RecordKind; parameters: ParameterBinding[] } {
  const spec = type.spec;
  const recordType = type.toString();
  if (spec === 'PICKLED') {
    throw new TypeError(
      'JdbcSink needs typed records, but this stream is untyped (PICKLED_BYTE_ARRAY): map it to typed records first, ' +
        "e.g. .map((o) => ({ id: o.id, name: o.name }), Types.ROW_NAMED(['id', 'name'], [Types.LONG(), Types.STRING()])), " +
        "then name the fields for the ? parameters: withQueryStatement(sql, ['id', 'name'])",
    );
  }
  if (typeof spec === 'object' && 'row' in spec) {
    const names = spec.row.map(([n]) => n);
    const parameters = (fields ?? names).map((f) => {
      const index = typeof f === 'string' ? names.indexOf(f) : -1;
      if (index < 0) throw new TypeError(`JdbcSink: withQueryStatement names the field ${JSON.stringify(f)}, but the records (${recordType}) have no such field (theirs: ${names.join(', ')})`);
      return { field: index, type: bindable(`'${f}'`, spec.row[index][1], recordType) };
    });
    return { record: 'ROW', parameters };
  }
  if (typeof spec === 'object') {
    const positions = fields ?? spec.tuple.map((_, i) => i);
    const parameters = positions.map((f) => {
      if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= spec.tuple.length) {
        throw new TypeError(`JdbcSink: withQueryStatement names the field ${JSON.stringify(f)}, but the records (${recordType}) are tuples with positions 0 to ${spec.tuple.length - 1}`);
      }
      return { field: f, type: bindable(`${f}`, spec.tuple[f], recordType) };
    });
    return { record: 'TUPLE', parameters };
  }
  if (fields !== undefined && fields.length > 0) {
    throw new TypeError(`JdbcSink: the records are ${recordType} values, which have no fields: each record is the statement's one ? parameter (give no fields)`);
  }
  return { record: 'VALUE', parameters: [{ field: -1, type: bindable('(the record)', spec, recordType) }] };
}

/** Mirrors org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink (at-least-once). */
export class JdbcSink<T> extends Sink<T> {
  /** @internal use JdbcSink.builder() */
  constructor(
    private readonly statement: StatementDescription,
    private readonly executionOptions: JdbcExecutionOptions | undefined,
    private readonly connectionOptions: JdbcConnectionOptions,
  ) {
    super();
  }

  static builder<T>(): JdbcSinkBuilder<T> {
    return new JdbcSinkBuilder<T>();
  }

  /** Checks the statement's fields against the records' type, then builds Java's JdbcSink. */
  buildJava(connectorJars: readonly string[], inputType: TypeInformation<unknown>): number {
    const { record, parameters } = bindings(inputType, this.statement.fields);
    const o = this.executionOptions;
    const execution = o && { batchSize: o.getBatchSize(), batchIntervalMs: o.getBatchIntervalMs(), maxRetries: o.getMaxRetries() };
    return callSync<number>(CONNECTORS, 'jdbcSink', toJavaJson({ sql: this.statement.sql, record, parameters, execution, connection: this.connectionOptions.description, connectorJars }));
  }
}

/** Mirrors org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSinkBuilder. */
export class JdbcSinkBuilder<T> {
  private statement?: StatementDescription;
  private executionOptions?: JdbcExecutionOptions;

  /**
   * The SQL run for every record (INSERT, UPDATE, an upsert such as PostgreSQL's INSERT … ON
   * CONFLICT …) and the record fields bound to its ? parameters, in order (all fields in their
   * order when omitted; none for records of a basic type).
   */
  withQueryStatement(sql: string, statementBuilder?: JdbcStatementBuilder<T>): this {
    nonEmpty('withQueryStatement', sql);
    if (typeof statementBuilder === 'function') {
      throw new TypeError("withQueryStatement: a TS function cannot run in the JVM's JDBC sink; name the record fields for the ? parameters in order instead, e.g. ['id', 'name']");
    }
    if (statementBuilder !== undefined && !Array.isArray(statementBuilder)) throw new TypeError('withQueryStatement: the statement builder is an array of record field names (or tuple positions)');
    this.statement = { sql, fields: statementBuilder === undefined ? undefined : [...(statementBuilder as readonly (string | number)[])] };
    return this;
  }

  withExecutionOptions(options: JdbcExecutionOptions): this {
    if (!(options instanceof JdbcExecutionOptions)) throw new TypeError('withExecutionOptions needs JdbcExecutionOptions (JdbcExecutionOptions.builder()…build())');
    this.executionOptions = options;
    return this;
  }

  /**
   * A sink that writes its records in JDBC batches, flushing before every checkpoint and at the end
   * of input: after a failure, records since the last checkpoint are written again, so make the
   * statement idempotent (an upsert) for exactly-once results. (Java's buildExactlyOnce, with XA
   * transactions, is not offered.)
   */
  buildAtLeastOnce(connectionOptions: JdbcConnectionOptions): JdbcSink<T> {
    if (this.statement === undefined) throw new TypeError('JdbcSink: withQueryStatement is required');
    if (!(connectionOptions instanceof JdbcConnectionOptions)) {
      throw new TypeError('buildAtLeastOnce needs JdbcConnectionOptions (new JdbcConnectionOptions.JdbcConnectionOptionsBuilder().withUrl(…)…build())');
    }
    return new JdbcSink<T>(this.statement, this.executionOptions, connectionOptions);
  }
}

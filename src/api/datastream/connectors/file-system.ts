/**
 * Mirrors Flink's file connector (org.apache.flink.connector.file.src.FileSource,
 * org.apache.flink.connector.file.sink.FileSink; PyFlink's pyflink.datastream.connectors.file_system):
 * text lines or a bulk format's rows (Parquet: ../formats/parquet) read from files or directories,
 * bounded or continuously monitored, and rows written as text or in a bulk format into part files
 * in buckets (a BucketAssigner's subdirectories), with Flink's rolling policies and exactly-once
 * commit (a part becomes visible when a checkpoint, or the end of a bounded input, commits it; until
 * then it is a hidden `.part-*.inprogress.*` file).
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
import { DataStream } from '../data-stream';
import { Types, type TypeInformation } from '../types';
import { CONNECTORS, Sink, Source } from './source';

/** Mirrors org.apache.flink.connector.file.src.reader.TextLineInputFormat: one STRING record per line. */
export class TextLineInputFormat {
  constructor(readonly charsetName = 'UTF-8') {}
}

/** PyFlink's StreamFormat factory: StreamFormat.textLineFormat() is a TextLineInputFormat. */
export const StreamFormat = {
  textLineFormat: (charsetName = 'UTF-8'): TextLineInputFormat => new TextLineInputFormat(charsetName),
};

function checkMs(what: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`${what} must be a positive whole number of ms, got ${String(ms)}`);
  return ms;
}

/**
 * Mirrors org.apache.flink.connector.file.src.reader.BulkFormat (PyFlink's BulkFormat): a format
 * that reads batches of records, such as Parquet's columnar one. Its records are typed rows `T`
 * (Types.ROW_NAMED); the formats are in ../formats (ParquetColumnarRowInputFormat).
 */
export abstract class BulkFormat<T> {
  /** Phantom: the record type. */
  declare readonly __type?: T;
  /** The records' type: a Types.ROW_NAMED of the columns read. */
  abstract readonly producedType: TypeInformation<T>;
  /** @internal What Connectors.source builds the Java format from ({kind, ...}). */
  abstract formatSpec(): Record<string, unknown>;
}

/**
 * Mirrors org.apache.flink.api.common.serialization.BulkWriter.Factory (PyFlink's
 * BulkWriterFactory): writes a part file's records in a bulk format (Parquet: ParquetBulkWriters).
 * Its records are typed rows `T` of rowType.
 */
export abstract class BulkWriterFactory<T> {
  /** Phantom: the record type. */
  declare readonly __type?: T;
  /** The records' type: a Types.ROW_NAMED the stream's records must have. */
  abstract readonly rowType: TypeInformation<T>;
  /** @internal What Connectors.fileSink builds the Java factory from ({kind, ...}). */
  abstract formatSpec(): Record<string, unknown>;
  /** @internal The name in messages (ParquetBulkWriters). */
  abstract readonly formatName: string;
}

type SourceFormat<T> = TextLineInputFormat | BulkFormat<T>;

export class FileSource<T = string> extends Source<T> {
  readonly producedType: TypeInformation<unknown>;

  private constructor(
    readonly paths: readonly string[],
    readonly format: SourceFormat<T>,
    readonly monitorIntervalMs: number | null,
  ) {
    super();
    // a bulk format's Java records are RowData; afterSource makes them rows of the format's type
    this.producedType = format instanceof BulkFormat ? Types.PICKLED_BYTE_ARRAY() : Types.STRING();
  }

  /** Lines of the files at the paths (files, or directories read recursively). */
  static forRecordStreamFormat(format: TextLineInputFormat, ...paths: string[]): FileSourceBuilder<string> {
    if (!(format instanceof TextLineInputFormat)) throw new TypeError('FileSource.forRecordStreamFormat needs a TextLineInputFormat');
    checkPaths('forRecordStreamFormat', paths);
    return new FileSourceBuilder<string>(paths, format, (p, f, m) => new FileSource<string>(p, f, m));
  }

  /** Rows of the files at the paths, read by a bulk format (e.g. a ParquetColumnarRowInputFormat). */
  static forBulkFileFormat<T>(format: BulkFormat<T>, ...paths: string[]): FileSourceBuilder<T> {
    if (!(format instanceof BulkFormat)) throw new TypeError('FileSource.forBulkFileFormat needs a BulkFormat (e.g. new ParquetColumnarRowInputFormat(rowType))');
    checkPaths('forBulkFileFormat', paths);
    return new FileSourceBuilder<T>(paths, format, (p, f, m) => new FileSource<T>(p, f, m));
  }

  protected spec(): Record<string, unknown> {
    const format = this.format instanceof BulkFormat ? this.format.formatSpec() : { kind: 'textLine', charset: this.format.charsetName };
    return { kind: 'file', paths: this.paths, format, monitorMs: this.monitorIntervalMs };
  }

  /** A bulk format's RowData become rows of its type (Connectors.fromRowData), right behind the source. */
  override afterSource(stream: DataStream<unknown>, _sourceName: string): DataStream<T> {
    if (!(this.format instanceof BulkFormat)) return stream as DataStream<T>;
    const type = this.format.producedType;
    return new DataStream<T>(stream.env, callSync<number>(CONNECTORS, 'fromRowData', stream.handle, toJavaJson(type.spec)), type);
  }
}

function checkPaths(what: string, paths: readonly string[]): void {
  if (paths.length === 0 || paths.some((p) => typeof p !== 'string' || p === '')) throw new TypeError(`FileSource.${what} needs at least one path`);
}

export class FileSourceBuilder<T = string> {
  private monitorMs: number | null = null;
  constructor(
    private readonly paths: readonly string[],
    private readonly format: SourceFormat<T>,
    private readonly make: (p: readonly string[], f: SourceFormat<T>, m: number | null) => FileSource<T>,
  ) {}

  /** Unbounded: looks for new files every intervalMs (each file is read once). */
  monitorContinuously(intervalMs: number): this {
    this.monitorMs = checkMs('monitorContinuously interval', intervalMs);
    return this;
  }

  /** Bounded (the default): the files there when the job starts. */
  processStaticFileSet(): this {
    this.monitorMs = null;
    return this;
  }

  build(): FileSource<T> {
    return this.make(this.paths, this.format, this.monitorMs);
  }
}

/** Mirrors org.apache.flink.api.common.serialization.SimpleStringEncoder: each record's text and a newline. */
export class SimpleStringEncoder {
  constructor(readonly charsetName = 'UTF-8') {}
}

interface RollingSpec {
  kind: 'default' | 'onCheckpoint';
  rolloverMs?: number;
  inactivityMs?: number;
  maxPartSize?: number;
}

/** A rolling policy: when an in-progress part file is closed and a new one started. */
export class RollingPolicy {
  protected constructor(readonly spec: RollingSpec) {}

  /** PyFlink's RollingPolicy.default_rolling_policy (sizes in bytes, intervals in ms; Flink's defaults 128 MiB, 60 s, 60 s). */
  static defaultRollingPolicy(partSize?: number, rolloverIntervalMs?: number, inactivityIntervalMs?: number): RollingPolicy {
    const b = DefaultRollingPolicy.builder();
    if (partSize !== undefined) b.withMaxPartSize(partSize);
    if (rolloverIntervalMs !== undefined) b.withRolloverInterval(rolloverIntervalMs);
    if (inactivityIntervalMs !== undefined) b.withInactivityInterval(inactivityIntervalMs);
    return b.build();
  }

  /** PyFlink's RollingPolicy.on_checkpoint_rolling_policy: a new part at every checkpoint. */
  static onCheckpointRollingPolicy(): RollingPolicy {
    return OnCheckpointRollingPolicy.build();
  }
}

/** Mirrors DefaultRollingPolicy: roll on size, age or inactivity (and always on checkpoints' commit). */
export class DefaultRollingPolicy extends RollingPolicy {
  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder((s) => new DefaultRollingPolicy(s));
  }
}

export class DefaultRollingPolicyBuilder {
  private readonly spec: RollingSpec = { kind: 'default' };
  constructor(private readonly make: (s: RollingSpec) => DefaultRollingPolicy) {}

  withMaxPartSize(bytes: number): this {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`withMaxPartSize needs a positive number of bytes, got ${String(bytes)}`);
    this.spec.maxPartSize = bytes;
    return this;
  }
  withRolloverInterval(ms: number): this {
    this.spec.rolloverMs = checkMs('withRolloverInterval', ms);
    return this;
  }
  withInactivityInterval(ms: number): this {
    this.spec.inactivityMs = checkMs('withInactivityInterval', ms);
    return this;
  }
  build(): DefaultRollingPolicy {
    return this.make({ ...this.spec });
  }
}

/** Mirrors OnCheckpointRollingPolicy. */
export class OnCheckpointRollingPolicy extends RollingPolicy {
  /** Makes the type nominal: a bulk builder's withRollingPolicy takes this policy only, and a DefaultRollingPolicy is otherwise the same shape. */
  private readonly onCheckpoint = true;

  static build(): OnCheckpointRollingPolicy {
    return new OnCheckpointRollingPolicy({ kind: 'onCheckpoint' });
  }
}

/** Mirrors OutputFileConfig: part file names are `<prefix>-<uid>-<subtask>-<counter><suffix>`. */
export class OutputFileConfig {
  private constructor(
    readonly partPrefix: string,
    readonly partSuffix: string,
  ) {}

  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder((p, s) => new OutputFileConfig(p, s));
  }
}

export class OutputFileConfigBuilder {
  private prefix = 'part';
  private suffix = '';
  constructor(private readonly make: (prefix: string, suffix: string) => OutputFileConfig) {}
  withPartPrefix(prefix: string): this {
    this.prefix = prefix;
    return this;
  }
  withPartSuffix(suffix: string): this {
    this.suffix = suffix;
    return this;
  }
  build(): OutputFileConfig {
    return this.make(this.prefix, this.suffix);
  }
}

type BucketAssignerSpec = { kind: 'basePath' } | { kind: 'dateTime'; format: string; zoneId?: string };

/**
 * Mirrors org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner (PyFlink's
 * BucketAssigner): the subdirectory of the base path (the bucket) a record's part file is in.
 * Flink's default is a DateTimeBucketAssigner with 'yyyy-MM-dd--HH' in the system's time zone.
 */
export abstract class BucketAssigner {
  /** @internal */
  abstract readonly spec: BucketAssignerSpec;

  /** PyFlink's BucketAssigner.base_path_bucket_assigner: every part file directly in the base path. */
  static basePathBucketAssigner(): BasePathBucketAssigner {
    return new BasePathBucketAssigner();
  }

  /** PyFlink's BucketAssigner.date_time_bucket_assigner(format_str, timezone_id). */
  static dateTimeBucketAssigner(formatString?: string, zoneId?: string): DateTimeBucketAssigner {
    return new DateTimeBucketAssigner(formatString, zoneId);
  }
}

/** Mirrors bucketassigners.BasePathBucketAssigner: no buckets, every part file in the base path. */
export class BasePathBucketAssigner extends BucketAssigner {
  readonly spec: BucketAssignerSpec = { kind: 'basePath' };
}

/**
 * Mirrors bucketassigners.DateTimeBucketAssigner: the bucket is the time the record is written
 * (the TaskManager's clock, not the record's timestamp) formatted with a java.time
 * DateTimeFormatter pattern, in zoneId (an id such as 'UTC' or 'Europe/Paris'; the system's zone
 * when omitted). A pattern or zone Java does not accept fails at sinkTo.
 */
export class DateTimeBucketAssigner extends BucketAssigner {
  /** Java's DEFAULT_FORMAT_STRING: one bucket an hour. */
  static readonly DEFAULT_FORMAT_STRING = 'yyyy-MM-dd--HH';
  readonly spec: BucketAssignerSpec;

  constructor(formatString: string = DateTimeBucketAssigner.DEFAULT_FORMAT_STRING, zoneId?: string) {
    super();
    if (typeof formatString !== 'string' || formatString === '') throw new TypeError('DateTimeBucketAssigner needs a non-empty format string');
    if (zoneId !== undefined && (typeof zoneId !== 'string' || zoneId === '')) throw new TypeError('DateTimeBucketAssigner: the zone id must be a non-empty string');
    this.spec = zoneId === undefined ? { kind: 'dateTime', format: formatString } : { kind: 'dateTime', format: formatString, zoneId };
  }
}

type SinkFormat<T> = { kind: 'row'; charset: string } | { kind: 'bulk'; factory: BulkWriterFactory<T> };

interface FileSinkSpec<T> {
  path: string;
  format: SinkFormat<T>;
  rolling?: RollingSpec;
  bucketAssigner?: BucketAssignerSpec;
  partPrefix?: string;
  partSuffix?: string;
  bucketCheckMs?: number;
}

export class FileSink<T> extends Sink<T> {
  private constructor(private readonly spec: FileSinkSpec<T>) {
    super();
  }

  /** Rows as text lines under basePath (in date-time buckets, Flink's default bucket assigner). */
  static forRowFormat<T>(basePath: string, encoder: SimpleStringEncoder): RowFormatBuilder<T> {
    if (typeof basePath !== 'string' || basePath === '') throw new TypeError('FileSink.forRowFormat needs a base path');
    if (!(encoder instanceof SimpleStringEncoder)) throw new TypeError('FileSink.forRowFormat needs a SimpleStringEncoder');
    return new RowFormatBuilder<T>({ path: basePath, format: { kind: 'row', charset: encoder.charsetName } }, (s) => new FileSink<T>(s));
  }

  /**
   * Typed rows in a bulk format (e.g. ParquetBulkWriters.forRowType(rowType)) under basePath. A
   * bulk part file is finished only when a checkpoint (or the end of a bounded input) rolls it:
   * bulk formats roll on checkpoints only, as in Java.
   */
  static forBulkFormat<T>(basePath: string, writerFactory: BulkWriterFactory<T>): BulkFormatBuilder<T> {
    if (typeof basePath !== 'string' || basePath === '') throw new TypeError('FileSink.forBulkFormat needs a base path');
    if (!(writerFactory instanceof BulkWriterFactory)) throw new TypeError('FileSink.forBulkFormat needs a BulkWriterFactory (e.g. ParquetBulkWriters.forRowType(rowType))');
    return new BulkFormatBuilder<T>({ path: basePath, format: { kind: 'bulk', factory: writerFactory } }, (s) => new FileSink<T>(s));
  }

  buildJava(connectorJars: readonly string[], inputType: TypeInformation<unknown>): number {
    const { format, ...rest } = this.spec;
    if (format.kind === 'row') return callSync<number>(CONNECTORS, 'fileSink', toJavaJson({ ...rest, format, connectorJars }));
    const factory = format.factory;
    checkBulkInput(factory, inputType);
    return callSync<number>(CONNECTORS, 'fileSink', toJavaJson({ ...rest, format: factory.formatSpec(), connectorJars }));
  }

  /** A bulk writer takes Flink's RowData: the rows become RowData right before the sink (PyFlink's RowRowMapper). */
  override transformInput(streamHandle: number): number {
    const format = this.spec.format;
    if (format.kind === 'row') return streamHandle;
    return callSync<number>(CONNECTORS, 'toRowData', streamHandle, toJavaJson(format.factory.rowType.spec));
  }
}

/** A bulk writer's records must be typed rows of its row type: what does not fit is refused at sinkTo, naming the fix. */
function checkBulkInput(factory: BulkWriterFactory<unknown>, inputType: TypeInformation<unknown>): void {
  const expected = factory.rowType.toString();
  if (inputType.spec === 'PICKLED') {
    throw new TypeError(
      `FileSink.forBulkFormat(${factory.formatName}) needs typed records, but this stream is untyped (PICKLED_BYTE_ARRAY): ` +
        `map it to the writer's row type first, e.g. .map((o) => ({ ... }), rowType) with rowType the ${expected} given to ${factory.formatName}`,
    );
  }
  if (inputType.toString() !== expected) {
    throw new TypeError(`FileSink.forBulkFormat(${factory.formatName}): the records are ${inputType.toString()}, but the writer's row type is ${expected}; map the stream to ${expected} first`);
  }
}

/** What FileSink's row and bulk builders share (Java's FileSink.BucketsBuilder, PyFlink's BaseBuilder). */
abstract class BaseBuilder<T> {
  constructor(
    protected readonly spec: FileSinkSpec<T>,
    private readonly make: (s: FileSinkSpec<T>) => FileSink<T>,
  ) {}

  /** The subdirectory each record's part file goes to (Flink's default: DateTimeBucketAssigner('yyyy-MM-dd--HH')). */
  withBucketAssigner(assigner: BucketAssigner): this {
    if (!(assigner instanceof BucketAssigner)) throw new TypeError('withBucketAssigner needs a BucketAssigner (new DateTimeBucketAssigner(format) or new BasePathBucketAssigner())');
    this.spec.bucketAssigner = assigner.spec;
    return this;
  }

  withOutputFileConfig(config: OutputFileConfig): this {
    this.spec.partPrefix = config.partPrefix;
    this.spec.partSuffix = config.partSuffix;
    return this;
  }

  /** How often (ms) the sink checks its rolling policy's time limits (Flink's default 60 s). */
  withBucketCheckInterval(ms: number): this {
    this.spec.bucketCheckMs = checkMs('withBucketCheckInterval', ms);
    return this;
  }

  build(): FileSink<T> {
    return this.make({ ...this.spec });
  }
}

export class RowFormatBuilder<T> extends BaseBuilder<T> {
  withRollingPolicy(policy: RollingPolicy): this {
    if (!(policy instanceof RollingPolicy)) throw new TypeError('withRollingPolicy needs a RollingPolicy');
    this.spec.rolling = policy.spec;
    return this;
  }
}

/** Mirrors FileSink.BulkFormatBuilder. */
export class BulkFormatBuilder<T> extends BaseBuilder<T> {
  /**
   * Bulk formats roll on every checkpoint (and at the end of input) only: Java's builder takes a
   * CheckpointRollingPolicy, so OnCheckpointRollingPolicy is the one policy (and the default).
   */
  withRollingPolicy(policy: OnCheckpointRollingPolicy): this {
    if (!(policy instanceof OnCheckpointRollingPolicy)) throw new TypeError('a bulk format rolls on checkpoints only: withRollingPolicy needs OnCheckpointRollingPolicy.build()');
    return this;
  }
}

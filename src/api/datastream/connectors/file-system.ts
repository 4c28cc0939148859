/**
 * Mirrors Flink's file connector (org.apache.flink.connector.file.src.FileSource,
 * org.apache.flink.connector.file.sink.FileSink; PyFlink's pyflink.datastream.connectors.file_system):
 * text lines read from files or directories, bounded or continuously monitored, and rows written as
 * text into part files with Flink's rolling policies and exactly-once commit (a part becomes visible
 * when a checkpoint, or the end of a bounded input, commits it; until then it is a hidden
 * `.part-*.inprogress.*` file).
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
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

export class FileSource extends Source<string> {
  readonly producedType: TypeInformation<string> = Types.STRING();

  private constructor(
    readonly paths: readonly string[],
    readonly format: TextLineInputFormat,
    readonly monitorIntervalMs: number | null,
  ) {
    super();
  }

  /** Lines of the files at the paths (files, or directories read recursively). */
  static forRecordStreamFormat(format: TextLineInputFormat, ...paths: string[]): FileSourceBuilder {
    if (!(format instanceof TextLineInputFormat)) throw new TypeError('FileSource.forRecordStreamFormat needs a TextLineInputFormat');
    if (paths.length === 0 || paths.some((p) => typeof p !== 'string' || p === '')) throw new TypeError('FileSource.forRecordStreamFormat needs at least one path');
    return new FileSourceBuilder(paths, format, (p, f, m) => new FileSource(p, f, m));
  }

  protected spec(): Record<string, unknown> {
    return { kind: 'file', paths: this.paths, charset: this.format.charsetName, monitorMs: this.monitorIntervalMs };
  }
}

export class FileSourceBuilder {
  private monitorMs: number | null = null;
  constructor(
    private readonly paths: readonly string[],
    private readonly format: TextLineInputFormat,
    private readonly make: (p: readonly string[], f: TextLineInputFormat, m: number | null) => FileSource,
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

  build(): FileSource {
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

export class FileSink<T> extends Sink<T> {
  private constructor(private readonly spec: Record<string, unknown>) {
    super();
  }

  /** Rows as text lines under basePath (in date-time buckets, Flink's default bucket assigner). */
  static forRowFormat<T>(basePath: string, encoder: SimpleStringEncoder): RowFormatBuilder<T> {
    if (typeof basePath !== 'string' || basePath === '') throw new TypeError('FileSink.forRowFormat needs a base path');
    if (!(encoder instanceof SimpleStringEncoder)) throw new TypeError('FileSink.forRowFormat needs a SimpleStringEncoder');
    return new RowFormatBuilder<T>({ path: basePath, charset: encoder.charsetName }, (s) => new FileSink<T>(s));
  }

  buildJava(): number {
    return callSync<number>(CONNECTORS, 'fileSink', toJavaJson(this.spec));
  }
}

export class RowFormatBuilder<T> {
  constructor(
    private readonly spec: Record<string, unknown>,
    private readonly make: (s: Record<string, unknown>) => FileSink<T>,
  ) {}

  withRollingPolicy(policy: RollingPolicy): this {
    if (!(policy instanceof RollingPolicy)) throw new TypeError('withRollingPolicy needs a RollingPolicy');
    this.spec.rolling = policy.spec;
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

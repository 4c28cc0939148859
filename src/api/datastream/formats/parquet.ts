/**
 * Mirrors PyFlink's pyflink.datastream.formats.parquet (Java's flink-parquet) for typed rows:
 * ParquetBulkWriters.forRowType (Java's ParquetRowDataBuilder.createWriterFactory), a
 * BulkWriterFactory for FileSink.forBulkFormat, and ParquetColumnarRowInputFormat, a BulkFormat for
 * FileSource.forBulkFileFormat. The classes come with the session's 'parquet' connector
 * (env.addConnector('parquet'): flink-sql-parquet and Hadoop's shaded client, which Parquet's
 * reader and writer need for their Hadoop Configuration); dev.tsflink.datastream.ParquetConnectors
 * builds them from these descriptions.
 *
 * Where PyFlink takes a Table API RowType, these take the stream's own record type, a
 * Types.ROW_NAMED of STRING, BOOLEAN, INT, LONG, FLOAT and DOUBLE fields: one column per field, of
 * Parquet's type for it (BINARY UTF8, BOOLEAN, INT32, INT64, FLOAT, DOUBLE), every column optional
 * (a field may be null). PyFlink's utc_timestamp flags are left out: they only change timestamp
 * columns, which the DataStream Types do not have yet.
 */
import { BulkFormat, BulkWriterFactory } from '../connectors/file-system';
import type { TypeInformation, TypeSpec } from '../types';

/** Entries of the Hadoop Configuration Parquet's writer or reader gets, e.g. { 'parquet.compression': 'GZIP' }. */
export type HadoopConfiguration = Readonly<Record<string, string>>;

const COLUMN_TYPES: readonly string[] = ['STRING', 'BOOLEAN', 'INT', 'LONG', 'FLOAT', 'DOUBLE'];

/** The row type's fields, or the error naming what a Parquet row type needs. */
function checkRowType(what: string, rowType: TypeInformation<unknown>): void {
  const spec: TypeSpec | undefined = (rowType as TypeInformation<unknown> | undefined)?.spec;
  if (spec === undefined || typeof spec !== 'object' || !('row' in spec)) {
    const got = spec === undefined ? String(rowType) : rowType.toString();
    throw new TypeError(
      `${what} needs the records' row type, a Types.ROW_NAMED(names, types) of ${COLUMN_TYPES.join(', ')} fields, ` +
        `e.g. Types.ROW_NAMED(['id', 'name'], [Types.LONG(), Types.STRING()]); got ${got === 'PICKLED' ? 'PICKLED_BYTE_ARRAY (untyped records)' : got}`,
    );
  }
  if (spec.row.length === 0) throw new TypeError(`${what}: the row type has no fields`);
  for (const [name, type] of spec.row) {
    if (typeof type !== 'string' || !COLUMN_TYPES.includes(type)) {
      throw new TypeError(`${what}: field '${name}' of ${rowType.toString()} is not a Parquet column type this writer and reader offer (${COLUMN_TYPES.join(', ')})`);
    }
  }
}

function checkHadoopConfiguration(what: string, config: HadoopConfiguration | undefined): HadoopConfiguration | undefined {
  if (config === undefined) return undefined;
  if (typeof config !== 'object' || config === null || Object.values(config).some((v) => typeof v !== 'string')) {
    throw new TypeError(`${what}: the Hadoop configuration is an object of string values, e.g. { 'parquet.compression': 'GZIP' }`);
  }
  return { ...config };
}

class ParquetRowWriterFactory<T> extends BulkWriterFactory<T> {
  readonly formatName = 'ParquetBulkWriters';
  constructor(
    readonly rowType: TypeInformation<T>,
    private readonly hadoopConfig: HadoopConfiguration | undefined,
  ) {
    super();
  }

  formatSpec(): Record<string, unknown> {
    return { kind: 'parquet', rowType: this.rowType.spec, hadoopConfig: this.hadoopConfig, utcTimestamp: false };
  }
}

/** Mirrors PyFlink's ParquetBulkWriters. */
export class ParquetBulkWriters {
  private constructor() {}

  /**
   * A writer of records of rowType (a Types.ROW_NAMED, the stream's record type) into Parquet part
   * files, one column per field: FileSink.forBulkFormat(path, ParquetBulkWriters.forRowType(rowType)).
   */
  static forRowType<T extends object>(rowType: TypeInformation<T>, hadoopConfig?: HadoopConfiguration): BulkWriterFactory<T> {
    checkRowType('ParquetBulkWriters.forRowType', rowType);
    return new ParquetRowWriterFactory<T>(rowType, checkHadoopConfiguration('ParquetBulkWriters.forRowType', hadoopConfig));
  }
}

/** Options of a ParquetColumnarRowInputFormat (PyFlink's keyword arguments). */
export interface ParquetColumnarRowInputFormatOptions {
  /** Entries of the reader's Hadoop Configuration. */
  hadoopConfig?: HadoopConfiguration;
  /** Rows per columnar batch (default 2048). */
  batchSize?: number;
  /** Whether field names match column names case-sensitively (default true). */
  isCaseSensitive?: boolean;
}

/**
 * Mirrors org.apache.flink.formats.parquet.ParquetColumnarRowInputFormat: reads Parquet files in
 * columnar batches; the row type picks the columns by name (a projection: other columns are not
 * read) and is the records' type:
 * FileSource.forBulkFileFormat(new ParquetColumnarRowInputFormat(rowType), path).
 */
export class ParquetColumnarRowInputFormat<T extends object> extends BulkFormat<T> {
  private readonly hadoopConfig: HadoopConfiguration | undefined;
  private readonly batchSize: number;
  private readonly isCaseSensitive: boolean;

  constructor(
    readonly producedType: TypeInformation<T>,
    options: ParquetColumnarRowInputFormatOptions = {},
  ) {
    super();
    checkRowType('ParquetColumnarRowInputFormat', producedType);
    this.hadoopConfig = checkHadoopConfiguration('ParquetColumnarRowInputFormat', options.hadoopConfig);
    this.batchSize = options.batchSize ?? 2048;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`ParquetColumnarRowInputFormat: batchSize must be a positive integer, got ${String(options.batchSize)}`);
    this.isCaseSensitive = options.isCaseSensitive ?? true;
  }

  formatSpec(): Record<string, unknown> {
    return { kind: 'parquet', rowType: this.producedType.spec, hadoopConfig: this.hadoopConfig, batchSize: this.batchSize, isUtcTimestamp: false, isCaseSensitive: this.isCaseSensitive };
  }
}

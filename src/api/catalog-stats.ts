/**
 * Catalog statistics as Flink's Java API has them (org.apache.flink.table.catalog.stats): plain
 * values in TS, sent to and read from the JVM as JSON (dev.tsflink.gateway.CatalogStats). Counts
 * and sizes are numbers (exact up to 2^53); a DATE column's min/max are days since the epoch, as
 * Java's stats.Date holds them.
 */
import { callSync } from '../gateway/jvm';
import { Gateway, type Handle } from '../gateway/facade';
import { toJavaJson } from '../gateway/java-json';

const STATS = 'dev.tsflink.gateway.CatalogStats';

/** A table's or partition's statistics. */
export class CatalogTableStatistics {
  /** Unknown statistics, as Java's CatalogTableStatistics.UNKNOWN (every count -1). */
  static readonly UNKNOWN = new CatalogTableStatistics(-1, -1, -1, -1);

  constructor(
    private readonly rowCount: number,
    private readonly fileCount: number,
    private readonly totalSize: number,
    private readonly rawDataSize: number,
    private readonly properties: Readonly<Record<string, string>> = {},
  ) {}

  getRowCount(): number {
    return this.rowCount;
  }
  getFileCount(): number {
    return this.fileCount;
  }
  getTotalSize(): number {
    return this.totalSize;
  }
  getRawDataSize(): number {
    return this.rawDataSize;
  }
  getProperties(): Record<string, string> {
    return { ...this.properties };
  }
  copy(): CatalogTableStatistics {
    return new CatalogTableStatistics(this.rowCount, this.fileCount, this.totalSize, this.rawDataSize, this.properties);
  }
  toString(): string {
    return `CatalogTableStatistics{rowCount=${this.rowCount}, fileCount=${this.fileCount}, totalSize=${this.totalSize}, rawDataSize=${this.rawDataSize}}`;
  }

  /** @internal */
  toJSON(): TableStatisticsJson {
    return { rowCount: this.rowCount, fileCount: this.fileCount, totalSize: this.totalSize, rawDataSize: this.rawDataSize, properties: { ...this.properties } };
  }

  /** @internal */
  static fromJSON(j: TableStatisticsJson): CatalogTableStatistics {
    return new CatalogTableStatistics(j.rowCount, j.fileCount, j.totalSize, j.rawDataSize, j.properties ?? {});
  }
}

interface TableStatisticsJson {
  rowCount: number;
  fileCount: number;
  totalSize: number;
  rawDataSize: number;
  properties?: Record<string, string>;
}

type Nullable = number | null;

/** One column's statistics: the base of the per-type classes below (Java's CatalogColumnStatisticsDataBase). */
export abstract class CatalogColumnStatisticsDataBase {
  constructor(
    private readonly nullCount: Nullable,
    private readonly properties: Readonly<Record<string, string>> = {},
  ) {}
  getNullCount(): Nullable {
    return this.nullCount;
  }
  getProperties(): Record<string, string> {
    return { ...this.properties };
  }
  abstract copy(): CatalogColumnStatisticsDataBase;
  /** @internal The type's fields by Java getter name, plus type, nullCount and properties. */
  toJSON(): ColumnDataJson {
    return { ...this.fields(), nullCount: this.nullCount, properties: { ...this.properties } };
  }
  protected abstract fields(): { type: string } & Record<string, Nullable | string>;
}

interface ColumnDataJson {
  type: string;
  nullCount: Nullable;
  properties?: Record<string, string>;
  [field: string]: Nullable | string | Record<string, string> | undefined;
}

export class CatalogColumnStatisticsDataLong extends CatalogColumnStatisticsDataBase {
  constructor(
    private readonly min: Nullable,
    private readonly max: Nullable,
    private readonly ndv: Nullable,
    nullCount: Nullable,
    properties?: Record<string, string>,
  ) {
    super(nullCount, properties);
  }
  getMin(): Nullable {
    return this.min;
  }
  getMax(): Nullable {
    return this.max;
  }
  getNdv(): Nullable {
    return this.ndv;
  }
  copy(): CatalogColumnStatisticsDataLong {
    return new CatalogColumnStatisticsDataLong(this.min, this.max, this.ndv, this.getNullCount(), this.getProperties());
  }
  protected fields() {
    return { type: 'LONG', min: this.min, max: this.max, ndv: this.ndv };
  }
}

export class CatalogColumnStatisticsDataDouble extends CatalogColumnStatisticsDataBase {
  constructor(
    private readonly min: Nullable,
    private readonly max: Nullable,
    private readonly ndv: Nullable,
    nullCount: Nullable,
    properties?: Record<string, string>,
  ) {
    super(nullCount, properties);
  }
  getMin(): Nullable {
    return this.min;
  }
  getMax(): Nullable {
    return this.max;
  }
  getNdv(): Nullable {
    return this.ndv;
  }
  copy(): CatalogColumnStatisticsDataDouble {
    return new CatalogColumnStatisticsDataDouble(this.min, this.max, this.ndv, this.getNullCount(), this.getProperties());
  }
  protected fields() {
    return { type: 'DOUBLE', min: this.min, max: this.max, ndv: this.ndv };
  }
}

export class CatalogColumnStatisticsDataString extends CatalogColumnStatisticsDataBase {
  constructor(
    private readonly maxLength: Nullable,
    private readonly avgLength: Nullable,
    private readonly ndv: Nullable,
    nullCount: Nullable,
    properties?: Record<string, string>,
  ) {
    super(nullCount, properties);
  }
  getMaxLength(): Nullable {
    return this.maxLength;
  }
  getAvgLength(): Nullable {
    return this.avgLength;
  }
  getNdv(): Nullable {
    return this.ndv;
  }
  copy(): CatalogColumnStatisticsDataString {
    return new CatalogColumnStatisticsDataString(this.maxLength, this.avgLength, this.ndv, this.getNullCount(), this.getProperties());
  }
  protected fields() {
    return { type: 'STRING', maxLength: this.maxLength, avgLength: this.avgLength, ndv: this.ndv };
  }
}

export class CatalogColumnStatisticsDataBoolean extends CatalogColumnStatisticsDataBase {
  constructor(
    private readonly trueCount: Nullable,
    private readonly falseCount: Nullable,
    nullCount: Nullable,
    properties?: Record<string, string>,
  ) {
    super(nullCount, properties);
  }
  getTrueCount(): Nullable {
    return this.trueCount;
  }
  getFalseCount(): Nullable {
    return this.falseCount;
  }
  copy(): CatalogColumnStatisticsDataBoolean {
    return new CatalogColumnStatisticsDataBoolean(this.trueCount, this.falseCount, this.getNullCount(), this.getProperties());
  }
  protected fields() {
    return { type: 'BOOLEAN', trueCount: this.trueCount, falseCount: this.falseCount };
  }
}

export class CatalogColumnStatisticsDataBinary extends CatalogColumnStatisticsDataBase {
  constructor(
    private readonly maxLength: Nullable,
    private readonly avgLength: Nullable,
    nullCount: Nullable,
    properties?: Record<string, string>,
  ) {
    super(nullCount, properties);
  }
  getMaxLength(): Nullable {
    return this.maxLength;
  }
  getAvgLength(): Nullable {
    return this.avgLength;
  }
  copy(): CatalogColumnStatisticsDataBinary {
    return new CatalogColumnStatisticsDataBinary(this.maxLength, this.avgLength, this.getNullCount(), this.getProperties());
  }
  protected fields() {
    return { type: 'BINARY', maxLength: this.maxLength, avgLength: this.avgLength };
  }
}

/** DATE column statistics; min and max are days since 1970-01-01. */
export class CatalogColumnStatisticsDataDate extends CatalogColumnStatisticsDataBase {
  constructor(
    private readonly min: Nullable,
    private readonly max: Nullable,
    private readonly ndv: Nullable,
    nullCount: Nullable,
    properties?: Record<string, string>,
  ) {
    super(nullCount, properties);
  }
  getMin(): Nullable {
    return this.min;
  }
  getMax(): Nullable {
    return this.max;
  }
  getNdv(): Nullable {
    return this.ndv;
  }
  copy(): CatalogColumnStatisticsDataDate {
    return new CatalogColumnStatisticsDataDate(this.min, this.max, this.ndv, this.getNullCount(), this.getProperties());
  }
  protected fields() {
    return { type: 'DATE', min: this.min, max: this.max, ndv: this.ndv };
  }
}

function columnDataFromJson(j: ColumnDataJson): CatalogColumnStatisticsDataBase {
  const n = (k: string) => (j[k] ?? null) as Nullable;
  const p = j.properties ?? {};
  switch (j.type) {
    case 'LONG':
      return new CatalogColumnStatisticsDataLong(n('min'), n('max'), n('ndv'), j.nullCount, p);
    case 'DOUBLE':
      return new CatalogColumnStatisticsDataDouble(n('min'), n('max'), n('ndv'), j.nullCount, p);
    case 'STRING':
      return new CatalogColumnStatisticsDataString(n('maxLength'), n('avgLength'), n('ndv'), j.nullCount, p);
    case 'BOOLEAN':
      return new CatalogColumnStatisticsDataBoolean(n('trueCount'), n('falseCount'), j.nullCount, p);
    case 'BINARY':
      return new CatalogColumnStatisticsDataBinary(n('maxLength'), n('avgLength'), j.nullCount, p);
    case 'DATE':
      return new CatalogColumnStatisticsDataDate(n('min'), n('max'), n('ndv'), j.nullCount, p);
    default:
      throw new Error(`unknown column statistics type '${j.type}'`);
  }
}

/** Per-column statistics of a table or partition, by column name. */
export class CatalogColumnStatistics {
  static readonly UNKNOWN = new CatalogColumnStatistics({});

  constructor(
    private readonly columnStatisticsData: Readonly<Record<string, CatalogColumnStatisticsDataBase>>,
    private readonly properties: Readonly<Record<string, string>> = {},
  ) {}

  getColumnStatisticsData(): Record<string, CatalogColumnStatisticsDataBase> {
    return { ...this.columnStatisticsData };
  }
  getProperties(): Record<string, string> {
    return { ...this.properties };
  }
  copy(): CatalogColumnStatistics {
    return new CatalogColumnStatistics(Object.fromEntries(Object.entries(this.columnStatisticsData).map(([k, v]) => [k, v.copy()])), this.properties);
  }

  /** @internal */
  toJSON(): ColumnStatisticsJson {
    return { columns: Object.fromEntries(Object.entries(this.columnStatisticsData).map(([k, v]) => [k, v.toJSON()])), properties: { ...this.properties } };
  }

  /** @internal */
  static fromJSON(j: ColumnStatisticsJson): CatalogColumnStatistics {
    return new CatalogColumnStatistics(Object.fromEntries(Object.entries(j.columns).map(([k, v]) => [k, columnDataFromJson(v)])), j.properties ?? {});
  }
}

interface ColumnStatisticsJson {
  columns: Record<string, ColumnDataJson>;
  properties?: Record<string, string>;
}

/** Runs `use` with a Java copy of `stats` held as a handle, released afterwards. @internal */
export function withJavaStatistics<T>(stats: CatalogTableStatistics | CatalogColumnStatistics, use: (h: Handle) => T): T {
  const method = stats instanceof CatalogTableStatistics ? 'tableStatistics' : 'columnStatistics';
  const h = callSync<number>(STATS, method, toJavaJson(stats));
  try {
    return use(h);
  } finally {
    Gateway.release(h);
  }
}

/** Reads (and releases) a Java CatalogTableStatistics handle, or a List of them. @internal */
export function tableStatisticsOf(h: Handle): CatalogTableStatistics;
export function tableStatisticsOf(h: Handle, list: true): CatalogTableStatistics[];
export function tableStatisticsOf(h: Handle, list?: true): CatalogTableStatistics | CatalogTableStatistics[] {
  const j = readAndRelease(h, 'tableStatisticsJson');
  return list ? (j as TableStatisticsJson[]).map(CatalogTableStatistics.fromJSON) : CatalogTableStatistics.fromJSON(j as TableStatisticsJson);
}

/** Reads (and releases) a Java CatalogColumnStatistics handle, or a List of them. @internal */
export function columnStatisticsOf(h: Handle): CatalogColumnStatistics;
export function columnStatisticsOf(h: Handle, list: true): CatalogColumnStatistics[];
export function columnStatisticsOf(h: Handle, list?: true): CatalogColumnStatistics | CatalogColumnStatistics[] {
  const j = readAndRelease(h, 'columnStatisticsJson');
  return list ? (j as ColumnStatisticsJson[]).map(CatalogColumnStatistics.fromJSON) : CatalogColumnStatistics.fromJSON(j as ColumnStatisticsJson);
}

function readAndRelease(h: Handle, method: string): unknown {
  try {
    return JSON.parse(callSync<string>(STATS, method, h));
  } finally {
    Gateway.release(h);
  }
}

/**
 * Flink SQL data types, mirroring org.apache.flink.table.api.DataTypes. A DataType carries its SQL
 * type string (parsed by Flink on the Java side) and, at the type level, the TypeScript value it
 * maps to, so row types inferred from a schema reach `collect()`.
 *
 * Value mapping: TINYINT/SMALLINT/INT/FLOAT/DOUBLE → number, BIGINT → bigint, DECIMAL → string,
 * BOOLEAN → boolean, CHAR/VARCHAR/STRING → string, BINARY/VARBINARY/BYTES → Uint8Array,
 * DATE → Date (UTC midnight), TIME → 'HH:mm:ss[.fff]' string, TIMESTAMP → Date (wall clock read as
 * UTC), TIMESTAMP_LTZ → Date, ARRAY → array, MAP → Map, MULTISET → Map<element, count>, ROW → object.
 */

import type { ListView, MapView } from './udf/functions';

export class DataType<T = unknown> {
  /** Phantom: the TypeScript type of values of this DataType. */
  declare readonly __value: T;

  constructor(
    /** The SQL type string Flink parses, e.g. `INT NOT NULL`, `ROW<\`a\` INT>`. */
    readonly sql: string,
    private readonly base: string = sql,
    readonly isNullable: boolean = !/ NOT NULL$/.test(sql),
  ) {}

  /** This type without NULL values (`INT NOT NULL`). */
  notNull(): DataType<NonNullable<T>> {
    return new DataType<NonNullable<T>>(`${this.base} NOT NULL`, this.base, false);
  }

  /** This type with NULL values allowed (the default). */
  nullable(): DataType<T | null> {
    return new DataType<T | null>(this.base, this.base, true);
  }

  toString(): string {
    return this.sql;
  }
}

/** The TypeScript value type of a DataType. */
export type ValueOf<D> = D extends DataType<infer T> ? T : never;

export interface Field<N extends string = string, T = unknown> {
  readonly name: N;
  readonly type: DataType<T>;
  readonly description?: string;
}

/** The row object type of a list of fields. */
export type RowOf<F extends readonly Field[]> = { [K in F[number] as K['name']]: ValueOf<K['type']> };

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function make<T>(sql: string): DataType<T | null> {
  return new DataType<T | null>(sql);
}

function sized(name: string, ...args: (number | undefined)[]): string {
  const given = args.filter((a): a is number => a !== undefined);
  return given.length ? `${name}(${given.join(', ')})` : name;
}

/**
 * The type of a ListView or MapView field of an accumulator (`DataTypes.LIST_VIEW`,
 * `DataTypes.MAP_VIEW`): stored in Flink list/map state instead of the accumulator's own value. Its
 * `sql` is the ARRAY/MAP type Flink sees the field as.
 */
export class DataViewType<T = unknown> extends DataType<T> {
  constructor(
    sql: string,
    readonly view: 'list' | 'map',
  ) {
    super(sql, sql, true);
  }
}

/** A ROW type that remembers its fields (so an accumulator type can say which are data views). */
export class RowDataType<T = unknown> extends DataType<T> {
  constructor(
    sql: string,
    readonly fields: readonly Field[],
  ) {
    super(sql);
  }
}

/**
 * A ROW type of FIELD(...)s: `ROW(FIELD('a', INT()), FIELD('b', STRING()))`, or PyFlink's list form
 * `ROW([FIELD('a', INT()), ...])`.
 */
function ROW<const F extends readonly Field[]>(fields: F): DataType<RowOf<F> | null>;
function ROW<F extends readonly Field[]>(...fields: F): DataType<RowOf<F> | null>;
function ROW(...args: readonly (Field | readonly Field[])[]): DataType<unknown> {
  const fields = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as readonly unknown[];
  fields.forEach((f, i) => {
    const field = f as Partial<Field> | null;
    if (field === null || typeof field !== 'object' || typeof field.name !== 'string' || !(field.type instanceof DataType)) {
      throw new TypeError(`DataTypes.ROW takes DataTypes.FIELD(name, type) values, or one array of them; argument ${i + 1} is ${Array.isArray(f) ? 'an array (pass a single array, or the fields one by one)' : String(f)}`);
    }
  });
  const typed = fields as readonly Field[];
  return new RowDataType(
    `ROW<${typed.map((f) => `${quote(f.name)} ${f.type.sql}${f.description ? ` '${f.description.replace(/'/g, "''")}'` : ''}`).join(', ')}>`,
    typed,
  );
}

export const DataTypes = {
  CHAR: (length: number) => make<string>(`CHAR(${length})`),
  VARCHAR: (length: number) => make<string>(`VARCHAR(${length})`),
  STRING: () => make<string>('STRING'),
  BOOLEAN: () => make<boolean>('BOOLEAN'),
  BINARY: (length: number) => make<Uint8Array>(`BINARY(${length})`),
  VARBINARY: (length: number) => make<Uint8Array>(`VARBINARY(${length})`),
  BYTES: () => make<Uint8Array>('BYTES'),
  DECIMAL: (precision: number, scale: number) => make<string>(`DECIMAL(${precision}, ${scale})`),
  TINYINT: () => make<number>('TINYINT'),
  SMALLINT: () => make<number>('SMALLINT'),
  INT: () => make<number>('INT'),
  BIGINT: () => make<bigint>('BIGINT'),
  FLOAT: () => make<number>('FLOAT'),
  DOUBLE: () => make<number>('DOUBLE'),
  DATE: () => make<Date>('DATE'),
  TIME: (precision?: number) => make<string>(sized('TIME', precision)),
  TIMESTAMP: (precision?: number) => make<Date>(sized('TIMESTAMP', precision)),
  TIMESTAMP_LTZ: (precision?: number) => make<Date>(sized('TIMESTAMP_LTZ', precision)),
  ARRAY: <T>(element: DataType<T>) => make<T[]>(`ARRAY<${element.sql}>`),
  MULTISET: <T>(element: DataType<T>) => make<Map<T, number>>(`MULTISET<${element.sql}>`),
  MAP: <K, V>(key: DataType<K>, value: DataType<V>) => make<Map<K, V>>(`MAP<${key.sql}, ${value.sql}>`),
  FIELD: <N extends string, T>(name: N, type: DataType<T>, description?: string): Field<N, T> => ({
    name,
    type,
    description,
  }),
  ROW,
  /** A ListView field of an aggregate function's accumulator ROW type (backed by Flink list state). */
  LIST_VIEW: <T>(element: DataType<T>) => new DataViewType<ListView<NonNullable<T>>>(`ARRAY<${element.sql}>`, 'list'),
  /** A MapView field of an aggregate function's accumulator ROW type (backed by Flink map state). */
  MAP_VIEW: <K, V>(key: DataType<K>, value: DataType<V>) =>
    new DataViewType<MapView<NonNullable<K>, NonNullable<V>>>(`MAP<${key.sql}, ${value.sql}>`, 'map'),
  NULL: () => make<null>('NULL'),
  /** Any SQL type string Flink understands, e.g. `DataTypes.of('ARRAY<INT NOT NULL>')`. */
  of: <T = unknown>(sql: string) => new DataType<T>(sql),
  /** Interval types for literals: `lit(5).minutes()` is usually nicer. */
  INTERVAL_SECOND: (precision = 3) => make<number>(`INTERVAL SECOND(${precision})`),
  /** An interval type from resolutions: `INTERVAL(DAY(), SECOND(3))`, `INTERVAL(YEAR(2), MONTH())`. */
  INTERVAL: (upper: IntervalResolution, lower?: IntervalResolution) => {
    if (lower && upper.family !== lower.family) throw new TypeError(`INTERVAL(${upper.sql}, ${lower.sql}) mixes year-month and day-time resolutions`);
    return make<number>(`INTERVAL ${upper.sql}${lower ? ` TO ${lower.sql}` : ''}`);
  },
  YEAR: (precision?: number): IntervalResolution => ({ sql: sized('YEAR', precision), family: 'year-month' }),
  MONTH: (): IntervalResolution => ({ sql: 'MONTH', family: 'year-month' }),
  DAY: (precision?: number): IntervalResolution => ({ sql: sized('DAY', precision), family: 'day-time' }),
  HOUR: (): IntervalResolution => ({ sql: 'HOUR', family: 'day-time' }),
  MINUTE: (): IntervalResolution => ({ sql: 'MINUTE', family: 'day-time' }),
  SECOND: (precision?: number): IntervalResolution => ({ sql: sized('SECOND', precision), family: 'day-time' }),
  /** Same as TIMESTAMP_LTZ. */
  TIMESTAMP_WITH_LOCAL_TIME_ZONE: (precision?: number) => make<Date>(sized('TIMESTAMP_LTZ', precision)),
};

/** A resolution of an INTERVAL type (DataTypes.DAY(), SECOND(3), ...). */
export interface IntervalResolution {
  readonly sql: string;
  readonly family: 'year-month' | 'day-time';
}

export type Row = Record<string, unknown>;

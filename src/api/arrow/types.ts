/**
 * Flink SQL types ⇄ Arrow types, following flink-python's ArrowUtils (the layout PyFlink's
 * from_pandas / to_pandas use): BOOLEAN Bool, TINYINT..BIGINT Int8..Int64, FLOAT/DOUBLE
 * Float32/Float64, DECIMAL(p,s) Decimal128, CHAR/VARCHAR Utf8, BINARY/VARBINARY Binary, DATE
 * DateDay, TIME(p) and TIMESTAMP(p) / TIMESTAMP_LTZ(p) in seconds (p=0), milli- (≤3), micro- (≤6)
 * or nanoseconds, ARRAY List, MAP Map, ROW Struct, NULL Null.
 */
import * as arrow from 'apache-arrow';
import type { LogicalTypeTree } from '../values';

/** Field metadata key holding a column's exact Flink type in tables made by toArrow(). */
export const FLINK_TYPE_METADATA = 'flink:type';

/** Flink types that have no Arrow mapping in Flink (flink-python's ArrowUtils). */
const UNSUPPORTED = new Set(['MULTISET', 'RAW', 'STRUCTURED_TYPE', 'DISTINCT_TYPE', 'SYMBOL', 'UNRESOLVED', 'TIMESTAMP_WITH_TIME_ZONE', 'INTERVAL_YEAR_MONTH', 'INTERVAL_DAY_TIME', 'VARIANT', 'DESCRIPTOR']);

/** The first part of a Flink type Arrow cannot carry, as a path like `tags[]` or `m.value`, or undefined. */
export function unsupportedPart(t: LogicalTypeTree, path: string): string | undefined {
  if (UNSUPPORTED.has(t.root)) return `${path} (${t.sql})`;
  if (t.element) return unsupportedPart(t.element, `${path}[]`);
  if (t.key) {
    // Arrow map keys cannot be null, and Flink's Arrow support refuses a nullable key type.
    if (t.key.nullable) return `${path} (${t.sql}: a map key type must be NOT NULL, e.g. MAP<${t.key.sql} NOT NULL, ...>)`;
    return unsupportedPart(t.key, `${path}.key`) ?? unsupportedPart(t.value!, `${path}.value`);
  }
  for (const f of t.fields ?? []) {
    const bad = unsupportedPart(f.type, `${path}.${f.name}`);
    if (bad) return bad;
  }
  return undefined;
}

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function unitPrecision(unit: arrow.TimeUnit): number {
  return { [arrow.TimeUnit.SECOND]: 0, [arrow.TimeUnit.MILLISECOND]: 3, [arrow.TimeUnit.MICROSECOND]: 6, [arrow.TimeUnit.NANOSECOND]: 9 }[unit];
}

/** The Flink SQL type for an Arrow type (without nullability); throws for types Flink cannot read. */
export function sqlTypeOfArrow(type: arrow.DataType, column: string): string {
  const t = type as arrow.DataType & Record<string, unknown>;
  switch (type.typeId) {
    case arrow.Type.Null:
      return 'NULL';
    case arrow.Type.Bool:
      return 'BOOLEAN';
    case arrow.Type.Int: {
      const { bitWidth, isSigned } = type as arrow.Int;
      if (isSigned) return { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INT', 64: 'BIGINT' }[bitWidth]!;
      return { 8: 'SMALLINT', 16: 'INT', 32: 'BIGINT', 64: 'DECIMAL(20, 0)' }[bitWidth]!;
    }
    case arrow.Type.Float:
      return (type as arrow.Float).precision === arrow.Precision.DOUBLE ? 'DOUBLE' : 'FLOAT';
    case arrow.Type.Decimal: {
      const d = type as arrow.Decimal;
      if (d.precision > 38) throw new TypeError(`column '${column}': Arrow ${type} has more digits than Flink's DECIMAL (38)`);
      return `DECIMAL(${d.precision}, ${d.scale})`;
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return 'STRING';
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return 'BYTES';
    case arrow.Type.FixedSizeBinary:
      return `BINARY(${(type as arrow.FixedSizeBinary).byteWidth})`;
    case arrow.Type.Date:
      return 'DATE';
    case arrow.Type.Time:
      return `TIME(${unitPrecision((type as arrow.Time).unit)})`;
    case arrow.Type.Timestamp: {
      const ts = type as arrow.Timestamp;
      return `${ts.timezone ? 'TIMESTAMP_LTZ' : 'TIMESTAMP'}(${unitPrecision(ts.unit)})`;
    }
    case arrow.Type.List:
    case arrow.Type.FixedSizeList:
      return `ARRAY<${fieldSql((type as arrow.List).children[0], `${column}[]`)}>`;
    case arrow.Type.Map: {
      const entries = (type as arrow.Map_).children[0].type as arrow.Struct;
      return `MAP<${fieldSql(entries.children[0], `${column}.key`)}, ${fieldSql(entries.children[1], `${column}.value`)}>`;
    }
    case arrow.Type.Struct:
      return `ROW<${(type as arrow.Struct).children.map((f) => `${quote(f.name)} ${fieldSql(f, `${column}.${f.name}`)}`).join(', ')}>`;
    case arrow.Type.Dictionary:
      return sqlTypeOfArrow((type as arrow.Dictionary).dictionary, column);
    default:
      void t;
      throw new TypeError(`column '${column}': Arrow type ${type} has no Flink SQL type (see docs/arrow.md for the supported types)`);
  }
}

/** A field's Flink type with nullability; honours the exact type toArrow() records in metadata. */
export function fieldSql(field: arrow.Field, column = field.name): string {
  const recorded = field.metadata.get(FLINK_TYPE_METADATA);
  if (recorded) return recorded;
  const base = sqlTypeOfArrow(field.type, column);
  return field.nullable || base === 'NULL' ? base : `${base} NOT NULL`;
}

/**
 * flink-python's Arrow coder (the `arrow_type` / `over_window_arrow_type` CoderInfoDescriptors of
 * its vectorized operators): each Beam element is an Arrow IPC stream holding the schema and one
 * record batch (Flink's ArrowSerializer starts a new stream writer per batch and its reader reads
 * one batch per element). Schemas follow flink-python's ArrowUtils.toArrowSchema exactly (but for
 * the name of a map's entries field, see arrowTypeOf), since Flink's reader picks its column
 * readers by Arrow vector class; test/arrow-golden.test.ts checks them and the batches against
 * Flink's own Arrow writer and reader.
 */
import * as arrow from 'apache-arrow';
import type { LogicalTypeTree } from '../../api/values';

function timeUnit(precision: number): arrow.TimeUnit {
  if (precision === 0) return arrow.TimeUnit.SECOND;
  if (precision <= 3) return arrow.TimeUnit.MILLISECOND;
  if (precision <= 6) return arrow.TimeUnit.MICROSECOND;
  return arrow.TimeUnit.NANOSECOND;
}

/** The Arrow type flink-python's ArrowUtils gives a Flink logical type. */
export function arrowTypeOf(t: LogicalTypeTree): arrow.DataType {
  switch (t.root) {
    case 'TINYINT':
      return new arrow.Int8();
    case 'SMALLINT':
      return new arrow.Int16();
    case 'INTEGER':
      return new arrow.Int32();
    case 'BIGINT':
      return new arrow.Int64();
    case 'BOOLEAN':
      return new arrow.Bool();
    case 'FLOAT':
      return new arrow.Float32();
    case 'DOUBLE':
      return new arrow.Float64();
    case 'CHAR':
    case 'VARCHAR':
      return new arrow.Utf8();
    case 'BINARY':
      return new arrow.FixedSizeBinary(Number(/\((\d+)\)/.exec(t.sql)?.[1] ?? 1));
    case 'VARBINARY':
      return new arrow.Binary();
    case 'DECIMAL':
      return new arrow.Decimal(t.scale ?? 0, t.precision ?? 10, 128);
    case 'DATE':
      return new arrow.DateDay();
    case 'TIME_WITHOUT_TIME_ZONE': {
      const unit = timeUnit(t.precision ?? 0);
      return new arrow.Time(unit, unit === arrow.TimeUnit.SECOND || unit === arrow.TimeUnit.MILLISECOND ? 32 : 64);
    }
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
      // no time zone for either: Flink's reader only takes time-zone-less timestamp vectors
      return new arrow.Timestamp(timeUnit(t.precision ?? 6));
    case 'ARRAY':
      return new arrow.List(arrowFieldOf('element', t.element!));
    case 'ROW':
      return new arrow.Struct(t.fields!.map((f) => arrowFieldOf(f.name, f.type)));
    case 'MAP':
      // Arrow map keys are never null: flink-python's ArrowUtils refuses a nullable key type, and
      // Arrow Java cannot read a map whose key field is nullable (Flink could not read the answer)
      if (t.key!.nullable) {
        throw new TypeError(`flink-python's Arrow format has no type for ${t.sql}: Map key type should be non-nullable (declare MAP<${t.key!.sql} NOT NULL, ${t.value!.sql}>)`);
      }
      // Flink names the entries field `items`; apache-arrow names it `entries` whatever it is given
      // (ARROW-8716), as pyarrow does for PyFlink's worker. Flink's reader finds the entries by
      // position and their fields by the names `key` and `value`.
      return new arrow.Map_(
        new arrow.Field('entries', new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([arrowFieldOf('key', t.key!), arrowFieldOf('value', t.value!)] as never), false),
        false,
      );
    case 'NULL':
      return new arrow.Null();
    default:
      throw new TypeError(`flink-python's Arrow format has no type for ${t.sql}`);
  }
}

export function arrowFieldOf(name: string, t: LogicalTypeTree): arrow.Field {
  return new arrow.Field(name, arrowTypeOf(t), t.nullable);
}

/** The Arrow schema of a ROW type's fields (flink-python's ArrowUtils.toArrowSchema). */
export function arrowSchemaOf(row: LogicalTypeTree): arrow.Schema {
  return new arrow.Schema(row.fields!.map((f) => arrowFieldOf(f.name, f.type)));
}

/** The one record batch of an element's Arrow IPC stream. */
export function readBatch(bytes: Uint8Array): arrow.RecordBatch {
  const reader = arrow.RecordBatchReader.from(bytes);
  const next = reader.next();
  if (next.done || !next.value) throw new Error('an Arrow element without a record batch');
  return next.value as arrow.RecordBatch;
}

/** An Arrow IPC stream of `schema` holding one record batch of the given columns. */
export function writeBatch(schema: arrow.Schema, columns: readonly arrow.Data[], length: number): Uint8Array {
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: columns as arrow.Data[] });
  const batch = new arrow.RecordBatch(schema, struct);
  return arrow.RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

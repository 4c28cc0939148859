/** Flink's coder descriptors (flink-fn-execution.proto Schema) → the logical type trees the coders use. */
import type { LogicalTypeTree } from '../../api/values';
import { flinkApi } from '../fn-api';

const T = flinkApi.Schema.TypeName;

export function rowTypeOfSchema(schema: flinkApi.ISchema): LogicalTypeTree {
  const fields = (schema.fields ?? []).map((f) => ({ name: f.name ?? '', type: fieldType(f.type!) }));
  return { root: 'ROW', nullable: false, sql: `ROW<${fields.map((f) => `\`${f.name}\` ${f.type.sql}`).join(', ')}>`, fields };
}

function fieldType(t: flinkApi.Schema.IFieldType): LogicalTypeTree {
  const nullable = t.nullable ?? true;
  const nn = nullable ? '' : ' NOT NULL';
  const simple = (root: string, sql: string, extra: Partial<LogicalTypeTree> = {}): LogicalTypeTree => ({ root, nullable, sql: sql + nn, ...extra });
  switch (t.type_name ?? T.ROW) {
    case T.TINYINT:
      return simple('TINYINT', 'TINYINT');
    case T.SMALLINT:
      return simple('SMALLINT', 'SMALLINT');
    case T.INT:
      return simple('INTEGER', 'INT');
    case T.BIGINT:
      return simple('BIGINT', 'BIGINT');
    case T.FLOAT:
      return simple('FLOAT', 'FLOAT');
    case T.DOUBLE:
      return simple('DOUBLE', 'DOUBLE');
    case T.BOOLEAN:
      return simple('BOOLEAN', 'BOOLEAN');
    case T.DATE:
      return simple('DATE', 'DATE');
    case T.DECIMAL: {
      const { precision = 10, scale = 0 } = t.decimal_info ?? {};
      return simple('DECIMAL', `DECIMAL(${precision}, ${scale})`, { precision: precision ?? 10, scale: scale ?? 0 });
    }
    case T.TIME: {
      const p = t.time_info?.precision ?? 0;
      return simple('TIME_WITHOUT_TIME_ZONE', `TIME(${p})`, { precision: p });
    }
    case T.TIMESTAMP: {
      const p = t.timestamp_info?.precision ?? 6;
      return simple('TIMESTAMP_WITHOUT_TIME_ZONE', `TIMESTAMP(${p})`, { precision: p });
    }
    case T.LOCAL_ZONED_TIMESTAMP: {
      const p = t.local_zoned_timestamp_info?.precision ?? 6;
      return simple('TIMESTAMP_WITH_LOCAL_TIME_ZONE', `TIMESTAMP_LTZ(${p})`, { precision: p });
    }
    case T.CHAR:
      return simple('CHAR', `CHAR(${t.char_info?.length ?? 1})`);
    case T.VARCHAR:
      return simple('VARCHAR', t.var_char_info?.length === 2147483647 ? 'STRING' : `VARCHAR(${t.var_char_info?.length ?? 1})`);
    case T.BINARY:
      return simple('BINARY', `BINARY(${t.binary_info?.length ?? 1})`);
    case T.VARBINARY:
      return simple('VARBINARY', t.var_binary_info?.length === 2147483647 ? 'BYTES' : `VARBINARY(${t.var_binary_info?.length ?? 1})`);
    case T.BASIC_ARRAY: {
      const element = fieldType(t.collection_element_type!);
      return simple('ARRAY', `ARRAY<${element.sql}>`, { element });
    }
    case T.MULTISET: {
      const element = fieldType(t.collection_element_type!);
      return simple('MULTISET', `MULTISET<${element.sql}>`, { element });
    }
    case T.MAP: {
      const key = fieldType(t.map_info!.key_type!);
      const value = fieldType(t.map_info!.value_type!);
      return simple('MAP', `MAP<${key.sql}, ${value.sql}>`, { key, value });
    }
    case T.ROW: {
      const row = rowTypeOfSchema(t.row_schema ?? {});
      return { ...row, nullable, sql: row.sql + nn };
    }
    default:
      return simple('UNSUPPORTED', `type #${t.type_name}`);
  }
}

const TI = flinkApi.TypeInfo.TypeName;

/**
 * A DataStream TypeInfo (flink-python's PythonTypeUtils.TypeInfoToProtoConverter) as the logical
 * type tree of the same wire format, so the one row coder reads both APIs' records; PICKLED_BYTES
 * (untyped values) is its own root, V8-serialized bytes.
 */
export function typeOfTypeInfo(t: flinkApi.ITypeInfo): LogicalTypeTree {
  const simple = (root: string, sql = root): LogicalTypeTree => ({ root, nullable: true, sql });
  switch (t.type_name ?? TI.ROW) {
    case TI.STRING:
      return simple('VARCHAR', 'STRING');
    case TI.BYTE:
      return simple('TINYINT');
    case TI.BOOLEAN:
      return simple('BOOLEAN');
    case TI.SHORT:
      return simple('SMALLINT');
    case TI.INT:
      return simple('INTEGER', 'INT');
    case TI.LONG:
      return simple('BIGINT');
    case TI.FLOAT:
      return simple('FLOAT');
    case TI.DOUBLE:
      return simple('DOUBLE');
    case TI.PICKLED_BYTES:
      return simple('PICKLED');
    case TI.PRIMITIVE_ARRAY:
      if (t.collection_element_type?.type_name === TI.BYTE) return simple('VARBINARY', 'BYTES');
      return simple('UNSUPPORTED', 'a primitive array');
    case TI.TUPLE: {
      // flink-python's Tuple2 carriers (e.g. (value, timestamp) before assignTimestampsAndWatermarks)
      const fields = (t.tuple_type_info?.field_types ?? []).map((f, i) => ({ name: `f${i}`, type: typeOfTypeInfo(f) }));
      return { root: 'TUPLE', nullable: false, sql: `TUPLE<${fields.map((f) => f.type.sql).join(', ')}>`, fields };
    }
    case TI.ROW: {
      const fields = (t.row_type_info?.fields ?? []).map((f) => ({ name: f.field_name ?? '', type: typeOfTypeInfo(f.field_type!) }));
      // rowKind: a table's rows (toChangelogStream) reach TS functions with their RowKind
      return { root: 'ROW', nullable: true, sql: `ROW<${fields.map((f) => `\`${f.name}\` ${f.type.sql}`).join(', ')}>`, fields, rowKind: true };
    }
    default:
      return simple('UNSUPPORTED', `type info #${t.type_name}`);
  }
}

/** How a flink:coder:v1 descriptor frames its elements: Flink rows, or Arrow batches (vectorized operators). */
export type CoderFormat = 'row' | 'arrow' | 'overWindowArrow';

export function coderFormat(d: flinkApi.CoderInfoDescriptor): CoderFormat {
  if (d.arrow_type) return 'arrow';
  if (d.over_window_arrow_type) return 'overWindowArrow';
  return 'row';
}

/** The row type a flink:coder:v1 descriptor encodes (flatten row, row or Arrow batch columns, or a DataStream row type info). */
export function rowTypeOfCoder(d: flinkApi.CoderInfoDescriptor): LogicalTypeTree {
  if (d.raw_type?.type_info) return typeOfTypeInfo(d.raw_type.type_info);
  const schema = d.flatten_row_type?.schema ?? d.row_type?.schema ?? d.arrow_type?.schema ?? d.over_window_arrow_type?.schema;
  if (!schema) throw new Error(`unsupported Flink coder ${JSON.stringify(d.toJSON())} (only row coders are implemented)`);
  return rowTypeOfSchema(schema);
}

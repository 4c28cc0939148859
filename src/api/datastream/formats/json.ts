/**
 * Mirrors PyFlink's pyflink.datastream.formats.json: JsonRowSerializationSchema and
 * JsonRowDeserializationSchema, between JSON objects and typed records of a Types.ROW_NAMED type
 * (field by name; fields of type STRING, BOOLEAN, INT, LONG, FLOAT, DOUBLE, nested ROW_NAMED,
 * TUPLE as a JSON array, and PICKLED_BYTE_ARRAY for any JSON value, which reaches TS as the parsed
 * value). They run in the JVM, in dev.tsflink.datastream.JsonRowSchemas (Flink 2.x dropped the
 * Row-based Java classes PyFlink's wrap; that file says more).
 */
import { TypeInformation } from '../types';
import type { DeserializationSchema, SchemaSpec, SerializationSchema } from '../connectors/serialization';

function rowType(what: string, type: TypeInformation<unknown>): TypeInformation<unknown> {
  if (!(type instanceof TypeInformation) || typeof type.spec !== 'object' || !('row' in type.spec)) {
    throw new TypeError(`${what} needs a row type (Types.ROW_NAMED([...names], [...types])), got ${String(type)}`);
  }
  return type;
}

/** Mirrors JsonRowSerializationSchema: a ROW_NAMED record as a JSON object (UTF-8). */
export class JsonRowSerializationSchema<T = Record<string, unknown>> implements SerializationSchema<T> {
  declare readonly __serializes?: (value: T) => void;

  /** @internal use JsonRowSerializationSchema.builder() */
  constructor(readonly typeInfo: TypeInformation<T>) {}

  static builder(): JsonRowSerializationSchemaBuilder {
    return new JsonRowSerializationSchemaBuilder();
  }

  serializationSpec(): SchemaSpec {
    return { kind: 'jsonRow', type: this.typeInfo.spec };
  }

  refuse(type: TypeInformation<unknown>, what: string): string | undefined {
    if (JSON.stringify(type.spec) === JSON.stringify(this.typeInfo.spec)) return undefined;
    if (type.spec === 'PICKLED') return `JsonRowSerializationSchema needs typed ${this.typeInfo} records, but ${what} is untyped: untyped records reach a Kafka sink as their JSON text already (use SimpleStringSchema), or map them to ${this.typeInfo} first`;
    return `JsonRowSerializationSchema was built withTypeInfo(${this.typeInfo}), but ${what} is ${type}`;
  }
}

/** Mirrors JsonRowSerializationSchema.Builder. */
export class JsonRowSerializationSchemaBuilder<T = never> {
  /** @internal use JsonRowSerializationSchema.builder() */
  constructor(private readonly type?: TypeInformation<T>) {}

  /** The records' row type: its field names are the JSON object's keys. */
  withTypeInfo<R extends object>(typeInfo: TypeInformation<R>): JsonRowSerializationSchemaBuilder<R> {
    return new JsonRowSerializationSchemaBuilder<R>(rowType('JsonRowSerializationSchema.withTypeInfo', typeInfo) as TypeInformation<R>);
  }

  build(): JsonRowSerializationSchema<T> {
    if (this.type === undefined) throw new TypeError('JsonRowSerializationSchema: withTypeInfo(rowType) is required');
    return new JsonRowSerializationSchema(this.type);
  }
}

/** Mirrors JsonRowDeserializationSchema: a JSON object (UTF-8) as a ROW_NAMED record, fields by name. */
export class JsonRowDeserializationSchema<T = Record<string, unknown>> implements DeserializationSchema<T> {
  /** @internal use JsonRowDeserializationSchema.builder() */
  constructor(
    readonly producedType: TypeInformation<T>,
    private readonly failOnMissing: boolean,
    private readonly ignoreErrors: boolean,
  ) {}

  static builder(): JsonRowDeserializationSchemaBuilder {
    return new JsonRowDeserializationSchemaBuilder();
  }

  deserializationSpec(): SchemaSpec {
    return { kind: 'jsonRow', type: this.producedType.spec, failOnMissingField: this.failOnMissing, ignoreParseErrors: this.ignoreErrors };
  }
}

/** Mirrors JsonRowDeserializationSchema.Builder. */
export class JsonRowDeserializationSchemaBuilder<T = never> {
  /** @internal use JsonRowDeserializationSchema.builder() */
  constructor(
    private readonly type?: TypeInformation<T>,
    private readonly failOnMissing = false,
    private readonly ignoreErrors = false,
  ) {}

  /** The records' row type: JSON properties are read into the fields of the same name. */
  typeInfo<R extends object>(typeInfo: TypeInformation<R>): JsonRowDeserializationSchemaBuilder<R> {
    return new JsonRowDeserializationSchemaBuilder<R>(rowType('JsonRowDeserializationSchema.typeInfo', typeInfo) as TypeInformation<R>, this.failOnMissing, this.ignoreErrors);
  }

  /** A JSON object without one of the fields fails the job (by default the field is null). */
  failOnMissingField(): JsonRowDeserializationSchemaBuilder<T> {
    return new JsonRowDeserializationSchemaBuilder<T>(this.type, true, this.ignoreErrors);
  }

  /** Input that is not JSON, or not of the type, is skipped (by default it fails the job with the parser's message). */
  ignoreParseErrors(): JsonRowDeserializationSchemaBuilder<T> {
    return new JsonRowDeserializationSchemaBuilder<T>(this.type, this.failOnMissing, true);
  }

  build(): JsonRowDeserializationSchema<T> {
    if (this.type === undefined) throw new TypeError('JsonRowDeserializationSchema: typeInfo(rowType) is required');
    return new JsonRowDeserializationSchema(this.type, this.failOnMissing, this.ignoreErrors);
  }
}

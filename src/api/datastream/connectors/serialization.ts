/**
 * Mirrors org.apache.flink.api.common.serialization's SerializationSchema and DeserializationSchema
 * for the connectors whose Java side runs them (KafkaSink, KafkaSource): a TS schema describes one
 * of the Java schemas TSFlink offers (Flink's SimpleStringSchema; TSFlink's JSON row schemas,
 * src/api/datastream/formats/json.ts), built by dev.tsflink.datastream.KafkaSchemas. A TS function
 * cannot run inside the Java connector, so a schema is data, and what the Java schema gets is
 * checked against the records' type when the source or sink is built.
 */
import { Types, TypeInformation, type TypeSpec } from '../types';

/** How dev.tsflink.datastream.KafkaSchemas builds the Java schema. */
export type SchemaSpec = { kind: 'string' } | { kind: 'jsonRow'; type: TypeSpec; failOnMissingField?: boolean; ignoreParseErrors?: boolean };

/** Mirrors SerializationSchema<T>: turns values of type T into bytes (in the JVM). */
export interface SerializationSchema<T> {
  /** Phantom: the type of the values it serializes. */
  readonly __serializes?: (value: T) => void;
  /** @internal the Java schema's description */
  serializationSpec(): SchemaSpec;
  /** @internal why it cannot serialize values of `type` (`what`: the record, a field), or undefined */
  refuse(type: TypeInformation<unknown>, what: string): string | undefined;
}

/** Mirrors DeserializationSchema<T>: turns bytes into values of type T (in the JVM). */
export interface DeserializationSchema<T> {
  /** The type of the values it produces. */
  readonly producedType: TypeInformation<T>;
  /** @internal the Java schema's description */
  deserializationSpec(): SchemaSpec;
}

export function isSerializationSchema(s: unknown): s is SerializationSchema<unknown> {
  return typeof (s as SerializationSchema<unknown> | undefined)?.serializationSpec === 'function';
}

export function isDeserializationSchema(s: unknown): s is DeserializationSchema<unknown> {
  return typeof (s as DeserializationSchema<unknown> | undefined)?.deserializationSpec === 'function' && (s as DeserializationSchema<unknown>).producedType instanceof TypeInformation;
}

/** Mirrors org.apache.flink.api.common.serialization.SimpleStringSchema: STRING values as UTF-8 bytes, and back. */
export class SimpleStringSchema implements SerializationSchema<string>, DeserializationSchema<string> {
  declare readonly __serializes?: (value: string) => void;
  readonly producedType: TypeInformation<string> = Types.STRING();

  serializationSpec(): SchemaSpec {
    return { kind: 'string' };
  }

  deserializationSpec(): SchemaSpec {
    return { kind: 'string' };
  }

  refuse(type: TypeInformation<unknown>, what: string): string | undefined {
    if (type.spec === 'STRING') return undefined;
    return `SimpleStringSchema serializes STRING values, but ${what} is ${type}: use a JsonRowSerializationSchema for a ROW, or make it a string in a TS map before the sink`;
  }
}

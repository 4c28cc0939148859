/**
 * Mirrors Flink's Kafka connector for the DataStream API (org.apache.flink.connector.kafka.source.
 * KafkaSource, org.apache.flink.connector.kafka.sink.KafkaSink; PyFlink's
 * pyflink.datastream.connectors.kafka). The builders only describe the Java objects;
 * dev.tsflink.datastream.KafkaConnectors builds them from the session's 'kafka' connector jar
 * (addConnector('kafka')) when env.fromSource / stream.sinkTo uses them, and the jar travels with
 * the job. Offsets, checkpoints and Kafka transactions are the connector's own.
 *
 * Keys, values and headers are (de)serialized in the JVM, where no TS runs, so the schemas are
 * Java ones described from TS (serialization.ts): SimpleStringSchema, JsonRow(De)SerializationSchema,
 * applied to the record or to a named field of a Types.ROW_NAMED record; and
 * KafkaRecordDeserializationSchema.withMetadata gives TS the key, value, headers, topic, partition,
 * offset and timestamp of each record as one typed KafkaRecord.
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
import { TypeInformation, Types } from '../types';
import { isDeserializationSchema, isSerializationSchema, SimpleStringSchema, type DeserializationSchema, type SchemaSpec, type SerializationSchema } from './serialization';
import { CONNECTORS, Sink, Source } from './source';

export { SimpleStringSchema } from './serialization';

/** Mirrors Kafka's OffsetResetStrategy: where a partition without a committed offset starts. */
export type OffsetResetStrategy = 'EARLIEST' | 'LATEST' | 'NONE';

type OffsetsSpec = { kind: 'earliest' | 'latest' } | { kind: 'timestamp'; timestamp: number } | { kind: 'committed'; reset?: OffsetResetStrategy };

/** Mirrors org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer. */
export class OffsetsInitializer {
  private constructor(readonly spec: OffsetsSpec) {}

  static earliest(): OffsetsInitializer {
    return new OffsetsInitializer({ kind: 'earliest' });
  }

  static latest(): OffsetsInitializer {
    return new OffsetsInitializer({ kind: 'latest' });
  }

  /** The first record of each partition at or after this time (ms since the epoch). */
  static timestamp(timestamp: number): OffsetsInitializer {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`OffsetsInitializer.timestamp needs ms since the epoch, got ${String(timestamp)}`);
    return new OffsetsInitializer({ kind: 'timestamp', timestamp });
  }

  /** The consumer group's committed offsets; `reset` where there are none (Flink's default: fail). */
  static committedOffsets(reset?: OffsetResetStrategy): OffsetsInitializer {
    if (reset !== undefined && !['EARLIEST', 'LATEST', 'NONE'].includes(reset)) throw new RangeError(`OffsetResetStrategy is EARLIEST, LATEST or NONE, got ${String(reset)}`);
    return new OffsetsInitializer({ kind: 'committed', reset });
  }
}

function nonEmpty(what: string, value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} needs a non-empty string`);
  return value;
}

/** What the source and sink builders share: the brokers and the Kafka client's properties. */
abstract class KafkaClientBuilder {
  protected bootstrapServers?: string;
  protected readonly properties: Record<string, string> = {};

  setBootstrapServers(servers: string): this {
    this.bootstrapServers = nonEmpty('setBootstrapServers', servers);
    return this;
  }

  /** A property of the Kafka client (consumer or producer), or one of the connector's. */
  setProperty(key: string, value: string): this {
    nonEmpty('setProperty', key);
    if (typeof value !== 'string') throw new TypeError(`setProperty('${key}', …) needs a string value`);
    this.properties[key] = value;
    return this;
  }

  /** The brokers, or the error naming what `what` (KafkaSource, KafkaSink) misses. */
  protected brokers(what: string): string {
    if (this.bootstrapServers === undefined) throw new TypeError(`${what}: setBootstrapServers is required`);
    return this.bootstrapServers;
  }
}

/** A Kafka record header (Java's org.apache.kafka.common.header.Header): its value as UTF-8 text, or null. */
export type KafkaHeader = { key: string; value: string | null };

/**
 * A consumed Kafka record as KafkaRecordDeserializationSchema.withMetadata gives it: key and value
 * through their schemas (null when the record has none: no key, a tombstone), the headers in the
 * record's order (repeated keys kept), and where and when it was written.
 */
export type KafkaRecord<K = string, V = string> = {
  key: K | null;
  value: V | null;
  headers: KafkaHeader[];
  topic: string;
  partition: number;
  offset: number;
  /** The record's timestamp (ms since the epoch; CreateTime or LogAppendTime, as the topic says). */
  timestamp: number;
};

type DeserializerSpec = { kind: 'valueOnly'; value: SchemaSpec } | { kind: 'withMetadata'; key: SchemaSpec; value: SchemaSpec };

/**
 * Mirrors org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema:
 * how a consumed record (key, value, headers, metadata) becomes a stream record of type T.
 */
export class KafkaRecordDeserializationSchema<T> {
  private constructor(
    readonly producedType: TypeInformation<T>,
    /** @internal */ readonly spec: DeserializerSpec,
  ) {}

  /** Java's valueOnly: the value through `schema`; key, headers and metadata are dropped (as setValueOnlyDeserializer). */
  static valueOnly<V>(schema: DeserializationSchema<V>): KafkaRecordDeserializationSchema<V> {
    if (!isDeserializationSchema(schema)) throw new TypeError('KafkaRecordDeserializationSchema.valueOnly takes a DeserializationSchema (new SimpleStringSchema(), JsonRowDeserializationSchema.builder()…build())');
    return new KafkaRecordDeserializationSchema(schema.producedType, { kind: 'valueOnly', value: schema.deserializationSpec() });
  }

  /**
   * TSFlink's: each record as a typed KafkaRecord (Types.ROW_NAMED of key, value, headers, topic,
   * partition, offset, timestamp), key and value through their schemas (SimpleStringSchema when
   * omitted). A value its schema skips (ignoreParseErrors) skips the record.
   */
  static withMetadata<K = string, V = string>(schemas: { key?: DeserializationSchema<K>; value?: DeserializationSchema<V> } = {}): KafkaRecordDeserializationSchema<KafkaRecord<K, V>> {
    const key = schemas.key ?? (new SimpleStringSchema() as unknown as DeserializationSchema<K>);
    const value = schemas.value ?? (new SimpleStringSchema() as unknown as DeserializationSchema<V>);
    for (const [what, s] of [['key', key], ['value', value]] as const) {
      if (!isDeserializationSchema(s)) throw new TypeError(`KafkaRecordDeserializationSchema.withMetadata: the ${what} schema must be a DeserializationSchema (new SimpleStringSchema(), JsonRowDeserializationSchema.builder()…build())`);
    }
    const type = Types.ROW_NAMED<KafkaRecord<K, V>>(
      ['key', 'value', 'headers', 'topic', 'partition', 'offset', 'timestamp'],
      [key.producedType, value.producedType, Types.PICKLED_BYTE_ARRAY(), Types.STRING(), Types.INT(), Types.LONG(), Types.LONG()],
    );
    return new KafkaRecordDeserializationSchema(type, { kind: 'withMetadata', key: key.deserializationSpec(), value: value.deserializationSpec() });
  }
}

export class KafkaSource<T = string> extends Source<T> {
  private constructor(
    readonly producedType: TypeInformation<T>,
    private readonly description: Record<string, unknown>,
  ) {
    super();
  }

  static builder<T = string>(): KafkaSourceBuilder<T> {
    return new KafkaSourceBuilder<T>((type, d) => new KafkaSource(type, d));
  }

  protected spec(): Record<string, unknown> {
    return { kind: 'kafka', ...this.description };
  }
}

export class KafkaSourceBuilder<T = string> extends KafkaClientBuilder {
  private topics?: string[];
  private topicPattern?: string;
  private groupId?: string;
  private startingOffsets?: OffsetsSpec;
  private bounded?: OffsetsSpec;
  private clientIdPrefix?: string;
  private deserializer?: KafkaRecordDeserializationSchema<unknown>;

  /** @internal use KafkaSource.builder() */
  constructor(private readonly make: (type: TypeInformation<T>, description: Record<string, unknown>) => KafkaSource<T>) {
    super();
  }

  setTopics(...topics: string[]): this {
    if (topics.length === 0) throw new TypeError('setTopics needs at least one topic');
    this.topics = topics.map((t) => nonEmpty('setTopics', t));
    return this;
  }

  /** Every topic whose name matches (a Java regular expression; a RegExp gives its source). */
  setTopicPattern(pattern: string | RegExp): this {
    this.topicPattern = pattern instanceof RegExp ? pattern.source : nonEmpty('setTopicPattern', pattern);
    return this;
  }

  setGroupId(groupId: string): this {
    this.groupId = nonEmpty('setGroupId', groupId);
    return this;
  }

  /** Where reading starts (Flink's default: the group's committed offsets, else the earliest). */
  setStartingOffsets(offsets: OffsetsInitializer): this {
    if (!(offsets instanceof OffsetsInitializer)) throw new TypeError('setStartingOffsets needs an OffsetsInitializer');
    this.startingOffsets = offsets.spec;
    return this;
  }

  /** A bounded source: it ends once every partition reaches these offsets (e.g. OffsetsInitializer.latest()). */
  setBounded(offsets: OffsetsInitializer): this {
    if (!(offsets instanceof OffsetsInitializer)) throw new TypeError('setBounded needs an OffsetsInitializer');
    this.bounded = offsets.spec;
    return this;
  }

  setClientIdPrefix(prefix: string): this {
    this.clientIdPrefix = nonEmpty('setClientIdPrefix', prefix);
    return this;
  }

  setProperties(properties: Record<string, string>): this {
    for (const [k, v] of Object.entries(properties)) this.setProperty(k, v);
    return this;
  }

  /** Each record's value through `schema` (SimpleStringSchema, JsonRowDeserializationSchema); the key, headers and metadata are dropped. */
  setValueOnlyDeserializer<V>(schema: DeserializationSchema<V>): KafkaSourceBuilder<V> {
    if (!isDeserializationSchema(schema)) throw new TypeError('setValueOnlyDeserializer takes a DeserializationSchema: new SimpleStringSchema() or JsonRowDeserializationSchema.builder().typeInfo(rowType).build()');
    return this.setDeserializer(KafkaRecordDeserializationSchema.valueOnly(schema));
  }

  /** How each record becomes a stream record, e.g. KafkaRecordDeserializationSchema.withMetadata() for the key, headers and metadata too. */
  setDeserializer<R>(deserializer: KafkaRecordDeserializationSchema<R>): KafkaSourceBuilder<R> {
    if (!(deserializer instanceof KafkaRecordDeserializationSchema)) throw new TypeError('setDeserializer takes a KafkaRecordDeserializationSchema (KafkaRecordDeserializationSchema.withMetadata(…) or .valueOnly(…))');
    this.deserializer = deserializer;
    return this as unknown as KafkaSourceBuilder<R>;
  }

  build(): KafkaSource<T> {
    const bootstrapServers = this.brokers('KafkaSource');
    if ((this.topics === undefined) === (this.topicPattern === undefined)) throw new TypeError('KafkaSource: give exactly one of setTopics and setTopicPattern');
    if (this.deserializer === undefined) throw new TypeError('KafkaSource: a deserializer is required: setValueOnlyDeserializer(new SimpleStringSchema()) or setDeserializer(KafkaRecordDeserializationSchema.withMetadata())');
    return this.make(this.deserializer.producedType as TypeInformation<T>, {
      bootstrapServers,
      topics: this.topics,
      topicPattern: this.topicPattern,
      groupId: this.groupId,
      startingOffsets: this.startingOffsets,
      bounded: this.bounded,
      clientIdPrefix: this.clientIdPrefix,
      properties: { ...this.properties },
      deserializer: this.deserializer.spec,
    });
  }
}

/** Mirrors org.apache.flink.connector.base.DeliveryGuarantee. */
export const DeliveryGuarantee = { EXACTLY_ONCE: 'EXACTLY_ONCE', AT_LEAST_ONCE: 'AT_LEAST_ONCE', NONE: 'NONE' } as const;
export type DeliveryGuarantee = (typeof DeliveryGuarantee)[keyof typeof DeliveryGuarantee];

/**
 * Mirrors org.apache.flink.streaming.connectors.kafka.partitioner.FlinkFixedPartitioner: each sink
 * subtask writes all its records to one partition (subtask index modulo the partitions). Without a
 * partitioner, Kafka's producer picks the partition: by the key's hash, or sticky batches for
 * records without a key. (A partitioner is a Java function of the record, so TS offers Flink's.)
 */
export class FlinkFixedPartitioner {
  declare private readonly __fixed?: true;
}

/** A field name of a Types.ROW_NAMED record type T (none for other records). */
export type KafkaRecordField<T> = T extends readonly unknown[] ? never : T extends object ? Extract<keyof T, string> : never;

/** A schema applied to the record (field undefined) or to one field of it. */
type FieldSchema = { schema: SerializationSchema<unknown>; field?: string };

/**
 * Mirrors org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema: the topic, and how a
 * record becomes the Kafka record's value, key and headers.
 */
export class KafkaRecordSerializationSchema<T = string> {
  /** Phantom: the record type. */
  declare readonly __type?: T;

  /** @internal use KafkaRecordSerializationSchema.builder() */
  constructor(
    readonly topic: string,
    /** @internal */ readonly value: FieldSchema,
    /** @internal */ readonly key: FieldSchema | undefined,
    /** @internal */ readonly headerFields: readonly string[],
    /** @internal */ readonly partitioner: FlinkFixedPartitioner | undefined,
  ) {}

  static builder<T = string>(): KafkaRecordSerializationSchemaBuilder<T> {
    return new KafkaRecordSerializationSchemaBuilder<T>();
  }

  /** The Java side's description, checked against the type of the records the sink gets. */
  describe(recordType: TypeInformation<unknown>): Record<string, unknown> {
    const row = typeof recordType.spec === 'object' && 'row' in recordType.spec ? recordType.spec.row : undefined;
    const fieldOf = (method: string, field: string): { index: number; type: TypeInformation<unknown> } => {
      if (row === undefined) {
        const untyped = recordType.spec === 'PICKLED' ? 'untyped (PICKLED_BYTE_ARRAY)' : `${recordType}`;
        throw new TypeError(`KafkaRecordSerializationSchema: ${method} names the field '${field}', but the records are ${untyped}, which have no named fields: map them to Types.ROW_NAMED records first`);
      }
      const index = row.findIndex(([n]) => n === field);
      if (index < 0) throw new TypeError(`KafkaRecordSerializationSchema: ${method} names the field '${field}', but the records (${recordType}) have no such field (theirs: ${row.map(([n]) => n).join(', ')})`);
      return { index, type: new TypeInformation(row[index][1]) };
    };
    const part = (method: string, fs: FieldSchema): { schema: SchemaSpec; field?: number } => {
      const f = fs.field === undefined ? undefined : fieldOf(method, fs.field);
      // untyped records reach the sink as their JSON text (sinkTo)
      const type = f?.type ?? (recordType.spec === 'PICKLED' && fs.schema instanceof SimpleStringSchema ? Types.STRING() : recordType);
      const refusal = fs.schema.refuse(type, f ? `the field '${fs.field}' of the records (${recordType})` : 'each record');
      if (refusal !== undefined) throw new TypeError(`KafkaRecordSerializationSchema: ${method}: ${refusal}`);
      return { schema: fs.schema.serializationSpec(), field: f?.index };
    };
    const headerFields = this.headerFields.map((name) => {
      const f = fieldOf('setHeaderProvider', name);
      if (f.type.spec !== 'STRING') throw new TypeError(`KafkaRecordSerializationSchema: setHeaderProvider: a header's value is a STRING field, but the field '${name}' of the records (${recordType}) is ${f.type}`);
      return { name, field: f.index };
    });
    return {
      topic: this.topic,
      value: part('setValueSerializationSchema', this.value),
      key: this.key && part('setKeySerializationSchema', this.key),
      headerFields: headerFields.length > 0 ? headerFields : undefined,
      partitioner: this.partitioner && 'fixed',
    };
  }
}

/** Mirrors org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchemaBuilder. */
export class KafkaRecordSerializationSchemaBuilder<T = string> {
  private topic?: string;
  private value?: FieldSchema;
  private key?: FieldSchema;
  private headerFields: readonly string[] = [];
  private partitioner?: FlinkFixedPartitioner;

  setTopic(topic: string): this {
    this.topic = nonEmpty('setTopic', topic);
    return this;
  }

  /**
   * The Kafka record's value: the record through `schema`, or, with `field`, that field of a
   * Types.ROW_NAMED record (TSFlink's; a null field is a null value, Kafka's tombstone).
   */
  setValueSerializationSchema(schema: SerializationSchema<T>): this;
  setValueSerializationSchema<F extends KafkaRecordField<T>>(schema: SerializationSchema<NonNullable<T[F & keyof T]>>, field: F): this;
  setValueSerializationSchema(schema: SerializationSchema<never>, field?: string): this {
    this.value = fieldSchema('setValueSerializationSchema', schema, field);
    return this;
  }

  /**
   * The Kafka record's key (none by default; Kafka's partitioner then spreads records, and with a
   * key puts equal keys in one partition): the record through `schema`, or, with `field`, that
   * field of a Types.ROW_NAMED record (TSFlink's; a null field is no key).
   */
  setKeySerializationSchema(schema: SerializationSchema<T>): this;
  setKeySerializationSchema<F extends KafkaRecordField<T>>(schema: SerializationSchema<NonNullable<T[F & keyof T]>>, field: F): this;
  setKeySerializationSchema(schema: SerializationSchema<never>, field?: string): this {
    this.key = fieldSchema('setKeySerializationSchema', schema, field);
    return this;
  }

  /**
   * Java's HeaderProvider, which runs in the JVM, as the STRING fields of a Types.ROW_NAMED record
   * that become headers: each field's name and its value as UTF-8 (a null field adds no header).
   */
  setHeaderProvider(fields: readonly KafkaRecordField<T>[]): this {
    if (!Array.isArray(fields) || fields.length === 0) throw new TypeError("setHeaderProvider takes the names of the record's STRING fields that become headers, e.g. ['traceId']; a TS function cannot run in the JVM's Kafka sink");
    this.headerFields = fields.map((f) => nonEmpty('setHeaderProvider', f));
    return this;
  }

  /** Which partition each record goes to: FlinkFixedPartitioner (Kafka's producer decides by default). */
  setPartitioner(partitioner: FlinkFixedPartitioner): this {
    if (!(partitioner instanceof FlinkFixedPartitioner)) throw new TypeError('setPartitioner takes a FlinkFixedPartitioner (a partitioner is a Java function of the record; a TS function cannot run in the JVM\'s Kafka sink)');
    this.partitioner = partitioner;
    return this;
  }

  build(): KafkaRecordSerializationSchema<T> {
    if (this.topic === undefined) throw new TypeError('KafkaRecordSerializationSchema: setTopic is required');
    if (this.value === undefined) throw new TypeError('KafkaRecordSerializationSchema: setValueSerializationSchema is required (e.g. new SimpleStringSchema())');
    return new KafkaRecordSerializationSchema<T>(this.topic, this.value, this.key, this.headerFields, this.partitioner);
  }
}

function fieldSchema(method: string, schema: SerializationSchema<never>, field: string | undefined): FieldSchema {
  if (!isSerializationSchema(schema)) throw new TypeError(`${method} takes a SerializationSchema: new SimpleStringSchema() or JsonRowSerializationSchema.builder().withTypeInfo(rowType).build()`);
  return { schema: schema as SerializationSchema<unknown>, field: field === undefined ? undefined : nonEmpty(method, field) };
}

export class KafkaSink<T = string> extends Sink<T> {
  private constructor(
    private readonly serializer: KafkaRecordSerializationSchema<T>,
    private readonly description: Record<string, unknown>,
  ) {
    super();
  }

  static builder<T = string>(): KafkaSinkBuilder<T> {
    return new KafkaSinkBuilder<T>((serializer, d) => new KafkaSink(serializer, d));
  }

  /** Checks the record serializer against the records' type (a field they lack fails here, naming it), then builds Java's KafkaSink. */
  buildJava(connectorJars: readonly string[], inputType: TypeInformation<unknown>): number {
    return callSync<number>(CONNECTORS, 'kafkaSink', toJavaJson({ ...this.description, ...this.serializer.describe(inputType), connectorJars }));
  }
}

export class KafkaSinkBuilder<T = string> extends KafkaClientBuilder {
  private serializer?: KafkaRecordSerializationSchema<T>;
  private guarantee?: DeliveryGuarantee;
  private transactionalIdPrefix?: string;

  /** @internal use KafkaSink.builder() */
  constructor(private readonly make: (serializer: KafkaRecordSerializationSchema<T>, description: Record<string, unknown>) => KafkaSink<T>) {
    super();
  }

  setRecordSerializer(serializer: KafkaRecordSerializationSchema<T>): this {
    if (!(serializer instanceof KafkaRecordSerializationSchema)) throw new TypeError('setRecordSerializer needs a KafkaRecordSerializationSchema (KafkaRecordSerializationSchema.builder()…build())');
    this.serializer = serializer;
    return this;
  }

  /** EXACTLY_ONCE writes in Kafka transactions committed with each checkpoint (needs checkpointing and setTransactionalIdPrefix). */
  setDeliveryGuarantee(guarantee: DeliveryGuarantee): this {
    if (!Object.values(DeliveryGuarantee).includes(guarantee)) throw new RangeError(`DeliveryGuarantee is EXACTLY_ONCE, AT_LEAST_ONCE or NONE, got ${String(guarantee)}`);
    this.guarantee = guarantee;
    return this;
  }

  setTransactionalIdPrefix(prefix: string): this {
    this.transactionalIdPrefix = nonEmpty('setTransactionalIdPrefix', prefix);
    return this;
  }

  build(): KafkaSink<T> {
    const bootstrapServers = this.brokers('KafkaSink');
    if (this.serializer === undefined) throw new TypeError('KafkaSink: setRecordSerializer is required');
    if (this.guarantee === 'EXACTLY_ONCE' && this.transactionalIdPrefix === undefined) throw new TypeError('KafkaSink: EXACTLY_ONCE needs setTransactionalIdPrefix (unique per job writing to the cluster)');
    return this.make(this.serializer, {
      bootstrapServers,
      deliveryGuarantee: this.guarantee,
      transactionalIdPrefix: this.transactionalIdPrefix,
      properties: { ...this.properties },
    });
  }
}

/**
 * Mirrors Flink's Kafka connector for the DataStream API (org.apache.flink.connector.kafka.source.
 * KafkaSource, org.apache.flink.connector.kafka.sink.KafkaSink; PyFlink's
 * pyflink.datastream.connectors.kafka) with string record values (SimpleStringSchema): parse and
 * format JSON or anything else in a TS map beside it. The builders only describe the Java objects;
 * dev.tsflink.datastream.KafkaConnectors builds them from the session's 'kafka' connector jar
 * (addConnector('kafka')) when env.fromSource / stream.sinkTo uses them, and the jar travels with
 * the job. Offsets, checkpoints and Kafka transactions are the connector's own.
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
import { Types, type TypeInformation } from '../types';
import { CONNECTORS, Sink, Source } from './source';

/** Mirrors org.apache.flink.api.common.serialization.SimpleStringSchema: record values as UTF-8 strings. */
export class SimpleStringSchema {}

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

export class KafkaSource extends Source<string> {
  readonly producedType: TypeInformation<string> = Types.STRING();

  private constructor(private readonly description: Record<string, unknown>) {
    super();
  }

  static builder(): KafkaSourceBuilder {
    return new KafkaSourceBuilder((d) => new KafkaSource(d));
  }

  protected spec(): Record<string, unknown> {
    return { kind: 'kafka', ...this.description };
  }
}

export class KafkaSourceBuilder extends KafkaClientBuilder {
  private topics?: string[];
  private topicPattern?: string;
  private groupId?: string;
  private startingOffsets?: OffsetsSpec;
  private bounded?: OffsetsSpec;
  private clientIdPrefix?: string;
  private deserializer?: SimpleStringSchema;

  constructor(private readonly make: (description: Record<string, unknown>) => KafkaSource) {
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

  setValueOnlyDeserializer(schema: SimpleStringSchema): this {
    if (!(schema instanceof SimpleStringSchema)) throw new TypeError('setValueOnlyDeserializer takes a SimpleStringSchema (parse the strings in a map)');
    this.deserializer = schema;
    return this;
  }

  build(): KafkaSource {
    const bootstrapServers = this.brokers('KafkaSource');
    if ((this.topics === undefined) === (this.topicPattern === undefined)) throw new TypeError('KafkaSource: give exactly one of setTopics and setTopicPattern');
    if (this.deserializer === undefined) throw new TypeError('KafkaSource: setValueOnlyDeserializer(new SimpleStringSchema()) is required');
    return this.make({
      bootstrapServers,
      topics: this.topics,
      topicPattern: this.topicPattern,
      groupId: this.groupId,
      startingOffsets: this.startingOffsets,
      bounded: this.bounded,
      clientIdPrefix: this.clientIdPrefix,
      properties: { ...this.properties },
    });
  }
}

/** Mirrors org.apache.flink.connector.base.DeliveryGuarantee. */
export const DeliveryGuarantee = { EXACTLY_ONCE: 'EXACTLY_ONCE', AT_LEAST_ONCE: 'AT_LEAST_ONCE', NONE: 'NONE' } as const;
export type DeliveryGuarantee = (typeof DeliveryGuarantee)[keyof typeof DeliveryGuarantee];

/** Mirrors org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema: values to one topic. */
export class KafkaRecordSerializationSchema {
  private constructor(readonly topic: string) {}

  static builder(): KafkaRecordSerializationSchemaBuilder {
    return new KafkaRecordSerializationSchemaBuilder((topic) => new KafkaRecordSerializationSchema(topic));
  }
}

export class KafkaRecordSerializationSchemaBuilder {
  private topic?: string;
  private serializer?: SimpleStringSchema;

  constructor(private readonly make: (topic: string) => KafkaRecordSerializationSchema) {}

  setTopic(topic: string): this {
    this.topic = nonEmpty('setTopic', topic);
    return this;
  }

  setValueSerializationSchema(schema: SimpleStringSchema): this {
    if (!(schema instanceof SimpleStringSchema)) throw new TypeError('setValueSerializationSchema takes a SimpleStringSchema (format the records as strings in a map)');
    this.serializer = schema;
    return this;
  }

  build(): KafkaRecordSerializationSchema {
    if (this.topic === undefined) throw new TypeError('KafkaRecordSerializationSchema: setTopic is required');
    if (this.serializer === undefined) throw new TypeError('KafkaRecordSerializationSchema: setValueSerializationSchema(new SimpleStringSchema()) is required');
    return this.make(this.topic);
  }
}

export class KafkaSink extends Sink<string> {
  private constructor(private readonly description: Record<string, unknown>) {
    super();
  }

  static builder(): KafkaSinkBuilder {
    return new KafkaSinkBuilder((d) => new KafkaSink(d));
  }

  buildJava(connectorJars: readonly string[]): number {
    return callSync<number>(CONNECTORS, 'kafkaSink', toJavaJson({ ...this.description, connectorJars }));
  }
}

export class KafkaSinkBuilder extends KafkaClientBuilder {
  private serializer?: KafkaRecordSerializationSchema;
  private guarantee?: DeliveryGuarantee;
  private transactionalIdPrefix?: string;

  constructor(private readonly make: (description: Record<string, unknown>) => KafkaSink) {
    super();
  }

  setRecordSerializer(serializer: KafkaRecordSerializationSchema): this {
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

  build(): KafkaSink {
    const bootstrapServers = this.brokers('KafkaSink');
    if (this.serializer === undefined) throw new TypeError('KafkaSink: setRecordSerializer is required');
    if (this.guarantee === 'EXACTLY_ONCE' && this.transactionalIdPrefix === undefined) throw new TypeError('KafkaSink: EXACTLY_ONCE needs setTransactionalIdPrefix (unique per job writing to the cluster)');
    return this.make({
      bootstrapServers,
      topic: this.serializer.topic,
      deliveryGuarantee: this.guarantee,
      transactionalIdPrefix: this.transactionalIdPrefix,
      properties: { ...this.properties },
    });
  }
}

/**
 * Flink's unified Source and Sink2 connectors for the TS DataStream API: a TS Source or Sink is the
 * description of the Java object, built through the gateway (dev.tsflink.datastream.Connectors) when
 * env.fromSource / stream.sinkTo uses it, so the JVM needs to run only by then.
 */
import { callSync } from '../../../gateway/jvm';
import { toJavaJson } from '../../../gateway/java-json';
import type { DataStream } from '../data-stream';
import type { TypeInformation } from '../types';

export const CONNECTORS = 'dev.tsflink.datastream.Connectors';

/** Mirrors org.apache.flink.api.connector.source.Source: records of type T. */
export abstract class Source<T> {
  /** Phantom: the record type. */
  declare readonly __type?: T;
  /** The description Connectors.source builds the Java source from. */
  protected abstract spec(): Record<string, unknown>;
  /** The type of the records Java's source produces. */
  abstract readonly producedType: TypeInformation<unknown>;

  /** Builds the Java source; its handle. `connectorJars`: the session's, where the connector's classes are. */
  buildJava(connectorJars: readonly string[] = []): number {
    return callSync<number>(CONNECTORS, 'source', toJavaJson({ ...this.spec(), connectorJars }));
  }

  /** What follows the Java source in TS (DataGeneratorSource's generator function); none by default. */
  afterSource(stream: DataStream<unknown>, _sourceName: string): DataStream<T> {
    return stream as DataStream<T>;
  }
}

/** Mirrors org.apache.flink.api.connector.sink2.Sink: takes records of type T. */
export abstract class Sink<T> {
  /** Phantom: the record type. */
  declare readonly __type?: T;
  /**
   * Builds the Java sink; its handle. `connectorJars`: the session's, where the connector's classes
   * are; `inputType`: the type of the records it will take (a sink that reads their fields checks it).
   */
  abstract buildJava(connectorJars: readonly string[], inputType: TypeInformation<unknown>): number;

  /**
   * What comes right before the Java sink, on the Java stream (PyFlink's StreamTransformer): a
   * bulk FileSink's RowData conversion. The stream itself by default. Returns the stream handle.
   */
  transformInput(streamHandle: number): number {
    return streamHandle;
  }
}

/**
 * Table schemas, mirroring org.apache.flink.table.api.Schema: physical, computed and metadata
 * columns, a watermark and a primary key. Physical columns accumulate into the row type.
 */
import { Gateway, type ArgNode } from '../gateway/facade';
import type { DataType, Row } from './data-types';

interface Step {
  name: string;
  args: ArgNode[];
}

export class Schema<R = Row> {
  declare readonly __row: R;
  private constructor(readonly steps: readonly Step[]) {}

  static newBuilder(): SchemaBuilder<{}> {
    return new SchemaBuilder<{}>([]);
  }

  /** @internal the JVM builder chain */
  get node(): ArgNode {
    return { k: 'chain', cls: 'Schema', name: 'newBuilder', args: [], then: [...this.steps, { name: 'build', args: [] }] };
  }

  /** @internal */
  static fromSteps<R>(steps: readonly Step[]): Schema<R> {
    return new Schema<R>(steps);
  }

  /** As Flink prints it: one column per line. */
  toString(): string {
    return Gateway.describe(this.node, () => 'Schema');
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Schema ${this.toString()}`;
  }
}

export class SchemaBuilder<R> {
  constructor(private readonly steps: readonly Step[]) {}

  private add<S>(name: string, ...args: ArgNode[]): SchemaBuilder<S> {
    return new SchemaBuilder<S>([...this.steps, { name, args }]);
  }

  /** A physical column. */
  column<N extends string, T>(name: N, type: DataType<T>): SchemaBuilder<R & { [K in N]: T }> {
    return this.add('column', name, { k: 'type', sql: type.sql });
  }

  /** A computed column: `columnByExpression('ts', 'TO_TIMESTAMP(log_ts)')`. */
  columnByExpression<N extends string>(name: N, sqlExpression: string): SchemaBuilder<R & { [K in N]: unknown }> {
    return this.add('columnByExpression', name, sqlExpression);
  }

  /** A metadata column of the connector, e.g. Kafka's `timestamp`. */
  columnByMetadata<N extends string, T>(
    name: N,
    type: DataType<T>,
    metadataKey?: string,
    isVirtual = false,
  ): SchemaBuilder<R & { [K in N]: T }> {
    const typeNode: ArgNode = { k: 'type', sql: type.sql };
    if (metadataKey === undefined) {
      return isVirtual ? this.add('columnByMetadata', name, typeNode, true) : this.add('columnByMetadata', name, typeNode);
    }
    return this.add('columnByMetadata', name, typeNode, metadataKey, isVirtual);
  }

  /** Declares `column` the rowtime attribute with a watermark SQL expression. */
  watermark(column: string, sqlExpression: string): SchemaBuilder<R> {
    return this.add('watermark', column, sqlExpression);
  }

  primaryKey(...columns: string[]): SchemaBuilder<R> {
    if (columns.length === 0) throw new TypeError('primaryKey() needs at least one column');
    const [first, ...rest] = columns;
    return this.add('primaryKey', first, ...rest);
  }

  build(): Schema<R> {
    return Schema.fromSteps<R>(this.steps);
  }
}

/**
 * Table schemas, mirroring org.apache.flink.table.api.Schema: physical, computed and metadata
 * columns, a watermark and a primary key. Physical columns accumulate into the row type.
 */
import { Gateway, type ArgNode } from '../gateway/facade';
import { DataTypes, type DataType, type Row } from './data-types';
import type { ResolvedSchema } from './table-result';

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

  /** Copies every column, watermark and key of another schema into this builder. */
  fromSchema<S>(schema: Schema<S>): SchemaBuilder<R & S> {
    return this.add('fromSchema', schema.node);
  }

  /** Physical columns from parallel lists of names and types. */
  fromFields(names: readonly string[], types: readonly DataType<unknown>[]): SchemaBuilder<R & Record<string, unknown>> {
    if (names.length !== types.length) throw new TypeError(`fromFields() got ${names.length} names and ${types.length} types`);
    let b = this as SchemaBuilder<R & Record<string, unknown>>;
    names.forEach((n, i) => (b = b.column(n, types[i]) as SchemaBuilder<R & Record<string, unknown>>));
    return b;
  }

  /** Physical columns from the fields of a ROW type. */
  fromRowDataType<S>(rowType: DataType<S | null>): SchemaBuilder<R & S> {
    return this.add('fromRowDataType', { k: 'type', sql: rowType.sql });
  }

  /** The physical columns (names and exact types) of a resolved schema, e.g. `table.getResolvedSchema()`. */
  fromResolvedSchema(resolved: ResolvedSchema): SchemaBuilder<R & Record<string, unknown>> {
    const physical = resolved.columns.filter((c) => c.physical);
    return this.fromFields(physical.map((c) => c.name), physical.map((c) => DataTypes.of(c.type.sql)));
  }

  /** A primary key with a constraint name: `primaryKeyNamed('pk_orders', 'id')`. */
  primaryKeyNamed(constraintName: string, ...columns: string[]): SchemaBuilder<R> {
    if (columns.length === 0) throw new TypeError('primaryKeyNamed() needs at least one column');
    return this.add('primaryKeyNamed', constraintName, ...columns);
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

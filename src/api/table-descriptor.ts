/**
 * Connector-backed tables, mirroring org.apache.flink.table.api.TableDescriptor and
 * FormatDescriptor: `TableDescriptor.forConnector('datagen').schema(schema).option('rows-per-second', '10').build()`.
 */
import { Gateway, type ArgNode, type InvokeResult } from '../gateway/facade';
import type { Row } from './data-types';
import type { Schema } from './schema';

interface Step {
  name: string;
  args: ArgNode[];
}

type OptionValue = string | number | boolean;

export class FormatDescriptor {
  private constructor(readonly steps: readonly Step[]) {}

  static forFormat(format: string): FormatDescriptorBuilder {
    return new FormatDescriptorBuilder([{ name: 'forFormat', args: [format] }]);
  }

  /** @internal */
  static fromSteps(steps: readonly Step[]): FormatDescriptor {
    return new FormatDescriptor(steps);
  }

  getFormat(): string {
    return this.java('getFormat').v as string;
  }

  /** The format's options, without the format-name prefix. */
  getOptions(): Record<string, string> {
    return (this.java('getOptions').v as Record<string, string>) ?? {};
  }

  private java(method: string): InvokeResult {
    return askBuilt(this.node, method);
  }

  get node(): ArgNode {
    const [first, ...rest] = this.steps;
    return { k: 'chain', cls: 'FormatDescriptor', name: first.name, args: first.args, then: [...rest, { name: 'build', args: [] }] };
  }
}

export class FormatDescriptorBuilder {
  constructor(private readonly steps: readonly Step[]) {}

  option(key: string, value: OptionValue): FormatDescriptorBuilder {
    return new FormatDescriptorBuilder([...this.steps, { name: 'option', args: [key, String(value)] }]);
  }

  build(): FormatDescriptor {
    return FormatDescriptor.fromSteps(this.steps);
  }
}

export class TableDescriptor<R = Row> {
  declare readonly __row: R;
  private constructor(readonly steps: readonly Step[]) {}

  static forConnector(connector: string): TableDescriptorBuilder<Row> {
    return new TableDescriptorBuilder<Row>([{ name: 'forConnector', args: [connector] }]);
  }

  /** @internal */
  static fromSteps<R>(steps: readonly Step[]): TableDescriptor<R> {
    return new TableDescriptor<R>(steps);
  }

  /** Every option, connector and format ones included ('connector' = ..., 'format' = ...). */
  getOptions(): Record<string, string> {
    return (this.java('getOptions').v as Record<string, string>) ?? {};
  }

  getPartitionKeys(): string[] {
    return (this.java('getPartitionKeys').v as string[]) ?? [];
  }

  getComment(): string | null {
    return (this.java('getComment').v as string | null) ?? null;
  }

  /** The schema as Flink prints it, or null if the descriptor has none. */
  getSchema(): string | null {
    return summaryOf(this.java('getSchema'));
  }

  private java(method: string): InvokeResult {
    return askBuilt(this.node, method);
  }

  get node(): ArgNode {
    const [first, ...rest] = this.steps;
    return { k: 'chain', cls: 'TableDescriptor', name: first.name, args: first.args, then: [...rest, { name: 'build', args: [] }] };
  }

  /** As Flink prints it: the schema, then the connector options. */
  toString(): string {
    return Gateway.describe(this.node, () => 'TableDescriptor');
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TableDescriptor ${this.toString()}`;
  }
}

export class TableDescriptorBuilder<R> {
  constructor(private readonly steps: readonly Step[]) {}

  private add<S = R>(name: string, ...args: ArgNode[]): TableDescriptorBuilder<S> {
    return new TableDescriptorBuilder<S>([...this.steps, { name, args }]);
  }

  schema<S>(schema: Schema<S>): TableDescriptorBuilder<S> {
    return this.add<S>('schema', schema.node);
  }

  option(key: string, value: OptionValue): TableDescriptorBuilder<R> {
    return this.add('option', key, String(value));
  }

  /** A format by name (`'csv'`) or a FormatDescriptor with its own options. */
  format(format: string | FormatDescriptor): TableDescriptorBuilder<R> {
    return this.add('format', typeof format === 'string' ? format : format.node);
  }

  partitionedBy(...columns: string[]): TableDescriptorBuilder<R> {
    return this.add('partitionedBy', ...columns);
  }

  comment(comment: string): TableDescriptorBuilder<R> {
    return this.add('comment', comment);
  }

  build(): TableDescriptor<R> {
    return TableDescriptor.fromSteps<R>(this.steps);
  }
}

/**
 * Builds a Java object from an argument node (a descriptor's builder chain), calls one of its
 * getters and releases it: descriptors stay plain TS values until a getter asks the JVM.
 */
export function askBuilt(node: ArgNode, method: string): InvokeResult {
  const h = Gateway.build(node);
  try {
    return Gateway.invoke(h, method, []);
  } finally {
    Gateway.release(h);
  }
}

/** Flink's text of a getter's Java object result (a Schema, ...), or null when it returned none; releases it. */
export function summaryOf(r: InvokeResult): string | null {
  if (r.h === undefined) return null;
  try {
    return Gateway.summary(r.h);
  } finally {
    Gateway.release(r.h);
  }
}

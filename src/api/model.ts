/**
 * Models (Flink 2.1+): a ModelDescriptor names a model provider with options and input/output
 * schemas, for TableEnvironment.createModel / createTemporaryModel; `fromModel(path)` gives a Model
 * whose resolved schemas can be read and which predicts over a Table (Java's Model.predict, the
 * Table API's ML_PREDICT). Built on the JVM by the same builder chain as TableDescriptor.
 */
import { Gateway, handleOf, track, type ArgNode, type Handle, type InvokeResult } from '../gateway/facade';
import type { Row } from './data-types';
import { Expression } from './expressions';
import type { Schema } from './schema';
import { Table, tableNode, type TableContext } from './table';
import { askBuilt, summaryOf } from './table-descriptor';

interface Step {
  name: string;
  args: ArgNode[];
}

export class ModelDescriptor {
  private constructor(readonly steps: readonly Step[]) {}

  /** A model of a provider ('openai', ... — the provider's jar must be on the class path to predict). */
  static forProvider(provider: string): ModelDescriptorBuilder {
    return new ModelDescriptorBuilder([{ name: 'forProvider', args: [provider] }]);
  }

  /** @internal */
  static fromSteps(steps: readonly Step[]): ModelDescriptor {
    return new ModelDescriptor(steps);
  }

  get node(): ArgNode {
    const [first, ...rest] = this.steps;
    return { k: 'chain', cls: 'ModelDescriptor', name: first.name, args: first.args, then: [...rest, { name: 'build', args: [] }] };
  }

  /** Reads the descriptor through Java's toCatalogModel() (its own getters are package-private). */
  private model(method: string): InvokeResult {
    const [first, ...rest] = this.steps;
    const then = [...rest, { name: 'build', args: [] }, { name: 'toCatalogModel', args: [] }];
    return askBuilt({ k: 'chain', cls: 'ModelDescriptor', name: first.name, args: first.args, then }, method);
  }

  /** Every option, the provider's included ('provider' = ...). */
  getOptions(): Record<string, string> {
    return (this.model('getOptions').v as Record<string, string>) ?? {};
  }

  getComment(): string | null {
    return (this.model('getComment').v as string | null) ?? null;
  }

  /** The input schema as Flink prints it. */
  getInputSchema(): string | null {
    return this.schemaText('getInputSchema');
  }

  /** The output schema as Flink prints it. */
  getOutputSchema(): string | null {
    return this.schemaText('getOutputSchema');
  }

  private schemaText(method: string): string | null {
    return summaryOf(this.model(method));
  }

  toString(): string {
    return Gateway.describe(this.node, () => 'ModelDescriptor');
  }
}

export class ModelDescriptorBuilder {
  constructor(private readonly steps: readonly Step[]) {}

  private add(name: string, ...args: ArgNode[]): ModelDescriptorBuilder {
    return new ModelDescriptorBuilder([...this.steps, { name, args }]);
  }

  inputSchema(schema: Schema<unknown>): ModelDescriptorBuilder {
    return this.add('inputSchema', schema.node);
  }

  outputSchema(schema: Schema<unknown>): ModelDescriptorBuilder {
    return this.add('outputSchema', schema.node);
  }

  option(key: string, value: string | number | boolean): ModelDescriptorBuilder {
    return this.add('option', key, String(value));
  }

  comment(comment: string): ModelDescriptorBuilder {
    return this.add('comment', comment);
  }

  build(): ModelDescriptor {
    return ModelDescriptor.fromSteps(this.steps);
  }
}

/** Column names, as Java's org.apache.flink.types.ColumnList: the input columns of Model.predict. */
export class ColumnList {
  private constructor(private readonly names: readonly string[]) {}

  static of(...names: string[]): ColumnList {
    return new ColumnList(names);
  }

  getNames(): string[] {
    return [...this.names];
  }

  /** @internal */
  get node(): ArgNode {
    return { k: 'chain', cls: 'org.apache.flink.types.ColumnList', name: 'of', args: [...this.names], then: [] };
  }

  toString(): string {
    return `(${this.names.join(', ')})`;
  }
}

/** A model registered in a catalog (Java's Model), from TableEnvironment.fromModel(path). */
export class Model {
  constructor(
    readonly handle: Handle,
    private readonly ctx: TableContext,
  ) {
    track(this, handle);
  }

  /**
   * ML_PREDICT over `table`: its columns plus the model's output columns, one row per prediction.
   * `columns` are the table's columns fed to the model, in the order of its input schema; `options`
   * are ML_PREDICT's runtime options ('async', 'max-concurrent-operations', ...).
   */
  predict<R = Row>(table: Table<unknown>, columns: ColumnList | readonly string[], options?: Record<string, string>): Table<R> {
    const list = columns instanceof ColumnList ? columns : ColumnList.of(...columns);
    const args: ArgNode[] = [tableNode(table), list.node];
    if (options !== undefined) args.push({ k: 'map', v: options });
    return new Table<R>(handleOf(Gateway.invoke(this.handle, 'predict', args), 'a Table'), this.ctx);
  }

  /**
   * The model as a named argument of a function call:
   * `call('ML_PREDICT', table.asArgument('INPUT'), model.asArgument('MODEL'), descriptor('x').asArgument('ARGS'))`.
   */
  asArgument(name: string): Expression {
    const h = handleOf(Gateway.invoke(this.handle, 'asArgument', [name]), 'an expression');
    const e = new Expression({ k: 'handle', id: h });
    track(e, h);
    return e;
  }

  private schema(method: string): string {
    return Gateway.summary(handleOf(Gateway.invoke(this.handle, method, []), 'a ResolvedSchema'));
  }

  /** The resolved input schema as Flink prints it. */
  getResolvedInputSchema(): string {
    return this.schema('getResolvedInputSchema');
  }

  /** The resolved output schema as Flink prints it. */
  getResolvedOutputSchema(): string {
    return this.schema('getResolvedOutputSchema');
  }
}

/** Mirrors org.apache.flink.table.api.StatementSet: several INSERTs optimized and run as one job. */
import { Gateway, handleOf, track, type Handle } from '../gateway/facade';
import { tableNode, type Table, type TablePipeline } from './table';
import { TableResult } from './table-result';
import { CompiledPlan } from './compiled-plan';
import { explainArgs, type ExplainDetail } from './enums';

export class StatementSet {
  constructor(
    readonly handle: Handle,
    private readonly streaming: boolean,
  ) {
    track(this, handle);
  }

  addInsertSql(statement: string): this {
    Gateway.invoke(this.handle, 'addInsertSql', [statement]);
    return this;
  }

  addInsert(targetPath: string, table: Table<unknown>, overwrite = false): this {
    Gateway.invoke(this.handle, 'addInsert', overwrite ? [targetPath, tableNode(table), true] : [targetPath, tableNode(table)]);
    return this;
  }

  add(pipeline: TablePipeline): this {
    Gateway.invoke(this.handle, 'add', [{ k: 'handle', id: pipeline.handle }]);
    return this;
  }

  async explain(...details: ExplainDetail[]): Promise<string> {
    return (await Gateway.invokeAsync(this.handle, 'explain', explainArgs(details))).v as string;
  }

  async printExplain(...details: ExplainDetail[]): Promise<void> {
    console.log(await this.explain(...details));
  }

  /** The compiled plan of the set's INSERTs, to write and execute later. */
  async compilePlan(): Promise<CompiledPlan> {
    const r = await Gateway.invokeAsync(this.handle, 'compilePlan', []);
    return new CompiledPlan(handleOf(r, 'a CompiledPlan'), this.streaming);
  }

  async execute(): Promise<TableResult> {
    const r = await Gateway.invokeAsync(this.handle, 'execute', []);
    return new TableResult(handleOf(r, 'a TableResult'), this.streaming);
  }
}

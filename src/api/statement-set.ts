/** Mirrors org.apache.flink.table.api.StatementSet: several INSERTs optimized and run as one job. */
import { Gateway, handleOf, track, type Handle } from '../gateway/facade';
import { tableNode, type Table, type TablePipeline } from './table';
import { TableResult } from './table-result';

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

  async explain(): Promise<string> {
    return (await Gateway.invokeAsync(this.handle, 'explain', [])).v as string;
  }

  async execute(): Promise<TableResult> {
    const r = await Gateway.invokeAsync(this.handle, 'execute', []);
    return new TableResult(handleOf(r, 'a TableResult'), this.streaming);
  }
}

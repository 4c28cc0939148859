/**
 * `flink:transform:aggregate_function:arrow:v1` (flink-python's Arrow aggregate operators: batch
 * GROUP BY and group windows, streaming group windows and bounded over windows): each input element
 * is one Arrow batch holding all rows of one group (or window, or over-window frame); the answer is
 * a one-row Arrow batch with one value per vectorized UDAF, as PyFlink's
 * PandasAggregateFunctionOperation answers with one row per element.
 */
import type * as arrow from 'apache-arrow';
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { arrowFieldOf, arrowSchemaOf, readBatch, writeBatch } from '../coders/arrow-batch';
import type { LoadedFunction } from '../udf-loader';
import { singleValue } from '../vectorized/columns';
import { argumentsOf, callUser, loadVectorized, type ArgumentsOf } from '../vectorized/evaluator';
import { registerOperation, type Operation, type OperationContext } from './operation';
import { writeElement } from './arrow-scalar';

/** A vectorized UDAF call: its function, how to get its argument columns, and its result field. */
export interface AggregateCall {
  fn: LoadedFunction;
  args: ArgumentsOf;
  field: arrow.Field;
  what: string;
}

export function aggregateCalls(ctx: OperationContext, functions: LoadedFunction[]): AggregateCall[] {
  return (ctx.udfs.udfs ?? []).map((u, i) => {
    const fn = loadVectorized(u, functions);
    const out = ctx.outputType.fields![i];
    const field = arrowFieldOf(out?.name ?? fn.name, out?.type ?? fn.descriptor.resultType);
    return { fn, args: argumentsOf(u, fn, functions), field, what: `TypeScript vectorized UDAF '${fn.name}' returned` };
  });
}

export class ArrowAggregateOperation implements Operation {
  protected readonly functions: LoadedFunction[] = [];
  protected readonly calls: AggregateCall[];
  protected readonly outputSchema: arrow.Schema;

  constructor(protected readonly ctx: OperationContext) {
    this.calls = aggregateCalls(ctx, this.functions);
    this.outputSchema = arrowSchemaOf(ctx.outputType);
  }

  async open(): Promise<void> {
    for (const f of this.functions) await f.open(this.ctx.functionContext);
  }

  process(input: ByteReader, out: ByteWriter): void {
    while (input.pos < input.end) {
      const len = input.varint();
      const end = input.pos + len;
      this.processElement(input, end, out);
      input.pos = end;
    }
  }

  protected processElement(input: ByteReader, end: number, out: ByteWriter): void {
    const batch = readBatch(input.buf.subarray(input.pos, end));
    const n = batch.numRows;
    const columns = batch.schema.fields.map((_, i) => batch.getChildAt(i)!);
    const results = this.calls.map((c) => singleValue(callUser(c.fn, c.args(columns, n)), c.field, c.what));
    writeElement(out, writeBatch(this.outputSchema, results, 1));
  }

  finishBundle(): void {}

  async close(): Promise<void> {
    for (const f of this.functions) await f.close();
  }
}

registerOperation('flink:transform:aggregate_function:arrow:v1', (ctx) => new ArrowAggregateOperation(ctx));

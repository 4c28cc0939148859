/**
 * `flink:transform:scalar_function:v1` with Arrow coders (flink-python's
 * ArrowPythonScalarFunctionOperator, for PANDAS functions): each input element is one Arrow batch
 * of the UDF arguments (`python.fn-execution.arrow.batch.size` rows at most); the answer is one
 * Arrow batch with one column per UDF, of the same length (Flink joins it to the buffered input
 * rows by position).
 */
import type * as arrow from 'apache-arrow';
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { arrowSchemaOf, readBatch, writeBatch } from '../coders/arrow-batch';
import type { LoadedFunction } from '../udf-loader';
import { buildVectorEvaluator, type VectorEvaluator } from '../vectorized/evaluator';
import type { Operation, OperationContext } from './operation';

export class ArrowScalarOperation implements Operation {
  private readonly functions: LoadedFunction[] = [];
  private readonly evaluators: VectorEvaluator[];
  private readonly outputSchema: arrow.Schema;

  constructor(private readonly ctx: OperationContext) {
    this.evaluators = (ctx.udfs.udfs ?? []).map((u) => buildVectorEvaluator(u, this.functions));
    this.outputSchema = arrowSchemaOf(ctx.outputType);
  }

  async open(): Promise<void> {
    for (const f of this.functions) await f.open(this.ctx.functionContext);
  }

  process(input: ByteReader, out: ByteWriter): void {
    while (input.pos < input.end) {
      const len = input.varint();
      const batch = readBatch(input.buf.subarray(input.pos, input.pos + len));
      input.pos += len;
      const n = batch.numRows;
      const columns = batch.schema.fields.map((_, i) => batch.getChildAt(i)!);
      const results = this.evaluators.map((evaluate) => evaluate(columns, n));
      writeElement(out, writeBatch(this.outputSchema, results, n));
    }
  }

  finishBundle(): void {}

  async close(): Promise<void> {
    for (const f of this.functions) await f.close();
  }
}

/** Writes one output element: Beam's varint length, then the Arrow stream. */
export function writeElement(out: ByteWriter, bytes: Uint8Array): void {
  out.varint(bytes.length);
  out.raw(bytes);
}

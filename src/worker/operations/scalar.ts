/** `flink:transform:scalar_function:v1`: one output row (one field per UDF) per input row, in order. */
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { rowDecoder, rowEncoder } from '../coders/row-coder';
import { buildEvaluator, parseDescriptor, resultError, type LoadedFunction } from '../udf-loader';
import { forEachElement, registerOperation, type Operation, type OperationContext } from './operation';

export class ScalarOperation implements Operation {
  protected readonly functions: LoadedFunction[] = [];
  protected readonly evaluators;
  protected readonly decode;
  protected readonly encode;
  protected readonly names: string[];

  constructor(protected readonly ctx: OperationContext) {
    const names = ctx.inputType.fields!.map((f) => f.name);
    this.evaluators = ctx.udfs.udfs.map((u) => buildEvaluator(u, this.functions, names));
    this.decode = rowDecoder(ctx.inputType);
    this.encode = rowEncoder(ctx.outputType);
    this.names = ctx.udfs.udfs.map((u) => parseDescriptor(u.payload!).name);
  }

  async open(): Promise<void> {
    for (const f of this.functions) await f.open(this.ctx.functionContext);
  }

  process(input: ByteReader, out: ByteWriter): void {
    const evaluators = this.evaluators;
    const n = evaluators.length;
    const encode = this.encode;
    const results = new Array<unknown>(n);
    forEachElement(input, this.decode, (row) => {
      for (let i = 0; i < n; i++) results[i] = evaluators[i](row.values);
      const start = out.beginPrefixed();
      try {
        encode(out, results);
      } catch (e) {
        throw resultError(e, this.names);
      }
      out.endPrefixed(start);
    });
  }

  finishBundle(): void {}

  async close(): Promise<void> {
    for (const f of this.functions) await f.close();
  }
}

registerOperation('flink:transform:scalar_function:v1', (ctx) => new ScalarOperation(ctx));

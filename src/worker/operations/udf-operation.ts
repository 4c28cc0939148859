/**
 * What the UDF operations share: the transform's functions loaded once, one evaluator per UDF (with
 * the name of its outermost function, for result errors), the input/output row coders and the
 * functions' open/close lifecycle.
 */
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { rowDecoder, rowEncoder } from '../coders/row-coder';
import type { flinkApi } from '../fn-api';
import { buildEvaluator, type Evaluator, type LoadedFunction } from '../udf-loader';
import type { Operation, OperationContext } from './operation';

export abstract class UdfOperation implements Operation {
  protected readonly functions: LoadedFunction[] = [];
  protected readonly evaluators: Evaluator[] = [];
  /** The outermost function's name of each evaluator. */
  protected readonly names: string[] = [];
  protected readonly decode: ReturnType<typeof rowDecoder>;
  protected readonly encode: ReturnType<typeof rowEncoder>;

  constructor(
    protected readonly ctx: OperationContext,
    udfs: readonly flinkApi.IUserDefinedFunction[] = ctx.udfs.udfs,
  ) {
    const fieldNames = ctx.inputType.fields!.map((f) => f.name);
    for (const u of udfs) {
      const outermost = this.functions.length; // buildEvaluator adds the called function first
      this.evaluators.push(buildEvaluator(u, this.functions, fieldNames));
      this.names.push(this.functions[outermost].name);
    }
    this.decode = rowDecoder(ctx.inputType);
    this.encode = rowEncoder(ctx.outputType);
  }

  async open(): Promise<void> {
    for (const f of this.functions) await f.open(this.ctx.functionContext);
  }

  abstract process(input: ByteReader, out: ByteWriter): void | Promise<void>;

  finishBundle(_out: ByteWriter): void | Promise<void> {}

  async close(): Promise<void> {
    for (const f of this.functions) await f.close();
  }
}

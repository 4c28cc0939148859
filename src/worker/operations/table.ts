/**
 * `flink:transform:table_function:v1`: per input row, the rows the UDTF produced, then an end
 * marker (a one-byte element 0x00) that PythonTableFunctionOperator uses to pair results with inputs.
 */
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { describe } from '../coders/sql-values';
import { resultError, UdfError } from '../udf-loader';
import { forEachElement, registerOperation, type OperationContext } from './operation';
import { UdfOperation } from './udf-operation';

export class TableOperation extends UdfOperation {
  private readonly fieldNames: string[];

  constructor(ctx: OperationContext) {
    super(ctx, ctx.udfs.udfs.slice(0, 1));
    this.fieldNames = ctx.outputType.fields!.map((f) => f.name);
  }

  private values(result: unknown): readonly unknown[] {
    const n = this.fieldNames.length;
    if (Array.isArray(result) && (n > 1 || Array.isArray(result[0]) || result.length === 1)) return result;
    if (n === 1 && (result === null || typeof result !== 'object' || result instanceof Date || result instanceof Uint8Array || result instanceof Map || Array.isArray(result))) {
      return [result];
    }
    if (result !== null && typeof result === 'object') {
      const obj = result as Record<string, unknown>;
      return this.fieldNames.map((f) => obj[f]);
    }
    throw new TypeError(`a table function row must be an array or an object with fields ${this.fieldNames.join(', ')}, got ${describe(result)}`);
  }

  process(input: ByteReader, out: ByteWriter): void {
    const evaluator = this.evaluators[0];
    forEachElement(input, this.decode, (row) => {
      const rows = evaluator(row.values);
      if (rows !== null && rows !== undefined) {
        if (typeof (rows as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof rows === 'string') {
          throw new TypeError(`a table function must return an iterable (array or generator) of rows, got ${describe(rows)}`);
        }
        try {
          for (const r of rows as Iterable<unknown>) {
            const start = out.beginPrefixed();
            this.encode(out, this.values(r));
            out.endPrefixed(start);
          }
        } catch (e) {
          if (e instanceof UdfError) throw e;
          throw e instanceof TypeError ? resultError(e, this.names) : new UdfError(this.names[0], e);
        }
      }
      out.u8(1);
      out.u8(0);
    });
  }
}

registerOperation('flink:transform:table_function:v1', (ctx) => new TableOperation(ctx));

/**
 * `flink:transform:table_function:v1`: per input row, the rows the UDTF produced, then an end
 * marker (a one-byte element 0x00) that PythonTableFunctionOperator uses to pair results with inputs.
 */
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { objectFieldValues } from '../coders/row-coder';
import { describe } from '../coders/sql-values';
import { resultError, UdfError } from '../udf-loader';
import { forEachElement, registerOperation, type OperationContext } from './operation';
import { UdfOperation } from './udf-operation';

export class TableOperation extends UdfOperation {
  private readonly fieldNames: string[];
  private readonly rowSql: string;

  constructor(ctx: OperationContext) {
    super(ctx, ctx.udfs.udfs.slice(0, 1));
    this.fieldNames = ctx.outputType.fields!.map((f) => f.name);
    this.rowSql = ctx.outputType.sql;
  }

  private values(result: unknown): readonly unknown[] {
    const n = this.fieldNames.length;
    if (Array.isArray(result) && (n > 1 || Array.isArray(result[0]) || result.length === 1)) return result;
    if (n === 1 && (result === null || typeof result !== 'object' || result instanceof Date || result instanceof Uint8Array || result instanceof Map || Array.isArray(result))) {
      return [result];
    }
    if (result !== null && typeof result === 'object') return objectFieldValues(result as Record<string, unknown>, this.fieldNames, this.rowSql);
    throw new TypeError(`a table function row must be an array or an object with fields ${this.fieldNames.join(', ')}, got ${describe(result)}`);
  }

  process(input: ByteReader, out: ByteWriter): void {
    const evaluator = this.evaluators[0];
    forEachElement(input, this.decode, (row) => {
      const rows = evaluator(row.values);
      if (rows !== null && rows !== undefined) {
        if (typeof (rows as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof rows === 'string') {
          throw resultError(new TypeError(`a table function must return an iterable (array or generator) of rows, got ${describe(rows)}`), this.names);
        }
        const iterator = (rows as Iterable<unknown>)[Symbol.iterator]();
        for (;;) {
          let next: IteratorResult<unknown>;
          try {
            next = iterator.next(); // runs a generator's body: user code
          } catch (e) {
            throw e instanceof UdfError ? e : new UdfError(this.names[0], e);
          }
          if (next.done) break;
          try {
            const start = out.beginPrefixed();
            this.encode(out, this.values(next.value));
            out.endPrefixed(start);
          } catch (e) {
            throw resultError(e, this.names);
          }
        }
      }
      out.u8(1);
      out.u8(0);
    });
  }
}

registerOperation('flink:transform:table_function:v1', (ctx) => new TableOperation(ctx));

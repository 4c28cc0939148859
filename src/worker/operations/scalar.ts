/** `flink:transform:scalar_function:v1`: one output row (one field per UDF) per input row, in order. */
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { resultError } from '../udf-loader';
import { forEachElement, registerOperation } from './operation';
import { UdfOperation } from './udf-operation';
import { ArrowScalarOperation } from './arrow-scalar';

export class ScalarOperation extends UdfOperation {
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
}

// flink-python uses this URN for row-at-a-time and vectorized (Arrow) scalar functions alike; the
// input coder tells them apart, as in PyFlink.
registerOperation('flink:transform:scalar_function:v1', (ctx) => (ctx.inputFormat === 'arrow' ? new ArrowScalarOperation(ctx) : new ScalarOperation(ctx)));

/**
 * `flink:transform:batch_over_window_aggregate_function:arrow:v1` (flink-python's
 * BatchArrowPythonOverWindowAggregateFunctionOperator): each input element holds one partition's
 * rows, prefixed with the frame boundaries Flink computed for its bounded RANGE windows (an int
 * count of windows, then per window an int count and that many row positions, big-endian). Each
 * vectorized UDAF is called once per row with the rows of that row's frame (zero-copy slices), as
 * PyFlink's PandasBatchOverWindowAggregateFunctionOperation does; the answer is one Arrow batch
 * with one value per row and UDAF.
 */
import type * as arrow from 'apache-arrow';
import type { ByteReader, ByteWriter } from '../coders/bytes';
import { readBatch, writeBatch } from '../coders/arrow-batch';
import { flinkApi } from '../fn-api';
import { valuesOf } from '../vectorized/columns';
import { callUser } from '../vectorized/evaluator';
import { ArrowAggregateOperation } from './arrow-aggregate';
import { writeElement } from './arrow-scalar';
import { registerOperation, type OperationContext } from './operation';

const W = flinkApi.OverWindow.WindowType;

/** The [start, end) row range of row j's frame in a partition of n rows. */
type Frame = (j: number, n: number, boundaries: readonly number[]) => [number, number];

function frameOf(window: flinkApi.IOverWindow): Frame {
  const lower = Number(window.lower_boundary ?? 0);
  const upper = Number(window.upper_boundary ?? 0);
  switch (window.window_type ?? W.RANGE_UNBOUNDED) {
    case W.RANGE_UNBOUNDED:
    case W.ROW_UNBOUNDED:
      return (_j, n) => [0, n];
    case W.RANGE_UNBOUNDED_PRECEDING:
      return (j, _n, b) => [0, b[j]];
    case W.RANGE_UNBOUNDED_FOLLOWING:
      return (j, n, b) => [b[j], n];
    case W.RANGE_SLIDING:
      return (j, _n, b) => [b[2 * j], b[2 * j + 1]];
    case W.ROW_UNBOUNDED_PRECEDING:
      return (j, n) => [0, Math.min(j + upper + 1, n)];
    case W.ROW_UNBOUNDED_FOLLOWING:
      return (j, n) => [Math.max(j + lower, 0), n];
    case W.ROW_SLIDING:
      return (j, n) => [Math.max(j + lower, 0), Math.min(j + upper + 1, n)];
    default:
      throw new Error(`unknown over window type ${String(window.window_type)}`);
  }
}

function isBoundedRange(window: flinkApi.IOverWindow): boolean {
  const t = window.window_type ?? W.RANGE_UNBOUNDED;
  return t === W.RANGE_UNBOUNDED_PRECEDING || t === W.RANGE_UNBOUNDED_FOLLOWING || t === W.RANGE_SLIDING;
}

export class ArrowOverWindowOperation extends ArrowAggregateOperation {
  /** Per UDAF: its frame function and which boundary list (of the bounded RANGE windows) it reads. */
  private readonly frames: { frame: Frame; boundaryList: number; whole: boolean }[];

  constructor(ctx: OperationContext) {
    super(ctx);
    const windows = ctx.udfs.windows ?? [];
    const boundaryListOf: number[] = [];
    let lists = 0;
    for (const w of windows) boundaryListOf.push(isBoundedRange(w) ? lists++ : -1);
    this.frames = (ctx.udfs.udfs ?? []).map((u) => {
      const w = windows[u.window_index ?? 0];
      const t = w.window_type ?? W.RANGE_UNBOUNDED;
      return { frame: frameOf(w), boundaryList: boundaryListOf[u.window_index ?? 0], whole: t === W.RANGE_UNBOUNDED || t === W.ROW_UNBOUNDED };
    });
  }

  protected override processElement(input: ByteReader, end: number, out: ByteWriter): void {
    const boundaries: number[][] = [];
    const count = input.i32();
    for (let w = 0; w < count; w++) {
      const size = input.i32();
      const list = new Array<number>(size);
      for (let i = 0; i < size; i++) list[i] = input.i32();
      boundaries.push(list);
    }
    const batch = readBatch(input.buf.subarray(input.pos, end));
    const n = batch.numRows;
    const columns = batch.schema.fields.map((_, i) => batch.getChildAt(i)!);
    const results = this.calls.map((c, k) => {
      const { frame, boundaryList, whole } = this.frames[k];
      const args = c.args(columns, n);
      const values = new Array<unknown>(n);
      if (whole) {
        // one frame for the whole partition: one call
        values.fill(callUser(c.fn, args));
      } else {
        const b = boundaryList >= 0 ? boundaries[boundaryList] : [];
        for (let j = 0; j < n; j++) {
          const [from, to] = frame(j, n, b);
          values[j] = callUser(c.fn, args.map((v: arrow.Vector) => v.slice(from, to)));
        }
      }
      return valuesOf(values, c.field, c.what);
    });
    writeElement(out, writeBatch(this.outputSchema, results, n));
  }
}

registerOperation('flink:transform:batch_over_window_aggregate_function:arrow:v1', (ctx) => new ArrowOverWindowOperation(ctx));

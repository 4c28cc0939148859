/**
 * The planner refuses general (row-at-a-time) Python-style aggregates in batch mode and in over
 * windows, and vectorized ones in a streaming GROUP BY, with a line deep
 * in a plan dump; say what it means for TypeScript aggregates and what to do instead.
 */
import { addErrorHint } from '../../gateway/errors';

const BATCH_UDAF =
  'TypeScript aggregate functions (udaf/udtaf) keep their accumulators in Flink state and, like PyFlink\'s general UDAFs, run in streaming mode only: ' +
  'run the query on a streaming TableEnvironment (tEnv, %%sql), where a bounded input gives the same final result, or, in batch mode, run the aggregate ' +
  "embedded, udaf(obj, { ..., mode: 'embedded' }), a Flink AggregateFunction that runs in batch mode too (docs/embedded.md), use Flink's built-in aggregates, " +
  "or a vectorized aggregate, udaf(fn, { ..., funcType: 'vectorized' }), which sees each group's columns as Arrow vectors (docs/udaf.md, docs/vectorized.md).";

addErrorHint((causes) => (causes.some((c) => c.message.includes('non-Pandas UDAFs are not supported in batch mode')) ? BATCH_UDAF : undefined));

const OVER_ROW_UDAF =
  "TypeScript row aggregates (udaf with an accumulator) cannot run in OVER windows, as PyFlink's general UDAFs cannot: " +
  "use a vectorized aggregate, udaf(fn, { ..., funcType: 'vectorized' }), which is called with each row's frame as Arrow vectors (docs/vectorized.md).";

addErrorHint((causes) => (causes.some((c) => c.message.includes('Non-Pandas Python UDAFs are not supported in stream mode')) ? OVER_ROW_UDAF : undefined));

const STREAM_VECTORIZED_UDAF =
  "Vectorized aggregates (funcType 'vectorized'), like PyFlink's pandas UDAFs, run in streaming mode only in group windows (TUMBLE/HOP) and over windows: " +
  'for a streaming GROUP BY without a window, use a row udaf with an accumulator (docs/udaf.md), or run the query in batch mode (docs/vectorized.md).';

addErrorHint((causes) => (causes.some((c) => c.message.includes('Pandas UDAFs are not supported in streaming mode')) ? STREAM_VECTORIZED_UDAF : undefined));

const EMBEDDED_MERGE =
  'This query combines accumulators (a HOP or SESSION window, or a two-phase aggregation), so an embedded TypeScript aggregate needs a merge(acc, others) method; ' +
  'give it one (docs/udaf.md), or run it in process mode, where flink-python\'s window operators need no merge() for HOP windows.';

addErrorHint((causes) =>
  causes.some((c) => /Could not find an implementation method 'merge' in class 'dev\.tsflink\.embedded\.EmbeddedAggregateFunction'/.test(c.message)) ? EMBEDDED_MERGE : undefined,
);

/**
 * The planner refuses general (row-at-a-time) Python-style aggregates in batch mode with a line deep
 * in a plan dump; say what it means for TypeScript aggregates and what to do instead.
 */
import { addErrorHint } from '../../gateway/errors';

const BATCH_UDAF =
  'TypeScript aggregate functions (udaf/udtaf) keep their accumulators in Flink state and, like PyFlink\'s general UDAFs, run in streaming mode only: ' +
  'run the query on a streaming TableEnvironment (tEnv, %%sql), where a bounded input gives the same final result, or, in batch mode, use Flink\'s built-in aggregates ' +
  "or a vectorized aggregate, udaf(fn, { ..., funcType: 'vectorized' }), which sees each group's columns as Arrow vectors (docs/udaf.md, docs/vectorized.md).";

addErrorHint((causes) => (causes.some((c) => c.message.includes('non-Pandas UDAFs are not supported in batch mode')) ? BATCH_UDAF : undefined));

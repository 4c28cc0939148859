/** Names the cell transform and the evaluator agree on (kept apart so neither loads the other). */
export const RESULT_VAR = '__tsflink_result';
export const INTEROP_DEFAULT = '__tsflink_default';

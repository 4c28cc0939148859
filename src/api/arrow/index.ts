/** Arrow interop: tEnv.fromArrow / table.toArrow, TSFlink's from_pandas / to_pandas. */
export { fromArrowTable, type ArrowSchemaHint } from './from-arrow';
export { exportToArrow, type ArrowSource, type ToArrowOptions } from './to-arrow';
export { ArrowConversionError } from './build';
export { FLINK_TYPE_METADATA, sqlTypeOfArrow, fieldSql } from './types';
export { resultToArrow } from './result-to-arrow';

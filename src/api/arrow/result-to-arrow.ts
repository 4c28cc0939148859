import type * as arrow from 'apache-arrow';
import type { TableResult } from '../table-result';
import { exportToArrow, type ToArrowOptions } from './to-arrow';

/**
 * The rows of an executed query (`await tEnv.executeSql('SELECT ...')`) as an Arrow table. A
 * batch-mode result is written as it arrives; a streaming one is materialized (its changelog
 * applied), since it may carry updates. Consumes the result like collect() does.
 */
export function resultToArrow(result: TableResult<unknown>, options?: ToArrowOptions): Promise<arrow.Table> {
  return exportToArrow({ result: result.handle, insertOnly: !result.streaming }, result.getResolvedSchema().columns, options);
}

/** TypeScript UDFs: the public API. */
import './session-setup';
import './lost-worker-hint';

export { udf, udtf, asyncUdf, TsFunction, type UdfOptions, type ArgsOf, type TableRowOf } from './udf';
export {
  ScalarFunction,
  TableFunction,
  AsyncScalarFunction,
  type FunctionContext,
  type MetricGroup,
  type Counter,
  type Meter,
  type Distribution,
} from './functions';
export { sessionLogFile } from './session-setup';
export { UdfPresets } from './presets';

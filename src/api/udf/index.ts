/** TypeScript UDFs: the public API. */
import './session-setup';
import './async-hints';
import './lost-worker-hint';
import './aggregate-hints';

export {
  udf,
  udtf,
  asyncUdf,
  udaf,
  udtaf,
  vectorizedUdf,
  vectorizedUdaf,
  TsFunction,
  type UdfOptions,
  type AggregateOptions,
  type ArgsOf,
  type TableRowOf,
  type FuncType,
  type VectorizedOptions,
  type VectorArgsOf,
  type VectorResultOf,
  type ExecutionMode,
  type EmbeddedEngine,
} from './udf';
export {
  ScalarFunction,
  TableFunction,
  AsyncScalarFunction,
  AggregateFunction,
  TableAggregateFunction,
  ListView,
  MapView,
  type RetractableCollector,
  type FunctionContext,
  type MetricGroup,
  type Counter,
  type Meter,
  type Distribution,
} from './functions';
export { sessionLogFile } from './session-setup';
export { UdfPresets } from './presets';

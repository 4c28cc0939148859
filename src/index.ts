/** TSFlink: Apache Flink's Table API and SQL for TypeScript. */
export { Session, getSession, type SessionOptions } from './session/session';
export { EnvironmentSettings } from './api/environment-settings';
export { TableEnvironment, TableConfig } from './api/table-environment';
export {
  Table,
  GroupedTable,
  AggregatedTable,
  FlatAggregateTable,
  GroupWindowedTable,
  WindowGroupedTable,
  OverWindowedTable,
  TablePipeline,
  type FieldLike,
} from './api/table';
export { TableResult, type ResultRow, type RowKind, type ResolvedSchema, type ResolvedColumn } from './api/table-result';
export { ExplainDetail, SqlDialect, ResultKind } from './api/enums';
export { Catalog, CatalogDatabase, CatalogBaseTable, CatalogFunction, CatalogDescriptor, CatalogModel, CatalogPartition, Procedure, ObjectPath, ObjectIdentifier, type ModuleEntry } from './api/catalog';
export {
  CatalogTableStatistics,
  CatalogColumnStatistics,
  CatalogColumnStatisticsDataBase,
  CatalogColumnStatisticsDataBinary,
  CatalogColumnStatisticsDataBoolean,
  CatalogColumnStatisticsDataDate,
  CatalogColumnStatisticsDataDouble,
  CatalogColumnStatisticsDataLong,
  CatalogColumnStatisticsDataString,
} from './api/catalog-stats';
export { CompiledPlan, PlanReference } from './api/compiled-plan';
export { ColumnList, Model, ModelDescriptor, ModelDescriptorBuilder } from './api/model';
export { StatementSet } from './api/statement-set';
export { JobClient, type SavepointFormatType } from './api/job-client';
export { DataTypes, DataType, DataViewType, RowDataType, type IntervalResolution, type Row, type Field, type RowOf, type ValueOf } from './api/data-types';
export { Schema, SchemaBuilder } from './api/schema';
export { TableDescriptor, FormatDescriptor } from './api/table-descriptor';
export {
  Expression,
  $,
  col,
  lit,
  call,
  callSql,
  and,
  or,
  not,
  row,
  array,
  map,
  concat,
  coalesce,
  ifThenElse,
  currentTimestamp,
  currentDate,
  nullOf,
  withColumns,
  withoutColumns,
  range,
  UNBOUNDED_ROW,
  UNBOUNDED_RANGE,
  CURRENT_ROW,
  CURRENT_RANGE,
  rowInterval,
  withAllColumns,
  lag,
  lead,
  currentTime,
  localTime,
  localTimestamp,
  currentDatabase,
  currentWatermark,
  sourceWatermark,
  pi,
  e,
  uuid,
  rand,
  randInteger,
  atan2,
  negative,
  log,
  concatWs,
  dateFormat,
  timestampDiff,
  convertTz,
  fromUnixtime,
  unixTimestamp,
  toDate,
  toTimestamp,
  toTimestampLtz,
  temporalOverlaps,
  descriptor,
  mapFromArrays,
  json,
  jsonString,
  jsonObject,
  jsonObjectAgg,
  jsonArray,
  jsonArrayAgg,
  objectOf,
  JavaEnum,
  TimeIntervalUnit,
  TimePointUnit,
  JsonType,
  JsonExistsOnError,
  JsonValueOnEmptyOrError,
  JsonQueryWrapper,
  JsonQueryOnEmptyOrError,
  JsonOnNull,
  type ExpressionLike,
  type JavaFunctionRef,
} from './api/expressions';
export { Tumble, Slide, Session as SessionWindow, Over, GroupWindow, OverWindow } from './api/windows';
export { renderText, renderHtml, formatValue } from './api/render';
export { FlinkError, type JavaCause, type SqlPosition } from './gateway/errors';
export { UnknownConnectorError, connectorTable, knownConnectorNames, type ConnectorSpec, type ResolvedConnector } from './connectors/resolve';
export {
  udf,
  udtf,
  asyncUdf,
  udaf,
  udtaf,
  vectorizedUdf,
  vectorizedUdaf,
  TsFunction,
  ScalarFunction,
  TableFunction,
  AsyncScalarFunction,
  AggregateFunction,
  TableAggregateFunction,
  ListView,
  MapView,
  UdfPresets,
  sessionLogFile,
  type UdfOptions,
  type AggregateOptions,
  type RetractableCollector,
  type ArgsOf,
  type TableRowOf,
  type FuncType,
  type VectorizedOptions,
  type VectorArgsOf,
  type VectorResultOf,
  type FunctionContext,
  type MetricGroup,
  type Counter,
  type Meter,
  type Distribution,
} from './api/udf';
export { UnshippableError } from './api/udf/ship';
export { resultToArrow, ArrowConversionError, FLINK_TYPE_METADATA, type ToArrowOptions, type ArrowSchemaHint } from './api/arrow';
export { StreamExecutionEnvironment, type RuntimeExecutionMode, type CheckpointingMode, type JobExecutionResult } from './api/datastream/stream-execution-environment';
export { StreamTableEnvironment, type StreamTableRowOf, type StreamRow, type StreamValue, type TableStreamRecord } from './api/datastream/stream-table-environment';
export { StreamStatementSet } from './api/datastream/stream-statement-set';
export { ChangelogMode } from './api/datastream/changelog-mode';
export { DataStream, SingleOutputStreamOperator, KeyedStream } from './api/datastream/data-stream';
export { Types, TypeInformation } from './api/datastream/types';
export { WatermarkStrategy, type TimestampAssigner } from './api/datastream/watermark-strategy';
export { WindowedStream } from './api/datastream/windowed-stream';
export { ConnectedStreams } from './api/datastream/connected-streams';
export { OutputTag } from './api/datastream/output-tag';
export { AsyncDataStream, type AsyncFunction, type ResultFuture } from './api/datastream/async-data-stream';
export {
  AsyncRetryStrategies,
  RetryPredicates,
  FixedDelayRetryStrategy,
  ExponentialBackoffDelayRetryStrategy,
  type AsyncRetryStrategy,
  type AsyncRetryPredicate,
} from './api/datastream/async-retry';
export {
  BroadcastStream,
  BroadcastConnectedStream,
  type BroadcastProcessFunction,
  type KeyedBroadcastProcessFunction,
  type BroadcastState,
  type ReadOnlyBroadcastState,
  type BroadcastContext,
  type BroadcastReadOnlyContext,
  type KeyedBroadcastReadOnlyContext,
  type KeyedBroadcastOnTimerContext,
} from './api/datastream/broadcast';
export { type Partitioner } from './api/datastream/partitioner';
export { Source, Sink } from './api/datastream/connectors/source';
export { DataStreamSink } from './api/datastream/connectors/sink-to';
export { NumberSequenceSource } from './api/datastream/connectors/number-seq';
export { DataGeneratorSource, RateLimiterStrategy, type GeneratorFunction } from './api/datastream/connectors/datagen';
export {
  FileSource,
  FileSourceBuilder,
  TextLineInputFormat,
  StreamFormat,
  BulkFormat,
  BulkWriterFactory,
  FileSink,
  RowFormatBuilder,
  BulkFormatBuilder,
  BucketAssigner,
  BasePathBucketAssigner,
  DateTimeBucketAssigner,
  SimpleStringEncoder,
  RollingPolicy,
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  OnCheckpointRollingPolicy,
  OutputFileConfig,
  OutputFileConfigBuilder,
} from './api/datastream/connectors/file-system';
export { ParquetBulkWriters, ParquetColumnarRowInputFormat, type ParquetColumnarRowInputFormatOptions, type HadoopConfiguration } from './api/datastream/formats/parquet';
export {
  KafkaSource,
  KafkaSourceBuilder,
  KafkaSink,
  KafkaSinkBuilder,
  KafkaRecordSerializationSchema,
  KafkaRecordSerializationSchemaBuilder,
  KafkaRecordDeserializationSchema,
  FlinkFixedPartitioner,
  OffsetsInitializer,
  SimpleStringSchema,
  DeliveryGuarantee,
  type KafkaRecord,
  type KafkaHeader,
  type KafkaRecordField,
  type OffsetResetStrategy,
} from './api/datastream/connectors/kafka';
export type { SerializationSchema, DeserializationSchema } from './api/datastream/connectors/serialization';
export {
  JsonRowSerializationSchema,
  JsonRowSerializationSchemaBuilder,
  JsonRowDeserializationSchema,
  JsonRowDeserializationSchemaBuilder,
} from './api/datastream/formats/json';
export {
  JdbcSink,
  JdbcSinkBuilder,
  JdbcExecutionOptions,
  JdbcExecutionOptionsBuilder,
  JdbcConnectionOptions,
  JdbcConnectionOptionsBuilder,
  type JdbcStatementBuilder,
  type JdbcStatementParameter,
} from './api/datastream/connectors/jdbc';
export {
  TimeWindow,
  GlobalWindow,
  WindowAssigner,
  Trigger,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  GlobalWindows,
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  TriggerResult,
  type CustomTrigger,
  type TriggerContext,
  Evictor,
  CountEvictor,
  TimeEvictor,
  DeltaEvictor,
  type Window,
} from './api/datastream/windowing';
export {
  WindowSerializer,
  TimestampedValue,
  type CustomWindowAssigner,
  type WindowAssignerContext,
  type MergeCallback,
  type CustomEvictor,
  type EvictorContext,
} from './api/datastream/custom-windows';
export type {
  Collector,
  RichFunction,
  MapFunction,
  FlatMapFunction,
  FilterFunction,
  KeySelector,
  ReduceFunction,
  ProcessFunction,
  KeyedProcessFunction,
  ProcessFunctionContext,
  TimerService,
  KeyedTimerService,
  KeyedProcessFunctionContext,
  OnTimerContext,
  AggregateFunction as DataStreamAggregateFunction,
  ProcessWindowFunction,
  ProcessWindowFunctionContext,
  CoMapFunction,
  CoFlatMapFunction,
  CoProcessFunction,
  KeyedCoProcessFunction,
} from './api/datastream/functions';
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  StateTtlConfig,
  type ReducingState,
  type AggregatingState,
  type ValueState,
  type ListState,
  type MapState,
  type KeyedRuntimeContext,
  type KeyedStateStore,
} from './api/datastream/state';

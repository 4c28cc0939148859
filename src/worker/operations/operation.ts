/**
 * Flink transforms the worker executes, registered by URN (the TypeScript counterpart of PyFlink's
 * beam_operations.py). An operation reads the bundle's input elements (each a varint length plus a
 * Flink row) and writes its output elements to `out`.
 */
import type { FunctionContext } from '../../api/udf/functions';
import type { LogicalTypeTree } from '../../api/values';
import type { ByteReader, ByteWriter } from '../coders/bytes';
import type { CoderFormat } from '../coders/schema';
import type { flinkApi } from '../fn-api';
import type { RemoteKeyedState } from '../state/keyed-state';

/** The payload proto a transform carries: UDFs, or aggregates with their grouping and state options. */
export type PayloadKind = 'udfs' | 'aggregate' | 'datastream';

export interface OperationContext<P = flinkApi.UserDefinedFunctions> {
  transformId: string;
  udfs: P;
  /** ROW type of the input elements (the UDF arguments). */
  inputType: LogicalTypeTree;
  /** ROW type of the output elements. */
  outputType: LogicalTypeTree;
  /** How input elements are framed: Flink rows, or Arrow batches (flink-python's vectorized operators). */
  inputFormat: CoderFormat;
  functionContext: FunctionContext;
  /** Tells the harness output was written outside `process` (async results). */
  outputReady(): void;
  /** Flink's keyed state of the operator (stateful transforms only). */
  keyedState(): RemoteKeyedState;
  /** The running bundle's state cache token: it changes when the state behind it may have. */
  cacheToken(): string;
  /** DataStream functions chained after this one in the same bundle, in order. */
  chained: flinkApi.UserDefinedDataStreamFunction[];
  /**
   * The bundle's side outputs (DataStream OutputTags), by the names of the ParDo outputs that
   * carry them: the row type (Row(timestamp, value)) and the writer of each.
   */
  sideOutputs: Map<string, { type: LogicalTypeTree; out: ByteWriter }>;
}

export interface Operation {
  open(): Promise<void>;
  /** Processes every element in `input`; may complete asynchronously. */
  process(input: ByteReader, out: ByteWriter): void | Promise<void>;
  /** Processes fired timers (Beam timers of a keyed DataStream function), as `process` does elements. */
  processTimers?(input: ByteReader, out: ByteWriter): void | Promise<void>;
  /** Timers set during the bundle, encoded for the runner (keyed DataStream functions). */
  takeTimers?(): Buffer | undefined;
  /** Completes the bundle: all results written to `out`. */
  finishBundle(out: ByteWriter): void | Promise<void>;
  /** The bundle failed (in `process`, a timer or `finishBundle`): drop what it left half done. */
  abortBundle?(): void;
  close(): Promise<void>;
}

export type OperationFactory = (ctx: OperationContext) => Operation;

const registry = new Map<string, { factory: OperationFactory; payload: PayloadKind }>();

export function registerOperation(urn: string, factory: OperationFactory, payload: PayloadKind = 'udfs'): void {
  registry.set(urn, { factory, payload });
}

export function operationFor(urn: string): { factory: OperationFactory; payload: PayloadKind } | undefined {
  return registry.get(urn);
}

/** Calls `each` with the decoded fields of every element of `input`. */
export function forEachElement<T>(input: ByteReader, decode: (r: ByteReader) => T, each: (row: T) => void): void {
  while (input.pos < input.end) {
    const len = input.varint();
    const end = input.pos + len;
    const row = decode(input);
    input.pos = end;
    each(row);
  }
}

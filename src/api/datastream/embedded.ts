/**
 * DataStream functions in embedded mode (docs/datastream.md § Embedded mode): with the
 * environment's option `tsflink.udf.execution-mode` = 'embedded' (PyFlink's `python.execution-mode`
 * = 'thread'), map, filter, flatMap, process, the key selector of keyBy, on a KeyedStream process
 * (a KeyedProcessFunction) and reduce, and the functions of connected streams (CoMap, CoFlatMap,
 * CoProcess, KeyedCoProcess) run in a JavaScript runtime inside the task
 * (dev.tsflink.embedded.EmbeddedStreamOperator) instead of the Node worker, with Flink's own keyed
 * state and timers. The other kinds (windows, broadcast functions, async I/O, timestamp assigners)
 * run in process mode in the same job: both modes read and write the same records.
 */
import { callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import { embeddedModules } from '../udf/embedded-packages';
import { embeddedPlatformProblem, EXECUTION_MODE_OPTION, parseExecutionMode, type ExecutionMode } from '../udf/execution-mode';
import { NO_SHIPPED_DEPENDENCIES } from '../udf/shipped-modules';
import type { ShippedCode } from '../udf/ship';
import type { EmbeddedEngine } from '../udf/udf';
import type { DataStreamFunctionKind } from './descriptor';
import type { TypeSpec } from './types';

/** The JS runtime of embedded DataStream functions: 'v8' (the default) or 'node' (Node.js, on a standalone cluster). */
export const EMBEDDED_ENGINE_OPTION = 'tsflink.udf.embedded-engine';

/** The kinds EmbeddedStreamOperator runs (datastream-glue.js). */
const EMBEDDED_KINDS: ReadonlySet<DataStreamFunctionKind> = new Set<DataStreamFunctionKind>([
  'map',
  'filter',
  'flatMap',
  'process',
  'keyBy',
  'keyedProcess',
  'reduce',
  'coMap',
  'coFlatMap',
  'coProcess',
  'keyedCoProcess',
]);

export interface StreamFunctionExecution {
  mode: ExecutionMode;
  engine: EmbeddedEngine;
}

/** The environment's options for its TS functions; a bad value names the option and what it takes. */
export function streamFunctionExecution(options: Readonly<Record<string, string>>): StreamFunctionExecution {
  const mode = parseExecutionMode(options[EXECUTION_MODE_OPTION]);
  const engine = (options[EMBEDDED_ENGINE_OPTION] ?? 'v8').trim().toLowerCase();
  if (engine !== 'v8' && engine !== 'node') throw new TypeError(`${EMBEDDED_ENGINE_OPTION} must be 'v8' or 'node', got '${options[EMBEDDED_ENGINE_OPTION]}'`);
  return { mode, engine };
}

/** The records of an operator: its inputs' (Row(key, value) on a KeyedStream), its output's, its key's (keyed only). */
export interface OperatorTypes {
  in: readonly TypeSpec[];
  out: TypeSpec;
  key?: TypeSpec;
}

let warnedPlatform = false;

/**
 * The embedded operator for a function of `kind` on `streams` (the handles of its one or two input
 * DataStreams), or undefined when the function runs in process mode: the environment's mode is
 * 'process', the kind is one embedded mode does not run, or this machine cannot run it (said once,
 * as for UDFs).
 */
export function embeddedOperator(
  execution: StreamFunctionExecution,
  streams: readonly number[],
  kind: DataStreamFunctionKind,
  name: string,
  code: () => ShippedCode,
  types: OperatorTypes,
): number | undefined {
  if (execution.mode !== 'embedded' || !EMBEDDED_KINDS.has(kind)) return undefined;
  const problem = embeddedPlatformProblem();
  if (problem !== undefined) {
    if (!warnedPlatform) console.warn(`TypeScript DataStream functions: ${problem}, so they run in process mode (the Node worker) instead`);
    warnedPlatform = true;
    return undefined;
  }
  const shipped = code();
  const spec = {
    kind,
    name,
    engine: execution.engine,
    inType: streams.length === 1 ? types.in[0] : types.in,
    outType: types.out,
    keyType: types.key ?? null,
    // the packages the code requires, bundled: an embedded runtime has no node_modules
    bundledModules: embeddedModules(name, shipped.source, execution.engine, NO_SHIPPED_DEPENDENCIES, (m) => console.warn(m)),
  };
  return callSync<number>('dev.tsflink.datastream.DataStreams', streams.length === 1 ? 'embedded' : 'embeddedCo', ...streams, toJavaJson(spec), toJavaJson(shipped));
}

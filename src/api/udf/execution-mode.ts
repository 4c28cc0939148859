/**
 * Where TypeScript UDFs run (docs/embedded.md): per function (`udf(..., { mode })`) or, for a
 * function without a mode of its own, per table environment with the option
 * `tsflink.udf.execution-mode` (PyFlink's `python.execution-mode`), read when the function is used:
 * in a Table API call (`select(call(f, ...))`) or when it is registered for SQL.
 */
import type { ArgNode } from '../../gateway/facade';
import type { ShippedDependencies } from './shipped-modules';

export type ExecutionMode = 'process' | 'embedded';

/** The table environment's option: 'process' (the default) or 'embedded'. */
export const EXECUTION_MODE_OPTION = 'tsflink.udf.execution-mode';

/** Flink's options bounding an async scalar function's call with its retries, and setting the retries. */
export const ASYNC_SCALAR_TIMEOUT = 'table.exec.async-scalar.timeout';
export const ASYNC_SCALAR_RETRY_STRATEGY = 'table.exec.async-scalar.retry-strategy';

/** The option's value as a mode; a bad value names the option and what it takes. */
export function parseExecutionMode(value: string | undefined): ExecutionMode {
  if (value === undefined || value.trim() === '') return 'process';
  const v = value.trim().toLowerCase();
  if (v === 'process' || v === 'embedded') return v;
  const hint = v === 'thread' ? " (PyFlink's thread mode is 'embedded' here)" : '';
  throw new TypeError(`${EXECUTION_MODE_OPTION} must be 'process' or 'embedded', got '${value}'${hint}`);
}

/**
 * Why embedded mode cannot run on this machine, or undefined. TSFlink ships Javet's native library
 * for Linux on x86-64 only (src/jvm/pom.xml), and the session's JVM (with its mini-cluster) runs
 * where this process runs.
 */
export function embeddedPlatformProblem(platform: string = process.platform, arch: string = process.arch): string | undefined {
  if (platform === 'linux' && arch === 'x64') return undefined;
  return `embedded mode needs Linux on x86-64 (the Javet native library TSFlink ships), and this machine is ${platform}/${arch}`;
}

/**
 * The mode a function runs in: the one asked for, except embedded mode where it cannot run, which
 * falls back to process mode with a warning naming why (never silently).
 */
export function runnableMode(requested: ExecutionMode, name: string, warn: (message: string) => void, problem = embeddedPlatformProblem()): ExecutionMode {
  if (requested !== 'embedded' || problem === undefined) return requested;
  warn(`TypeScript UDF '${name}': ${problem}, so it runs in process mode (the Node worker) instead`);
  return 'process';
}

/**
 * What the table environment using a function tells it when its Java function is made (a
 * TableEnvironment): each asked only when needed, so a bad option value fails only where it matters.
 */
export interface FunctionEnvironment {
  /** `tsflink.udf.execution-mode`, asked for a function without a mode of its own. */
  udfExecutionMode(): ExecutionMode;
  /**
   * The dependencies the environment ships (addJsFile, setNpmRequirements, addArchive), asked for
   * a function made for embedded mode, which bundles the modules it requires from them.
   */
  udfDependencies(): ShippedDependencies;
  /**
   * Asked for an async function made for embedded mode: when it fails a call, naming itself
   * (`table.exec.async-scalar.timeout` in ms, or 0 with retries set: Flink's own timeout then).
   */
  udfAsyncDeadlineMs(): number;
}

/** A function that takes the environment's mode when it has none of its own (a TS UDF without `mode`). */
export interface ModeFollowingFunction {
  /** true: built for the environment's mode; false or absent: the function has its own (or is Java) */
  readonly followsExecutionMode?: boolean;
  /**
   * true: what it is made of depends on the environment using it (its mode, or in embedded mode its
   * shipped dependencies), so its expression node waits for that environment (resolveFunctionNodes)
   */
  readonly dependsOnEnvironment?: boolean;
  toJavaHandle(environment?: FunctionEnvironment): number;
}

/** The node of a function that depends on the environment using it: resolved by resolveFunctionNodes. */
interface FunctionNode {
  k: 'udf';
  fn: ModeFollowingFunction;
  /** Where no environment resolves the node, the function as made without one (process mode for one without a mode of its own). */
  toJSON(): ArgNode;
}

/** The expression node of a function reference. */
export function functionNode(fn: ModeFollowingFunction): ArgNode {
  if (!fn.dependsOnEnvironment) return { k: 'handle', id: fn.toJavaHandle() };
  const node: FunctionNode = { k: 'udf', fn, toJSON: () => ({ k: 'handle', id: fn.toJavaHandle() }) };
  return node as unknown as ArgNode;
}

/** The environment with each answer asked for at most once. */
function askedOnce(environment: FunctionEnvironment): FunctionEnvironment {
  let mode: ExecutionMode | undefined;
  let deps: ShippedDependencies | undefined;
  let asyncDeadlineMs: number | undefined;
  return {
    udfExecutionMode: () => (mode ??= environment.udfExecutionMode()),
    udfDependencies: () => (deps ??= environment.udfDependencies()),
    udfAsyncDeadlineMs: () => (asyncDeadlineMs ??= environment.udfAsyncDeadlineMs()),
  };
}

/**
 * `args` with each function node replaced by the handle of the function made for `environment`
 * (its mode and shipped dependencies, each asked at most once and only if a function needs it).
 * Nodes are shared between expressions, so the tree is copied where it changes, never changed in place.
 */
export function resolveFunctionNodes(args: ArgNode[], environment: FunctionEnvironment): ArgNode[] {
  const once = askedOnce(environment);
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) {
      let out: unknown[] | undefined;
      n.forEach((x, i) => {
        const y = walk(x);
        if (y !== x) (out ??= n.slice())[i] = y;
      });
      return out ?? n;
    }
    if (n === null || typeof n !== 'object') return n;
    const node = n as Record<string, unknown>;
    if (node.k === 'udf') return { k: 'handle', id: (node as unknown as FunctionNode).fn.toJavaHandle(once) };
    let out: Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(node)) {
      const y = walk(value);
      if (y !== value) (out ??= { ...node })[key] = y;
    }
    return out ?? node;
  };
  return walk(args) as ArgNode[];
}

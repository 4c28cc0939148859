/**
 * Shipping TypeScript UDF code to the Node workers: `shipValue(fn, label)` returns a self-contained
 * CommonJS module (plus a source map) that re-creates `fn` with everything it captured; the worker
 * evaluates it with `loadShipped` (src/worker/load-shipped.ts). See docs/udf-shipping.md.
 */
import { createHash } from 'node:crypto';
import { packageRoot } from '../../../gateway/paths';
import { emitModule } from './emit';
import { Inspector } from './inspect';
import { ModuleIndex } from './modules';
import { Serializer, UnshippableError } from './serialize';

export { UnshippableError };

export interface ShippedCode {
  /** A CommonJS module whose `module.exports` is the shipped value. */
  source: string;
  /** The name stack traces show for the module (frames are mapped to the original files). */
  filename: string;
  /** Source map (v3 JSON) from `source` to the user's original files. */
  sourceMap?: string;
}

/**
 * Serializes a function, a class instance or an object of functions, with the values it closes
 * over, for a worker process. Rejects with `UnshippableError` naming the captured variable when
 * something cannot travel (a socket, a Promise, a TableEnvironment, ...).
 */
export async function shipValue(value: Function | object, label: string): Promise<ShippedCode> {
  return shipValueSync(value, label);
}

/**
 * The same, synchronously (the in-process inspector answers synchronously), for registration
 * paths that are synchronous, e.g. `udf(...)`: errors surface at the call that defines the UDF.
 */
export function shipValueSync(value: Function | object, label: string): ShippedCode {
  if ((typeof value !== 'function' && typeof value !== 'object') || value === null) {
    throw new TypeError(`Cannot ship UDF '${label}': expected a function or an object, got ${value === null ? 'null' : typeof value}`);
  }
  const inspector = Inspector.open();
  try {
    const serializer = new Serializer(label, inspector, new ModuleIndex(), packageRoot());
    const root = serializer.value(value, { via: [], at: '' });
    const safe = label.replace(/[^\w.-]+/g, '_') || 'udf';
    const provisional = emitModule(label, '', serializer.nodes, root, inspector);
    const hash = createHash('sha256').update(provisional.source).digest('hex').slice(0, 12);
    const filename = `tsflink-udf/${safe}-${hash}.js`;
    const { source, sourceMap } = emitModule(label, filename, serializer.nodes, root, inspector);
    return sourceMap ? { source, filename, sourceMap } : { source, filename };
  } finally {
    inspector.close();
  }
}

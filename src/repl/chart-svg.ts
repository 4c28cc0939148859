/**
 * The SVG fallback of a chart (issue 18, item 2): front-ends without a Vega-Lite renderer (classic
 * Notebook, nbconvert's HTML, GitHub's viewer, plain Jupyter consoles) show `image/svg+xml`. The
 * spec is compiled and rendered in Node by the `vega-lite` and `vega` packages themselves (no
 * browser), so the picture is the one JupyterLab draws from the same spec.
 */
import { VEGA_LITE_MIME } from './chart';
import type { MimeBundle } from './types';

/** The SVG's width where a spec says `width: 'container'`, which only a page can resolve. */
const FALLBACK_WIDTH = 560;

interface VegaModules {
  vega: { View: new (runtime: unknown, options: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void }; parse(spec: unknown): unknown };
  vegaLite: { compile(spec: unknown): { spec: unknown } };
}

// vega and vega-lite are ES modules with top-level await: only a real import() loads them from
// this CommonJS build (tsc would turn a plain import() into require())
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([importModule('vega'), importModule('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }) as VegaModules);
  return modules;
}

/** A Vega-Lite spec drawn as SVG text. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const sized = spec.width === 'container' ? { ...spec, width: FALLBACK_WIDTH } : spec;
  const view = new vega.View(vega.parse(vegaLite.compile(sized).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The bundle with `image/svg+xml` added when it holds a Vega-Lite chart without one. A chart that
 * cannot be drawn keeps its spec and table and gets no picture; the reason goes to onError.
 */
export async function withSvgFallback(bundle: MimeBundle, onError?: (err: unknown) => void): Promise<MimeBundle> {
  const spec = bundle[VEGA_LITE_MIME];
  if (spec === undefined || typeof spec !== 'object' || bundle['image/svg+xml'] !== undefined) return bundle;
  try {
    return { ...bundle, 'image/svg+xml': await vegaLiteToSvg(spec as Record<string, unknown>) };
  } catch (err) {
    onError?.(err);
    return bundle;
  }
}

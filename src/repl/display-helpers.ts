/**
 * The `display` binding (issue 18, item 3): `display(value)` renders a value as a cell result
 * does; its methods output one MIME type each, with the names tslab users know (`display.html`,
 * `display.markdown`, `display.svg`, `display.png`, ...), and `display.mime(bundle)` any bundle.
 */
import type { MimeBundle } from './types';

export interface DisplayFunction {
  /** Shows a value (Table, TableResult, Arrow table, rows, string, anything) in the output now. */
  (value: unknown): Promise<void>;
  /** HTML (text/html). */
  html(html: string): Promise<void>;
  /** Markdown (text/markdown). */
  markdown(markdown: string): Promise<void>;
  /** LaTeX (text/latex), e.g. '$e^{i\\pi} = -1$'. */
  latex(latex: string): Promise<void>;
  /** An SVG document (image/svg+xml). */
  svg(svg: string): Promise<void>;
  /** A PNG image: its bytes, or its base64 text. */
  png(image: Uint8Array | string): Promise<void>;
  /** A JPEG image: its bytes, or its base64 text. */
  jpeg(image: Uint8Array | string): Promise<void>;
  /** A GIF image: its bytes, or its base64 text. */
  gif(image: Uint8Array | string): Promise<void>;
  /** Plain text (text/plain), shown as is. */
  text(text: string): Promise<void>;
  /** A JSON value (application/json), shown as a tree by JupyterLab. */
  json(value: object): Promise<void>;
  /**
   * Any MIME bundle, e.g. `{ 'text/html': '<b>hi</b>', 'text/plain': 'hi' }`. Text and base64
   * types take strings, JSON types (application/json, `...+json` such as Vega-Lite) objects.
   */
  mime(bundle: MimeBundle): Promise<void>;
}

/** The declaration the type checker sees for `display` (kept next to the implementation). */
export const DISPLAY_DECLARATION = `/** Shows a value (Table, TableResult, Arrow table, rows, string, anything) in the output now; its methods output one MIME type each. */
export declare const display: {
  (value: unknown): Promise<void>;
  /** HTML (text/html). */ html(html: string): Promise<void>;
  /** Markdown (text/markdown). */ markdown(markdown: string): Promise<void>;
  /** LaTeX (text/latex). */ latex(latex: string): Promise<void>;
  /** An SVG document (image/svg+xml). */ svg(svg: string): Promise<void>;
  /** A PNG image: its bytes, or its base64 text. */ png(image: Uint8Array | string): Promise<void>;
  /** A JPEG image: its bytes, or its base64 text. */ jpeg(image: Uint8Array | string): Promise<void>;
  /** A GIF image: its bytes, or its base64 text. */ gif(image: Uint8Array | string): Promise<void>;
  /** Plain text (text/plain). */ text(text: string): Promise<void>;
  /** A JSON value (application/json). */ json(value: object): Promise<void>;
  /** Any MIME bundle: text and base64 types as strings, JSON types (…+json) as objects. */ mime(bundle: { [mime: string]: string | object }): Promise<void>;
};
`;

function isJsonType(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

/** Checks a user's bundle; bad input gets an error naming the cause. */
export function checkedBundle(bundle: unknown): MimeBundle {
  if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle)) throw new TypeError(`display.mime: expected an object of MIME type → data, got ${Array.isArray(bundle) ? 'an array' : bundle === null ? 'null' : typeof bundle}`);
  const entries = Object.entries(bundle as Record<string, unknown>);
  if (entries.length === 0) throw new TypeError('display.mime: the bundle is empty; give at least one MIME type, e.g. { "text/html": "<b>hi</b>" }');
  for (const [mime, data] of entries) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) throw new TypeError(`display.mime: '${mime}' is not a MIME type (type/subtype)`);
    if (isJsonType(mime)) {
      if (data === null || typeof data !== 'object') throw new TypeError(`display.mime: '${mime}' is a JSON type and needs an object, got ${typeof data}`);
    } else if (typeof data !== 'string') {
      throw new TypeError(`display.mime: '${mime}' needs a string (text, or base64 for images), got ${data === null ? 'null' : typeof data}`);
    }
  }
  return bundle as MimeBundle;
}

function base64(image: Uint8Array | string, what: string): string {
  if (image instanceof Uint8Array) return Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('base64');
  if (typeof image === 'string') return image.replace(/\s+/g, '');
  throw new TypeError(`display.${what}: expected the image's bytes (Uint8Array) or its base64 text, got ${typeof image}`);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`display.${what}: expected a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** Builds the binding from the core's two ways to show something. */
export function makeDisplay(show: (value: unknown) => Promise<void>, showBundle: (bundle: MimeBundle) => Promise<void>): DisplayFunction {
  // a rejected promise (not a synchronous throw) for bad input, like every other display call
  const via = (build: () => MimeBundle) => {
    try {
      return showBundle(build());
    } catch (e) {
      return Promise.reject(e);
    }
  };
  return Object.assign((value: unknown) => show(value), {
    html: (html: string) => via(() => ({ 'text/html': text(html, 'html') })),
    markdown: (md: string) => via(() => ({ 'text/markdown': text(md, 'markdown'), 'text/plain': md })),
    latex: (tex: string) => via(() => ({ 'text/latex': text(tex, 'latex'), 'text/plain': tex })),
    svg: (svg: string) => via(() => ({ 'image/svg+xml': text(svg, 'svg') })),
    png: (image: Uint8Array | string) => via(() => ({ 'image/png': base64(image, 'png') })),
    jpeg: (image: Uint8Array | string) => via(() => ({ 'image/jpeg': base64(image, 'jpeg') })),
    gif: (image: Uint8Array | string) => via(() => ({ 'image/gif': base64(image, 'gif') })),
    text: (t: string) => via(() => ({ 'text/plain': text(t, 'text') })),
    json: (value: object) => via(() => checkedBundle({ 'application/json': value })),
    mime: (bundle: MimeBundle) => via(() => checkedBundle(bundle)),
  });
}

/**
 * Display bundles (DESIGN.md "Display contract"): a MIME bundle with the custom cnnlab type,
 * `image/png` (base64, rendered in Node) where available, and `text/plain` always.
 * Objects expose it under `Symbol.for('Jupyter.display')`, the convention Deno's kernel uses.
 */
export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

export type MimeBundle = Record<string, unknown> & { 'text/plain': string };

export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

export function isDisplayable(x: unknown): x is Displayable {
  return x !== null && (typeof x === 'object' || typeof x === 'function')
    && typeof (x as Record<symbol, unknown>)[JUPYTER_DISPLAY] === 'function';
}

/** A plain displayable object built from a bundle-producing function. */
export class DisplayObject implements Displayable {
  constructor(private readonly make: () => MimeBundle) {}
  [JUPYTER_DISPLAY](): MimeBundle { return this.make(); }
  toString(): string { return this.make()['text/plain']; }
}

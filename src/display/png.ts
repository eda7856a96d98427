/** Colormaps and an RGBA canvas for the `image/png` fallbacks of display bundles; PNG encoding is tensor/png.ts's. */
import { encodePng } from '../tensor/png';
import type { Colormap } from './featuremaps-schema';

export { encodePng };

export type { Colormap } from './featuremaps-schema';
export const COLORMAPS: readonly Colormap[] = ['viridis', 'inferno', 'gray', 'coolwarm'];

// Polynomial fits (6th order) of matplotlib's viridis and inferno, t ∈ [0, 1] → RGB ∈ [0, 1].
const POLY: Record<'viridis' | 'inferno', number[][]> = {
  viridis: [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ],
  inferno: [
    [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
    [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
    [11.60249308247187, -3.972853965665698, -15.9423941062914],
    [-41.70399613139459, 17.43639888205313, 44.35414519872813],
    [77.162935699427, -33.40235894210092, -81.80730925738993],
    [-71.31942824499214, 32.62606426397723, 73.20951985803202],
    [25.13112622477341, -12.24266895238567, -23.07032500287172],
  ],
};

/** Colour of t ∈ [0, 1] as bytes [r, g, b]. */
export function colorOf(cmap: Colormap, t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  if (cmap === 'gray') { const v = Math.round(x * 255); return [v, v, v]; }
  if (cmap === 'coolwarm') {
    // diverging blue → white → red
    const r = x < 0.5 ? 0.23 + 1.54 * x : 1 - 0.5 * (x - 0.5) * 1.4;
    const g = x < 0.5 ? 0.3 + 1.4 * x : 1 - 1.7 * (x - 0.5);
    const b = x < 0.5 ? 0.75 + 0.5 * x : 1 - 1.6 * (x - 0.5);
    return [r, g, b].map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255)) as [number, number, number];
  }
  const c = POLY[cmap];
  const out: number[] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    let v = 0;
    for (let p = c.length - 1; p >= 0; p--) v = v * x + c[p][k];
    out[k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return out as [number, number, number];
}


/** A canvas of RGBA pixels with a white background. */
export class Canvas {
  readonly rgba: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.rgba = new Uint8Array(width * height * 4).fill(255);
  }
  set(x: number, y: number, r: number, g: number, b: number, a = 255): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.rgba[i] = r; this.rgba[i + 1] = g; this.rgba[i + 2] = b; this.rgba[i + 3] = a;
  }
  png(): Uint8Array { return encodePng(this.width, this.height, this.rgba); }
  base64(): string { return Buffer.from(this.png()).toString('base64'); }
}

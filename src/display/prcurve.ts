/** Display object for precision/recall curves (`application/vnd.cnnlab.prcurve+json`). */
import { DisplayObject, type MimeBundle } from './bundle';
import type { PrCurveData } from './det-schema';

import { MIME } from './schema';
import { prCurveSvg } from './render/prcurve-svg';
import { svgToPngBase64 } from './render/raster';

export const PRCURVE_MIME = MIME.prcurve;

function fmt(v: number | null): string {
  return v === null ? '   n/a' : v.toFixed(4);
}

/** Text fallback: one line per class with AP and the curve's extent. */
export function prCurveText(d: PrCurveData): string {
  const head = `PR curves (${d.style}, IoU ${d.iouThreshold}, ${d.interpolation}${d.areaRange ? `, area ${d.areaRange}, maxDets ${d.maxDets}` : ''})`;
  const w = Math.max(5, ...d.classes.map((c) => c.name.length));
  const lines = d.classes.map((c) => {
    const n = c.recall.length;
    const rmax = n ? c.recall[n - 1] : 0;
    return `  ${c.name.padEnd(w)}  AP ${fmt(c.ap)}  points ${String(n).padStart(6)}  max recall ${rmax.toFixed(4)}`;
  });
  return [head, ...lines].join('\n');
}

export function prCurveBundle(d: PrCurveData): MimeBundle {
  return { [PRCURVE_MIME]: d, 'image/png': svgToPngBase64(prCurveSvg(d)), 'text/plain': prCurveText(d) };
}

/** A displayable holding PR-curve data. */
export class PrCurveDisplay extends DisplayObject {
  constructor(readonly data: PrCurveData) {
    super(() => prCurveBundle(data));
  }
}

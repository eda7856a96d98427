/** Display object for mAP tables (`application/vnd.cnnlab.maptable+json`). */
import { DisplayObject, type MimeBundle } from './bundle';
import type { MapTableData } from './det-schema';

import { MIME } from './schema';
import { cocoSummaryLines } from './render/coco-lines';
import { mapTableSvg } from './render/maptable-svg';
import { svgToPngBase64 } from './render/raster';

export const MAPTABLE_MIME = MIME.maptable;

function cell(v: number | null, col: string): string {
  if (v === null) return 'n/a';
  if (/^(npos|tp|fp|ignored|nDet)$/.test(col)) return String(v);
  return v.toFixed(4);
}

/** Text fallback: an aligned table with the summary row last. */
export function mapTableText(d: MapTableData): string {
  const rows = [['class', ...d.columns]];
  for (const r of d.rows) rows.push([r.name, ...r.values.map((v, i) => cell(v, d.columns[i]))]);
  rows.push([d.summary.label, ...d.summary.values.map((v, i) => cell(v, d.columns[i]))]);
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  const out = [`mAP table (${d.style}${d.iouThreshold !== undefined ? `, IoU ${d.iouThreshold}` : ''})`, line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (let i = 1; i < rows.length - 1; i++) out.push(line(rows[i]));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '), line(rows[rows.length - 1]));
  if (d.cocoSummary) out.push('', ...cocoSummaryLines(d.cocoSummary, d.maxDets));
  return out.join('\n');
}

export function mapTableBundle(d: MapTableData): MimeBundle {
  return { [MAPTABLE_MIME]: d, 'image/png': svgToPngBase64(mapTableSvg(d)), 'text/plain': mapTableText(d) };
}

/** A displayable holding mAP-table data. */
export class MapTableDisplay extends DisplayObject {
  constructor(readonly data: MapTableData) {
    super(() => mapTableBundle(data));
  }
}

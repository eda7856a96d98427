/** The PNG fallback of `application/vnd.cnnlab.maptable+json`: per-class AP table, the mean row, COCO's 12 lines. */
import type { MapTableData } from '../det-schema';
import { cocoSummaryLines } from './coco-lines';
import { MONO_ADVANCE, MONO_FAMILY } from './font';
import { tableSvg } from './table-svg';
import { el, esc, svgDoc, text, textWidth } from './svg';

const STYLE_NAME = { coco: 'COCO', voc07: 'VOC2007 (11-point)', voc: 'VOC2010+ (all-point)' } as const;

export function mapCell(v: number | null, col: string): string {
  if (v === null) return 'n/a';
  if (/^(npos|tp|fp|ignored|nDet)$/.test(col)) return String(v);
  return v === -1 ? '-1' : v.toFixed(4);
}

export function mapTableSvg(d: MapTableData): string {
  const title = `mAP table, ${STYLE_NAME[d.style] ?? d.style}${d.iouThreshold !== undefined ? `, IoU ${d.iouThreshold}` : ''}`;
  const head = 52;
  const t = tableSvg({
    columns: [{ label: 'class', max: 260 }, ...d.columns.map((c) => ({ label: c, align: 'right' as const }))],
    rows: [
      ...d.rows.map((r) => ({ cells: [r.name, ...r.values.map((v, i) => mapCell(v, d.columns[i]))] })),
      { cells: [d.summary.label, ...d.summary.values.map((v, i) => mapCell(v, d.columns[i]))], bold: true, rule: true },
    ],
    maxRows: 90,
  }, 16, head);
  const parts = [text(16, 30, title, { size: 15, bold: true }), t.svg];
  let y = head + t.height + 16;
  let width = t.width + 32;
  if (d.cocoSummary) {
    const lines = cocoSummaryLines(d.cocoSummary, d.maxDets);
    parts.push(text(16, y + 12, 'pycocotools summarize()', { size: 12, bold: true }));
    y += 22;
    const mono = 12, lh = 17;
    parts.push(el('rect', { x: 16, y: y - 4, width: Math.max(...lines.map((l) => l.length)) * mono * MONO_ADVANCE + 20, height: lines.length * lh + 10, fill: '#f5f5f5', stroke: '#ddd' }));
    lines.forEach((l, i) => parts.push(el('text', { x: 26, y: y + (i + 1) * lh - 2, 'font-size': mono, 'font-family': MONO_FAMILY, 'xml:space': 'preserve' }, esc(l))));
    width = Math.max(width, lines[0].length * mono * MONO_ADVANCE + 60);
    y += lines.length * lh + 16;
  }
  return svgDoc(Math.max(width, textWidth(title, 15, true) + 32), y + 4, title, parts.join(''));
}

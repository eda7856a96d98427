/** `application/vnd.cnnlab.maptable+json`: per-class AP, sortable, the mean row, COCO's 12-number block. */
import type { MapTableData, MapTableRow } from '../../src/display/schema';
import { el } from './common';
import { SortableTable } from './table';

const COUNT = /^(npos|tp|fp|ignored|nDet)$/;

function cell(v: number | null, col: string): string {
  if (v === null) return 'n/a';
  if (COUNT.test(col)) return String(v);
  return v.toFixed(4);
}

/** pycocotools' `summarize()` lines: ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.xxx`. */
export function cocoSummaryLines(s: Record<string, number>, maxDets: number[] = [1, 10, 100]): string[] {
  const [m1, m10, m100] = [maxDets[0] ?? 1, maxDets[1] ?? 10, maxDets[2] ?? 100];
  const spec: [string, string, string, string, number][] = [
    ['AP', 'Average Precision', '0.50:0.95', 'all', m100], ['AP50', 'Average Precision', '0.50', 'all', m100],
    ['AP75', 'Average Precision', '0.75', 'all', m100], ['APs', 'Average Precision', '0.50:0.95', 'small', m100],
    ['APm', 'Average Precision', '0.50:0.95', 'medium', m100], ['APl', 'Average Precision', '0.50:0.95', 'large', m100],
    ['AR1', 'Average Recall', '0.50:0.95', 'all', m1], ['AR10', 'Average Recall', '0.50:0.95', 'all', m10],
    ['AR100', 'Average Recall', '0.50:0.95', 'all', m100], ['ARs', 'Average Recall', '0.50:0.95', 'small', m100],
    ['ARm', 'Average Recall', '0.50:0.95', 'medium', m100], ['ARl', 'Average Recall', '0.50:0.95', 'large', m100],
  ];
  return spec.filter(([k]) => k in s).map(([k, title, iou, area, md]) => {
    const type = title.startsWith('Average Precision') ? '(AP)' : '(AR)';
    return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(md).padStart(3)} ] = ${s[k].toFixed(3)}`;
  });
}

export function renderMapTable(d: MapTableData, host: HTMLElement): void {
  const summaryRow: MapTableRow = { categoryId: -1, name: d.summary.label, values: d.summary.values };
  const table = new SortableTable<MapTableRow>({
    className: 'cl-maptable',
    columns: [
      { label: 'class', text: (r) => r.name, value: (r) => r.name, align: 'left' },
      ...d.columns.map((c, j) => ({
        label: c, text: (r: MapTableRow) => cell(r.values[j] ?? null, c),
        // undefined entries (null, or −1 as pycocotools writes them) sort last
        value: (r: MapTableRow) => { const v = r.values[j]; return v === null || v === undefined || (v === -1 && !COUNT.test(c)) ? null : v; },
      })),
    ],
    rows: () => d.rows,
    footer: [summaryRow],
  });
  const title = `mAP table (${d.style}${d.iouThreshold !== undefined ? `, IoU ${d.iouThreshold}` : ''}) — ${d.rows.length} classes`;
  const parts: HTMLElement[] = [el('div', { class: 'cl-title' }, title), table.node];
  if (d.cocoSummary) parts.push(el('pre', { class: 'cl-coco' }, cocoSummaryLines(d.cocoSummary, (d as { maxDets?: number[] }).maxDets).join('\n')));
  host.replaceChildren(...parts);
}

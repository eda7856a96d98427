/** The PNG fallback of `application/vnd.cnnlab.summary+json`: the torchinfo-like table and its totals. */
import type { SummaryData } from '../analysis-schema';
import { notesSvg, tableSvg } from './table-svg';
import { svgDoc, text } from './svg';

const int = (n: number) => n.toLocaleString('en-US');
const units = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : String(n));
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const shape = (s: (number | string)[] | null) => (s ? `[${s.join(', ')}]` : '--');

/** The table; `notes` are extra bold lines under the totals (the random-weights footer). */
export function summarySvg(d: SummaryData, notes: string[] = []): string {
  const num = d.paperConvention ? units : int;
  const title = `${d.model}: ${units(d.totals.params)} params, ${units(d.totals.macs)} ${d.paperConvention ? 'mult-adds' : 'MACs'}`;
  const sub = `input ${d.inputs.map((i) => `${i.name} ${shape(i.shape)}`).join(', ')} · rows to depth ${d.depth}`;
  const shared = new Set(d.rows.filter((r) => r.call === 1 && r.params > 0).map((r) => r.path));
  const t = tableSvg({
    columns: [{ label: 'Layer (name: type)', max: 380 }, { label: 'Output shape' }, { label: 'Param #', align: 'right' }, { label: d.paperConvention ? 'Mult-Adds' : 'MACs', align: 'right' }, { label: '% MACs', align: 'right' }],
    rows: d.rows.map((r) => ({
      indent: r.depth,
      bold: r.depth === 0,
      cells: [
        r.depth === 0 ? r.type : r.kind === 'op' ? `(${r.type})` : `${r.name}: ${r.type}${r.calls && r.calls > 1 ? ` (call ${r.call} of ${r.calls})` : ''}`,
        shape(r.outputShape),
        r.call !== undefined && r.call > 1 && shared.has(r.path) ? '(recursive)' : r.params ? num(r.params) : '--',
        r.macs ? num(r.macs) : '--',
        r.macs ? `${r.macsPercent.toFixed(2)}%` : '--',
      ],
    })),
    maxRows: 60,
  }, 16, 62);
  const tt = d.totals;
  const lines: { text: string; bold?: boolean }[] = [
    { text: `Trainable params: ${int(tt.params)}   Buffers: ${int(tt.buffers)}`, bold: true },
    d.paperConvention
      ? { text: `Mult-Adds (conv + FC; the papers' "FLOPs"): ${units(tt.macs)} (${int(tt.macs)})`, bold: true }
      : { text: `MACs: ${int(tt.macs)} (${units(tt.macs)})   FLOPs (2·MACs): ${int(tt.flops)} (${units(tt.flops)})`, bold: true },
  ];
  if (!d.paperConvention && tt.otherOps) {
    const other = Object.entries(tt.otherOps).filter(([, v]) => v).map(([k, v]) => `${k} ${units(v)}`);
    if (other.length) lines.push({ text: `Other ops, not in MACs: ${other.join(', ')}` });
  }
  lines.push({ text: `Params ${mb(tt.paramBytes)} · input ${mb(tt.inputBytes)} · peak live activations ${mb(tt.peakActivationBytes)}${tt.peakAt ? ` at ${tt.peakAt.op} (${tt.peakAt.module || 'model'})` : ''}` });
  lines.push({ text: `Convention: ${d.convention.macs}; ${d.convention.flops}.` });
  for (const n of notes) lines.push({ text: n, bold: true });
  const n = notesSvg(lines, 16, 62 + t.height + 12, Math.max(t.width, 640));
  const width = Math.max(t.width, n.width) + 32;
  return svgDoc(width, 62 + t.height + 12 + n.height + 10, title,
    text(16, 30, title, { size: 15, bold: true }) + text(16, 48, sub, { size: 12, fill: '#555' }) + t.svg + n.svg);
}

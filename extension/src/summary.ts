/** `application/vnd.cnnlab.summary+json`: the torchinfo-like table, sortable, rows expanded and collapsed by depth. */
import type { SummaryData, SummaryRow } from '../../src/display/schema';
import { button, el, int, shapeText } from './common';
import { SortableTable } from './table';

const OTHER_LABELS: Record<string, string> = {
  bn: 'BatchNorm/LRN', activation: 'activations', pooling: 'pooling', add: 'add', mul: 'mul', concat: 'concat', other: 'other',
};

function isParent(rows: SummaryRow[], i: number): boolean {
  return i + 1 < rows.length && rows[i + 1].depth > rows[i].depth;
}

export function renderSummary(d: SummaryData, host: HTMLElement): void {
  const rows = d.rows;
  const maxDepth = rows.reduce((m, r) => Math.max(m, r.depth), 0);
  let depth = Math.min(d.depth, maxDepth);
  const collapsed = new Set<number>();
  const index = new Map(rows.map((r, i) => [r, i]));
  const visible = (): SummaryRow[] => {
    const out: SummaryRow[] = [];
    let hideBelow = Infinity;
    rows.forEach((r, i) => {
      if (r.depth <= hideBelow) hideBelow = Infinity;
      if (hideBelow !== Infinity || r.depth > depth) return;
      out.push(r);
      if (collapsed.has(i)) hideBelow = r.depth;
    });
    return out;
  };
  const label = (r: SummaryRow) => `${r.kind === 'op' ? r.type : `${r.depth === 0 ? r.type : `${r.name}: ${r.type}`}`}${r.calls ? ` (call ${r.call}/${r.calls})` : ''}`;
  const table = new SortableTable<SummaryRow>({
    className: 'cl-summary',
    columns: [
      { label: 'Layer (type)', text: label, value: (r) => r.path, align: 'left' },
      { label: 'Output shape', text: (r) => shapeText(r.outputShape), value: (r) => (r.outputShape ? r.outputShape.reduce<number>((a, b) => a * (typeof b === 'number' ? b : 1), 1) : null) },
      { label: 'Params', text: (r) => int(r.params), value: (r) => r.params },
      { label: 'Params %', text: (r) => r.paramsPercent.toFixed(2), value: (r) => r.paramsPercent },
      { label: 'MACs', text: (r) => int(r.macs), value: (r) => r.macs },
      { label: 'MACs %', text: (r) => r.macsPercent.toFixed(2), value: (r) => r.macsPercent },
    ],
    rows: visible,
    decorate: (r, td, sorted) => {
      if (sorted) return;
      const i = index.get(r)!;
      td.style.paddingLeft = `${0.4 + 1.2 * r.depth}em`;
      if (isParent(rows, i) && r.depth < depth) {
        const t = el('span', { class: 'cl-toggle', role: 'button', title: collapsed.has(i) ? 'expand' : 'collapse' }, collapsed.has(i) ? '▸ ' : '▾ ');
        t.addEventListener('click', () => { if (collapsed.has(i)) collapsed.delete(i); else collapsed.add(i); table.render(); });
        td.append(t);
      } else td.append(el('span', { class: 'cl-toggle-space' }, '  '));
    },
  });
  const depthLabel = el('span', { class: 'cl-status' });
  const setDepth = (v: number) => { depth = Math.max(0, Math.min(maxDepth, v)); depthLabel.textContent = `depth ${depth} of ${maxDepth}`; table.render(); };
  const controls = el('div', { class: 'cl-toolbar' },
    button('−', 'show one level less', () => setDepth(depth - 1)), button('+', 'show one level more', () => setDepth(depth + 1)),
    button('Expand all', 'open every row', () => { collapsed.clear(); setDepth(maxDepth); }), depthLabel);
  setDepth(depth);

  const t = d.totals;
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
  const lines: [string, string][] = [
    ['Total params', int(t.params)], ['Buffers', int(t.buffers)],
    ['Total MACs (multiply-accumulates)', `${int(t.macs)} (${(t.macs / 1e9).toFixed(2)} G)`],
    ['FLOPs (2·MACs)', `${int(t.flops)} (${(t.flops / 1e9).toFixed(2)} G)`],
  ];
  if (t.otherOps) for (const [k, v] of Object.entries(t.otherOps)) if (v) lines.push([`Other ops: ${OTHER_LABELS[k] ?? k}`, int(v)]);
  lines.push(['Params size', mb(t.paramBytes)], ['Buffers size', mb(t.bufferBytes)], ['Input size', mb(t.inputBytes)],
    ['Activations (sum of outputs)', mb(t.activationBytes)], ['Peak live activations', `${mb(t.peakActivationBytes)}${t.peakAt ? ` at ${t.peakAt.op} ${t.peakAt.module || t.peakAt.node}` : ''}`]);
  const totals = el('table', { class: 'cl-table cl-totals' }, el('tbody', {}, ...lines.map(([k, v]) => el('tr', {}, el('th', { class: 'cl-left' }, k), el('td', { class: 'cl-right' }, v)))));
  const conv = d.convention;
  const convention = el('div', { class: 'cl-convention' },
    ...[['MACs', conv.macs], ['FLOPs', conv.flops], ['Other ops', conv.other], ['Memory', conv.memory], ...(conv.paper ? [['Paper', conv.paper]] : [])]
      .map(([k, v]) => el('div', {}, el('b', {}, `${k}: `), v)));
  const inputs = d.inputs.map((i) => `${i.name} ${shapeText(i.shape)} ${i.dtype}`).join(', ');
  host.replaceChildren(el('div', { class: 'cl-title' }, `${d.model} — input ${inputs}${d.paperConvention ? ' (paper convention)' : ''}`), controls, table.node, totals, convention);
}

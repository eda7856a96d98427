/**
 * `application/vnd.cnnlab.compare+json` (from analysis.compare / show.compare): Canziani et al.'s chart —
 * operations against latency (or accuracy when the data has it), bubble area ∝ parameters — and its table.
 */
import { el, int, seriesColors, units } from './common';
import { loadPlotly, PLOT_CONFIG, plotText, themeLayout } from './plot';
import { SortableTable } from './table';

/** One model as the compare data holds it (CompareRow of src/display/compare-schema.ts; read leniently). */
export interface CompareEntryView {
  name: string;
  params: number;
  macs: number;
  memory: number | null;
  latency: number | null;
  accuracy: number | null;
  device: string | null;
}

type Loose = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function compareEntries(d: Loose): { title: string; entries: CompareEntryView[]; y: 'accuracy' | 'latency' | 'params'; accuracyLabel: string } {
  const list = (Array.isArray(d.rows) ? d.rows : Array.isArray(d.entries) ? d.entries : []) as Loose[];
  const entries = list.map((e) => ({
    name: String(e.name ?? ''),
    params: num(e.params) ?? 0,
    macs: num(e.macs) ?? 0,
    memory: num(e.peakActivationBytes) ?? num(e.memory),
    latency: num(e.latencyMs) ?? num(e.latency),
    accuracy: num(e.accuracy),
    device: typeof e.device === 'string' ? e.device : null,
  }));
  const y = d.y === 'accuracy' || d.y === 'latency' || d.y === 'params' ? d.y
    : entries.some((e) => e.accuracy !== null) ? 'accuracy' : entries.some((e) => e.latency !== null) ? 'latency' : 'params';
  return { title: typeof d.title === 'string' ? d.title : 'Model comparison', entries, y, accuracyLabel: typeof d.accuracyLabel === 'string' ? d.accuracyLabel : 'accuracy' };
}

export async function renderCompare(d: Loose, host: HTMLElement): Promise<void> {
  const { title, entries, y, accuracyLabel } = compareEntries(d);
  const hasAcc = entries.some((e) => e.accuracy !== null);
  const hasLat = entries.some((e) => e.latency !== null);
  const device = entries.find((e) => e.device)?.device ?? null;
  const plotDiv = el('div', { class: 'cl-plot' });
  const table = new SortableTable<CompareEntryView>({
    className: 'cl-compare',
    columns: [
      { label: 'model', text: (r) => r.name, value: (r) => r.name, align: 'left' },
      { label: 'params', text: (r) => int(r.params), value: (r) => r.params },
      { label: 'MACs', text: (r) => int(r.macs), value: (r) => r.macs },
      { label: 'G-ops (2·MACs)', text: (r) => (2 * r.macs / 1e9).toFixed(2), value: (r) => r.macs },
      { label: 'peak act. MB', text: (r) => (r.memory === null ? '--' : (r.memory / 1e6).toFixed(2)), value: (r) => r.memory },
      ...(hasLat ? [{ label: 'latency ms', text: (r: CompareEntryView) => (r.latency === null ? '--' : r.latency.toFixed(2)), value: (r: CompareEntryView) => r.latency }] : []),
      ...(hasLat ? [{ label: 'device', text: (r: CompareEntryView) => r.device ?? '--', value: (r: CompareEntryView) => r.device, align: 'left' as const }] : []),
      ...(hasAcc ? [{ label: accuracyLabel, text: (r: CompareEntryView) => (r.accuracy === null ? '--' : String(r.accuracy)), value: (r: CompareEntryView) => r.accuracy }] : []),
    ],
    rows: () => entries,
  });
  host.replaceChildren(el('div', { class: 'cl-title' }, title), plotDiv, table.node);
  const Plotly = await loadPlotly();
  const maxParams = Math.max(1, ...entries.map((e) => e.params));
  const colors = seriesColors(host);
  // x: accuracy, else latency, else parameters; y: operations; bubble area ∝ parameters (not when x is parameters)
  const xOf = (e: CompareEntryView) => (y === 'accuracy' ? e.accuracy : y === 'latency' ? e.latency : e.params / 1e6);
  const bubbles = y !== 'params';
  const sizeref = (2 * maxParams) / (60 * 60);
  const shown = entries.filter((e) => xOf(e) !== null);
  const xText = y === 'accuracy' ? plotText(accuracyLabel) : y === 'latency' ? `latency per batch, ms${device ? ` (${plotText(device)})` : ''}` : 'parameters (millions)';
  const traces = shown.map((e, i) => ({
    type: 'scatter', mode: 'markers+text', name: plotText(e.name), text: [plotText(e.name)], textposition: 'top center',
    x: [xOf(e)], y: [2 * e.macs / 1e9],
    marker: bubbles ? { size: [e.params], sizemode: 'area', sizeref, sizemin: 4, color: colors[i % colors.length], opacity: 0.6, line: { width: 1 } }
      : { size: 12, color: colors[i % colors.length], opacity: 0.8 },
    hovertemplate: `${plotText(e.name)}<br>${units(e.params)} params<br>%{y:.2f} G-ops<br>${xText} %{x}<extra></extra>`,
  }));
  const base = themeLayout(host);
  await Plotly.react(plotDiv, traces, {
    ...base, height: 420, showlegend: true, hovermode: 'closest',
    title: { text: `operations vs ${y === 'params' ? 'parameters' : y}${bubbles ? ' — bubble area ∝ parameters' : ''}` },
    xaxis: { ...(base.xaxis as object), title: { text: xText } },
    yaxis: { ...(base.yaxis as object), title: { text: 'G-ops (2·MACs) per image' }, rangemode: 'tozero' },
  }, PLOT_CONFIG);
}

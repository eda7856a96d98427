/**
 * `application/vnd.cnnlab.training+json`: loss and error per step or epoch, train and test — one panel per
 * metric. The kernel sends `update_display_data` with the same display id as training goes on; JupyterLab
 * calls renderModel again and the plot is updated in place (plotly.react), keeping zoom.
 */
import { el, seriesColors } from './common';
import { loadPlotly, PLOT_CONFIG, plotText, themeLayout } from './plot';

export interface TrainingSeries { name: string; split: 'train' | 'test'; metric: 'loss' | 'error'; x: number[]; y: number[] }
export interface TrainingView { title: string; model?: string; x: 'step' | 'epoch'; series: TrainingSeries[]; total?: number; done: boolean }

export class TrainingPlot {
  private plotDiv = el('div', { class: 'cl-plot' });
  private status = el('div', { class: 'cl-status' });
  private drawn = false;

  constructor(private host: HTMLElement) {}

  async render(d: TrainingView): Promise<void> {
    if (!this.drawn) this.host.replaceChildren(el('div', { class: 'cl-title' }, d.title + (d.model ? ` — ${d.model}` : '')), this.status, this.plotDiv);
    const Plotly = await loadPlotly();
    const colors = seriesColors(this.host);
    const names = [...new Set(d.series.map((s) => s.name))];
    const traces = d.series.map((s) => ({
      type: 'scatter', mode: s.x.length > 60 ? 'lines' : 'lines+markers', name: plotText(`${s.name} ${s.split} ${s.metric}`),
      x: s.x, y: s.y, xaxis: 'x', yaxis: s.metric === 'loss' ? 'y' : 'y2',
      line: { color: colors[names.indexOf(s.name) % colors.length], dash: s.split === 'test' ? 'dash' : 'solid', width: 1.8 },
      hovertemplate: `${plotText(s.name)} ${s.split} ${s.metric}<br>${d.x} %{x}<br>%{y:.4f}<extra></extra>`,
    }));
    const last = Math.max(0, ...d.series.map((s) => (s.x.length ? s.x[s.x.length - 1] : 0)));
    this.status.textContent = d.done ? `done: ${last} ${d.x}s` : `training… ${d.x} ${last}${d.total ? ` of ${d.total}` : ''}`;
    const base = themeLayout(this.host);
    const hasErr = d.series.some((s) => s.metric === 'error');
    const hasLoss = d.series.some((s) => s.metric === 'loss');
    const layout = {
      ...base, height: 420, hovermode: 'x unified', uirevision: 'keep',
      grid: hasErr && hasLoss ? { rows: 1, columns: 2, pattern: 'independent' } : undefined,
      xaxis: { ...(base.xaxis as object), title: { text: d.x }, ...(d.total ? { range: [0, d.total] } : {}), domain: hasErr && hasLoss ? [0, 0.46] : [0, 1] },
      yaxis: { ...(base.yaxis as object), title: { text: 'loss' } },
      xaxis2: { ...(base.xaxis as object), title: { text: d.x }, ...(d.total ? { range: [0, d.total] } : {}), domain: hasErr && hasLoss ? [0.54, 1] : [0, 1] },
      yaxis2: { ...(base.yaxis as object), title: { text: 'error' }, anchor: 'x2', tickformat: '.1%' },
    };
    for (const t of traces) if (t.yaxis === 'y2') (t as { xaxis: string }).xaxis = hasLoss ? 'x2' : 'x';
    if (!hasLoss) { layout.yaxis = { ...layout.yaxis2, anchor: 'x' } as typeof layout.yaxis; for (const t of traces) t.yaxis = 'y'; }
    await Plotly.react(this.plotDiv, traces, layout, PLOT_CONFIG);
    this.drawn = true;
  }
}

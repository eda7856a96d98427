/**
 * `application/vnd.cnnlab.prcurve+json`: precision/recall per class — the raw curve and the interpolated one
 * the AP integrates (VOC07 11 points, VOC all-point envelope, COCO 101 points) — AP in the legend, class
 * toggles (plotly's legend and the buttons), hover with score rank, precision and recall.
 */
import type { PrCurveData } from '../../src/display/schema';
import { button, el, seriesColors } from './common';
import { loadPlotly, PLOT_CONFIG, plotText, themeLayout } from './plot';

/** Several curve sets (one per IoU threshold) when the data carries them; else the one. */
type PrCurveInput = PrCurveData & { byIou?: PrCurveData[] };

export async function renderPrCurve(d: PrCurveInput, host: HTMLElement): Promise<void> {
  const sets = d.byIou && d.byIou.length ? d.byIou : [d];
  let current = 0;
  const plotDiv = el('div', { class: 'cl-plot' });
  const interp = { 'all-point': 'all-point envelope', '11-point': 'VOC07 11 points', '101-point': 'COCO 101 points' } as const;
  const colors = seriesColors(host);
  const Plotly = await loadPlotly();
  let showRaw = true, showInterp = true;

  const traces = (s: PrCurveData) => s.classes.flatMap((c, i) => {
    const color = colors[i % colors.length];
    const ap = c.ap === null ? 'n/a' : c.ap.toFixed(4);
    const name = `${plotText(c.name)} (AP ${ap})`;
    const n = c.recall.length;
    return [
      {
        type: 'scatter', mode: n > 400 ? 'lines' : 'lines+markers', x: c.recall, y: c.precision, name, legendgroup: `c${i}`,
        line: { color, width: 1.5 }, marker: { size: 4 }, visible: showRaw ? true : 'legendonly',
        // the i-th point is the curve after the i-th detection in score order (the score threshold)
        customdata: c.recall.map((_, k) => k + 1),
        hovertemplate: `${plotText(c.name)}<br>detections above threshold: %{customdata} of ${n}<br>recall %{x:.4f}<br>precision %{y:.4f}<extra>raw</extra>`,
      },
      {
        type: 'scatter', mode: s.interpolation === '11-point' ? 'lines+markers' : 'lines', x: c.interpolatedRecall, y: c.interpolatedPrecision,
        name: `${plotText(c.name)} interpolated`, legendgroup: `c${i}`, showlegend: false, visible: showInterp ? true : 'legendonly',
        line: { color, width: 2, dash: 'dash', shape: s.interpolation === 'all-point' ? 'hv' : 'linear' }, marker: { size: 6, symbol: 'diamond' },
        hovertemplate: `${plotText(c.name)} (${interp[s.interpolation]})<br>recall %{x:.4f}<br>interpolated precision %{y:.4f}<extra>interpolated</extra>`,
      },
    ];
  });
  const draw = () => {
    const s = sets[current];
    const area = s.areaRange ? `, area ${plotText(s.areaRange)}, maxDets ${s.maxDets}` : '';
    const layout = {
      ...themeLayout(host),
      title: { text: `PR curves — ${s.style}, IoU ${s.iouThreshold}${area}; dashed: ${interp[s.interpolation]}` },
      xaxis: { ...(themeLayout(host).xaxis as object), title: { text: 'recall' }, range: [0, 1.02] },
      yaxis: { ...(themeLayout(host).yaxis as object), title: { text: 'precision' }, range: [0, 1.05] },
      height: 420, legend: { title: { text: 'class (AP)' } }, hovermode: 'closest',
    };
    return Plotly.react(plotDiv, traces(s), layout, PLOT_CONFIG);
  };
  const bar = el('div', { class: 'cl-toolbar' });
  if (sets.length > 1) {
    const sel = el('select', { class: 'cl-select', title: 'IoU threshold' });
    sets.forEach((s, i) => sel.append(el('option', { value: String(i) }, `IoU ${s.iouThreshold}`)));
    sel.addEventListener('change', () => { current = Number(sel.value); void draw(); });
    bar.append(el('label', {}, 'IoU '), sel);
  }
  bar.append(
    button('Raw', 'show or hide the raw curves', () => { showRaw = !showRaw; void draw(); }),
    button('Interpolated', 'show or hide the interpolated curves', () => { showInterp = !showInterp; void draw(); }),
    button('All classes', 'show every class', () => { void Plotly.restyle(plotDiv, { visible: true }); }),
    button('No class', 'hide every class (click a legend entry to show it)', () => { void Plotly.restyle(plotDiv, { visible: 'legendonly' }); }),
  );
  host.replaceChildren(bar, plotDiv);
  await draw();
}

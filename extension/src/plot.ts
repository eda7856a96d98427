/**
 * plotly.js for the curve renderers: the bundled cartesian build, loaded on the first plot (its own chunk;
 * no CDN, no MathJax), themed from JupyterLab's CSS variables.
 */
import { cssVar } from './common';

export type Plotly = {
  newPlot(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  restyle(el: HTMLElement, update: unknown, indices?: number[]): Promise<unknown>;
  purge(el: HTMLElement): void;
  Plots: { resize(el: HTMLElement): void };
};

let loading: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  if (!loading) {
    loading = import(/* webpackChunkName: "plotly" */ 'plotly.js-cartesian-dist-min').then((m: unknown) => {
      const mod = m as { default?: Plotly } & Plotly;
      return (mod.default ?? mod) as Plotly;
    });
  }
  return loading;
}

/**
 * Text from data for plotly, which reads a few HTML tags in its strings: '<' and '>' become entities
 * (plotly shows them as the characters), so a name never turns into markup.
 */
export function plotText(s: string): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function themeLayout(from: Element): Record<string, unknown> {
  const fg = cssVar('--jp-ui-font-color1', '#333', from);
  const grid = cssVar('--jp-border-color2', '#ddd', from);
  const font = cssVar('--jp-ui-font-family', 'sans-serif', from);
  const axis = { gridcolor: grid, zerolinecolor: grid, linecolor: fg, tickcolor: fg, color: fg };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: font, size: 12 },
    xaxis: { ...axis }, yaxis: { ...axis },
    legend: { bgcolor: 'rgba(0,0,0,0)' },
    hoverlabel: { namelength: -1 },
    margin: { l: 60, r: 20, t: 40, b: 50 },
  };
}

export const PLOT_CONFIG = { displaylogo: false, responsive: true, typesetMath: false, showLink: false, showSendToCloud: false, showEditInChartStudio: false };

/**
 * cnnlab's JupyterLab 4 mime renderer extension: one renderer factory per cnnlab MIME type
 * (DESIGN.md "Display contract"), each a widget that renders its data into its node — nothing else.
 * Rank 10 (below 50), so JupyterLab and Notebook 7 pick them over the bundles' image/png and text/plain.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import type { FeatureMapsData, GraphData, GraphWire, MapTableData, PrCurveData, SummaryData } from '../../src/display/schema';
import { decodeGraph } from '../../src/display/graph-codec';
import { errorBox } from './common';
import { renderCompare } from './compare';
import { renderFeatureMaps } from './featuremaps';
import { GraphView } from './graph';
import { renderMapTable } from './maptable';
import { renderPrCurve } from './prcurve';
import { renderSummary } from './summary';
import { TrainingPlot, TrainingView } from './training';

export const MIMES = {
  graph: 'application/vnd.cnnlab.graph+json',
  summary: 'application/vnd.cnnlab.summary+json',
  featuremaps: 'application/vnd.cnnlab.featuremaps+json',
  prcurve: 'application/vnd.cnnlab.prcurve+json',
  maptable: 'application/vnd.cnnlab.maptable+json',
  compare: 'application/vnd.cnnlab.compare+json',
  training: 'application/vnd.cnnlab.training+json',
} as const;
type Kind = keyof typeof MIMES;

const RANK = 10;

/** Renders one cnnlab MIME type; keeps per-output state (diagram, live training plot) between updates. */
export class CnnlabRenderer extends Widget implements IRenderMime.IRenderer {
  private graph: GraphView | null = null;
  private training: TrainingPlot | null = null;
  private last: unknown = null;
  private theme: MutationObserver | null = null;
  private themeQueued = false;

  constructor(private readonly kind: Kind) {
    super();
    this.addClass('cl-output');
    this.addClass(`cl-output-${kind}`);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[MIMES[this.kind]] as unknown;
    try {
      await this.render(data);
    } catch (e) {
      this.node.replaceChildren(errorBox(`cnnlab ${this.kind}: cannot render this output (${(e as Error)?.message ?? String(e)})`));
    }
  }

  /** Draws `data` (also used by the stand-alone benchmark page). */
  async render(data: unknown): Promise<void> {
    this.last = data;
    this.watchTheme();
    if (data === null || typeof data !== 'object') throw new Error('expected a JSON object');
    const v = (data as { version?: unknown }).version;
    const known = this.kind === 'graph' ? [1, 2] : [1, undefined];
    if (!known.includes(v as number | undefined)) throw new Error(`data version ${String(v)}, this extension reads version ${known.filter(Boolean).join(' and ')}`);
    const host = this.node;
    switch (this.kind) {
      case 'graph': {
        this.graph?.dispose();
        // version 2 is the packed wire form (graph-schema.ts); version 1 the plain GraphData
        const g = v === 2 ? decodeGraph(data as GraphWire) : (data as GraphData);
        this.graph = new GraphView(g);
        host.replaceChildren(this.graph.node);
        await this.graph.start();
        return;
      }
      case 'summary': return renderSummary(data as SummaryData, host);
      case 'maptable': return renderMapTable(data as MapTableData, host);
      case 'featuremaps': return renderFeatureMaps(data as FeatureMapsData, host);
      case 'prcurve': return renderPrCurve(data as PrCurveData, host);
      case 'compare': return renderCompare(data as Record<string, unknown>, host);
      case 'training': {
        if (!this.training) this.training = new TrainingPlot(host);
        return this.training.render(data as TrainingView);
      }
    }
  }

  /** Colours come from the theme's CSS variables when drawn: draw again when the theme changes (keeping the diagram's state). */
  private watchTheme(): void {
    if (this.theme || typeof MutationObserver === 'undefined') return;
    this.theme = new MutationObserver(() => {
      if (this.themeQueued) return;
      this.themeQueued = true;
      requestAnimationFrame(() => {
        this.themeQueued = false;
        if (this.isDisposed) return;
        if (this.kind === 'graph' && this.graph) this.graph.draw();
        else void this.render(this.last).catch(() => undefined);
      });
    });
    this.theme.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
  }

  override dispose(): void {
    this.theme?.disconnect();
    this.graph?.dispose();
    super.dispose();
  }
}

const extensions: IRenderMime.IExtension[] = (Object.keys(MIMES) as Kind[]).map((kind) => ({
  id: `cnnlab-jupyterlab:${kind}`,
  description: `Renders ${MIMES[kind]} (cnnlab)`,
  rendererFactory: { safe: true, mimeTypes: [MIMES[kind]], defaultRank: RANK, createRenderer: () => new CnnlabRenderer(kind) },
  rank: RANK,
  dataType: 'json',
}));

export default extensions;

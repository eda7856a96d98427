/**
 * `show`: one verb per display of DESIGN.md's public surface. Each returns a display object
 * (a method under `Symbol.for("Jupyter.display")` gives the MIME bundle: the cnnlab type, a PNG
 * where one is rendered, and text/plain), so the last expression of a cell shows it.
 */
import { ConfigError } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { graphDisplay, GraphDisplay, GraphDisplayOptions } from './graph';
import { featureMaps as featureMapsDisplay, FeatureMapsOptions } from './featuremaps';
import { summary as summaryDisplay, Summary, SummaryOptions } from '../analysis/summary';
import type { ModelLike } from '../analysis/graph-util';
import type { PrCurveDisplay } from './prcurve';
import type { MapTableDisplay } from './maptable';

/** The architecture diagram of a module, a traced graph or an ONNX-backed session. */
export function graph(model: ModelLike, opts: GraphDisplayOptions = {}): GraphDisplay {
  return graphDisplay(model, opts);
}

/** The torchinfo-like table (same as `analysis.summary`). */
export function summary(model: ModelLike, inputShape?: readonly number[], opts: SummaryOptions = {}): Summary {
  return summaryDisplay(model, inputShape, opts);
}

/** A grid of heatmaps of a C×H×W (or N×C×H×W, batch item `batchIndex`) feature map. */
export function featureMaps(t: Tensor, opts: FeatureMapsOptions = {}): ReturnType<typeof featureMapsDisplay> {
  return featureMapsDisplay(t, opts);
}

interface HasPrCurves { prCurves(iouThreshold?: number): PrCurveDisplay }
interface HasTable { table(): MapTableDisplay }

/** PR curves of a `det.evaluate` result (COCO: at `iouThreshold`, default 0.5). */
export function prCurves(result: HasPrCurves, iouThreshold?: number): PrCurveDisplay {
  if (result === null || typeof result !== 'object' || typeof (result as HasPrCurves).prCurves !== 'function') {
    throw new ConfigError('show.prCurves needs the result of det.evaluate', { expected: 'CocoResult | VocResult', got: describe(result), where: 'show.prCurves' });
  }
  return iouThreshold === undefined ? result.prCurves() : result.prCurves(iouThreshold);
}

/** The per-class AP table (and for COCO the 12-number summary) of a `det.evaluate` result. */
export function mapTable(result: HasTable): MapTableDisplay {
  if (result === null || typeof result !== 'object' || typeof (result as HasTable).table !== 'function') {
    throw new ConfigError('show.mapTable needs the result of det.evaluate', { expected: 'CocoResult | VocResult', got: describe(result), where: 'show.mapTable' });
  }
  return result.table();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

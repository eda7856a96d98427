/**
 * `show`: one verb per display of DESIGN.md's public surface. Each returns a display object
 * (a method under `Symbol.for("Jupyter.display")` gives the MIME bundle: the cnnlab type, a PNG
 * where one is rendered, and text/plain), so the last expression of a cell shows it.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { graphDisplay, GraphDisplay, GraphDisplayOptions } from './graph';
import { featureMaps as featureMapsDisplay, FeatureMapsOptions } from './featuremaps';
import { summary as summaryDisplay, Summary, SummaryOptions } from '../analysis/summary';
import type { ModelLike } from '../analysis/graph-util';
import type { PrCurveDisplay } from './prcurve';
import type { MapTableDisplay } from './maptable';
import type { CamResult } from '../analysis/cam';
import type { Colormap } from './png';

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

export interface CamShowOptions {
  /** which image of the batch (default 0) */
  index?: number;
  /** the image to draw the map over: [3, H, W] or [N, 3, H, W] (item `index`), uint8 0–255 or float 0–1 */
  image?: Tensor;
  /** weight of the heatmap over the image (default 0.5) */
  alpha?: number;
  colormap?: Colormap;
}

/** The class activation map of one image of an `analysis.cam` result, upsampled to the input and drawn over it. */
export function cam(result: CamResult, opts: CamShowOptions = {}): ReturnType<typeof featureMapsDisplay> {
  if (result === null || typeof result !== 'object' || !(result.upsampled instanceof Tensor)) {
    throw new ConfigError('show.cam needs the result of analysis.cam', { expected: 'CamResult', got: describe(result), where: 'show.cam' });
  }
  const [n, h, w] = result.upsampled.dims;
  const i = opts.index ?? 0;
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new ConfigError('show.cam: index out of range', { expected: `0..${n - 1}`, got: String(opts.index), where: 'show.cam' });
  const map = new Tensor('float32', (result.upsampled.data as Float32Array).slice(i * h * w, (i + 1) * h * w), [1, h, w]);
  let image = opts.image;
  if (image && image.dims.length === 4) {
    const [bn, c, ih, iw] = image.dims;
    if (i >= bn) throw new ShapeError('show.cam: the image batch has no item at index', { expected: `at least ${i + 1} images`, got: fmtShape(image.dims), where: 'show.cam.image' });
    const size = c * ih * iw;
    image = new Tensor(image.dtype, image.data.slice(i * size, (i + 1) * size) as never, [c, ih, iw]);
  }
  return featureMapsDisplay(map, {
    name: `CAM, class ${result.classIdx[i]} (score ${result.scores[i].toPrecision(4)})`,
    overlay: image, alpha: opts.alpha ?? 0.5, colormap: opts.colormap ?? 'inferno',
  });
}

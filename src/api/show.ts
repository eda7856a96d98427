/**
 * The public `show` namespace: one verb per display of DESIGN.md's public surface. Each takes a model or a
 * result, has analysis compute the data where needed and the display layer turn it into a display object
 * (a method under `Symbol.for("Jupyter.display")` gives the MIME bundle: the cnnlab type, a PNG where one is
 * rendered, and text/plain), so the last expression of a cell shows it. Models take their input shape as the
 * second argument everywhere (`show.graph(model, shape?, opts)`, `show.summary(model, shape?, opts)`), as
 * `analysis.summary` does; zoo models know their own.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { imageNormalization, markNormalized } from '../tensor/normalization';
import { graphData } from '../analysis/graph-data';
import { summaryData, type SummaryOptions } from '../analysis/summary';
import type { ModelLike } from '../analysis/graph-util';
import type { CamResult } from '../analysis/cam';
import type { MapTableData, PrCurveData } from '../display/det-schema';
import type { Colormap } from '../display/featuremaps-schema';
import { GraphDisplay } from '../display/graph';
import { Summary } from '../display/summary';
import { featureMaps as featureMapsDisplay, type FeatureMapsOptions } from '../display/featuremaps';
import { PrCurveDisplay } from '../display/prcurve';
import { MapTableDisplay } from '../display/maptable';
import { Comparison, type CompareDisplayOptions } from '../display/compare';
import { TrainingDisplay } from '../display/training';
import type { ComparisonRow } from '../analysis/compare';
import type { TrainingData } from '../display/training-schema';

export interface GraphOptions {
  /** blocks deeper than this start collapsed (default 1) */
  depth?: number;
}

/** A shape is the second argument: an options object there is the old calling form. */
function checkShape(shape: unknown, where: string): readonly number[] | undefined {
  if (shape === undefined || Array.isArray(shape)) return shape as readonly number[] | undefined;
  throw new ConfigError(`${where}: the input shape is the second argument`, {
    expected: `${where}(model, [1, 3, 224, 224], opts) or ${where}(model) for a zoo model`, got: JSON.stringify(shape), where,
  });
}

/** The architecture diagram of a module (traced at `inputShape`), a traced graph or an ONNX-backed session. */
export function graph(model: ModelLike, inputShape?: readonly number[], opts: GraphOptions = {}): GraphDisplay {
  return new GraphDisplay(graphData(model, checkShape(inputShape, 'show.graph'), { ...opts, where: 'show.graph' }));
}

/** The torchinfo-like table (the same as `analysis.summary`). */
export function summary(model: ModelLike, inputShape?: readonly number[], opts: SummaryOptions = {}): Summary {
  return new Summary(summaryData(model, checkShape(inputShape, 'show.summary'), { ...opts, where: 'show.summary' }));
}

/** A grid of heatmaps of a C×H×W (or N×C×H×W, batch item `batchIndex`) feature map. */
export function featureMaps(t: Tensor, opts: FeatureMapsOptions = {}): ReturnType<typeof featureMapsDisplay> {
  return featureMapsDisplay(t, opts);
}

interface HasPrCurves { prCurveData(iouThreshold?: number): PrCurveData }
interface HasTable { tableData(): MapTableData }

/** PR curves of a `det.evaluate` result (COCO: at `iouThreshold`, default 0.5). */
export function prCurves(result: HasPrCurves, iouThreshold?: number): PrCurveDisplay {
  if (result === null || typeof result !== 'object' || typeof (result as HasPrCurves).prCurveData !== 'function') {
    throw new ConfigError('show.prCurves needs the result of det.evaluate', { expected: 'CocoResult | VocResult', got: describe(result), where: 'show.prCurves' });
  }
  return new PrCurveDisplay(iouThreshold === undefined ? result.prCurveData() : result.prCurveData(iouThreshold));
}

/** The per-class AP table (and for COCO the 12-number summary) of a `det.evaluate` result. */
export function mapTable(result: HasTable): MapTableDisplay {
  if (result === null || typeof result !== 'object' || typeof (result as HasTable).tableData !== 'function') {
    throw new ConfigError('show.mapTable needs the result of det.evaluate', { expected: 'CocoResult | VocResult', got: describe(result), where: 'show.mapTable' });
  }
  return new MapTableDisplay(result.tableData());
}

/**
 * The Canziani-style chart and table of `await analysis.compare([...])` (or its rows): operations against
 * accuracy when `accuracy` is given (`{ resnet50: 76.1, … }`), else against latency when timed; bubble area ∝
 * parameters.
 */
export function compare(c: Comparison | readonly ComparisonRow[], opts: CompareDisplayOptions = {}): Comparison {
  if (c instanceof Comparison) return c.with(opts);
  if (Array.isArray(c)) return new Comparison([...c], opts);
  throw new ConfigError('show.compare needs the result of analysis.compare', { expected: 'Comparison | ComparisonRow[]', got: describe(c), where: 'show.compare' });
}

/** Training curves (loss and error of train and test, per step or epoch) from TrainingData. */
export function training(data: TrainingData): TrainingDisplay {
  return new TrainingDisplay(data);
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
    const norm = imageNormalization(image);
    image = new Tensor(image.dtype, image.data.slice(i * size, (i + 1) * size) as never, [c, ih, iw]);
    if (norm) markNormalized(image, norm);
  }
  return featureMapsDisplay(map, {
    name: `CAM, class ${result.classIdx[i]}${result.classLabels?.[i] && result.classLabels[i] !== String(result.classIdx[i]) ? ` '${result.classLabels[i]}'` : ''}`
      + `${result.scores.length ? ` (score ${result.scores[i].toPrecision(4)})` : ''}${result.randomWeights ? ' — random weights' : ''}`,
    overlay: image, alpha: opts.alpha ?? 0.5, colormap: opts.colormap ?? 'inferno',
  });
}

/**
 * `evaluate(gt, dt, { style })`: COCO (pycocotools COCOeval), VOC07 (11-point) or VOC
 * (all-point, VOC2010+) evaluation of COCO-format inputs, in three steps with mergeable state:
 *
 *   const s1 = evaluateImages(gt1, dt1, opts), s2 = evaluateImages(gt2, dt2, opts);
 *   const result = summarize(accumulate(mergeStates([s1, s2])));   // same as evaluate(gt, dt)
 *
 * Results carry the data of PR curves and mAP tables (`prCurveData()`, `tableData()`; `show.prCurves(r)` and
 * `show.mapTable(r)` display them) and `toJSON()`.
 */
import { inspect } from 'util';
import { ConfigError } from '../errors';
import type { MapTableData, PrCurveData } from '../display/det-schema';
import {
  accumulateCoco, defaultCocoParams, evaluateCoco, formatCocoSummary, mergeCocoStates, STAT_NAMES, summarizeCoco, summarizeValue,
  type CocoAccumulated, type CocoEvalState, type CocoParams, type CocoStats,
} from './cocoeval';
import { loadDetections, loadGroundTruth, type DtInput, type GtInput, type LoadOptions } from './dataset';
import { accumulateVoc, evaluateVoc, mergeVocStates, vocMap, type VocClassResult, type VocEvalState, type VocOptions } from './voceval';

export type EvalStyle = 'coco' | 'voc07' | 'voc';

export interface EvaluateOptions extends LoadOptions, VocOptions {
  /** default 'coco' */
  style?: EvalStyle;
  /** COCO parameters to override (iouThrs, recThrs, maxDets, areaRng, areaRngLbl) */
  params?: Partial<CocoParams>;
  /** COCO: IoU thresholds whose raw PR points are kept for `show.prCurves(r, iou)` (default [0.5]) */
  curveIouThrs?: number[];
}

export type EvalState =
  | (CocoEvalState & { style: 'coco'; dropped: { unknownCategory: number } })
  | (VocEvalState & { style: 'voc' | 'voc07'; dropped: { unknownCategory: number } });

export type Accumulated =
  | { style: 'coco'; acc: CocoAccumulated; dropped: { unknownCategory: number } }
  | { style: 'voc' | 'voc07'; classes: VocClassResult[]; options: Required<VocOptions>; dropped: { unknownCategory: number } };

const STYLES: EvalStyle[] = ['coco', 'voc07', 'voc'];

/** Step 1: per-image matching (pycocotools `evaluate`, the VOC evaluators' per-image loop). */
export function evaluateImages(gt: GtInput, dt: DtInput, opts: EvaluateOptions = {}): EvalState {
  const style = opts.style ?? 'coco';
  if (!STYLES.includes(style)) throw new ConfigError('unknown evaluation style', { expected: STYLES.join(' | '), got: String(style), where: 'options.style' });
  if (style === 'coco') {
    const voc = (['iouThreshold', 'plusOne', 'countDifficult', 'countCrowd'] as const).filter((k) => opts[k] !== undefined && opts[k] !== false);
    if (voc.length) throw new ConfigError('VOC options given with the COCO style', { expected: "style 'voc' or 'voc07' for " + voc.join(', '), got: "style 'coco' (IoU 0.50:0.95, crowd ignored, continuous IoU)", where: `options.${voc[0]}` });
  }
  const g = loadGroundTruth(gt);
  const d = loadDetections(dt, g, opts);
  const dropped = { ...d.dropped };
  if (style === 'coco') {
    const params = { ...defaultCocoParams(), ...(opts.params ?? {}) };
    return { ...evaluateCoco(g, d, params), style, dropped };
  }
  return { ...evaluateVoc(g, d, opts), style, dropped };
}

/** Combines states of shards (disjoint images, same categories and options). */
export function mergeStates(states: EvalState[]): EvalState {
  if (states.length === 0) throw new ConfigError('nothing to merge', { expected: 'at least one state', got: '0' });
  const style = states[0].style;
  states.forEach((s, i) => {
    if (s.style !== style) throw new ConfigError('shards evaluated with different styles', { expected: style, got: s.style, where: `states[${i}]` });
  });
  const dropped = { unknownCategory: states.reduce((a, s) => a + s.dropped.unknownCategory, 0) };
  if (style === 'coco') return { ...mergeCocoStates(states as CocoEvalState[]), style, dropped };
  return { ...mergeVocStates(states as VocEvalState[]), style, dropped };
}

/** Step 2: precision/recall arrays (pycocotools `accumulate`; VOC PR points and APs). */
export function accumulate(state: EvalState, opts: { curveIouThrs?: number[] } = {}): Accumulated {
  if (state.style === 'coco') return { style: 'coco', acc: accumulateCoco(state, opts), dropped: state.dropped };
  return { style: state.style, classes: accumulateVoc(state), options: state.options, dropped: state.dropped };
}

/** Step 3: the summary numbers and display objects (a CocoResult for a COCO accumulation, else a VocResult). */
export function summarize(acc: Accumulated & { style: 'coco' }): CocoResult;
export function summarize(acc: Accumulated & { style: 'voc' | 'voc07' }): VocResult;
export function summarize(acc: Accumulated): CocoResult | VocResult;
export function summarize(acc: Accumulated): CocoResult | VocResult {
  return acc.style === 'coco' ? new CocoResult(acc.acc, acc.dropped) : new VocResult(acc.style, acc.classes, acc.options, acc.dropped);
}

/**
 * evaluate → accumulate → summarize in one call. The result's type follows `style`:
 * `evaluate(gt, dt, { style: 'coco' }).stats[0]` (or no style: COCO) is a CocoResult,
 * `{ style: 'voc' | 'voc07' }` a VocResult with `.mAP`.
 */
export function evaluate(gt: GtInput, dt: DtInput, opts?: EvaluateOptions & { style?: 'coco' }): CocoResult;
export function evaluate(gt: GtInput, dt: DtInput, opts: EvaluateOptions & { style: 'voc' | 'voc07' }): VocResult;
export function evaluate(gt: GtInput, dt: DtInput, opts?: EvaluateOptions): CocoResult | VocResult;
export function evaluate(gt: GtInput, dt: DtInput, opts: EvaluateOptions = {}): CocoResult | VocResult {
  return summarize(accumulate(evaluateImages(gt, dt, opts), { curveIouThrs: opts.curveIouThrs }));
}

export interface CocoClassSummary {
  categoryId: number;
  name: string;
  /** the 12 numbers for this category alone (−1 where undefined) */
  stats: CocoStats;
  /** AP (area all, top maxDets) at each IoU threshold */
  apPerIou: number[];
}

function arr(a: ArrayLike<number>): number[] { return Array.from(a); }

export class CocoResult {
  readonly style = 'coco' as const;
  /** pycocotools' `stats`: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl */
  readonly stats: CocoStats;
  readonly perClass: CocoClassSummary[];
  /** AP (area all, top maxDets, mean over classes) at each IoU threshold */
  readonly apPerIou: number[];
  constructor(readonly acc: CocoAccumulated, readonly dropped: { unknownCategory: number }) {
    this.stats = summarizeCoco(acc);
    const p = acc.params;
    const top = p.maxDets[p.maxDets.length - 1];
    this.apPerIou = p.iouThrs.map((t) => summarizeValue(acc, true, t, 'all', top));
    this.perClass = arr(acc.catIds).map((id, k) => ({
      categoryId: id,
      name: acc.catNames.get(id) ?? String(id),
      stats: summarizeCoco(acc, k),
      apPerIou: p.iouThrs.map((t) => summarizeValue(acc, true, t, 'all', top, k)),
    }));
  }
  get params(): CocoParams { return this.acc.params; }
  /** [T, R, K, A, M] (pycocotools eval['precision']) */
  get precision(): Float64Array { return this.acc.precision; }
  /** [T, K, A, M] (pycocotools eval['recall']) */
  get recall(): Float64Array { return this.acc.recall; }
  get dims(): CocoAccumulated['dims'] { return this.acc.dims; }
  /** pycocotools' precision[t, r, k, a, m] */
  precisionAt(t: number, r: number, k: number, a: number, m: number): number {
    const { R, K, A, M } = this.acc.dims;
    return this.acc.precision[(((t * R + r) * K + k) * A + a) * M + m];
  }
  recallAt(t: number, k: number, a: number, m: number): number {
    const { K, A, M } = this.acc.dims;
    return this.acc.recall[((t * K + k) * A + a) * M + m];
  }
  /** pycocotools' printed 12-line summary */
  summaryText(): string { return formatCocoSummary(this.stats, this.acc.params.maxDets); }
  /** In a notebook or REPL: pycocotools' 12-line `summarize()` block. */
  [inspect.custom](): string { return this.summaryText(); }
  toString(): string { return this.summaryText(); }

  /** PR curves' data (raw points kept for the thresholds given to `accumulate`, 0.5 by default) */
  prCurveData(iouThreshold = 0.5): PrCurveData {
    const p = this.acc.params;
    const t = p.iouThrs.indexOf(iouThreshold);
    if (t < 0) throw new ConfigError('IoU threshold is not one of the evaluated thresholds', { expected: p.iouThrs.join(', '), got: String(iouThreshold), where: 'show.prCurves(result, iouThreshold)' });
    const { R, M } = this.acc.dims;
    const top = p.maxDets[M - 1];
    return {
      version: 1, style: 'coco', iouThreshold, interpolation: '101-point', areaRange: p.areaRngLbl[0], maxDets: top,
      classes: this.perClass.map((c, k) => {
        const raw = this.acc.curves.get(`${t}:${k}`);
        const ip: number[] = [];
        for (let r = 0; r < R; r++) ip.push(this.precisionAt(t, r, k, 0, M - 1));
        const ap = summarizeValue(this.acc, true, iouThreshold, p.areaRngLbl[0], top, k);
        return {
          categoryId: c.categoryId, name: c.name, ap: ap === -1 ? null : ap,
          recall: raw ? arr(raw.recall) : [], precision: raw ? arr(raw.precision) : [],
          interpolatedRecall: [...p.recThrs], interpolatedPrecision: ip,
          npos: this.nposOf(k), tp: raw?.tp ?? 0, fp: raw?.fp ?? 0,
        };
      }),
    };
  }
  private nposOf(k: number): number { return this.acc.npig[k * this.acc.dims.A]; }

  tableData(): MapTableData {
    const cols = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl'] as const;
    return {
      version: 1, style: 'coco', columns: [...cols],
      rows: this.perClass.map((c) => ({ categoryId: c.categoryId, name: c.name, values: cols.map((k) => c.stats[k]) })),
      summary: { label: 'mAP', values: cols.map((k) => this.stats[k]) },
      cocoSummary: Object.fromEntries(STAT_NAMES.map((k, i) => [k, this.stats[i]])),
      maxDets: [...this.acc.params.maxDets],
    };
  }

  toJSON(): Record<string, unknown> {
    const { T, R, K, A, M } = this.acc.dims;
    return {
      style: 'coco',
      stats: [...this.stats],
      statNames: [...STAT_NAMES],
      apPerIou: this.apPerIou,
      perClass: this.perClass,
      params: this.acc.params,
      catIds: arr(this.acc.catIds),
      precision: { dims: [T, R, K, A, M], order: 'T,R,K,A,M', data: arr(this.acc.precision) },
      recall: { dims: [T, K, A, M], order: 'T,K,A,M', data: arr(this.acc.recall) },
      dropped: this.dropped,
    };
  }
}

export class VocResult {
  /** mean AP over classes with countable ground truth (null if none) */
  readonly mAP: number | null;
  readonly tp: number;
  readonly fp: number;
  readonly ignored: number;
  constructor(
    readonly style: 'voc' | 'voc07',
    readonly classes: VocClassResult[],
    readonly options: Required<VocOptions>,
    readonly dropped: { unknownCategory: number },
  ) {
    this.mAP = vocMap(classes, style === 'voc' ? 'all' : '11');
    this.tp = classes.reduce((a, c) => a + c.tp, 0);
    this.fp = classes.reduce((a, c) => a + c.fp, 0);
    this.ignored = classes.reduce((a, c) => a + c.ignored, 0);
  }
  get iouThreshold(): number { return this.options.iouThreshold; }
  /** AP of a class under this style (all-point for 'voc', 11-point for 'voc07') */
  apOf(c: VocClassResult): number | null { return this.style === 'voc' ? c.apAll : c.ap11; }
  /** per-class AP keyed by category id */
  get perClassAP(): Record<number, number | null> {
    return Object.fromEntries(this.classes.map((c) => [c.categoryId, this.apOf(c)]));
  }
  prCurveData(): PrCurveData {
    const pts = [...Array(11).keys()].map((i) => i * 0.1);
    return {
      version: 1, style: this.style, iouThreshold: this.options.iouThreshold,
      interpolation: this.style === 'voc' ? 'all-point' : '11-point',
      classes: this.classes.map((c) => ({
        categoryId: c.categoryId, name: c.name, ap: this.apOf(c),
        recall: c.npos > 0 ? arr(c.recall) : [], precision: c.npos > 0 ? arr(c.precision) : [],
        interpolatedRecall: this.style === 'voc' ? (c.npos > 0 ? arr(c.envRecall) : []) : pts,
        interpolatedPrecision: this.style === 'voc' ? (c.npos > 0 ? arr(c.envPrecision) : []) : arr(c.points11),
        npos: c.npos, tp: c.tp, fp: c.fp,
      })),
    };
  }
  tableData(): MapTableData {
    return {
      version: 1, style: this.style, columns: ['AP', 'npos', 'nDet', 'tp', 'fp', 'ignored'], iouThreshold: this.options.iouThreshold,
      rows: this.classes.map((c) => ({ categoryId: c.categoryId, name: c.name, values: [this.apOf(c), c.npos, c.nDet, c.tp, c.fp, c.ignored] })),
      summary: {
        label: 'mAP',
        values: [this.mAP, this.classes.reduce((a, c) => a + c.npos, 0), this.classes.reduce((a, c) => a + c.nDet, 0), this.tp, this.fp, this.ignored],
      },
    };
  }
  /** text summary: mAP and one line per class */
  summaryText(): string {
    const w = Math.max(5, ...this.classes.map((c) => c.name.length));
    const lines = this.classes.map((c) => {
      const ap = this.apOf(c);
      return `${c.name.padEnd(w)}  AP=${ap === null ? '  n/a ' : ap.toFixed(4)}  npos=${c.npos} tp=${c.tp} fp=${c.fp}`;
    });
    const kind = this.style === 'voc' ? 'all-point' : '11-point';
    lines.push(`mAP@${this.options.iouThreshold} (${kind}) = ${this.mAP === null ? 'n/a' : this.mAP.toFixed(4)}`);
    return lines.join('\n');
  }
  /** In a notebook or REPL: the per-class APs and the mAP line. */
  [inspect.custom](): string { return this.summaryText(); }
  toString(): string { return this.summaryText(); }
  toJSON(): Record<string, unknown> {
    return {
      style: this.style, iouThreshold: this.options.iouThreshold, options: this.options, mAP: this.mAP,
      tp: this.tp, fp: this.fp, ignored: this.ignored,
      perClass: this.classes.map((c) => ({
        categoryId: c.categoryId, name: c.name, ap: this.apOf(c), apAll: c.apAll, ap11: c.ap11,
        npos: c.npos, nCrowdGt: c.nCrowdGt, nDifficultGt: c.nDifficultGt, nDet: c.nDet, tp: c.tp, fp: c.fp, ignored: c.ignored,
        // no countable ground truth: recall is undefined, so no curve
        recall: c.npos > 0 ? arr(c.recall) : [], precision: c.npos > 0 ? arr(c.precision) : [],
        interpolatedRecall: c.npos === 0 ? [] : this.style === 'voc' ? arr(c.envRecall) : [...Array(11).keys()].map((i) => i * 0.1),
        interpolatedPrecision: c.npos === 0 ? [] : this.style === 'voc' ? arr(c.envPrecision) : arr(c.points11),
      })),
      dropped: this.dropped,
    };
  }
}

export type DetectionResult = CocoResult | VocResult;

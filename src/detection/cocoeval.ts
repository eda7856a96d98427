/**
 * COCO bbox evaluation with pycocotools' COCOeval semantics (evaluate → accumulate → summarize),
 * on flat typed tables. Reproduces pycocotools 2.0 arithmetic exactly:
 *
 * - IoU as maskApi's bbIou on [x, y, w, h] (crowd: intersection / detection area);
 * - per (image, category): detections sorted by score (stable), cut to maxDets[-1];
 *   ground truth ignored when crowd or its `area` field is outside the range (inclusive ends);
 *   greedy matching in score order with `iou >= min(t, 1 − 1e−10)`, later ground truth winning
 *   ties, non-ignored ground truth preferred, crowd ground truth matchable many times;
 *   unmatched detections outside the area range (w·h) ignored;
 * - accumulate: per category, detections of all images cut to maxDet per image (so maxDets
 *   count per image **per category**), stable sort by −score (ties: image id order, then
 *   order in the file), precision = tp / (tp + fp + eps), monotone envelope, sampled with
 *   `searchsorted(rc, recThrs, 'left')`; −1 where no ground truth;
 * - summarize: mean over entries > −1 with numpy's pairwise summation.
 *
 * One deliberate difference: pycocotools treats a detection matched to a ground-truth
 * annotation whose id is 0 as unmatched (it tests `dtm == 0`); cnnlab keeps a separate
 * matched flag, so annotation id 0 is an ordinary id.
 *
 * State is mergeable: `evaluateCoco` on shards with disjoint images, `mergeCocoStates`,
 * then `accumulateCoco` gives exactly what one run on the whole data set gives.
 */
import { ConfigError } from '../errors';
import type { DtTable, GtTable } from './dataset';
import { EPS, linspace, pairwiseSum } from './numeric';
import { iouXyxy, type IouRule } from './iou';

const COCO_IOU: IouRule = { zeroIfDisjoint: true };
const COCO_CROWD: IouRule = { zeroIfDisjoint: true, crowd: true };

export interface CocoParams {
  iouThrs: number[];
  recThrs: number[];
  maxDets: number[];
  areaRng: [number, number][];
  areaRngLbl: string[];
}

/** pycocotools' defaults for bbox evaluation. */
export function defaultCocoParams(): CocoParams {
  return {
    iouThrs: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recThrs: linspace(0.0, 1.0, Math.round((1.0 - 0.0) / 0.01) + 1),
    maxDets: [1, 10, 100],
    areaRng: [[0, 1e5 ** 2], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]],
    areaRngLbl: ['all', 'small', 'medium', 'large'],
  };
}

/** Per-category detections after per-image matching: the mergeable evaluation state. */
export interface CocoCatState {
  n: number;
  score: Float64Array;
  /** image id (not index), so shards merge with pycocotools' tie order */
  imgId: Float64Array;
  /** rank of the detection within its (image, category), by score */
  rank: Int32Array;
  /** [n·A·T]: 1 = true positive, 0 = false positive, 2 = ignored */
  code: Uint8Array;
  /** non-ignored ground truth per area range */
  npig: Float64Array;
}

export interface CocoEvalState {
  readonly kind: 'coco-state';
  params: CocoParams;
  catIds: Float64Array;
  catNames: Map<number, string>;
  imgIds: Float64Array;
  cats: CocoCatState[];
}

export const CODE_FP = 0;
export const CODE_TP = 1;
export const CODE_IGNORED = 2;

/** Groups row indices by key (stable within a key). Returns [order, starts, keys]. */
function groupBy(keys: Int32Array | Float64Array, n: number): { order: Int32Array; keyOf: Float64Array; start: Int32Array } {
  const order = new Int32Array(n);
  let maxKey = 0;
  for (let i = 0; i < n; i++) if (keys[i] > maxKey) maxKey = keys[i];
  if ((maxKey + 1) * n < 2 ** 52) {
    // one native numeric sort of key·n + index (exact in float64)
    const tmp = new Float64Array(n);
    for (let i = 0; i < n; i++) tmp[i] = keys[i] * n + i;
    tmp.sort();
    for (let j = 0; j < n; j++) order[j] = tmp[j] - Math.floor(tmp[j] / n) * n;
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => keys[a] - keys[b] || a - b);
    order.set(idx);
  }
  const starts: number[] = [];
  const kk: number[] = [];
  let prev = -1;
  for (let j = 0; j < n; j++) {
    const k = keys[order[j]];
    if (k !== prev) { starts.push(j); kk.push(k); prev = k; }
  }
  starts.push(n);
  return { order, keyOf: Float64Array.from(kk), start: Int32Array.from(starts) };
}

/** Per-image, per-category matching (pycocotools `evaluate()`). */
export function evaluateCoco(gt: GtTable, dt: DtTable, params: CocoParams = defaultCocoParams()): CocoEvalState {
  const nI = gt.imgIds.length, nK = gt.catIds.length;
  const T = params.iouThrs.length, A = params.areaRng.length;
  const maxDet = params.maxDets[params.maxDets.length - 1]; // pycocotools: maxDets[-1]
  if (nI * nK > 2 ** 31) throw new ConfigError('too many image × category pairs', { expected: '< 2^31', got: String(nI * nK) });
  const gKey = new Int32Array(gt.n);
  for (let i = 0; i < gt.n; i++) gKey[i] = gt.cat[i] * nI + gt.img[i];
  const dKey = new Int32Array(dt.n);
  for (let i = 0; i < dt.n; i++) dKey[i] = dt.cat[i] * nI + dt.img[i];
  const G = groupBy(gKey, gt.n), D = groupBy(dKey, dt.n);

  // capacity per category
  const capK = new Int32Array(nK);
  for (let i = 0; i < dt.n; i++) capK[dt.cat[i]]++;
  const cats: CocoCatState[] = [];
  for (let k = 0; k < nK; k++) {
    const c = Math.min(capK[k], dt.n);
    cats.push({ n: 0, score: new Float64Array(c), imgId: new Float64Array(c), rank: new Int32Array(c), code: new Uint8Array(c * A * T), npig: new Float64Array(A) });
  }
  const thr = params.iouThrs.map((t) => Math.min(t, 1 - 1e-10));
  let ious = new Float64Array(1024);
  let dsel = new Int32Array(256), gOrd = new Int32Array(256), gIg = new Uint8Array(256), gtm = new Uint8Array(256);
  let gi = 0, di = 0;
  const nG = G.keyOf.length, nD = D.keyOf.length;
  while (gi < nG || di < nD) {
    const kg = gi < nG ? G.keyOf[gi] : Infinity;
    const kd = di < nD ? D.keyOf[di] : Infinity;
    const key = Math.min(kg, kd);
    const g0 = kg === key ? G.start[gi] : 0, g1 = kg === key ? G.start[gi + 1] : 0;
    const d0 = kd === key ? D.start[di] : 0, d1 = kd === key ? D.start[di + 1] : 0;
    if (kg === key) gi++;
    if (kd === key) di++;
    const k = Math.floor(key / nI), img = key - k * nI;
    const st = cats[k];
    const ng = g1 - g0;
    let nd = d1 - d0;
    // detections of this (image, category) sorted by score, stable (insertion sort)
    if (dsel.length < nd) dsel = new Int32Array(nd * 2);
    if (nd <= 32) {
      for (let j = 0; j < nd; j++) {
        const idx = D.order[d0 + j];
        const s = dt.score[idx];
        let p = j;
        while (p > 0 && dt.score[dsel[p - 1]] < s) { dsel[p] = dsel[p - 1]; p--; }
        dsel[p] = idx;
      }
    } else {
      // stable (Array.prototype.sort is stable): equal scores keep file order, like mergesort
      const tmp = Array.from(D.order.subarray(d0, d1));
      tmp.sort((x, y) => dt.score[y] - dt.score[x]);
      for (let j = 0; j < nd; j++) dsel[j] = tmp[j];
    }
    if (nd > maxDet) nd = maxDet;
    if (gOrd.length < ng) { gOrd = new Int32Array(ng * 2); gIg = new Uint8Array(ng * 2); gtm = new Uint8Array(ng * 2); }
    // IoU [nd × ng] in the ground truth's file order
    if (ious.length < nd * ng) ious = new Float64Array(nd * ng * 2);
    for (let g = 0; g < ng; g++) {
      const gIdx = G.order[g0 + g];
      const gx = gt.box[gIdx * 4], gy = gt.box[gIdx * 4 + 1], gw = gt.box[gIdx * 4 + 2], gh = gt.box[gIdx * 4 + 3];
      const ga = gw * gh;
      const crowd = gt.crowd[gIdx] === 1;
      for (let d = 0; d < nd; d++) {
        const b = dsel[d] * 4;
        const dx = dt.box[b], dy = dt.box[b + 1], dw = dt.box[b + 2], dh = dt.box[b + 3];
        // maskApi's bbIou on [x, y, w, h]: areas w·h, x2 = x + w; crowd: intersection / detection area
        ious[d * ng + g] = iouXyxy(dx, dy, dw + dx, dh + dy, dw * dh, gx, gy, gw + gx, gh + gy, ga, crowd ? COCO_CROWD : COCO_IOU);
      }
    }
    // record detections
    const base = st.n;
    for (let d = 0; d < nd; d++) {
      st.score[base + d] = dt.score[dsel[d]];
      st.imgId[base + d] = gt.imgIds[img];
      st.rank[base + d] = d;
    }
    st.n += nd;
    for (let a = 0; a < A; a++) {
      const lo = params.areaRng[a][0], hi = params.areaRng[a][1];
      // ground truth order: not ignored first (stable)
      let p = 0, npig = 0;
      for (let pass = 0; pass < 2; pass++) {
        for (let g = 0; g < ng; g++) {
          const gIdx = G.order[g0 + g];
          const ar = gt.area[gIdx];
          const ig = gt.crowd[gIdx] === 1 || ar < lo || ar > hi ? 1 : 0;
          if (ig === pass) { gOrd[p] = g; gIg[p] = ig; p++; if (!ig) npig++; }
        }
      }
      st.npig[a] += npig;
      // pycocotools evaluateImg's matching, per IoU threshold: detections in score order, each takes the best
      // still-free ground truth (ground truth sorted not-ignored first, so a match to a regular box beats ignored ones)
      for (let t = 0; t < T; t++) {
        gtm.fill(0, 0, ng);
        for (let d = 0; d < nd; d++) {
          // information about best match so far (m = -1: unmatched); the threshold is min(t, 1 − 1e−10)
          let iou = thr[t];
          let m = -1;
          const row = d * ng;
          for (let q = 0; q < ng; q++) {
            const g = gOrd[q];
            // if this gt already matched, and not a crowd, continue
            if (gtm[q] && !gt.crowd[G.order[g0 + g]]) continue;
            // if dt matched to reg gt, and on ignore gt, stop
            if (m > -1 && gIg[m] === 0 && gIg[q] === 1) break;
            // continue to next gt unless better match made (>=: a later gt with an equal IoU wins)
            const o = ious[row + g];
            if (o < iou) continue;
            // match successful and best so far: store appropriately
            iou = o;
            m = q;
          }
          // if match made store it for both dt and gt (pycocotools' dtm/gtm); else the detection is a false positive
          // unless it lies outside the area range (then ignored)
          let code: number;
          if (m === -1) {
            const ar = dt.area[dsel[d]];
            code = ar < lo || ar > hi ? CODE_IGNORED : CODE_FP;
          } else {
            gtm[m] = 1;
            code = gIg[m] ? CODE_IGNORED : CODE_TP;
          }
          st.code[((base + d) * A + a) * T + t] = code;
        }
      }
    }
  }
  for (const st of cats) {
    st.score = st.score.slice(0, st.n); st.imgId = st.imgId.slice(0, st.n); st.rank = st.rank.slice(0, st.n);
    st.code = st.code.slice(0, st.n * A * T);
  }
  return { kind: 'coco-state', params, catIds: gt.catIds, catNames: gt.catNames, imgIds: gt.imgIds, cats };
}

function sameParams(a: CocoParams, b: CocoParams): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Merges evaluation states of shards with disjoint image sets and the same categories and
 * parameters. Accumulating the merged state equals accumulating one evaluation of all images.
 */
export function mergeCocoStates(states: CocoEvalState[]): CocoEvalState {
  if (states.length === 0) throw new ConfigError('nothing to merge', { expected: 'at least one COCO evaluation state', got: '0' });
  const s0 = states[0];
  const seen = new Set<number>();
  states.forEach((s, i) => {
    if (!sameParams(s.params, s0.params)) throw new ConfigError('shards were evaluated with different parameters', { expected: JSON.stringify(s0.params).slice(0, 80), got: JSON.stringify(s.params).slice(0, 80), where: `states[${i}]` });
    if (s.catIds.length !== s0.catIds.length || s.catIds.some((c, j) => c !== s0.catIds[j])) {
      throw new ConfigError('shards have different categories', { expected: `[${[...s0.catIds].join(', ')}]`, got: `[${[...s.catIds].join(', ')}]`, where: `states[${i}]` });
    }
    for (const id of s.imgIds) {
      if (seen.has(id)) throw new ConfigError('an image is in two shards', { expected: 'disjoint image sets', got: `image id ${id} again`, where: `states[${i}]` });
      seen.add(id);
    }
  });
  const A = s0.params.areaRng.length, T = s0.params.iouThrs.length;
  const cats: CocoCatState[] = s0.cats.map((_, k) => {
    const n = states.reduce((acc, s) => acc + s.cats[k].n, 0);
    const out: CocoCatState = { n, score: new Float64Array(n), imgId: new Float64Array(n), rank: new Int32Array(n), code: new Uint8Array(n * A * T), npig: new Float64Array(A) };
    let o = 0;
    for (const s of states) {
      const c = s.cats[k];
      out.score.set(c.score, o); out.imgId.set(c.imgId, o); out.rank.set(c.rank, o); out.code.set(c.code, o * A * T);
      for (let a = 0; a < A; a++) out.npig[a] += c.npig[a];
      o += c.n;
    }
    return out;
  });
  const imgIds = Float64Array.from(seen).sort();
  return { kind: 'coco-state', params: s0.params, catIds: s0.catIds, catNames: s0.catNames, imgIds, cats };
}

export interface CocoAccumulated {
  params: CocoParams;
  catIds: Float64Array;
  catNames: Map<number, string>;
  /** [T, R, K, A, M] as pycocotools' eval['precision'] (C order) */
  precision: Float64Array;
  /** [T, K, A, M] */
  recall: Float64Array;
  /** [T, R, K, A, M] score at each recall threshold */
  scores: Float64Array;
  dims: { T: number; R: number; K: number; A: number; M: number };
  /**
   * raw (not interpolated) PR points, area 'all', top maxDets, for the IoU thresholds asked
   * in `accumulateCoco(state, { curveIouThrs })`: key `${t}:${k}` (threshold index, category index)
   */
  curves: Map<string, { recall: Float64Array; precision: Float64Array; tp: number; fp: number }>;
  /** [K, A] non-ignored ground truth per category and area range */
  npig: Float64Array;
}

/** pycocotools `accumulate()`. */
export function accumulateCoco(state: CocoEvalState, opts: { curveIouThrs?: number[] } = {}): CocoAccumulated {
  const p = state.params;
  const keepT = new Set((opts.curveIouThrs ?? [0.5]).map((v) => p.iouThrs.indexOf(v)).filter((i) => i >= 0));
  const curves: CocoAccumulated['curves'] = new Map();
  const npigKA = new Float64Array(state.catIds.length * p.areaRng.length);
  state.cats.forEach((c, k) => npigKA.set(c.npig, k * p.areaRng.length));
  const T = p.iouThrs.length, R = p.recThrs.length, K = state.catIds.length, A = p.areaRng.length, M = p.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  let rc = new Float64Array(1024), pr = new Float64Array(1024), seq = new Int32Array(1024);
  const rec = p.recThrs;
  for (let k = 0; k < K; k++) {
    const st = state.cats[k];
    const n = st.n;
    const order = Array.from({ length: n }, (_, i) => i);
    const sc = st.score, im = st.imgId, rk = st.rank;
    order.sort((i, j) => (sc[j] - sc[i]) || (im[i] - im[j]) || (rk[i] - rk[j]));
    if (rc.length < n) { rc = new Float64Array(n); pr = new Float64Array(n); seq = new Int32Array(n); }
    for (let m = 0; m < M; m++) {
      const md = p.maxDets[m];
      let nd = 0;
      for (let j = 0; j < n; j++) if (rk[order[j]] < md) seq[nd++] = order[j];
      for (let a = 0; a < A; a++) {
        const npig = st.npig[a];
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          let tp = 0, fp = 0, r0 = 0, p0 = 0; // values before the first detection: 0/npig, 0/(0+0+eps)
          for (let i = 0; i < nd; i++) {
            const c = st.code[(seq[i] * A + a) * T + t];
            // an ignored detection repeats the previous point (same tp, fp): skip the divisions
            if (c === CODE_TP) { tp++; r0 = tp / npig; p0 = tp / (fp + tp + EPS); } else if (c === CODE_FP) { fp++; p0 = tp / (fp + tp + EPS); }
            rc[i] = r0;
            pr[i] = p0;
          }
          recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1] : 0;
          if (a === 0 && m === M - 1 && keepT.has(t)) curves.set(`${t}:${k}`, { recall: rc.slice(0, nd), precision: pr.slice(0, nd), tp, fp });
          for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          let i = 0;
          for (let r = 0; r < R; r++) {
            const thr = rec[r];
            while (i < nd && rc[i] < thr) i++;
            const at = (((t * R + r) * K + k) * A + a) * M + m;
            if (i < nd) { precision[at] = pr[i]; scores[at] = sc[seq[i]]; } else { precision[at] = 0; scores[at] = 0; }
          }
        }
      }
    }
  }
  return { params: p, catIds: state.catIds, catNames: state.catNames, precision, recall, scores, dims: { T, R, K, A, M }, curves, npig: npigKA };
}

export const STAT_NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;
export type CocoStatName = (typeof STAT_NAMES)[number];
/**
 * pycocotools' `stats`: the 12 numbers as an array (`stats[0]` is AP), each also readable by name
 * (`stats.AP`, `stats.AP50`, ... `stats.ARl`; the names are non-enumerable getters, so JSON is the array).
 */
export type CocoStats = readonly number[] & { readonly length: 12 } & Readonly<Record<CocoStatName, number>>;

/** The 12 values in STAT_NAMES order as a CocoStats array. */
export function cocoStats(values: readonly number[]): CocoStats {
  if (values.length !== STAT_NAMES.length) throw new RangeError(`COCO stats need 12 values, got ${values.length}`);
  const a = [...values];
  STAT_NAMES.forEach((name, i) => Object.defineProperty(a, name, { get: () => a[i], enumerable: false }));
  return Object.freeze(a) as unknown as CocoStats;
}

/**
 * One pycocotools `_summarize` value: mean of precision (ap) or recall over entries > −1,
 * for an IoU threshold (exact match; all when undefined), an area label, a maxDets value,
 * and optionally one category index. −1 when there is none.
 */
export function summarizeValue(acc: CocoAccumulated, ap: boolean, iouThr: number | undefined, areaLbl: string, maxDets: number, k?: number): number {
  const { T, R, K, A, M } = acc.dims;
  const p = acc.params;
  const a = p.areaRngLbl.indexOf(areaLbl);
  const m = p.maxDets.indexOf(maxDets);
  if (a < 0 || m < 0) return -1;
  const ts = iouThr === undefined ? [...Array(T).keys()] : p.iouThrs.flatMap((v, i) => (v === iouThr ? [i] : []));
  const ks = k === undefined ? [...Array(K).keys()] : [k];
  const vals: number[] = [];
  for (const t of ts) {
    if (ap) {
      for (let r = 0; r < R; r++) for (const kk of ks) {
        const v = acc.precision[(((t * R + r) * K + kk) * A + a) * M + m];
        if (v > -1) vals.push(v);
      }
    } else {
      for (const kk of ks) {
        const v = acc.recall[((t * K + kk) * A + a) * M + m];
        if (v > -1) vals.push(v);
      }
    }
  }
  return vals.length === 0 ? -1 : pairwiseSum(vals) / vals.length;
}

/** The 12 numbers of pycocotools `summarize()` (its `stats` array), optionally for one category index. */
export function summarizeCoco(acc: CocoAccumulated, k?: number): CocoStats {
  const md = acc.params.maxDets;
  const top = md[md.length - 1];
  const s = (ap: boolean, thr: number | undefined, area: string, m: number) => summarizeValue(acc, ap, thr, area, m, k);
  return cocoStats([
    s(true, undefined, 'all', top), // AP
    s(true, 0.5, 'all', top), // AP50
    s(true, 0.75, 'all', top), // AP75
    s(true, undefined, 'small', top), // APs
    s(true, undefined, 'medium', top), // APm
    s(true, undefined, 'large', top), // APl
    s(false, undefined, 'all', md[0]), // AR1
    s(false, undefined, 'all', md[1] ?? top), // AR10
    s(false, undefined, 'all', top), // AR100
    s(false, undefined, 'small', top), // ARs
    s(false, undefined, 'medium', top), // ARm
    s(false, undefined, 'large', top), // ARl
  ]);
}

/** pycocotools' printed summary, 12 lines. */
export function formatCocoSummary(stats: CocoStats, maxDets: number[] = [1, 10, 100]): string {
  const top = maxDets[maxDets.length - 1];
  const rows: [string, string, string, string, number][] = [
    ['Average Precision', '(AP)', '0.50:0.95', 'all', top],
    ['Average Precision', '(AP)', '0.50', 'all', top],
    ['Average Precision', '(AP)', '0.75', 'all', top],
    ['Average Precision', '(AP)', '0.50:0.95', 'small', top],
    ['Average Precision', '(AP)', '0.50:0.95', 'medium', top],
    ['Average Precision', '(AP)', '0.50:0.95', 'large', top],
    ['Average Recall', '(AR)', '0.50:0.95', 'all', maxDets[0]],
    ['Average Recall', '(AR)', '0.50:0.95', 'all', maxDets[1] ?? top],
    ['Average Recall', '(AR)', '0.50:0.95', 'all', top],
    ['Average Recall', '(AR)', '0.50:0.95', 'small', top],
    ['Average Recall', '(AR)', '0.50:0.95', 'medium', top],
    ['Average Recall', '(AR)', '0.50:0.95', 'large', top],
  ];
  return rows.map(([title, type, iou, area, md], i) => {
    const v = stats[i];
    return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(md).padStart(3)} ] = ${v.toFixed(3)}`;
  }).join('\n');
}

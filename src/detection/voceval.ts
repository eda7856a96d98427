/**
 * Pascal VOC detection evaluation (the devkit's VOCevaldet / py-faster-rcnn's voc_eval):
 * per class, detections of all images sorted by score (stable: ties keep file order), each
 * matched to the unmatched-or-not ground truth box of its image with the largest IoU
 * (first one on ties); `iou >= threshold` → true positive if that box is not yet detected,
 * false positive if it is (duplicate); a match to a `difficult` box is neither (ignored).
 * Crowd (`iscrowd`) boxes are treated as difficult by default, as are `difficult` ones;
 * `countDifficult` / `countCrowd` count them as ordinary boxes instead.
 * IoU on xyxy = (x, y, x + w, y + h): continuous, or with `plusOne` the VOC devkit's pixel
 * convention (those coordinates taken as inclusive pixels: widths x2 − x1 + 1, intersections
 * + 1), as the devkit does on XML coordinates and Padilla et al.'s evaluator on COCO boxes.
 * (`vocToCoco` writes w = xmax − xmin, so plusOne reproduces the devkit on VOC XML exactly.)
 * AP: all-point (VOC2010+, area under the monotone envelope) or
 * 11-point (VOC2007: mean of max precision at recall ≥ 0, 0.1, …, 1).
 *
 * State is mergeable: per-image matching does not depend on other images, so shards are
 * evaluated apart and concatenated (ties across shards keep shard order).
 */
import { ConfigError } from '../errors';
import type { DtTable, GtTable } from './dataset';
import { EPS, arange, pairwiseSum } from './numeric';
import { areaXyxy, iouXyxy, type IouRule } from './iou';

export interface VocOptions {
  iouThreshold?: number;
  plusOne?: boolean;
  countDifficult?: boolean;
  countCrowd?: boolean;
}

export interface VocClassState {
  npos: number;
  nCrowdGt: number;
  nDifficultGt: number;
  /** detections in file (shard-concatenation) order */
  score: Float64Array;
  /** 1 tp, 0 fp, 2 ignored (matched a difficult box) */
  code: Uint8Array;
}

export interface VocEvalState {
  readonly kind: 'voc-state';
  options: Required<VocOptions>;
  catIds: Float64Array;
  catNames: Map<number, string>;
  imgIds: Float64Array;
  classes: VocClassState[];
}

/** Per-image greedy matching for every class. */
export function evaluateVoc(gt: GtTable, dt: DtTable, options: VocOptions = {}): VocEvalState {
  const opt: Required<VocOptions> = {
    iouThreshold: options.iouThreshold ?? 0.5,
    plusOne: options.plusOne ?? false,
    countDifficult: options.countDifficult ?? false,
    countCrowd: options.countCrowd ?? false,
  };
  if (!(opt.iouThreshold >= 0 && opt.iouThreshold <= 1)) throw new ConfigError('IoU threshold out of range', { expected: 'a number in [0, 1]', got: String(options.iouThreshold), where: 'iouThreshold' });
  const nI = gt.imgIds.length, K = gt.catIds.length;
  const rule: IouRule = { plusOne: opt.plusOne };
  // ground truth grouped by (class, image), file order
  const gStart = new Int32Array(K * nI + 1);
  for (let i = 0; i < gt.n; i++) gStart[gt.cat[i] * nI + gt.img[i] + 1]++;
  for (let i = 0; i < K * nI; i++) gStart[i + 1] += gStart[i];
  const gOrder = new Int32Array(gt.n);
  const fill = gStart.slice(0, K * nI);
  for (let i = 0; i < gt.n; i++) gOrder[fill[gt.cat[i] * nI + gt.img[i]]++] = i;
  const hard = new Uint8Array(gt.n);
  const classes: VocClassState[] = [];
  for (let k = 0; k < K; k++) classes.push({ npos: 0, nCrowdGt: 0, nDifficultGt: 0, score: new Float64Array(0), code: new Uint8Array(0) });
  for (let i = 0; i < gt.n; i++) {
    const c = classes[gt.cat[i]];
    const h = (gt.difficult[i] && !opt.countDifficult) || (gt.crowd[i] && !opt.countCrowd) ? 1 : 0;
    hard[i] = h;
    if (!h) c.npos++;
    if (gt.crowd[i]) c.nCrowdGt++;
    if (gt.difficult[i]) c.nDifficultGt++;
  }
  // detections per class in file order, then stable sort by score
  const dCount = new Int32Array(K);
  for (let i = 0; i < dt.n; i++) dCount[dt.cat[i]]++;
  const byCls: Int32Array[] = [];
  for (let k = 0; k < K; k++) byCls.push(new Int32Array(dCount[k]));
  const pos = new Int32Array(K);
  for (let i = 0; i < dt.n; i++) byCls[dt.cat[i]][pos[dt.cat[i]]++] = i;
  const detected = new Uint8Array(gt.n);
  for (let k = 0; k < K; k++) {
    const idx = Array.from(byCls[k]);
    idx.sort((a, b) => (dt.score[b] - dt.score[a]) || (a - b));
    const code = new Uint8Array(idx.length);
    for (let j = 0; j < idx.length; j++) {
      const d = idx[j];
      const bx1 = dt.box[d * 4], by1 = dt.box[d * 4 + 1];
      const bx2 = bx1 + dt.box[d * 4 + 2], by2 = by1 + dt.box[d * 4 + 3];
      const key = k * nI + dt.img[d];
      let ovmax = -Infinity, jmax = -1;
      for (let q = gStart[key]; q < gStart[key + 1]; q++) {
        const g = gOrder[q];
        const gx1 = gt.box[g * 4], gy1 = gt.box[g * 4 + 1];
        const gx2 = gx1 + gt.box[g * 4 + 2], gy2 = gy1 + gt.box[g * 4 + 3];
        const ov = iouXyxy(bx1, by1, bx2, by2, areaXyxy(bx1, by1, bx2, by2, rule), gx1, gy1, gx2, gy2, areaXyxy(gx1, gy1, gx2, gy2, rule), rule);
        if (ov > ovmax) { ovmax = ov; jmax = g; }
      }
      if (ovmax >= opt.iouThreshold && jmax >= 0) {
        if (hard[jmax]) code[j] = 2;
        else if (!detected[jmax]) { code[j] = 1; detected[jmax] = 1; } else code[j] = 0;
      } else code[j] = 0;
    }
    // store in file order (so merged shards re-sort exactly as one file would)
    const score = new Float64Array(idx.length), codeF = new Uint8Array(idx.length);
    const rankOf = new Int32Array(idx.length);
    const local = new Map<number, number>();
    byCls[k].forEach((d, p) => local.set(d, p));
    idx.forEach((d, j) => { rankOf[local.get(d)!] = j; });
    for (let p = 0; p < idx.length; p++) { score[p] = dt.score[byCls[k][p]]; codeF[p] = code[rankOf[p]]; }
    classes[k].score = score;
    classes[k].code = codeF;
  }
  return { kind: 'voc-state', options: opt, catIds: gt.catIds, catNames: gt.catNames, imgIds: gt.imgIds, classes };
}

export function mergeVocStates(states: VocEvalState[]): VocEvalState {
  if (states.length === 0) throw new ConfigError('nothing to merge', { expected: 'at least one VOC evaluation state', got: '0' });
  const s0 = states[0];
  const seen = new Set<number>();
  states.forEach((s, i) => {
    if (JSON.stringify(s.options) !== JSON.stringify(s0.options)) throw new ConfigError('shards were evaluated with different options', { expected: JSON.stringify(s0.options), got: JSON.stringify(s.options), where: `states[${i}]` });
    if (s.catIds.length !== s0.catIds.length || s.catIds.some((c, j) => c !== s0.catIds[j])) throw new ConfigError('shards have different categories', { expected: `[${[...s0.catIds].join(', ')}]`, got: `[${[...s.catIds].join(', ')}]`, where: `states[${i}]` });
    for (const id of s.imgIds) {
      if (seen.has(id)) throw new ConfigError('an image is in two shards', { expected: 'disjoint image sets', got: `image id ${id} again`, where: `states[${i}]` });
      seen.add(id);
    }
  });
  const classes = s0.classes.map((_, k) => {
    const n = states.reduce((a, s) => a + s.classes[k].score.length, 0);
    const score = new Float64Array(n), code = new Uint8Array(n);
    let o = 0, npos = 0, nc = 0, nd = 0;
    for (const s of states) {
      const c = s.classes[k];
      score.set(c.score, o); code.set(c.code, o); o += c.score.length;
      npos += c.npos; nc += c.nCrowdGt; nd += c.nDifficultGt;
    }
    return { npos, nCrowdGt: nc, nDifficultGt: nd, score, code };
  });
  return { kind: 'voc-state', options: s0.options, catIds: s0.catIds, catNames: s0.catNames, imgIds: Float64Array.from(seen).sort(), classes };
}

export interface VocClassResult {
  categoryId: number;
  name: string;
  npos: number;
  nCrowdGt: number;
  nDifficultGt: number;
  nDet: number;
  tp: number;
  fp: number;
  ignored: number;
  /** AP all-point (VOC2010+); null when the class has no countable ground truth */
  apAll: number | null;
  /** AP 11-point (VOC2007) */
  ap11: number | null;
  /** raw PR points, one per detection in score order */
  recall: Float64Array;
  precision: Float64Array;
  scores: Float64Array;
  /** all-point envelope: [0, rec…, 1] and its monotone precision */
  envRecall: Float64Array;
  envPrecision: Float64Array;
  /** 11-point: max precision at recall ≥ 0, 0.1, …, 1 */
  points11: Float64Array;
}

const RECALL11 = arange(0, 1.1, 0.1);

/** AP and PR points per class (`voc_ap` of both kinds). */
export function accumulateVoc(state: VocEvalState): VocClassResult[] {
  return state.classes.map((c, k) => {
    const n = c.score.length;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (c.score[b] - c.score[a]) || (a - b));
    const rec = new Float64Array(n), prec = new Float64Array(n), sc = new Float64Array(n);
    let tp = 0, fp = 0, ig = 0;
    for (let j = 0; j < n; j++) {
      const code = c.code[order[j]];
      if (code === 1) tp++; else if (code === 0) fp++; else ig++;
      rec[j] = tp / c.npos;
      prec[j] = tp / Math.max(tp + fp, EPS);
      sc[j] = c.score[order[j]];
    }
    const mrec = new Float64Array(n + 2), mpre = new Float64Array(n + 2);
    mrec[n + 1] = 1;
    mrec.set(rec, 1); mpre.set(prec, 1);
    for (let i = n; i >= 1; i--) mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
    let apAll: number | null = null, ap11: number | null = null;
    const p11 = new Float64Array(RECALL11.length);
    if (c.npos > 0) {
      // all-point: Σ (Δrecall · envelope precision) over recall changes, summed in order
      let s = 0;
      for (let i = 0; i < n + 1; i++) if (mrec[i + 1] !== mrec[i]) s += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
      apAll = s;
      RECALL11.forEach((t, q) => {
        let p = 0;
        for (let j = 0; j < n; j++) if (rec[j] >= t && prec[j] > p) p = prec[j];
        p11[q] = p;
      });
      // 11-point: (Σ p(r) for r = 1.0, 0.9, …, 0) / 11 — this order reproduces the reference
      // evaluators bit for bit (the devkit's running `ap + p/11` can differ in the last ulp)
      let s11 = 0;
      for (let q = p11.length - 1; q >= 0; q--) s11 += p11[q];
      ap11 = s11 / 11;
    }
    return {
      categoryId: state.catIds[k], name: state.catNames.get(state.catIds[k]) ?? String(state.catIds[k]),
      npos: c.npos, nCrowdGt: c.nCrowdGt, nDifficultGt: c.nDifficultGt, nDet: n, tp, fp, ignored: ig,
      apAll, ap11, recall: rec, precision: prec, scores: sc, envRecall: mrec, envPrecision: mpre, points11: p11,
    };
  });
}

/** Mean over classes with countable ground truth (numpy mean); null when there is none. */
export function vocMap(classes: VocClassResult[], kind: 'all' | '11'): number | null {
  const v = classes.map((c) => (kind === 'all' ? c.apAll : c.ap11)).filter((x): x is number => x !== null);
  return v.length ? pairwiseSum(v) / v.length : null;
}

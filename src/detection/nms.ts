/**
 * Non-maximum suppression with torchvision.ops 0.14 semantics:
 * boxes xyxy, scores sorted descending with a stable sort (equal scores: lower index first),
 * a box is suppressed by a kept box when IoU > threshold (strictly), IoU computed as
 * torchvision's CPU kernel does it — in float32 for float32 input (every operation rounded),
 * float64 otherwise. Returns kept indices in decreasing score order.
 *
 * For threshold ≥ 0 a uniform grid of kept boxes limits the IoU tests to boxes that can
 * overlap (boxes whose intersection is empty never suppress each other); the kept set and its
 * order are identical to the quadratic loop, which is used for negative thresholds or
 * non-finite coordinates.
 */
import { ConfigError, ShapeError } from '../errors';
import { Tensor } from '../tensor/tensor';
import { flatBoxes, type BoxesLike } from './boxes';
import { areaXyxy, iouXyxy, type IouRule } from './iou';

export type ScoresLike = Tensor | Float32Array | Float64Array | readonly number[];

function flatScores(s: ScoresLike, n: number, where = 'scores'): Float32Array | Float64Array {
  const d = s instanceof Tensor ? s.data : s;
  const out = d instanceof Float32Array || d instanceof Float64Array ? d : Float64Array.from(d as ArrayLike<number>, Number);
  if (out.length !== n) throw new ShapeError('one score per box', { expected: `${n} scores`, got: `${out.length}`, where });
  return out;
}

/** Indices sorted by score descending, stable (lower index first on ties); NaN scores last. */
export function argsortDesc(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // sort a Float64 key array: -score, index packed by sorting pairs
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = scores[i];
  return idx.sort((a, b) => {
    const x = keys[a], y = keys[b];
    if (x > y) return -1;
    if (x < y) return 1;
    if (x !== x) return y !== y ? a - b : 1;
    if (y !== y) return -1;
    return a - b;
  });
}

/** torchvision `nms(boxes, scores, iou_threshold)`. */
export function nms(boxes: BoxesLike, scores: ScoresLike, iouThreshold: number): Int32Array {
  if (typeof iouThreshold !== 'number' || Number.isNaN(iouThreshold)) throw new ConfigError('IoU threshold must be a number', { expected: 'a number', got: String(iouThreshold), where: 'iouThreshold' });
  const b = flatBoxes(boxes);
  const s = flatScores(scores, b.n);
  const order = argsortDesc(s);
  return nmsOrdered(b.data, order, iouThreshold, b.f32);
}

/** NMS over the boxes listed in `order` (indices into the flat xyxy array `d`), visited in that order. */
export function nmsOrdered(d: Float32Array | Float64Array, order: Int32Array, thr: number, f32: boolean): Int32Array {
  let finite = true;
  for (let k = 0; k < order.length && finite; k++) {
    const i = order[k] * 4;
    if (!(Number.isFinite(d[i]) && Number.isFinite(d[i + 1]) && Number.isFinite(d[i + 2]) && Number.isFinite(d[i + 3]))) finite = false;
  }
  if (thr < 0 || !finite || order.length < 64) return nmsQuadratic(d, order, thr, f32);
  return nmsGrid(d, order, thr, f32);
}

/** Areas of all boxes in the rule's arithmetic. */
function areas(d: Float32Array | Float64Array, rule: IouRule): Float64Array {
  const N = d.length / 4;
  const area = new Float64Array(N);
  for (let i = 0; i < N; i++) area[i] = areaXyxy(d[i * 4], d[i * 4 + 1], d[i * 4 + 2], d[i * 4 + 3], rule);
  return area;
}

function nmsQuadratic(d: Float32Array | Float64Array, order: Int32Array, thr: number, f32: boolean): Int32Array {
  const rule: IouRule = { f32 };
  const N = d.length / 4, n = order.length;
  const area = areas(d, rule);
  const sup = new Uint8Array(N);
  const keep: number[] = [];
  for (let oi = 0; oi < n; oi++) {
    const i = order[oi];
    if (sup[i]) continue;
    keep.push(i);
    const ix1 = d[i * 4], iy1 = d[i * 4 + 1], ix2 = d[i * 4 + 2], iy2 = d[i * 4 + 3], ia = area[i];
    for (let oj = oi + 1; oj < n; oj++) {
      const j = order[oj];
      if (sup[j]) continue;
      if (iouXyxy(ix1, iy1, ix2, iy2, ia, d[j * 4], d[j * 4 + 1], d[j * 4 + 2], d[j * 4 + 3], area[j], rule) > thr) sup[j] = 1;
    }
  }
  return Int32Array.from(keep);
}

function nmsGrid(d: Float32Array | Float64Array, order: Int32Array, thr: number, f32: boolean): Int32Array {
  const rule: IouRule = { f32 };
  const N = d.length / 4, n = order.length;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, sw = 0, sh = 0, nv = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const x1 = d[i * 4], y1 = d[i * 4 + 1], x2 = d[i * 4 + 2], y2 = d[i * 4 + 3];
    if (x2 > x1 && y2 > y1) {
      if (x1 < minX) minX = x1; if (y1 < minY) minY = y1;
      if (x2 > maxX) maxX = x2; if (y2 > maxY) maxY = y2;
      sw += x2 - x1; sh += y2 - y1; nv++;
    }
  }
  if (nv === 0) {
    // no box has a positive area: nothing can suppress anything
    return order.slice();
  }
  const cell = Math.max(sw / nv, sh / nv, 1e-9) / 2;
  const gx = Math.max(1, Math.min(512, Math.ceil((maxX - minX) / cell)));
  const gy = Math.max(1, Math.min(512, Math.ceil((maxY - minY) / cell)));
  // bound the grid's memory: boxes much larger than the mean fill many cells; past this many
  // cell entries the quadratic loop is used instead (same result)
  const maxEntries = 64 * n + (1 << 20);
  const cw = (maxX - minX) / gx || 1, ch = (maxY - minY) / gy || 1;
  const head = new Int32Array(gx * gy).fill(-1);
  let next = new Int32Array(1024), item = new Int32Array(1024), ne = 0;
  const stamp = new Int32Array(N).fill(-1);
  const area = areas(d, rule);
  const keep: number[] = [];
  const cx = (x: number) => Math.min(gx - 1, Math.max(0, Math.floor((x - minX) / cw)));
  const cy = (y: number) => Math.min(gy - 1, Math.max(0, Math.floor((y - minY) / ch)));
  for (let oi = 0; oi < n; oi++) {
    const j = order[oi];
    const x1 = d[j * 4], y1 = d[j * 4 + 1], x2 = d[j * 4 + 2], y2 = d[j * 4 + 3];
    if (!(x2 > x1 && y2 > y1)) { keep.push(j); continue; } // empty box: no positive intersection possible
    const c0 = cx(x1), c1 = cx(x2), r0 = cy(y1), r1 = cy(y2);
    let suppressed = false;
    for (let r = r0; r <= r1 && !suppressed; r++) {
      for (let c = c0; c <= c1 && !suppressed; c++) {
        for (let e = head[r * gx + c]; e !== -1; e = next[e]) {
          const i = item[e];
          if (stamp[i] === oi) continue;
          stamp[i] = oi;
          if (iouXyxy(d[i * 4], d[i * 4 + 1], d[i * 4 + 2], d[i * 4 + 3], area[i], x1, y1, x2, y2, area[j], rule) > thr) { suppressed = true; break; }
        }
      }
    }
    if (suppressed) continue;
    keep.push(j);
    if (ne + (r1 - r0 + 1) * (c1 - c0 + 1) > maxEntries) return nmsQuadratic(d, order, thr, f32);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        if (ne === next.length) {
          const nn = new Int32Array(ne * 2); nn.set(next); next = nn;
          const ni = new Int32Array(ne * 2); ni.set(item); item = ni;
        }
        item[ne] = j; next[ne] = head[r * gx + c]; head[r * gx + c] = ne; ne++;
      }
    }
  }
  return Int32Array.from(keep);
}

/**
 * torchvision `batched_nms`: NMS independently per class id; result sorted by score
 * descending (ties: lower index first). Computed per class (torchvision's "vanilla" path),
 * never with the coordinate-offset trick, so float32 IoUs are those of `nms` on each class.
 */
export function batchedNms(boxes: BoxesLike, scores: ScoresLike, classIds: ArrayLike<number> | Tensor, iouThreshold: number): Int32Array {
  const b = flatBoxes(boxes);
  const s = flatScores(scores, b.n);
  const ids = classIds instanceof Tensor ? Array.from(classIds.data as ArrayLike<number | bigint>, Number) : classIds;
  if (ids.length !== b.n) throw new ShapeError('one class id per box', { expected: `${b.n} ids`, got: `${ids.length}`, where: 'classIds' });
  const order = argsortDesc(s);
  const groups = new Map<number, number[]>();
  for (let k = 0; k < b.n; k++) {
    const i = order[k];
    const c = Number(ids[i]);
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  const kept: number[] = [];
  for (const g of groups.values()) {
    for (const i of nmsOrdered(b.data, Int32Array.from(g), iouThreshold, b.f32)) kept.push(i);
  }
  const keepMask = new Uint8Array(b.n);
  for (const i of kept) keepMask[i] = 1;
  const out: number[] = [];
  for (let k = 0; k < b.n; k++) if (keepMask[order[k]]) out.push(order[k]);
  return Int32Array.from(out);
}

export interface SoftNmsOptions {
  /** 'linear': s·(1 − IoU) when IoU > iouThreshold; 'gaussian': s·exp(−IoU²/σ) (default) */
  method?: 'linear' | 'gaussian';
  /** σ of the Gaussian (default 0.5) */
  sigma?: number;
  /** IoU threshold Nt of the linear rule (default 0.3) */
  iouThreshold?: number;
  /** boxes whose decayed score falls below this are dropped (default 0.001) */
  scoreThreshold?: number;
}

/**
 * Soft-NMS (Bodla et al. 2017): repeatedly takes the highest (decayed) score box — ties:
 * lower index — and decays the scores of the others by the linear or Gaussian rule, in
 * float64 with continuous IoU. Returns the kept indices in selection order and their
 * decayed scores.
 */
export function softNms(boxes: BoxesLike, scores: ScoresLike, opts: SoftNmsOptions = {}): { keep: Int32Array; scores: Float64Array } {
  const method = opts.method ?? 'gaussian';
  if (method !== 'linear' && method !== 'gaussian') throw new ConfigError('unknown soft-NMS method', { expected: "'linear' | 'gaussian'", got: String(method), where: 'method' });
  const sigma = opts.sigma ?? 0.5, nt = opts.iouThreshold ?? 0.3, st = opts.scoreThreshold ?? 0.001;
  if (!(sigma > 0)) throw new ConfigError('sigma must be positive', { expected: '> 0', got: String(sigma), where: 'sigma' });
  const b = flatBoxes(boxes);
  const s = Float64Array.from(flatScores(scores, b.n));
  const d = b.data;
  const alive = new Uint8Array(b.n).fill(1);
  const keep: number[] = [], ks: number[] = [];
  for (;;) {
    let m = -1;
    for (let i = 0; i < b.n; i++) if (alive[i] && (m < 0 || s[i] > s[m])) m = i;
    if (m < 0) break;
    alive[m] = 0;
    if (s[m] < st) continue;
    keep.push(m); ks.push(s[m]);
    const mx1 = d[m * 4], my1 = d[m * 4 + 1], mx2 = d[m * 4 + 2], my2 = d[m * 4 + 3];
    const ma = areaXyxy(mx1, my1, mx2, my2);
    for (let i = 0; i < b.n; i++) {
      if (!alive[i]) continue;
      const ix1 = d[i * 4], iy1 = d[i * 4 + 1], ix2 = d[i * 4 + 2], iy2 = d[i * 4 + 3];
      const iou = iouXyxy(mx1, my1, mx2, my2, ma, ix1, iy1, ix2, iy2, areaXyxy(ix1, iy1, ix2, iy2));
      if (method === 'linear') { if (iou > nt) s[i] *= 1 - iou; } else s[i] *= Math.exp(-(iou * iou) / sigma);
      if (s[i] < st) alive[i] = 0;
    }
  }
  return { keep: Int32Array.from(keep), scores: Float64Array.from(ks) };
}

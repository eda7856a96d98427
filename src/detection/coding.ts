/**
 * R-CNN box coding and the Fast R-CNN losses.
 *
 * encode: tx = wx·(gx − px)/pw, ty = wy·(gy − py)/ph, tw = ww·log(gw/pw), th = wh·log(gh/ph)
 * with centres and sizes of xyxy boxes (torchvision `BoxCoder.encode_single`); decode is the
 * inverse with tw, th clamped at log(1000/16) (torchvision `decode_single`) and optional
 * clipping to the image. `plusOne` uses the R-CNN / py-faster-rcnn pixel convention
 * (w = x2 − x1 + 1; decoded x2 = cx + w/2 − 1). Computed in float64.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { clipBoxes, flatBoxes, type BoxesLike } from './boxes';

export interface BoxCodingOptions {
  /** (wx, wy, ww, wh); default [1, 1, 1, 1] (R-CNN); torchvision's Faster R-CNN uses [10, 10, 5, 5] */
  weights?: [number, number, number, number];
  plusOne?: boolean;
}

export const BBOX_XFORM_CLIP = Math.log(1000 / 16);

function weightsOf(o: BoxCodingOptions): [number, number, number, number] {
  const w = o.weights ?? [1, 1, 1, 1];
  if (w.length !== 4 || w.some((v) => !(Number.isFinite(v) && v !== 0))) throw new ConfigError('weights must be 4 non-zero numbers', { expected: '[wx, wy, ww, wh]', got: JSON.stringify(w), where: 'weights' });
  return w;
}

/** Regression targets [N·4] (tx, ty, tw, th) of ground-truth boxes relative to proposals (both xyxy). */
export function encodeBoxes(proposals: BoxesLike, gt: BoxesLike, opts: BoxCodingOptions = {}): Float64Array {
  const P = flatBoxes(proposals, 'proposals'), G = flatBoxes(gt, 'gt');
  if (P.n !== G.n) throw new ShapeError('one ground-truth box per proposal', { expected: `${P.n} boxes`, got: `${G.n}`, where: 'gt' });
  const [wx, wy, ww, wh] = weightsOf(opts);
  const one = opts.plusOne ? 1 : 0;
  const out = new Float64Array(P.n * 4);
  const p = P.data, g = G.data;
  for (let i = 0; i < P.n; i++) {
    const pw = p[i * 4 + 2] - p[i * 4] + one, ph = p[i * 4 + 3] - p[i * 4 + 1] + one;
    const px = p[i * 4] + 0.5 * pw, py = p[i * 4 + 1] + 0.5 * ph;
    const gw = g[i * 4 + 2] - g[i * 4] + one, gh = g[i * 4 + 3] - g[i * 4 + 1] + one;
    const gx = g[i * 4] + 0.5 * gw, gy = g[i * 4 + 1] + 0.5 * gh;
    out[i * 4] = (wx * (gx - px)) / pw;
    out[i * 4 + 1] = (wy * (gy - py)) / ph;
    out[i * 4 + 2] = ww * Math.log(gw / pw);
    out[i * 4 + 3] = wh * Math.log(gh / ph);
  }
  return out;
}

/** Applies deltas [N·4] to boxes (xyxy); optional clip to { width, height }. */
export function decodeBoxes(deltas: ArrayLike<number> | Tensor, boxes: BoxesLike, opts: BoxCodingOptions & { clip?: { width: number; height: number } } = {}): Float64Array {
  const B = flatBoxes(boxes, 'boxes');
  const d = deltas instanceof Tensor ? (deltas.data as ArrayLike<number>) : deltas;
  if (d.length !== B.n * 4) throw new ShapeError('one delta row (4 numbers) per box', { expected: `${B.n * 4} numbers`, got: `${d.length}`, where: 'deltas' });
  const [wx, wy, ww, wh] = weightsOf(opts);
  const one = opts.plusOne ? 1 : 0;
  const out = new Float64Array(B.n * 4);
  const b = B.data;
  for (let i = 0; i < B.n; i++) {
    const w = b[i * 4 + 2] - b[i * 4] + one, h = b[i * 4 + 3] - b[i * 4 + 1] + one;
    const cx = b[i * 4] + 0.5 * w, cy = b[i * 4 + 1] + 0.5 * h;
    const dx = d[i * 4] / wx, dy = d[i * 4 + 1] / wy;
    const dw = Math.min(d[i * 4 + 2] / ww, BBOX_XFORM_CLIP), dh = Math.min(d[i * 4 + 3] / wh, BBOX_XFORM_CLIP);
    const pcx = dx * w + cx, pcy = dy * h + cy;
    const pw = Math.exp(dw) * w, ph = Math.exp(dh) * h;
    const hw = 0.5 * pw, hh = 0.5 * ph;
    out[i * 4] = pcx - hw; out[i * 4 + 1] = pcy - hh; out[i * 4 + 2] = pcx + hw - one; out[i * 4 + 3] = pcy + hh - one;
  }
  if (opts.clip) {
    const c = opts.plusOne ? { width: opts.clip.width - 1, height: opts.clip.height - 1 } : opts.clip;
    return clipBoxes(out, c) as Float64Array;
  }
  return out;
}

/** Smooth L1 (Huber with β): 0.5·x²/β if |x| < β, else |x| − 0.5·β (torch `smooth_l1_loss`, β = 1 in Fast R-CNN). */
export function smoothL1(x: number, beta = 1): number {
  if (beta === 0) return Math.abs(x);
  const a = Math.abs(x);
  return a < beta ? (0.5 * a * a) / beta : a - 0.5 * beta;
}

type Matrix = Tensor | readonly (readonly number[])[];

function matrix(m: Matrix, where: string): { rows: number; cols: number; data: Float64Array } {
  if (m instanceof Tensor) {
    if (m.dims.length !== 2) throw new ShapeError('expected a 2-D tensor', { expected: '[rows, cols]', got: fmtShape(m.dims), where });
    return { rows: m.dims[0], cols: m.dims[1], data: Float64Array.from(m.data as ArrayLike<number>, Number) };
  }
  if (!Array.isArray(m)) throw new ShapeError('expected a matrix', { expected: 'Tensor or number[][]', got: typeof m, where });
  const rows = m.length, cols = rows ? m[0].length : 0;
  const data = new Float64Array(rows * cols);
  m.forEach((r, i) => {
    if (r.length !== cols) throw new ShapeError('ragged matrix', { expected: `${cols} columns`, got: `${r.length}`, where: `${where}[${i}]` });
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
  });
  return { rows, cols, data };
}

export interface FastRcnnLossOptions {
  /** λ, the balance of the localisation term (paper: 1) */
  lambda?: number;
  /** β of smooth L1 (paper: 1; torchvision's fastrcnn_loss: 1/9) */
  beta?: number;
}

/**
 * Fast R-CNN multi-task loss L = L_cls + λ·[u ≥ 1]·L_loc over N RoIs:
 * L_cls = mean cross-entropy of logits [N, K+1] against labels u (0 = background);
 * L_loc = Σ over RoIs with u ≥ 1 of Σ_{x,y,w,h} smoothL1(t^u − v) divided by N
 * (torchvision's `fastrcnn_loss` normalisation). boxRegression is [N, 4·(K+1)] (class-specific,
 * the columns 4u..4u+3 are used) or [N, 4]; targets v are [N, 4].
 */
export function fastRcnnLoss(logits: Matrix, labels: ArrayLike<number>, boxRegression: Matrix, targets: Matrix, opts: FastRcnnLossOptions = {}): { loss: number; cls: number; loc: number } {
  const L = matrix(logits, 'logits'), R = matrix(boxRegression, 'boxRegression'), T = matrix(targets, 'targets');
  const N = L.rows, K1 = L.cols;
  if (labels.length !== N) throw new ShapeError('one label per RoI', { expected: `${N} labels`, got: `${labels.length}`, where: 'labels' });
  if (R.rows !== N || !(R.cols === 4 * K1 || R.cols === 4)) throw new ShapeError('box regression shape', { expected: `[${N}, ${4 * K1}] or [${N}, 4]`, got: fmtShape([R.rows, R.cols]), where: 'boxRegression' });
  if (T.rows !== N || T.cols !== 4) throw new ShapeError('targets shape', { expected: `[${N}, 4]`, got: fmtShape([T.rows, T.cols]), where: 'targets' });
  const lambda = opts.lambda ?? 1, beta = opts.beta ?? 1;
  let cls = 0, loc = 0;
  for (let i = 0; i < N; i++) {
    const u = labels[i];
    if (!(Number.isInteger(u) && u >= 0 && u < K1)) throw new ShapeError('label out of range', { expected: `an integer in [0, ${K1 - 1}]`, got: String(u), where: `labels[${i}]` });
    let mx = -Infinity;
    for (let j = 0; j < K1; j++) mx = Math.max(mx, L.data[i * K1 + j]);
    let se = 0;
    for (let j = 0; j < K1; j++) se += Math.exp(L.data[i * K1 + j] - mx);
    cls += mx + Math.log(se) - L.data[i * K1 + u];
    if (u >= 1) {
      const off = R.cols === 4 ? 0 : 4 * u;
      for (let k = 0; k < 4; k++) loc += smoothL1(R.data[i * R.cols + off + k] - T.data[i * 4 + k], beta);
    }
  }
  cls = N ? cls / N : 0;
  loc = N ? loc / N : 0;
  return { loss: cls + lambda * loc, cls, loc };
}

/**
 * Boxes: area, IoU (torchvision `box_iou` semantics, or the VOC/R-CNN `plusOne` pixel
 * convention), format conversion (torchvision `box_convert`: xyxy, xywh, cxcywh).
 *
 * Boxes come as a `Tensor` [N, 4] (float32 or float64), a flat Float32Array/Float64Array of
 * N·4 numbers, or an array of [a, b, c, d]. float32 input is computed in float32 (each
 * operation rounded, as torchvision does on float tensors); everything else in float64.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { areaXyxy, iouXyxy } from './iou';

export type BoxesLike = Tensor | Float32Array | Float64Array | readonly (readonly number[])[] | readonly number[];
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

export interface FlatBoxes {
  data: Float32Array | Float64Array;
  n: number;
  f32: boolean;
}

/** Normalizes boxes to a flat typed array of n·4 numbers (no copy for typed input). */
export function flatBoxes(b: BoxesLike, where = 'boxes'): FlatBoxes {
  if (b instanceof Tensor) {
    if (b.dtype !== 'float32' && b.dtype !== 'float64') throw new ShapeError('boxes must be a float tensor', { expected: 'float32 or float64', got: b.dtype, where });
    if (!(b.dims.length === 2 && b.dims[1] === 4) && !(b.dims.length === 1 && b.dims[0] === 0)) {
      throw new ShapeError('boxes must have shape [N, 4]', { expected: '[N, 4]', got: fmtShape(b.dims), where });
    }
    return { data: b.data as Float32Array | Float64Array, n: b.data.length / 4, f32: b.dtype === 'float32' };
  }
  if (b instanceof Float32Array || b instanceof Float64Array) {
    if (b.length % 4 !== 0) throw new ShapeError('flat boxes must have a multiple of 4 numbers', { expected: 'N·4 numbers', got: `${b.length}`, where });
    return { data: b, n: b.length / 4, f32: b instanceof Float32Array };
  }
  if (!Array.isArray(b)) throw new ShapeError('unsupported boxes', { expected: 'Tensor [N,4], Float32Array, Float64Array or number[][]', got: typeof b, where });
  if (b.length > 0 && Array.isArray(b[0])) {
    const rows = b as readonly (readonly number[])[];
    const out = new Float64Array(rows.length * 4);
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== 4) throw new ShapeError('each box must have 4 numbers', { expected: '[a, b, c, d]', got: Array.isArray(r) ? `${r.length} numbers` : typeof r, where: `${where}[${i}]` });
      for (let k = 0; k < 4; k++) out[i * 4 + k] = r[k];
    });
    return { data: out, n: rows.length, f32: false };
  }
  const flat = b as readonly number[];
  if (flat.length % 4 !== 0) throw new ShapeError('flat boxes must have a multiple of 4 numbers', { expected: 'N·4 numbers', got: `${flat.length}`, where });
  return { data: Float64Array.from(flat), n: flat.length / 4, f32: false };
}

const ident = (x: number) => x;

/** Areas (x2 − x1)·(y2 − y1) of xyxy boxes (+1 on each side with plusOne). */
export function boxArea(boxes: BoxesLike, opts: { plusOne?: boolean } = {}): Float64Array | Float32Array {
  const b = flatBoxes(boxes);
  const rule = { plusOne: opts.plusOne, f32: b.f32 };
  const out = b.f32 ? new Float32Array(b.n) : new Float64Array(b.n);
  const d = b.data;
  for (let i = 0; i < b.n; i++) out[i] = areaXyxy(d[i * 4], d[i * 4 + 1], d[i * 4 + 2], d[i * 4 + 3], rule);
  return out;
}

/**
 * IoU matrix [N, M] of xyxy boxes, torchvision `box_iou`: inter = clamp(rb − lt, 0) products,
 * union = area1 + area2 − inter. With `plusOne`, widths are x2 − x1 + 1 (VOC/R-CNN pixels).
 * Result dtype: float32 if both inputs are float32, else float64.
 */
export function boxIou(a: BoxesLike, b: BoxesLike, opts: { plusOne?: boolean } = {}): Tensor<'float32' | 'float64'> {
  const A = flatBoxes(a, 'a'), B = flatBoxes(b, 'b');
  const f32 = A.f32 && B.f32;
  const rule = { plusOne: opts.plusOne, f32 };
  const areaA = boxArea(A.data, opts), areaB = boxArea(B.data, opts);
  const out = f32 ? new Float32Array(A.n * B.n) : new Float64Array(A.n * B.n);
  const p = A.data, q = B.data;
  for (let i = 0; i < A.n; i++) {
    for (let j = 0; j < B.n; j++) {
      out[i * B.n + j] = iouXyxy(p[i * 4], p[i * 4 + 1], p[i * 4 + 2], p[i * 4 + 3], areaA[i], q[j * 4], q[j * 4 + 1], q[j * 4 + 2], q[j * 4 + 3], areaB[j], rule);
    }
  }
  return f32 ? new Tensor('float32', out as Float32Array, [A.n, B.n]) : new Tensor('float64', out as Float64Array, [A.n, B.n]);
}

/** torchvision `box_convert`: converts between xyxy, xywh (x, y, w, h) and cxcywh. Keeps the container kind. */
export function boxConvert<B extends BoxesLike>(boxes: B, inFmt: BoxFormat, outFmt: BoxFormat): B {
  const fmts: BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];
  if (!fmts.includes(inFmt)) throw new ConfigError('unknown box format', { expected: fmts.join(' | '), got: String(inFmt), where: 'inFmt' });
  if (!fmts.includes(outFmt)) throw new ConfigError('unknown box format', { expected: fmts.join(' | '), got: String(outFmt), where: 'outFmt' });
  const b = flatBoxes(boxes);
  const F = b.f32 ? Math.fround : ident;
  const out = b.f32 ? new Float32Array(b.n * 4) : new Float64Array(b.n * 4);
  const d = b.data;
  for (let i = 0; i < b.n; i++) {
    let x1 = d[i * 4], y1 = d[i * 4 + 1], x2 = d[i * 4 + 2], y2 = d[i * 4 + 3];
    if (inFmt === 'xywh') { x2 = F(x1 + x2); y2 = F(y1 + y2); } else if (inFmt === 'cxcywh') {
      const cx = x1, cy = y1, w = x2, h = y2;
      x1 = F(cx - F(0.5 * w)); y1 = F(cy - F(0.5 * h)); x2 = F(cx + F(0.5 * w)); y2 = F(cy + F(0.5 * h));
    }
    if (outFmt === 'xyxy') { out.set([x1, y1, x2, y2], i * 4); } else if (outFmt === 'xywh') {
      out.set([x1, y1, F(x2 - x1), F(y2 - y1)], i * 4);
    } else {
      const w = F(x2 - x1), h = F(y2 - y1);
      out.set([F(F(x1 + x2) / 2), F(F(y1 + y2) / 2), w, h], i * 4);
    }
  }
  if (inFmt === outFmt) out.set(d);
  if (boxes instanceof Tensor) return new Tensor(boxes.dtype, out as never, [b.n, 4]) as B;
  if (boxes instanceof Float32Array || boxes instanceof Float64Array) return out as B;
  if (Array.isArray(boxes) && boxes.length > 0 && !Array.isArray(boxes[0])) return Array.from(out) as unknown as B;
  const rows: number[][] = [];
  for (let i = 0; i < b.n; i++) rows.push(Array.from(out.subarray(i * 4, i * 4 + 4)));
  return rows as unknown as B;
}

/** Clips xyxy boxes to an image: x to [0, width], y to [0, height] (torchvision `clip_boxes_to_image`). */
export function clipBoxes(boxes: BoxesLike, size: { width: number; height: number }): Float64Array | Float32Array {
  const b = flatBoxes(boxes);
  const out = b.f32 ? new Float32Array(b.data) : new Float64Array(b.data);
  for (let i = 0; i < b.n * 4; i++) {
    const lim = i % 2 === 0 ? size.width : size.height;
    out[i] = Math.min(Math.max(out[i], 0), lim);
  }
  return out;
}

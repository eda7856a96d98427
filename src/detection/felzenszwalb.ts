/**
 * Felzenszwalb–Huttenlocher graph segmentation (IJCV 2004), the first step of selective search:
 * Gaussian smoothing (σ), 8-connected pixel graph weighted by the Euclidean colour distance
 * (as float32, like the authors' code; equal weights in raster edge order), edges in increasing
 * weight merge two components when the weight is ≤ both internal differences Int(C) + k/|C|;
 * then components smaller than `minSize` are merged along the sorted edges.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';

export interface SegmentOptions { k?: number; sigma?: number; minSize?: number }

export interface Image3 { h: number; w: number; /** [h·w·3] in 0..255, HWC */ data: Float64Array }

/** Accepts uint8 (or float 0..255) images as HWC [H, W, 3] or CHW [3, H, W] (also with a leading batch of 1). */
export function toImage3(img: Tensor, where = 'image'): Image3 {
  if (!(img instanceof Tensor)) throw new ShapeError('image must be a Tensor', { expected: 'Tensor uint8 [H, W, 3] or [3, H, W]', got: typeof img, where });
  let dims = [...img.dims];
  if (dims.length === 4 && dims[0] === 1) dims = dims.slice(1);
  if (dims.length !== 3) throw new ShapeError('image must have 3 dimensions', { expected: '[H, W, 3] or [3, H, W]', got: fmtShape(img.dims), where });
  if (img.dtype === 'int64') throw new ShapeError('unsupported image dtype', { expected: 'uint8, float32 or float64', got: img.dtype, where });
  const src = img.data as ArrayLike<number>;
  const hwc = dims[2] === 3;
  if (!hwc && dims[0] !== 3) throw new ShapeError('image must have 3 colour channels', { expected: '[H, W, 3] or [3, H, W]', got: fmtShape(img.dims), where });
  const h = hwc ? dims[0] : dims[1], w = hwc ? dims[1] : dims[2];
  if (h < 1 || w < 1) throw new ShapeError('empty image', { expected: 'H, W ≥ 1', got: fmtShape(img.dims), where });
  const data = new Float64Array(h * w * 3);
  if (hwc) for (let i = 0; i < h * w * 3; i++) data[i] = src[i];
  else for (let c = 0; c < 3; c++) for (let p = 0; p < h * w; p++) data[p * 3 + c] = src[c * h * w + p];
  return { h, w, data };
}

function gaussianKernel(sigma: number): Float64Array {
  const s = Math.max(sigma, 0.01);
  const len = Math.ceil(s * 4) + 1;
  const k = new Float64Array(len);
  let sum = 0;
  for (let i = 0; i < len; i++) { k[i] = Math.exp(-0.5 * (i / s) ** 2); sum += i === 0 ? k[i] : 2 * k[i]; }
  for (let i = 0; i < len; i++) k[i] /= sum;
  return k;
}

/** Separable Gaussian smoothing of a 3-channel image, borders clamped. */
export function smooth(im: Image3, sigma: number): Image3 {
  if (sigma <= 0) return im;
  const k = gaussianKernel(sigma), L = k.length, { h, w } = im;
  const tmp = new Float64Array(h * w * 3), out = new Float64Array(h * w * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    let s = k[0] * im.data[(y * w + x) * 3 + c];
    for (let i = 1; i < L; i++) s += k[i] * (im.data[(y * w + Math.max(x - i, 0)) * 3 + c] + im.data[(y * w + Math.min(x + i, w - 1)) * 3 + c]);
    tmp[(y * w + x) * 3 + c] = s;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    let s = k[0] * tmp[(y * w + x) * 3 + c];
    for (let i = 1; i < L; i++) s += k[i] * (tmp[(Math.max(y - i, 0) * w + x) * 3 + c] + tmp[(Math.min(y + i, h - 1) * w + x) * 3 + c]);
    out[(y * w + x) * 3 + c] = s;
  }
  return { h, w, data: out };
}

/**
 * Felzenszwalb–Huttenlocher segmentation. Returns a label per pixel (0..n−1, numbered in
 * raster order of first appearance) and the number of components.
 */
export function felzenszwalb(image: Tensor | Image3, opts: SegmentOptions = {}): { labels: Int32Array; count: number; h: number; w: number } {
  const im = image instanceof Tensor ? toImage3(image) : image;
  const k = opts.k ?? 100, sigma = opts.sigma ?? 0.8, minSize = opts.minSize ?? 20;
  if (!(k > 0)) throw new ConfigError('k must be positive', { expected: '> 0', got: String(k), where: 'felzenszwalb(k)' });
  const { h, w } = im;
  const sm = smooth(im, sigma).data;
  const n = h * w;
  const maxE = n * 4;
  const ea = new Int32Array(maxE), eb = new Int32Array(maxE), ew = new Float64Array(maxE);
  let ne = 0;
  const add = (p: number, q: number) => {
    const d0 = sm[p * 3] - sm[q * 3], d1 = sm[p * 3 + 1] - sm[q * 3 + 1], d2 = sm[p * 3 + 2] - sm[q * 3 + 2];
    ea[ne] = p; eb[ne] = q; ew[ne] = Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2); ne++;
  };
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    if (x < w - 1) add(p, p + 1);
    if (y < h - 1) add(p, p + w);
    if (x < w - 1 && y < h - 1) add(p, p + w + 1);
    if (x < w - 1 && y > 0) add(p, p - w + 1);
  }
  // edge weights as float32 (the authors' code stores `float w`), stable LSD radix sort on the
  // bit patterns (non-negative floats order like their bits): ties keep index order
  const bits = new Uint32Array(new Float32Array(ew.subarray(0, ne)).buffer);
  for (let i = 0; i < ne; i++) ew[i] = Math.fround(ew[i]);
  let order = new Int32Array(ne), tmp = new Int32Array(ne);
  for (let i = 0; i < ne; i++) order[i] = i;
  for (let shift = 0; shift < 32; shift += 16) {
    const cnt = new Int32Array(65537);
    for (let i = 0; i < ne; i++) cnt[((bits[i] >>> shift) & 0xffff) + 1]++;
    for (let b = 0; b < 65536; b++) cnt[b + 1] += cnt[b];
    for (let k = 0; k < ne; k++) { const i = order[k]; tmp[cnt[(bits[i] >>> shift) & 0xffff]++] = i; }
    [order, tmp] = [tmp, order];
  }
  const parent = new Int32Array(n), rank = new Uint8Array(n), size = new Int32Array(n).fill(1);
  const thr = new Float64Array(n).fill(k);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number) => { let r = x; while (parent[r] !== r) r = parent[r]; while (parent[x] !== r) { const nx = parent[x]; parent[x] = r; x = nx; } return r; };
  const join = (a: number, b: number) => {
    if (rank[a] > rank[b]) { parent[b] = a; size[a] += size[b]; return a; }
    parent[a] = b; size[b] += size[a]; if (rank[a] === rank[b]) rank[b]++; return b;
  };
  for (let q = 0; q < ne; q++) {
    const e = order[q];
    const a = find(ea[e]), b = find(eb[e]);
    if (a !== b && ew[e] <= thr[a] && ew[e] <= thr[b]) {
      const r = join(a, b);
      thr[r] = ew[e] + k / size[r];
    }
  }
  for (let q = 0; q < ne; q++) {
    const e = order[q];
    const a = find(ea[e]), b = find(eb[e]);
    if (a !== b && (size[a] < minSize || size[b] < minSize)) join(a, b);
  }
  const labels = new Int32Array(n), map = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const r = find(p);
    let l = map.get(r);
    if (l === undefined) { l = map.size; map.set(r, l); }
    labels[p] = l;
  }
  return { labels, count: map.size, h, w };
}

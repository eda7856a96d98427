/**
 * Image classification data sets in memory: float32 NCHW images and integer labels, seeded shuffling and
 * augmentation (zero-pad + random crop, horizontal flip), resize, and Fashion-MNIST read from Debian's
 * `dataset-fashion-mnist` package (gzipped idx files under /usr/share/datasets/fashion-mnist).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError, NotFoundError, ParseError, ShapeError, fmtShape } from '../errors';
import { Rng } from '../tensor/random';

export interface ImageDataset {
  /** N·C·H·W float32 values, C order */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** [C, H, W] of one image */
  readonly shape: readonly [number, number, number];
  readonly length: number;
  readonly classes?: readonly string[];
  readonly name?: string;
}

/** Checks sizes and makes an ImageDataset. */
export function imageDataset(images: Float32Array, labels: Int32Array | readonly number[], shape: readonly [number, number, number], extra: { classes?: readonly string[]; name?: string } = {}): ImageDataset {
  const per = shape[0] * shape[1] * shape[2];
  const n = labels.length;
  if (images.length !== n * per) {
    throw new ShapeError('images do not match the labels and the image shape', { expected: `${n} × ${fmtShape(shape)} = ${n * per} values`, got: `${images.length}`, where: extra.name ?? 'imageDataset' });
  }
  return { images, labels: labels instanceof Int32Array ? labels : Int32Array.from(labels), shape: [...shape] as [number, number, number], length: n, ...extra };
}

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
/** mean and std of the Fashion-MNIST training images (pixel/255) */
export const FASHION_MNIST_MEAN = 0.2860;
export const FASHION_MNIST_STD = 0.3530;
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  let raw = readFileSync(path);
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  if (raw.length < 8 || raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08) {
    throw new ParseError('not an idx file of unsigned bytes', { expected: 'magic 00 00 08 <ndim>', got: Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' '), where: `${path}@0` });
  }
  const nd = raw[3];
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(raw.readUInt32BE(4 + 4 * i));
  const off = 4 + 4 * nd;
  const n = dims.reduce((a, b) => a * b, 1);
  if (raw.length - off !== n) throw new ParseError('idx data size does not match its dims', { expected: `${n} bytes for ${fmtShape(dims)}`, got: `${raw.length - off}`, where: `${path}@${off}` });
  return { dims, data: raw.subarray(off) };
}

export interface FashionMnistOptions {
  split?: 'train' | 'test';
  /** the first `limit` images only */
  limit?: number;
  /** folder of the idx files (default the Debian package's) */
  dir?: string;
  /** output size: 28 (as stored) or e.g. 32 (bilinear resize, PyTorch's align_corners=False) */
  size?: number;
  /** (x/255 − mean)/std with the training set's statistics (default true); false gives x/255 */
  normalize?: boolean;
}

/** Fashion-MNIST (Xiao et al. 2017) from Debian's `dataset-fashion-mnist`: 60 000 train / 10 000 test, 28×28, 10 classes. */
export function fashionMnist(o: FashionMnistOptions = {}): ImageDataset {
  const split = o.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new ConfigError('unknown Fashion-MNIST split', { expected: "'train' or 'test'", got: String(split), where: 'fashionMnist()' });
  const dir = o.dir ?? process.env.CNNLAB_FASHION_MNIST ?? FASHION_MNIST_DIR;
  const stem = split === 'train' ? 'train' : 't10k';
  const find = (base: string) => [join(dir, `${base}.gz`), join(dir, base)].find((p) => existsSync(p));
  const imgPath = find(`${stem}-images-idx3-ubyte`), lblPath = find(`${stem}-labels-idx1-ubyte`);
  if (!imgPath || !lblPath) {
    throw new NotFoundError('Fashion-MNIST files not found', {
      expected: `${stem}-images-idx3-ubyte(.gz) and ${stem}-labels-idx1-ubyte(.gz) from the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist), or a folder given as { dir } / CNNLAB_FASHION_MNIST`,
      got: `nothing in ${dir}`, where: 'fashionMnist()',
    });
  }
  const img = readIdx(imgPath), lbl = readIdx(lblPath);
  if (img.dims.length !== 3 || lbl.dims.length !== 1 || img.dims[0] !== lbl.dims[0]) {
    throw new ParseError('Fashion-MNIST idx dims do not fit', { expected: '[N, 28, 28] images and [N] labels', got: `${fmtShape(img.dims)} and ${fmtShape(lbl.dims)}`, where: imgPath });
  }
  const n = Math.min(o.limit ?? img.dims[0], img.dims[0]);
  const [h, w] = [img.dims[1], img.dims[2]];
  const norm = o.normalize ?? true;
  const a = norm ? 1 / (255 * FASHION_MNIST_STD) : 1 / 255, b = norm ? -FASHION_MNIST_MEAN / FASHION_MNIST_STD : 0;
  let images = new Float32Array(n * h * w);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] * a + b;
  let shape: [number, number, number] = [1, h, w];
  if (o.size !== undefined && o.size !== h) {
    images = resizeBilinear(images, n, 1, h, w, o.size, o.size);
    shape = [1, o.size, o.size];
  }
  return imageDataset(images, Int32Array.from(lbl.data.subarray(0, n)), shape, { classes: FASHION_MNIST_CLASSES, name: `fashion-mnist/${split}` });
}

/** Bilinear resize of N·C planes, PyTorch's F.interpolate(mode='bilinear', align_corners=False). */
export function resizeBilinear(src: Float32Array, n: number, c: number, h: number, w: number, oh: number, ow: number): Float32Array {
  const out = new Float32Array(n * c * oh * ow);
  const axis = (o: number, size: number, outSize: number) => {
    const idx0 = new Int32Array(o), idx1 = new Int32Array(o), frac = new Float32Array(o);
    const scale = size / outSize;
    for (let i = 0; i < o; i++) {
      const s = Math.max((i + 0.5) * scale - 0.5, 0);
      const i0 = Math.min(Math.floor(s), size - 1);
      idx0[i] = i0; idx1[i] = Math.min(i0 + 1, size - 1); frac[i] = s - i0;
    }
    return { idx0, idx1, frac };
  };
  const ay = axis(oh, h, oh), ax = axis(ow, w, ow);
  for (let p = 0; p < n * c; p++) {
    const si = p * h * w, so = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      const r0 = si + ay.idx0[y] * w, r1 = si + ay.idx1[y] * w, fy = ay.frac[y];
      for (let x = 0; x < ow; x++) {
        const x0 = ax.idx0[x], x1 = ax.idx1[x], fx = ax.frac[x];
        const top = src[r0 + x0] * (1 - fx) + src[r0 + x1] * fx;
        const bot = src[r1 + x0] * (1 - fx) + src[r1 + x1] * fx;
        out[so + y * ow + x] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return out;
}

/** The first `n` items, or `n` items drawn without replacement with `seed`. */
export function subset(ds: ImageDataset, n: number, seed?: number): ImageDataset {
  if (!Number.isInteger(n) || n <= 0 || n > ds.length) throw new ConfigError('subset size out of range', { expected: `1..${ds.length}`, got: String(n), where: ds.name ?? 'subset' });
  const idx = seed === undefined ? Int32Array.from({ length: n }, (_, i) => i) : permutation(ds.length, seed).subarray(0, n);
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const images = new Float32Array(n * per);
  const labels = new Int32Array(n);
  idx.forEach((j, i) => { images.set(ds.images.subarray(j * per, (j + 1) * per), i * per); labels[i] = ds.labels[j]; });
  return { ...ds, images, labels, length: n };
}

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

export interface Augment {
  /** zero-pad by this many pixels, then crop a random window of the original size (CIFAR-style) */
  padCrop?: number;
  /** flip horizontally with probability ½ */
  flip?: boolean;
}

/**
 * Copies items `idx` into one batch (N·C·H·W), augmenting each with `rng` when asked. Padding is with zeros
 * in the stored (normalised) units.
 */
export function gatherBatch(ds: ImageDataset, idx: ArrayLike<number>, out: Float32Array, labels: BigInt64Array, aug?: Augment, rng?: Rng): void {
  const [c, h, w] = ds.shape;
  const per = c * h * w;
  const pad = aug?.padCrop ?? 0;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    labels[i] = BigInt(ds.labels[j]);
    const src = j * per, dst = i * per;
    if (!aug || (!pad && !aug.flip) || !rng) { out.set(ds.images.subarray(src, src + per), dst); continue; }
    const dy = pad ? Math.floor(rng.next() * (2 * pad + 1)) - pad : 0;
    const dx = pad ? Math.floor(rng.next() * (2 * pad + 1)) - pad : 0;
    const flip = aug.flip ? rng.next() < 0.5 : false;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const sy = y + dy;
        for (let x = 0; x < w; x++) {
          const xx = flip ? w - 1 - x : x;
          const sx = xx + dx;
          out[dst + (ch * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? ds.images[src + (ch * h + sy) * w + sx] : 0;
        }
      }
    }
  }
}

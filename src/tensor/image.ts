/**
 * Images → tensors, with sharp (libvips) for decoding and resampling.
 *
 * The pipeline mirrors torchvision's classification transforms:
 *
 *   decode (PNG/JPEG/WebP/..., alpha dropped, grey expanded to RGB, as PIL's `convert('RGB')`)
 *   → Resize(n): shorter side to n, longer side int(n · long / short) (or an explicit [h, w])
 *   → CenterCrop(c): top = round((H − h) / 2) with Python's round-half-to-even; zero padding when the
 *     crop is larger than the image
 *   → ToTensor: x / 255 → Normalize: (x − mean) / std (ImageNet's mean/std by default)
 *   → NCHW float32 [1, 3, H, W].
 *
 * Resampling: by default 'pil-bilinear', a TypeScript re-implementation of Pillow's antialiased
 * bilinear filter (the one torchvision's Resize applies to PIL images); it reproduces torchvision's
 * resized pixels exactly. sharp's kernels are available too (`kernel: 'linear'` etc.) and are faster
 * on large images, but they are not torchvision's: libvips' linear reduce differs by a few levels when
 * downscaling, and when upscaling it samples half an output pixel off PIL's grid (differences up to
 * ~100 levels at sharp edges). test/tensor/image.test.ts records the measured figures.
 * Decoding (sharp), cropping and normalisation match torchvision exactly on the test images.
 * As PIL, decoding ignores embedded ICC profiles and EXIF orientation.
 */
import type SharpDefault from 'sharp';
import { readFile } from 'fs/promises';
import { CnnlabError, ConfigError, ParseError, ShapeError, fmtShape } from '../errors';
import { Tensor } from './tensor';
import { imageNormalization, markNormalized } from './normalization';
import { fileError } from './safetensors';
import { encodePng } from './png';

export const IMAGENET_MEAN: readonly number[] = Object.freeze([0.485, 0.456, 0.406]);
export const IMAGENET_STD: readonly number[] = Object.freeze([0.229, 0.224, 0.225]);

/** Decoded pixels: RGB, 8 bits, row-major HWC (interleaved). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/**
 * sharp (libvips) kernels, or 'pil-bilinear': a re-implementation of Pillow's antialiased bilinear
 * resampling (the filter torchvision's Resize uses on PIL images), which matches torchvision exactly.
 */
export type ResizeKernel = 'linear' | 'nearest' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3' | 'pil-bilinear';

export interface ImageOptions {
  /** 'imagenet': resize 256, center crop 224, ImageNet normalisation (fields given here override it). */
  preset?: 'imagenet';
  /** A number resizes the shorter side to it (torchvision `Resize(n)`); [h, w] resizes to exactly that. */
  resize?: number | readonly [number, number];
  /** torchvision `CenterCrop`: a number (square) or [h, w]. */
  centerCrop?: number | readonly [number, number];
  /**
   * 'imagenet' or true (the default): ImageNet mean/std; false: values in [0, 1] (ToTensor only);
   * or an explicit per-channel mean/std.
   */
  normalize?: boolean | 'imagenet' | { mean: readonly number[]; std: readonly number[] };
  /**
   * Resampling for `resize`: 'pil-bilinear' (default) reproduces torchvision's PIL bilinear exactly;
   * sharp's kernels ('linear', 'cubic', 'lanczos3', ...) are faster on big images but differ (see above).
   */
  kernel?: ResizeKernel;
  /** Images with more pixels than this are refused before decoding (default 100 000 000). */
  maxPixels?: number;
}

export interface DecodeOptions {
  maxPixels?: number;
  /** Names the source in error messages (defaults to the path, or '<image bytes>'). */
  where?: string;
}

// sharp (libvips) is loaded on first use, so importing cnnlab does not load libvips.
type SharpFn = typeof SharpDefault;
let sharpLib: SharpFn | undefined;
function sharp(...args: Parameters<SharpFn>): ReturnType<SharpFn> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sharpLib ??= require('sharp') as SharpFn;
  return sharpLib(...args);
}

const DEFAULT_MAX_PIXELS = 100_000_000;
/** The resampler `loadImage`/`imageToTensor` use unless told otherwise. */
export const DEFAULT_KERNEL: ResizeKernel = 'pil-bilinear';

type Src = string | Uint8Array;

async function srcBytes(src: Src): Promise<{ bytes: Uint8Array; where: string }> {
  if (typeof src === 'string') {
    try {
      return { bytes: await readFile(src), where: src };
    } catch (e) {
      throw fileError(e, src);
    }
  }
  if (!(src instanceof Uint8Array)) {
    throw new ConfigError('image source must be a file path or bytes', { got: (src as object)?.constructor?.name ?? typeof src });
  }
  return { bytes: src, where: '<image bytes>' };
}

function sharpError(e: unknown, where: string): CnnlabError {
  if (e instanceof CnnlabError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ParseError(`cannot decode image: ${msg}`, { expected: 'a PNG, JPEG, WebP, GIF or TIFF image', where });
}

/** Decodes an image file or its bytes to 8-bit RGB pixels (alpha dropped, grey expanded), as PIL's convert('RGB'). */
export async function decodeImage(src: Src, opts: DecodeOptions = {}): Promise<RawImage> {
  const { bytes, where: w0 } = await srcBytes(src);
  const where = opts.where ?? w0;
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) throw new ParseError('cannot decode image: no bytes', { where });
  try {
    // ignoreIcc: PIL does not apply embedded colour profiles, so neither do we (torchvision parity)
    const img = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning', sequentialRead: true, ignoreIcc: true });
    const { data, info } = await img
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new ParseError('decoded image has an unexpected layout', {
        expected: '3 channels of 8 bits', got: `${info.channels} channels, ${data.length} bytes for ${info.width}×${info.height}`, where,
      });
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
  } catch (e) {
    throw sharpError(e, where);
  }
}

function checkSize(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) <= 0 || (v as number) > 1 << 20) {
    throw new ConfigError(`${what} must be a positive integer`, { got: String(v) });
  }
  return v as number;
}

function pair(v: number | readonly [number, number], what: string): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new ConfigError(`${what} must be a number or [h, w]`, { got: JSON.stringify(v) });
    return [checkSize(v[0], `${what}[0]`), checkSize(v[1], `${what}[1]`)];
  }
  const n = checkSize(v, what);
  return [n, n];
}

/**
 * Output [h, w] of torchvision's `Resize(size)` for an image of [height, width]: a number sets the
 * shorter side, the longer becomes int(size · long / short); [h, w] is taken as is.
 */
export function resizedSize(height: number, width: number, size: number | readonly [number, number]): [number, number] {
  if (Array.isArray(size)) return pair(size as [number, number], 'resize');
  const n = checkSize(size, 'resize');
  if (width <= height) return [Math.max(1, Math.trunc((n * height) / width)), n];
  return [n, Math.max(1, Math.trunc((n * width) / height))];
}

// ---------------------------------------------------------------------------------------------
// Pillow-compatible antialiased bilinear resampling (Pillow's Resample.c algorithm, written anew):
// a triangle filter whose support widens by the scale when downsampling, coefficients normalised
// per output pixel and quantised to 22-bit fixed point, horizontal pass first (rows the vertical
// pass needs only), each pass rounding to uint8.

const PRECISION_BITS = 32 - 8 - 2;

interface Coeffs { bounds: Int32Array; k: Int32Array; ksize: number }

function pilCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale; // bilinear support is 1
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const pre = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      pre[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? pre[x] / ww : pre[x];
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, k, ksize };
}

function clip8(v: number): number {
  const q = v >> PRECISION_BITS; // v fits in 32 bits: 255 · 2^22 · (sum of |k|) stays below 2^31
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

function pilResize(img: RawImage, h: number, w: number): RawImage {
  const { width: W, height: H } = img;
  let src = img.data;
  let srcW = W;
  const needH = w !== W;
  const needV = h !== H;
  const cv = pilCoeffs(H, h);
  let rowsFirst = 0;
  let rows = H;
  if (needH) {
    const ch = pilCoeffs(W, w);
    if (needV) {
      rowsFirst = cv.bounds[0];
      rows = cv.bounds[(h - 1) * 2] + cv.bounds[(h - 1) * 2 + 1] - rowsFirst;
    }
    const tmp = new Uint8Array(rows * w * 3);
    const half = 1 << (PRECISION_BITS - 1);
    for (let y = 0; y < rows; y++) {
      const rowIn = (y + rowsFirst) * W * 3;
      for (let xx = 0; xx < w; xx++) {
        const xmin = ch.bounds[xx * 2];
        const xmax = ch.bounds[xx * 2 + 1];
        const ko = xx * ch.ksize;
        let s0 = half, s1 = half, s2 = half;
        for (let x = 0; x < xmax; x++) {
          const kv = ch.k[ko + x];
          const p = rowIn + (x + xmin) * 3;
          s0 += src[p] * kv; s1 += src[p + 1] * kv; s2 += src[p + 2] * kv;
        }
        const o = (y * w + xx) * 3;
        tmp[o] = clip8(s0); tmp[o + 1] = clip8(s1); tmp[o + 2] = clip8(s2);
      }
    }
    src = tmp;
    srcW = w;
  }
  if (!needV) return { data: src, width: w, height: h, channels: 3 };
  const out = new Uint8Array(h * w * 3);
  const half = 1 << (PRECISION_BITS - 1);
  for (let yy = 0; yy < h; yy++) {
    const ymin = cv.bounds[yy * 2] - rowsFirst;
    const ymax = cv.bounds[yy * 2 + 1];
    const ko = yy * cv.ksize;
    for (let xx = 0; xx < w; xx++) {
      let s0 = half, s1 = half, s2 = half;
      for (let y = 0; y < ymax; y++) {
        const kv = cv.k[ko + y];
        const p = ((y + ymin) * srcW + xx) * 3;
        s0 += src[p] * kv; s1 += src[p + 1] * kv; s2 += src[p + 2] * kv;
      }
      const o = (yy * w + xx) * 3;
      out[o] = clip8(s0); out[o + 1] = clip8(s1); out[o + 2] = clip8(s2);
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}

/**
 * Resizes to torchvision `Resize(size)`'s output size with 'pil-bilinear' (default, exact) or one of
 * sharp's kernels. Same size returns the input unchanged, as PIL does.
 */
export async function resizeImage(img: RawImage, size: number | readonly [number, number], kernel: ResizeKernel = DEFAULT_KERNEL): Promise<RawImage> {
  const [h, w] = resizedSize(img.height, img.width, size);
  if (h === img.height && w === img.width) return img;
  if (h * w > DEFAULT_MAX_PIXELS) {
    throw new ConfigError('resize target too large', { expected: `at most ${DEFAULT_MAX_PIXELS} pixels`, got: `${h}×${w} for a ${img.height}×${img.width} image` });
  }
  if (kernel === 'pil-bilinear') return pilResize(img, h, w);
  const kernels: ResizeKernel[] = ['linear', 'nearest', 'cubic', 'mitchell', 'lanczos2', 'lanczos3'];
  if (!kernels.includes(kernel)) throw new ConfigError('unknown resize kernel', { expected: [...kernels, 'pil-bilinear'].join(' | '), got: String(kernel) });
  try {
    const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(w, h, { kernel: kernel as Exclude<ResizeKernel, 'pil-bilinear'>, fit: 'fill', fastShrinkOnLoad: false })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== w || info.height !== h || info.channels !== 3) {
      throw new CnnlabError('resize produced an unexpected size', { expected: `${w}×${h}×3`, got: `${info.width}×${info.height}×${info.channels}` });
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: w, height: h, channels: 3 };
  } catch (e) {
    throw sharpError(e, 'resize');
  }
}

/** Python 3's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision's CenterCrop: zero-pads first when the crop is larger, then top = round((H − h) / 2). */
export function centerCropImage(img: RawImage, size: number | readonly [number, number]): RawImage {
  const [ch, cw] = pair(size, 'centerCrop');
  let { data, width: W, height: H } = img;
  if (cw > W || ch > H) {
    const left = cw > W ? Math.floor((cw - W) / 2) : 0;
    const top = ch > H ? Math.floor((ch - H) / 2) : 0;
    const right = cw > W ? Math.floor((cw - W + 1) / 2) : 0;
    const bottom = ch > H ? Math.floor((ch - H + 1) / 2) : 0;
    const PW = W + left + right;
    const PH = H + top + bottom;
    const padded = new Uint8Array(PW * PH * 3);
    for (let y = 0; y < H; y++) padded.set(data.subarray(y * W * 3, (y + 1) * W * 3), ((y + top) * PW + left) * 3);
    data = padded;
    W = PW;
    H = PH;
    if (cw === W && ch === H) return { data, width: W, height: H, channels: 3 };
  }
  const top = roundHalfEven((H - ch) / 2);
  const left = roundHalfEven((W - cw) / 2);
  const out = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) out.set(data.subarray(((y + top) * W + left) * 3, ((y + top) * W + left + cw) * 3), y * cw * 3);
  return { data: out, width: cw, height: ch, channels: 3 };
}

function resolveNorm(n: ImageOptions['normalize']): { mean: readonly number[]; std: readonly number[] } | null {
  if (n === false) return null;
  if (n === undefined || n === true || n === 'imagenet') return { mean: IMAGENET_MEAN, std: IMAGENET_STD };
  if (typeof n === 'object' && n && Array.isArray(n.mean) && Array.isArray(n.std) && n.mean.length === 3 && n.std.length === 3
    && [...n.mean, ...n.std].every((v) => Number.isFinite(v)) && n.std.every((v) => v !== 0)) return n;
  throw new ConfigError('normalize must be true, false, "imagenet" or { mean: [3 numbers], std: [3 non-zero numbers] }', { got: JSON.stringify(n) });
}

/** RGB HWC uint8 → NCHW float32 [1, 3, H, W]: x / 255, then (x − mean) / std per channel, in float32 as torchvision. */
export function rawToTensor(img: RawImage, normalize: ImageOptions['normalize'] = 'imagenet'): Tensor<'float32'> {
  const norm = resolveNorm(normalize);
  const { width: W, height: H, data } = img;
  const plane = W * H;
  const out = new Float32Array(3 * plane);
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    const m = norm ? f(norm.mean[c]) : 0;
    const s = norm ? f(norm.std[c]) : 1;
    // a lookup table per channel: the same float32 steps as torch (div 255, sub mean, div std)
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = norm ? f(f(f(v / 255) - m) / s) : f(v / 255);
    const o = c * plane;
    for (let i = 0; i < plane; i++) out[o + i] = lut[data[i * 3 + c]];
  }
  const t = new Tensor('float32', out, [1, 3, H, W]);
  if (norm) markNormalized(t, norm);
  return t;
}


function toRaw(img: RawImage | Tensor): RawImage {
  if (img instanceof Tensor) {
    if (img.dtype !== 'uint8' || img.ndim !== 3 || img.dims[2] !== 3) {
      throw new ShapeError('an image tensor must be uint8 [H, W, 3] (HWC)', { got: `${img.dtype} ${fmtShape(img.dims)}` });
    }
    return { data: img.data as Uint8Array, height: img.dims[0], width: img.dims[1], channels: 3 };
  }
  if (!img || !(img.data instanceof Uint8Array) || img.data.length !== img.width * img.height * 3) {
    throw new ShapeError('a raw image must hold width × height × 3 bytes', { got: img ? `${img.data?.length} bytes for ${img.width}×${img.height}` : String(img) });
  }
  return img;
}

function resolveOpts(opts: ImageOptions) {
  const preset = opts.preset === 'imagenet' ? { resize: 256, centerCrop: 224 } : {};
  if (opts.preset !== undefined && opts.preset !== 'imagenet') throw new ConfigError('unknown image preset', { expected: "'imagenet'", got: String(opts.preset) });
  return {
    resize: opts.resize ?? (preset as { resize?: number }).resize,
    centerCrop: opts.centerCrop ?? (preset as { centerCrop?: number }).centerCrop,
    normalize: opts.normalize,
    kernel: opts.kernel ?? DEFAULT_KERNEL,
  };
}

/**
 * Applies resize → center crop → ToTensor/Normalize to decoded pixels (a RawImage or a uint8
 * [H, W, 3] tensor) and returns NCHW float32 [1, 3, H, W].
 */
export async function imageToTensor(img: RawImage | Tensor, opts: ImageOptions = {}): Promise<Tensor<'float32'>> {
  const o = resolveOpts(opts);
  resolveNorm(o.normalize); // validate options before any work
  let raw = toRaw(img);
  if (o.resize !== undefined) raw = await resizeImage(raw, o.resize, o.kernel);
  if (o.centerCrop !== undefined) raw = centerCropImage(raw, o.centerCrop);
  return rawToTensor(raw, o.normalize);
}

/**
 * Loads an image file (or its bytes) as NCHW float32 [1, 3, H, W], ImageNet-normalised unless
 * `normalize: false`. `{ preset: 'imagenet' }` is torchvision's eval transform
 * (Resize(256), CenterCrop(224), ToTensor, Normalize).
 */
export async function loadImage(src: Src, opts: ImageOptions = {}): Promise<Tensor<'float32'>> {
  const o = resolveOpts(opts);
  resolveNorm(o.normalize);
  const raw = await decodeImage(src, { maxPixels: opts.maxPixels });
  return imageToTensor(raw, opts);
}

/** Stacks [1, 3, H, W] or [3, H, W] float tensors of one size into [N, 3, H, W]. */
export function imagesToBatch(list: readonly Tensor[]): Tensor<'float32'> {
  if (!Array.isArray(list) || list.length === 0) throw new ShapeError('imagesToBatch needs at least one image', { got: '0 images' });
  const chw = (t: Tensor, i: number): readonly number[] => {
    if (!(t instanceof Tensor)) throw new ShapeError('imagesToBatch takes Tensors', { got: typeof t, where: `images[${i}]` });
    const d = t.dims.length === 4 && t.dims[0] === 1 ? t.dims.slice(1) : t.dims;
    if (d.length !== 3) throw new ShapeError('each image must be [1, C, H, W] or [C, H, W]', { got: fmtShape(t.dims), where: `images[${i}]` });
    return d;
  };
  const first = chw(list[0], 0);
  const per = first[0] * first[1] * first[2];
  const out = new Float32Array(per * list.length);
  list.forEach((t, i) => {
    const d = chw(t, i);
    if (d[0] !== first[0] || d[1] !== first[1] || d[2] !== first[2]) {
      throw new ShapeError('images in a batch must share one shape', { expected: fmtShape(first), got: fmtShape(d), where: `images[${i}]` });
    }
    if (t.dtype === 'float32') out.set(t.data as Float32Array, i * per);
    else for (let k = 0; k < per; k++) out[i * per + k] = Number(t.data[k]);
  });
  const batch = new Tensor('float32', out, [list.length, ...first]);
  const norms = list.map((t) => imageNormalization(t));
  const same = norms.every((n) => n && JSON.stringify(n) === JSON.stringify(norms[0]));
  return same && norms[0] ? markNormalized(batch, norms[0]) : batch;
}

/** Loads several images with the same options into one [N, 3, H, W] batch. */
export async function loadImages(srcs: readonly Src[], opts: ImageOptions = {}): Promise<Tensor<'float32'>> {
  const ts = await Promise.all(srcs.map((s) => loadImage(s, opts)));
  return imagesToBatch(ts);
}

export interface PngOptions {
  /**
   * Value range mapped to 0..255 for non-uint8 tensors. Default: [0, 1] when every value lies in it,
   * otherwise the tensor's [min, max]. uint8 tensors are written as they are, bool as 0/255.
   */
  range?: readonly [number, number];
}

/**
 * Encodes a tensor as PNG: [3, H, W] or [1, 3, H, W] as RGB, [H, W], [1, H, W] or [1, 1, H, W] as grey.
 * For display fallbacks (feature maps, images); encoded by tensor/png.ts, the encoder the display bundles use.
 */
export async function tensorToPng(t: Tensor, opts: PngOptions = {}): Promise<Uint8Array> {
  if (!(t instanceof Tensor)) throw new ShapeError('tensorToPng takes a Tensor', { got: typeof t });
  let d = [...t.dims];
  if (d.length === 4 && d[0] === 1) d = d.slice(1);
  if (d.length === 3 && d[0] === 1) d = d.slice(1);
  let C: number;
  let H: number;
  let W: number;
  if (d.length === 3 && d[0] === 3) [C, H, W] = d;
  else if (d.length === 2) { C = 1; [H, W] = d; }
  else throw new ShapeError('tensorToPng needs [3, H, W], [1, 3, H, W], [1, H, W] or [H, W]', { got: fmtShape(t.dims) });
  if (H === 0 || W === 0) throw new ShapeError('cannot encode an empty image', { got: fmtShape(t.dims) });
  const n = H * W;
  const pix = new Uint8Array(n * C);
  if (t.dtype === 'uint8' || t.dtype === 'bool') {
    const src = t.data as Uint8Array;
    const k = t.dtype === 'bool' ? 255 : 1;
    for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) pix[i * C + c] = src[c * n + i] ? Math.min(255, src[c * n + i] * k) : 0;
  } else {
    const src = t.data as ArrayLike<number | bigint>;
    let lo: number;
    let hi: number;
    if (opts.range) {
      [lo, hi] = opts.range;
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) throw new ConfigError('range must be [lo, hi] with lo < hi', { got: JSON.stringify(opts.range) });
    } else {
      lo = Infinity; hi = -Infinity;
      for (let i = 0; i < src.length; i++) {
        const v = Number(src[i]);
        if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
      }
      if (lo >= 0 && hi <= 1) { lo = 0; hi = 1; }
      if (!(hi > lo)) { hi = lo + 1; if (!Number.isFinite(hi)) { lo = 0; hi = 1; } }
    }
    const scale = 255 / (hi - lo);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < n; i++) {
        const v = Number(src[c * n + i]);
        const q = Number.isNaN(v) ? 0 : Math.round((v - lo) * scale);
        pix[i * C + c] = q < 0 ? 0 : q > 255 ? 255 : q;
      }
    }
  }
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = pix[i * C + (C === 3 ? c : 0)];
    rgba[i * 4 + 3] = 255;
  }
  return encodePng(W, H, rgba);
}

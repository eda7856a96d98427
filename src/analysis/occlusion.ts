/**
 * Occlusion sensitivity (Zeiler & Fergus, ECCV 2014, Section 4.2) for any classifier: a patch of constant
 * value slides over the image; at each position the drop of the target class's score is recorded.
 * Occluded copies are run in batches; `onProgress(done, total)` reports the positions evaluated.
 */
import { ConfigError, RuntimeError, ShapeError, fmtShape } from '../errors';
import { Module } from '../nn/module';
import { Session } from '../runtime/session';
import { Tensor } from '../tensor/tensor';
import { progressReporter, type ProgressCallback } from '../progress';

export interface OcclusionOptions {
  /** class whose score drop is mapped (default: the top class of the unoccluded image) */
  target?: number;
  /** patch size in pixels, one number or [h, w] (default 16) */
  size?: number | readonly [number, number];
  /** step between patch positions (default: half the patch size, at least 1) */
  stride?: number | readonly [number, number];
  /** value written into the patch: one number, or one per channel (default 0, the mean of normalised input) */
  fill?: number | readonly number[];
  /** occluded images per forward pass (default 16) */
  batchSize?: number;
  /** score: the raw output ('logit', default) or its softmax ('prob') */
  score?: 'logit' | 'prob';
  /**
   * called after every batch with positions done and the total; by default, in the cnnlab kernel, a progress
   * bar; `false`: no progress at all
   */
  onProgress?: ((done: number, total: number) => void) | false;
  /** device when a module is given (default 'cpu') */
  device?: 'cpu' | 'cuda' | 'webgpu' | 'auto';
}

export interface OcclusionResult {
  /** [h', w'] drop of the target score: base − score with the patch at (i·stride, j·stride) */
  map: Tensor<'float32'>;
  /** [h', w'] the target score with the patch at each position */
  scores: Tensor<'float32'>;
  /** the target score of the unoccluded image */
  base: number;
  target: number;
  size: [number, number];
  stride: [number, number];
  /** number of forward passes (the unoccluded one included) */
  passes: number;
}

const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function scoreOf(out: Float32Array | number[], row: number, k: number, target: number, mode: 'logit' | 'prob'): number {
  const off = row * k;
  if (mode === 'logit') return out[off + target];
  let m = -Infinity;
  for (let j = 0; j < k; j++) m = Math.max(m, out[off + j]);
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(out[off + j] - m);
  return Math.exp(out[off + target] - m) / s;
}

/**
 * `await occlusion(model | session, x, { size: 32, stride: 16 })` — x is one image [1, C, H, W]; the map has
 * ⌊(H − size)/stride⌋ + 1 rows (and likewise columns): patches lie wholly inside the image.
 */
export async function occlusion(model: Module | Session, x: Tensor, opts: OcclusionOptions = {}): Promise<OcclusionResult> {
  if (x.dims.length !== 4 || x.dims[0] !== 1) throw new ShapeError('occlusion: input must be one image', { expected: '[1, C, H, W]', got: fmtShape(x.dims), where: 'occlusion' });
  const [, C, H, W] = x.dims;
  const size = pair(opts.size ?? 16);
  const stride = pair(opts.stride ?? [Math.max(1, Math.floor(size[0] / 2)), Math.max(1, Math.floor(size[1] / 2))]);
  for (const [name, v] of [['size', size], ['stride', stride]] as const) {
    if (v.some((d) => !Number.isInteger(d) || d <= 0)) throw new ConfigError(`occlusion: ${name} must be positive integers`, { got: String(v), where: 'occlusion' });
  }
  if (size[0] > H || size[1] > W) throw new ConfigError('occlusion: patch larger than the image', { expected: `≤ ${H}×${W}`, got: `${size[0]}×${size[1]}`, where: 'occlusion' });
  const fill = typeof opts.fill === 'number' || opts.fill === undefined ? new Array(C).fill(opts.fill ?? 0) : [...opts.fill];
  if (fill.length !== C) throw new ConfigError('occlusion: fill needs one value per channel', { expected: `${C} values`, got: `${fill.length}`, where: 'occlusion' });
  let batch = opts.batchSize ?? 16;
  if (!Number.isInteger(batch) || batch <= 0) throw new ConfigError('occlusion: batchSize must be a positive integer', { got: String(batch), where: 'occlusion' });
  const mode = opts.score ?? 'logit';
  const xf = x.dtype === 'float32' ? (x.data as Float32Array) : Float32Array.from(x.toArray());

  const own = model instanceof Module;
  const session = own ? await Session.create(model.trace([1, C, H, W]), { device: opts.device ?? 'cpu' }) : (model as Session);
  try {
    if (session.graph.metadata.dynamicBatch === 'false') batch = 1;
    const inName = session.inputNames[0];
    const outName = session.outputNames[0];
    const run = async (t: Tensor): Promise<Float32Array> => {
      const o = (await session.run({ [inName]: t }))[outName];
      return o.dtype === 'float32' ? (o.data as Float32Array) : Float32Array.from(o.toArray());
    };
    const base0 = await run(x.dtype === 'float32' ? x : x.to('float32'));
    const k = base0.length;
    const target = opts.target ?? base0.reduce((b, v, j) => (v > base0[b] ? j : b), 0);
    if (!Number.isInteger(target) || target < 0 || target >= k) throw new ConfigError('occlusion: target out of range', { expected: `0..${k - 1}`, got: String(opts.target), where: 'occlusion' });
    const base = scoreOf(base0, 0, k, target, mode);
    const oh = Math.floor((H - size[0]) / stride[0]) + 1, ow = Math.floor((W - size[1]) / stride[1]) + 1;
    const total = oh * ow;
    const report = progressReporter('occlusion', total, opts.onProgress as ProgressCallback | false | undefined);
    const scores = new Float32Array(total);
    const plane = H * W, img = C * plane;
    let passes = 1;
    for (let done = 0; done < total;) {
      const nb = Math.min(batch, total - done);
      const data = new Float32Array(nb * img);
      for (let b = 0; b < nb; b++) {
        data.set(xf, b * img);
        const pos = done + b, i = Math.floor(pos / ow) * stride[0], j = (pos % ow) * stride[1];
        for (let c = 0; c < C; c++) {
          const f = fill[c];
          for (let y = i; y < i + size[0]; y++) data.fill(f, b * img + c * plane + y * W + j, b * img + c * plane + y * W + j + size[1]);
        }
      }
      let out: Float32Array;
      try {
        out = await run(new Tensor('float32', data, [nb, C, H, W]));
      } catch (e) {
        // a model exported with a fixed batch of 1: go on one image at a time
        if (e instanceof RuntimeError && batch > 1 && done === 0) { batch = 1; continue; }
        throw e;
      }
      passes++;
      for (let b = 0; b < nb; b++) scores[done + b] = scoreOf(out, b, k, target, mode);
      done += nb;
      report(done);
    }
    report.finish();
    const map = Float32Array.from(scores, (s) => base - s);
    return {
      map: new Tensor('float32', map, [oh, ow]), scores: new Tensor('float32', scores, [oh, ow]),
      base, target, size, stride, passes,
    };
  } finally {
    if (own) await session.release();
  }
}

/**
 * Class activation maps (Zhou et al., CVPR 2016, "Learning Deep Features for Discriminative Localization")
 * for networks that end in global average pooling + a linear layer: with F_k the last feature map and
 * w_ck the fc weights, CAM_c(x, y) = Σ_k w_ck · F_k(x, y). Since the network's score is
 * s_c = Σ_k w_ck · mean_xy F_k(x, y) + b_c, the mean of CAM_c plus the bias is the class score.
 * One forward pass with a tap on the feature map gives the maps and the scores. Networks whose classifier
 * is a conv with one channel per class before the global pooling (SqueezeNet, NiN) have their class maps
 * already: CAM_c is channel c of the pooled map, and its mean is the score.
 */
import { ConfigError, NotFoundError, ShapeError, fmtShape } from '../errors';
import { Graph, Node } from '../graph/ir';
import { Module } from '../nn/module';
import { Session } from '../runtime/session';
import { Tensor } from '../tensor/tensor';
import { constInts, numericShape, paramRefs } from './graph-util';
import { IMAGENET_CLASSES } from '../zoo/imagenet';

export interface CamHead {
  /**
   * 'linear': global average pooling then a linear layer (CAM = Σ_k w_ck·F_k);
   * 'classmap': the pooled map already has one channel per class (SqueezeNet's conv classifier, NiN):
   * CAM_c is channel c of the map before the pooling
   */
  kind: 'linear' | 'classmap';
  /** the value of the last feature map [N, C, h, w] (for 'classmap': [N, classes, h, w]) */
  featureValue: string;
  /** the module whose output it is ('' when none) */
  featureModule: string;
  /** fc weight as [classes, C] (null for 'classmap') */
  weight: Tensor<'float32'> | null;
  /** fc bias [classes] (null when the layer has none) */
  bias: Tensor<'float32'> | null;
  /** name of the weight initializer ('' for 'classmap') */
  weightName: string;
  /** the graph output whose scores the maps explain */
  output: string;
}

const PASS_AFTER_FC = new Set(['Identity', 'Dropout', 'Softmax', 'LogSoftmax', 'Sigmoid']);
const PASS_BEFORE_FC = new Set(['Identity', 'Dropout', 'Flatten', 'Reshape', 'Squeeze']);

function float2d(t: Tensor, transpose: boolean): Tensor<'float32'> {
  const f = t.dtype === 'float32' ? (t as Tensor<'float32'>) : t.to('float32');
  if (!transpose) return f;
  const [a, b] = f.dims;
  const out = new Float32Array(a * b);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[j * a + i] = f.data[i * b + j];
  return new Tensor('float32', out, [b, a]);
}

function moduleOf(g: Graph, value: string): string {
  // the outermost module with this output (`layer4` rather than `layer4.1.relu`)
  let best: string | undefined;
  for (const [p, v] of g.moduleOutputs) if (v === value && p && (best === undefined || p.split('.').length < best.split('.').length)) best = p;
  if (best !== undefined) return best;
  const prod = g.producers().get(value);
  return prod ? prod.module : '';
}

/**
 * Finds the last feature map and the fc of a network ending in global average pooling + linear
 * (ResNet/ResNeXt/SE-ResNet, DenseNet, MobileNet, ShuffleNet, EfficientNet, GoogLeNet, Xception...),
 * by walking back from the graph output: [Softmax/Dropout/Identity] ← Gemm ← [Flatten/Reshape/Dropout]
 * ← GlobalAveragePool (or ReduceMean over H, W, or an AveragePool covering the whole map) ← feature map.
 */
export function findCamHead(g: Graph, output?: string): CamHead {
  const out = output ?? g.outputs[0]?.name;
  if (!out) throw new NotFoundError('the graph has no output', { where: 'cam' });
  const producers = g.producers();
  const refs = paramRefs(g);
  const fail = (why: string): never => {
    throw new NotFoundError(`cam: the network does not end in global average pooling + a linear layer (${why})`, {
      expected: 'a graph ending in GlobalAveragePool → Flatten → Gemm, or explicit { featureTap, fcWeight }', where: `graph output '${out}'`,
    });
  };
  let v = out;
  let node: Node | undefined = producers.get(v);
  while (node && PASS_AFTER_FC.has(node.op)) { v = node.inputs[0]; node = producers.get(v); }
  let weight: Tensor<'float32'> | null = null, bias: Tensor<'float32'> | null = null, weightName = '';
  if (node && node.op === 'Gemm') {
    const gemm = node;
    const wRef = refs.get(gemm.inputs[1]);
    if (!wRef) fail('the linear layer\'s weight is not a constant');
    const transA = gemm.attrs.transA?.type === 'int' && gemm.attrs.transA.value === 1;
    if (transA) fail('Gemm with transA');
    const transB = gemm.attrs.transB?.type === 'int' && gemm.attrs.transB.value === 1;
    weight = float2d(wRef!.init.value(), !transB);
    weightName = wRef!.name;
    const bRef = gemm.inputs[2] ? refs.get(gemm.inputs[2]) : undefined;
    bias = bRef ? (bRef.init.value().to('float32') as Tensor<'float32'>) : null;
    const alpha = gemm.attrs.alpha?.type === 'float' ? gemm.attrs.alpha.value : 1;
    if (alpha !== 1) fail(`Gemm alpha ${alpha}`);
    v = gemm.inputs[0];
    node = producers.get(v);
  }
  while (node && PASS_BEFORE_FC.has(node.op)) { v = node.inputs[0]; node = producers.get(v); }
  if (!node) fail('no global pooling before the output');
  const pool = node!;
  const x = pool.inputs[0];
  const xs = numericShape(g.shapeOf(x));
  let ok = false;
  if (pool.op === 'GlobalAveragePool') ok = true;
  else if (pool.op === 'ReduceMean') {
    const axes = (pool.attrs.axes?.type === 'ints' ? pool.attrs.axes.value : constInts(g, pool.inputs[1])) ?? [];
    const norm = axes.map((a) => (a < 0 ? a + 4 : a)).sort();
    ok = norm.length === 2 && norm[0] === 2 && norm[1] === 3;
  } else if (pool.op === 'AveragePool' && xs && xs.length === 4) {
    const k = pool.attrs.kernel_shape?.type === 'ints' ? pool.attrs.kernel_shape.value : [];
    const pads = pool.attrs.pads?.type === 'ints' ? pool.attrs.pads.value : [0, 0, 0, 0];
    ok = k[0] === xs[2] && k[1] === xs[3] && pads.every((p) => p === 0);
  }
  if (!ok) fail(`found ${pool.op} where ${weight ? 'global average pooling' : 'a Gemm or global average pooling'} was expected`);
  if (!xs || xs.length !== 4) fail(`the pooled value is not NCHW (${xs ? fmtShape(xs) : 'unknown shape'})`);
  if (weight && xs![1] !== weight.dims[1]) fail(`feature channels ${xs![1]} ≠ fc inputs ${weight.dims[1]}`);
  return { kind: weight ? 'linear' : 'classmap', featureValue: x, featureModule: moduleOf(g, x), weight, bias, weightName, output: out };
}

export interface CamOptions {
  /** module path or value of the last feature map (default: found from the graph) */
  featureTap?: string;
  /** fc weight [classes, C]: a Tensor, an initializer name, or a Linear's module path (`fc`, `classifier.1`) */
  fcWeight?: Tensor | string;
  /** class per image (one number for all); default: each image's top-scoring class */
  classIdx?: number | readonly number[];
  /** device when a module is given (default 'cpu') */
  device?: 'cpu' | 'cuda' | 'webgpu' | 'auto';
}

export interface CamResult {
  /** [N, h, w] class activation maps at the feature map's resolution */
  maps: Tensor<'float32'>;
  /** [N, H, W] the maps upsampled bilinearly (PyTorch's align_corners=False) to the input size */
  upsampled: Tensor<'float32'>;
  classIdx: number[];
  /** each image's class name (ImageNet's for 1,000 classes, else the index) */
  classLabels: string[];
  /** the network's output for each image's class (from the same forward pass) */
  scores: number[];
  featureTap: string;
  fcWeight: string;
  /** the model's weights were never loaded or trained (the maps explain a random network) */
  randomWeights: boolean;
}

/** PyTorch's F.interpolate(mode='bilinear', align_corners=False) of [N, h, w] maps to [N, H, W]. */
export function resizeBilinear(maps: Tensor, size: readonly [number, number]): Tensor<'float32'> {
  if (maps.dims.length !== 3) throw new ShapeError('resizeBilinear expects [N, h, w] maps', { got: fmtShape(maps.dims), where: 'resizeBilinear' });
  const [n, h, w] = maps.dims;
  const [H, W] = size;
  if (!(Number.isInteger(H) && Number.isInteger(W) && H > 0 && W > 0)) throw new ConfigError('resizeBilinear: size must be positive integers', { got: String(size), where: 'resizeBilinear' });
  const src = maps.dtype === 'float32' ? (maps.data as Float32Array) : Float32Array.from(maps.toArray());
  const out = new Float32Array(n * H * W);
  const index = (o: number, inSize: number, outSize: number): [number, number, number] => {
    const scale = inSize / outSize;
    const s = Math.max(0, scale * (o + 0.5) - 0.5);
    const i0 = Math.min(Math.floor(s), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    return [i0, i1, s - i0];
  };
  const ys = Array.from({ length: H }, (_, i) => index(i, h, H));
  const xs = Array.from({ length: W }, (_, j) => index(j, w, W));
  for (let b = 0; b < n; b++) {
    const base = b * h * w;
    for (let i = 0; i < H; i++) {
      const [y0, y1, ly] = ys[i];
      for (let j = 0; j < W; j++) {
        const [x0, x1, lx] = xs[j];
        const top = (1 - lx) * src[base + y0 * w + x0] + lx * src[base + y0 * w + x1];
        const bot = (1 - lx) * src[base + y1 * w + x0] + lx * src[base + y1 * w + x1];
        out[(b * H + i) * W + j] = (1 - ly) * top + ly * bot;
      }
    }
  }
  return new Tensor('float32', out, [n, H, W]);
}

function resolveWeight(g: Graph, w: Tensor | string): { weight: Tensor<'float32'>; name: string } {
  if (w instanceof Tensor) {
    if (w.dims.length !== 2) throw new ShapeError('cam: fcWeight must be [classes, C]', { got: fmtShape(w.dims), where: 'cam' });
    return { weight: w.to('float32'), name: '(given tensor)' };
  }
  const refs = paramRefs(g);
  const ref = refs.get(w) ?? refs.get(`${w}.weight`);
  if (!ref) {
    throw new NotFoundError(`cam: fcWeight '${w}' names no initializer or Linear module`, {
      expected: 'an initializer name or a module path such as \'fc\' or \'classifier.1\'', got: `'${w}'`, where: 'cam',
    });
  }
  const t = ref.init.value();
  if (t.dims.length !== 2) throw new ShapeError(`cam: fcWeight '${ref.name}' is not 2-D`, { expected: '[classes, C]', got: fmtShape(t.dims), where: 'cam' });
  return { weight: t.to('float32'), name: ref.name };
}

/**
 * `await cam(model | session, x)` — class activation maps of a batch `x` [N, 3, H, W] in one forward pass.
 * Options name the feature tap and fc weights explicitly for networks the automatic search does not
 * recognise (`{ featureTap: 'layer4', fcWeight: 'fc' }`).
 */
export async function cam(model: Module | Session, x: Tensor, opts: CamOptions = {}): Promise<CamResult> {
  if (x.dims.length !== 4) throw new ShapeError('cam: input must be NCHW', { expected: '[N, C, H, W]', got: fmtShape(x.dims), where: 'cam' });
  const own = model instanceof Module;
  const session = own ? await Session.create(model.trace([...x.dims]), { device: opts.device ?? 'cpu' }) : (model as Session);
  try {
    const g = session.graph;
    const output = g.outputs[0]?.name;
    let featureValue: string, featureTap: string;
    let weight: Tensor<'float32'> | null, weightName: string;
    if (opts.featureTap === undefined || opts.fcWeight === undefined) {
      const head = findCamHead(g);
      featureValue = head.featureValue; featureTap = head.featureModule || head.featureValue;
      weight = head.weight; weightName = head.weightName;
    } else {
      featureValue = g.resolveTap(opts.featureTap); featureTap = opts.featureTap;
      weight = null; weightName = '';
    }
    if (opts.featureTap !== undefined) { featureValue = g.resolveTap(opts.featureTap); featureTap = opts.featureTap; }
    if (opts.fcWeight !== undefined) { const r = resolveWeight(g, opts.fcWeight); weight = r.weight; weightName = r.name; }
    const res = await session.features(x, output ? [featureValue, output] : [featureValue]);
    const f = res[featureValue];
    if (f.dims.length !== 4) throw new ShapeError(`cam: the feature tap '${featureTap}' is not NCHW`, { got: fmtShape(f.dims), where: 'cam' });
    const [n, c, h, w] = f.dims;
    const [classes, wc] = weight ? weight.dims : [c, c];
    if (wc !== c) {
      throw new ShapeError('cam: fc weight and feature map disagree on channels', { expected: `[classes, ${c}] for feature map ${fmtShape(f.dims)}`, got: fmtShape(weight!.dims), where: 'cam' });
    }
    const fd = f.dtype === 'float32' ? (f.data as Float32Array) : Float32Array.from(f.toArray());
    const logits = output ? res[output] : undefined;
    const ld = logits ? Float32Array.from(logits.toArray()) : undefined;
    const k = ld ? ld.length / n : classes;
    let cls: number[];
    if (opts.classIdx === undefined) {
      if (!ld) throw new ConfigError('cam: give classIdx (the model has no output to pick the top class from)', { where: 'cam' });
      cls = Array.from({ length: n }, (_, b) => {
        let best = 0;
        for (let j = 1; j < k; j++) if (ld[b * k + j] > ld[b * k + best]) best = j;
        return best;
      });
    } else cls = typeof opts.classIdx === 'number' ? new Array(n).fill(opts.classIdx) : [...opts.classIdx];
    if (cls.length !== n || cls.some((ci) => !Number.isInteger(ci) || ci < 0 || ci >= classes)) {
      throw new ConfigError('cam: invalid classIdx', { expected: `${n} class index(es) in 0..${classes - 1}`, got: JSON.stringify(opts.classIdx), where: 'cam' });
    }
    const hw = h * w;
    const maps = new Float32Array(n * hw);
    for (let b = 0; b < n; b++) {
      const dst = maps.subarray(b * hw, b * hw + hw);
      if (!weight) { dst.set(fd.subarray((b * c + cls[b]) * hw, (b * c + cls[b] + 1) * hw)); continue; }
      const wr = weight.data.subarray(cls[b] * c, cls[b] * c + c);
      const acc = new Float64Array(hw);
      for (let ch = 0; ch < c; ch++) {
        const wv = wr[ch];
        if (wv === 0) continue;
        const off = (b * c + ch) * hw;
        for (let p = 0; p < hw; p++) acc[p] += wv * fd[off + p];
      }
      dst.set(acc);
    }
    const mapsT = new Tensor('float32', maps, [n, h, w]);
    return {
      maps: mapsT,
      upsampled: resizeBilinear(mapsT, [x.dims[2], x.dims[3]]),
      classIdx: cls,
      scores: ld ? cls.map((ci, b) => ld[b * k + ci]) : [],
      classLabels: cls.map((ci) => (classes === IMAGENET_CLASSES.length ? IMAGENET_CLASSES[ci] : String(ci))),
      featureTap, fcWeight: weightName || '(class map: channel c of the pooled map)',
      randomWeights: g.metadata.weights === 'random',
    };
  } finally {
    if (own) await session.release();
  }
}

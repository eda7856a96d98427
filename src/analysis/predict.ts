/**
 * Top-k predictions with class names: `await analysis.predict(model, x)` reads `tabby 0.62`. Softmax
 * probabilities of the classifier's output; ImageNet's names for 1,000-class outputs. A model whose
 * weights were never loaded or trained says so ("random weights") instead of passing guesses as answers.
 */
import { inspect } from 'util';
import { ConfigError, ShapeError, fmtShape } from '../errors';
import type { Graph } from '../graph/ir';
import { Module } from '../nn/module';
import { Session } from '../runtime/session';
import { Tensor } from '../tensor/tensor';
import { IMAGENET_CLASSES } from '../zoo/imagenet';

export interface Prediction {
  /** class index */
  index: number;
  /** class name (ImageNet's for 1,000 classes, else the given list, else the index) */
  label: string;
  /** softmax probability */
  prob: number;
}

export const RANDOM_WEIGHTS_NOTE = 'random weights: no weights were loaded, so these scores are not predictions of a trained model';

/** Per image, the k most probable classes; prints as `label prob` lines. */
export class Predictions {
  constructor(readonly perImage: Prediction[][], readonly randomWeights: boolean) {}
  /** the first image's predictions */
  get top(): Prediction[] { return this.perImage[0] ?? []; }
  text(): string {
    const block = (ps: Prediction[]) => ps.map((p) => `${p.label} ${p.prob.toFixed(2)}`);
    const lines = this.perImage.length === 1 ? block(this.perImage[0])
      : this.perImage.flatMap((ps, i) => [`image ${i}:`, ...block(ps).map((l) => `  ${l}`)]);
    return (this.randomWeights ? [`(${RANDOM_WEIGHTS_NOTE})`, ...lines] : lines).join('\n');
  }
  toString(): string { return this.text(); }
  [inspect.custom](): string { return this.text(); }
}

export interface TopkOptions {
  /** how many classes per image (default 5) */
  k?: number;
  /** class names by index (default: ImageNet's when there are 1,000 classes) */
  classes?: readonly string[];
  /** the output is already probabilities (default false: logits, softmax applied) */
  probabilities?: boolean;
  /** mark the result as coming from untrained weights */
  randomWeights?: boolean;
}

/** Top-k of [N, classes] (or [classes]) scores. */
export function topk(scores: Tensor, opts: TopkOptions = {}): Predictions {
  const d = scores.dims;
  if (!(d.length === 2 || d.length === 1) || scores.size === 0) throw new ShapeError('topk expects [N, classes] scores', { got: fmtShape(d), where: 'topk' });
  const [n, c] = d.length === 2 ? [d[0], d[1]] : [1, d[0]];
  const k = opts.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new ConfigError('topk: k must be a positive integer', { got: String(opts.k), where: 'topk' });
  const names = opts.classes ?? (c === IMAGENET_CLASSES.length ? IMAGENET_CLASSES : undefined);
  if (names && names.length !== c) throw new ConfigError('topk: class names do not match the output', { expected: `${c} names`, got: `${names.length}`, where: 'topk.classes' });
  const all = scores.toArray();
  const perImage: Prediction[][] = [];
  for (let b = 0; b < n; b++) {
    const row = all.slice(b * c, (b + 1) * c);
    let probs = row;
    if (!opts.probabilities) {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, v) => a + v, 0);
      probs = e.map((v) => v / s);
    }
    const order = [...probs.keys()].sort((i, j) => probs[j] - probs[i] || i - j).slice(0, Math.min(k, c));
    perImage.push(order.map((i) => ({ index: i, label: names ? names[i] : String(i), prob: probs[i] })));
  }
  return new Predictions(perImage, opts.randomWeights ?? false);
}

/** Whether a graph came from a module whose weights were never loaded or trained. */
export function hasRandomWeights(g: Graph): boolean {
  return g.metadata.weights === 'random';
}

/** Runs the model on `x` [N, 3, H, W] and returns the top-k classes of its (first) output per image. */
export async function predict(model: Module | Session, x: Tensor, opts: Omit<TopkOptions, 'randomWeights'> & { device?: 'cpu' | 'cuda' | 'webgpu' | 'auto' } = {}): Promise<Predictions> {
  const own = model instanceof Module;
  const s = own ? await Session.create(model.trace([...x.dims]), { device: opts.device ?? 'cpu' }) : model;
  try {
    const out = await s.run(x);
    const first = out[s.outputNames[0]];
    const scores = first.dims.length === 4 && first.dims[2] === 1 && first.dims[3] === 1 ? first.reshape([first.dims[0], first.dims[1]]) : first;
    return topk(scores, { ...opts, randomWeights: hasRandomWeights(s.graph) });
  } finally {
    if (own) await s.release();
  }
}

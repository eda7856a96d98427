/**
 * Losses emitted into the training graph with their gradient (the backward seed): softmax cross-entropy on
 * logits [N, K] with int64 labels [N] (PyTorch's F.cross_entropy, mean over the batch), and smooth L1 (PyTorch's
 * F.smooth_l1_loss, mean over elements) against a float target of the output's shape.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { DType, Tensor } from '../tensor/tensor';
import { Builder } from './builder';
import { int } from './rules/types';

export type LossSpec = 'cross-entropy' | { kind: 'cross-entropy' } | { kind: 'smooth-l1'; beta?: number };

export interface EmittedLoss {
  /** scalar loss */
  loss: string;
  /** gradient of the loss w.r.t. the model output */
  seed: string;
  /** cross-entropy: number of correct top-1 predictions in the batch (float scalar) */
  correct?: string;
  /** the target graph input */
  target: { name: string; dtype: DType; shape: number[] };
}

export function lossKind(spec: LossSpec): 'cross-entropy' | 'smooth-l1' {
  return typeof spec === 'string' ? spec : spec.kind;
}

export function emitLoss(b: Builder, spec: LossSpec, output: string, targetName = 'target'): EmittedLoss {
  const shape = b.shape(output);
  const m = 'loss';
  if (lossKind(spec) === 'cross-entropy') {
    if (shape.length !== 2) throw new ShapeError('cross-entropy needs logits [N, classes] from the model', { expected: '[N, K]', got: fmtShape(shape), where: 'model output' });
    const [n, k] = shape;
    const onehot = b.op('OneHot', [targetName, b.i64([k]), b.constant(new Tensor('float32', Float32Array.of(0, 1), [2]))], { axis: int(-1) }, m);
    const lsm = b.op('LogSoftmax', [output], { axis: int(1) }, m);
    const picked = b.op('ReduceSum', [b.op('Mul', [onehot, lsm], {}, m)], { keepdims: int(0) }, m);
    const loss = b.op('Mul', [picked, b.f32(-1 / n)], {}, m, []);
    const seed = b.op('Mul', [b.op('Sub', [b.op('Exp', [lsm], {}, m), onehot], {}, m), b.f32(1 / n)], {}, m, shape);
    const pred = b.op('ArgMax', [output], { axis: int(1), keepdims: int(0) }, m);
    const correct = b.op('ReduceSum', [b.op('Cast', [b.op('Equal', [pred, targetName], {}, m)], { to: int(1) }, m)], { keepdims: int(0) }, m, []);
    return { loss, seed, correct, target: { name: targetName, dtype: 'int64', shape: [n] } };
  }
  const beta = typeof spec === 'object' && spec.kind === 'smooth-l1' ? spec.beta ?? 1 : 1;
  if (!(beta > 0)) throw new ConfigError('smooth L1 beta must be positive', { expected: 'beta > 0', got: String(beta) });
  const count = shape.reduce((a, d) => a * d, 1);
  const d = b.op('Sub', [output, targetName], {}, m);
  const ad = b.op('Abs', [d], {}, m);
  const quad = b.op('Mul', [b.op('Mul', [d, d], {}, m), b.f32(0.5 / beta)], {}, m);
  const lin = b.op('Sub', [ad, b.f32(0.5 * beta)], {}, m);
  const el = b.op('Where', [b.op('Less', [ad, b.f32(beta)], {}, m), quad, lin], {}, m);
  const loss = b.op('ReduceMean', [el], { keepdims: int(0) }, m, []);
  const seed = b.op('Mul', [b.op('Clip', [b.op('Mul', [d, b.f32(1 / beta)], {}, m), b.f32(-1), b.f32(1)], {}, m), b.f32(1 / count)], {}, m, shape);
  return { loss, seed, target: { name: targetName, dtype: 'float32', shape: [...shape] } };
}

import { nn } from '../../src';
import { SymTensor } from '../../src/nn/trace';
import { Tensor } from '../../src/tensor/tensor';
import { Rng } from '../../src/tensor/random';

const { Module, Conv2d, BatchNorm2d, ReLU, ReLU6, MaxPool2d, AdaptiveAvgPool2d, Linear, Sequential, F } = nn;

/** A small net with a branch, concat, residual add, grouped/dilated conv, ceil-mode pool and a head. */
export class TinyNet extends Module {
  stem = new Sequential(new Conv2d(3, 8, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(8), new ReLU());
  branch_a = new Conv2d(8, 8, 1);
  branch_b = new Sequential(new Conv2d(8, 8, 3, { padding: 2, dilation: 2, groups: 2 }), new ReLU6());
  pool = new MaxPool2d(3, { stride: 2, ceilMode: true });
  head = new Sequential(new AdaptiveAvgPool2d(1), new nn.Flatten(), new Linear(16, 5));
  forward(x: SymTensor): SymTensor {
    const s = this.stem.call(x);
    const y = F.concat([this.branch_a.call(s), this.branch_b.call(s)], 1);
    const z = F.add(y, F.concat([s, s], 1));
    return this.head.call(this.pool.call(z));
  }
}

export function randn(dims: number[], seed = 0): Tensor<'float32'> {
  const a = new Float32Array(dims.reduce((p, q) => p * q, 1));
  new Rng(seed).fillNormal(a);
  return new Tensor('float32', a, dims);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

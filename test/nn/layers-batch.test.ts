/**
 * Layers traced with batch 1 run with batch 3 (the exported ONNX has a symbolic batch): every lowering
 * must stay batch-agnostic (no batch size baked into Reshape/Resize/Pad constants). Each item of the
 * batch-3 output must equal the batch-1 output of that item alone.
 */
import { describe, expect, it } from 'vitest';
import { nn, Session, Tensor } from '../../src';
import { randn } from '../helpers/models';

/** max |a − b|, with equal infinities counted as equal. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length && i < b.length; i++) m = Math.max(m, a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]));
  return m;
}

const cases: [string, () => nn.Module, number[]][] = [
  ['LocalResponseNorm(4) (even: AveragePool lowering)', () => new nn.LocalResponseNorm(4, 0.5), [1, 6, 3, 4]],
  ['LocalResponseNorm(5)', () => new nn.LocalResponseNorm(5, 0.5), [1, 6, 3, 4]],
  ['Upsample bilinear to a size', () => new nn.Upsample({ size: [5, 7], mode: 'bilinear' }), [1, 2, 3, 4]],
  ['Upsample nearest ×2', () => new nn.Upsample({ scaleFactor: 2 }), [1, 2, 3, 4]],
  ['Flatten(1, 2)', () => new nn.Flatten(1, 2), [1, 3, 4, 5]],
  ['Flatten(2)', () => new nn.Flatten(2), [1, 3, 4, 5]],
  ['ConvTranspose2d, output_padding ≥ stride (Pad lowering)', () => new nn.ConvTranspose2d(2, 4, 3, { dilation: 2, outputPadding: 1 }), [1, 2, 4, 5]],
  ['ConvTranspose2d stride 2', () => new nn.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [1, 2, 4, 5]],
  ['AdaptiveAvgPool2d 7→3', () => new nn.AdaptiveAvgPool2d(3), [1, 2, 7, 7]],
  ['AdaptiveMaxPool2d 5→7', () => new nn.AdaptiveMaxPool2d(7), [1, 2, 5, 5]],
  ['ChannelShuffle(3)', () => new nn.ChannelShuffle(3), [1, 6, 2, 3]],
  ['MaxPool2d with empty dilated windows', () => new nn.MaxPool2d(2, { stride: 1, padding: 1, dilation: 3 }), [1, 2, 2, 2]],
  ['GlobalAvgPool(flatten)', () => new nn.GlobalAvgPool(true), [1, 3, 4, 4]],
  ['Softmax(1)', () => new nn.Softmax(1), [1, 4, 2, 2]],
];

describe('batch-agnostic lowerings', () => {
  for (const [name, make, shape] of cases) {
    it(name, async () => {
      const m = make();
      const s = await Session.create(m.trace(shape), { device: 'cpu' });
      const per = shape.slice(1).reduce((a, b) => a * b, 1);
      const x = randn([3, ...shape.slice(1)], 11);
      const yb = (await s.run({ input: x })).output;
      expect(yb.dims[0]).toBe(3);
      const outPer = (yb.data as Float32Array).length / 3;
      for (let b = 0; b < 3; b++) {
        const xb = new Tensor('float32', (x.data as Float32Array).slice(b * per, (b + 1) * per), shape);
        const y1 = (await s.run({ input: xb })).output;
        expect(y1.dims.slice(1)).toEqual(yb.dims.slice(1));
        // equal up to the order of float32 summation inside ONNX Runtime's kernels
        expect(maxDiff(y1.data as Float32Array, (yb.data as Float32Array).slice(b * outPer, (b + 1) * outPer))).toBeLessThan(1e-6);
      }
      await s.release();
    });
  }
});

import { describe, expect, it } from 'vitest';
import { seedParameters } from '../../src/nn/parameter';
import { Rng } from '../../src/tensor/random';
import { LayerSpec, buildNet } from './spec';
import { finiteDifferences, randn, setupGrad } from './gradcheck';

/**
 * Every gradient rule against central finite differences of the same training-mode forward on ONNX Runtime
 * (float32, so directional derivatives ⟨g, v⟩ along a random v per tensor, which average the rounding noise).
 * Inputs are pushed at least 0.25 away from the kinks of piecewise ops (0, ±3, 6) so ±ε stays on one branch.
 */
type Case = [string, LayerSpec[], number[], number?];
const L = (kind: string, args: Record<string, unknown> = {}): LayerSpec => ({ kind, args });
const conv = (i: number, o: number, k: number | number[], a: Record<string, unknown> = {}) => L('Conv2d', { in_channels: i, out_channels: o, kernel_size: k, ...a });

const CASES: Case[] = [
  ['conv 3×3 p1', [conv(3, 4, 3, { padding: 1 })], [2, 3, 5, 5]],
  ['conv s2 p1 (odd size)', [conv(2, 3, 3, { stride: 2, padding: 1 })], [2, 2, 7, 6]],
  ['conv dilation 2, stride 2', [conv(2, 3, 3, { stride: 2, dilation: 2, padding: 2 })], [1, 2, 9, 8]],
  ['conv groups 2, rectangular kernel', [conv(4, 6, [3, 1], { stride: [1, 2], padding: [1, 0], groups: 2 })], [2, 4, 5, 6]],
  ['depthwise conv ×2', [conv(3, 6, 3, { padding: 1, groups: 3 })], [2, 3, 4, 4]],
  ['conv transpose s2 p1 op1', [L('ConvTranspose2d', { in_channels: 2, out_channels: 3, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 })], [1, 2, 3, 3]],
  ['linear', [L('Flatten'), L('Linear', { in_features: 12, out_features: 4 })], [3, 3, 2, 2]],
  ['batchnorm (batch statistics)', [L('BatchNorm2d', { num_features: 3 })], [3, 3, 3, 3]],
  ['conv → batchnorm', [conv(2, 3, 3, { padding: 1, bias: false }), L('BatchNorm2d', { num_features: 3 })], [2, 2, 4, 4], 1e-3],
  ['relu', [L('ReLU')], [2, 3, 4, 4], 1e-3],
  ['relu6', [L('ReLU6')], [2, 3, 4, 4], 1e-3],
  ['leaky relu 0.2', [L('LeakyReLU', { negative_slope: 0.2 })], [2, 3, 4, 4], 1e-3],
  ['elu 0.7', [L('ELU', { alpha: 0.7 })], [2, 3, 4, 4], 1e-3],
  ['silu', [L('SiLU')], [2, 3, 4, 4]],
  ['sigmoid', [L('Sigmoid')], [2, 3, 4, 4]],
  ['tanh', [L('Tanh')], [2, 3, 4, 4]],
  ['hardswish', [L('Hardswish')], [2, 3, 4, 4], 1e-3],
  ['hardsigmoid', [L('Hardsigmoid')], [2, 3, 4, 4], 1e-3],
  ['max pool 2', [L('MaxPool2d', { kernel_size: 2 })], [2, 2, 6, 6], 1e-3],
  ['max pool 3 s2 p1 (overlapping)', [L('MaxPool2d', { kernel_size: 3, stride: 2, padding: 1 })], [1, 2, 7, 7], 1e-2],
  ['avg pool 3 s2 p1 excluding padding', [L('AvgPool2d', { kernel_size: 3, stride: 2, padding: 1, count_include_pad: false })], [1, 2, 7, 6]],
  ['avg pool 3 s2 ceil mode', [L('AvgPool2d', { kernel_size: 3, stride: 2, ceil_mode: true })], [1, 2, 8, 8]],
  ['global average pool', [L('AdaptiveAvgPool2d', { output_size: 1 }), L('Flatten')], [2, 3, 3, 4]],
  ['residual add (fan-out)', [conv(2, 3, 1), L('ResidualAdd', { c: 3 })], [2, 2, 4, 4]],
  ['squeeze-excitation mul (broadcast)', [conv(2, 4, 1), L('SEMul', { c: 4 })], [2, 2, 3, 3]],
  ['option-A shortcut (strided slices, channel pad)', [conv(2, 2, 1), L('ShortcutA', { inp: 2, out: 4, stride: 2 })], [2, 2, 6, 6]],
  ['where, exp, log, sqrt, abs, reciprocal, neg', [L('MathMix', { c: 3 })], [2, 3, 3, 4], 1e-3],
  ['bilinear resize (up, half-pixel)', [conv(2, 2, 1), L('Interp', { size: [7, 6], mode: 'bilinear', align_corners: false })], [1, 2, 4, 3]],
  ['nearest upsample ×2', [conv(2, 2, 1), L('Interp', { scale: 2, mode: 'nearest' })], [1, 2, 3, 3]],
  ['local response norm 5', [conv(2, 6, 1), L('LocalResponseNorm', { size: 5, alpha: 0.5, beta: 0.75, k: 2 })], [1, 2, 3, 3], 1e-3],
  ['broadcast parameters (mul, add)', [L('AddParam', { c: 3 })], [2, 3, 2, 3]],
  ['concat branches', [L('ConcatBranches', { c: 2, a: 2, b: 3 })], [2, 2, 4, 4]],
  ['channel shuffle', [conv(2, 6, 1), L('ChannelShuffle', { groups: 3 }), conv(6, 2, 1)], [2, 2, 3, 3]],
];

/** Random normal input kept ≥ 0.25 away from 0, ±3 and 6, spread to reach them (×3). */
function input(n: number, rng: Rng): Float32Array {
  const x = randn(n, rng, 3);
  for (let i = 0; i < n; i++) for (const k of [0, 3, -3, 6]) if (Math.abs(x[i] - k) < 0.25) x[i] = k + (x[i] >= k ? 0.25 : -0.25);
  return x;
}

describe('gradients against central finite differences', () => {
  for (const [name, layers, shape, eps] of CASES) {
    it(name, async () => {
      seedParameters(11);
      const s = await setupGrad(buildNet(layers), shape);
      const rng = new Rng(5);
      const x = input(shape.reduce((a, b) => a * b, 1), rng);
      const seeds = { output: randn(s.outputs[0].shape.reduce((a, b) => a * b, 1), rng) };
      const res = await finiteDifferences(s, x, seeds, { eps: eps ?? 1e-2 });
      expect(res.map((r) => r.name)).toEqual(s.wrt);
      for (const r of res) {
        const scale = Math.max(Math.abs(r.analytic), Math.abs(r.numeric), 0.05);
        expect(Math.abs(r.analytic - r.numeric) / scale, `${r.name}: analytic ${r.analytic} vs numeric ${r.numeric}`).toBeLessThan(3e-3);
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { nn, ConfigError, ShapeError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { randn } from '../helpers/models';
import { T, fromTensor, conv, bn, relu, randomizeBatchNorm, runOrt, maxDiff } from './blocks-naive';

const { depthwise, pointwise, SeparableConv2d, Sequential, BatchNorm2d, ReLU } = nn;

const relu6 = (x: T): T => ({ data: x.data.map((v) => Math.min(6, Math.max(0, v))), dims: x.dims });

/** Gives a conv's bias (if any) non-zero values so a missing bias would show. */
function nonzeroBias(c: nn.Conv2d): void {
  if (c.bias) c.bias.set(Float32Array.from({ length: c.outChannels }, (_, i) => 0.1 * Math.sin(i + 1)));
}

describe('depthwise / pointwise / SeparableConv2d against naive loops', () => {
  const cases: [string, number, number, number, Parameters<typeof depthwise>[2], number[]][] = [
    ['k3, stride 1, odd map', 4, 6, 3, {}, [2, 4, 7, 5]],
    ['k3, stride 2, odd map', 5, 3, 3, { stride: 2 }, [1, 5, 9, 7]],
    ['k5, dilation 2 (atrous), bias', 3, 4, 5, { dilation: 2, bias: true }, [1, 3, 11, 10]],
    ['k3, channel multiplier 2, valid padding', 3, 5, 3, { multiplier: 2, padding: 0 }, [1, 3, 6, 8]],
  ];
  for (const [name, cin, cout, k, opts, shape] of cases) {
    it(`depthwise then pointwise: ${name}`, async () => {
      const dw = depthwise(cin, k, opts);
      const mult = opts?.multiplier ?? 1;
      expect(dw.groups).toBe(cin);
      expect(dw.weight.shape).toEqual([cin * mult, 1, k, k]);
      expect(dw.bias === null).toBe(!opts?.bias);
      nonzeroBias(dw);
      const pw = pointwise(cin * mult, cout);
      expect(pw.weight.shape).toEqual([cout, cin * mult, 1, 1]);
      const m = new Sequential(dw, pw);
      const x = randn(shape, cin + k);
      const y = (await runOrt(m, x)).output;
      const ref = conv(conv(fromTensor(x), dw), pw);
      expect(y.dims).toEqual(ref.dims);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    });
  }

  it("SeparableConv2d(middle 'none' | 'relu' | BN+ReLU module): depthwise → middle → pointwise", async () => {
    const x = randn([2, 6, 8, 7], 5);
    const none = new SeparableConv2d(6, 10, 3, { padding: 1, stride: 2 });
    const withRelu = new SeparableConv2d(6, 10, 3, { padding: 1, stride: 2, middle: 'relu' });
    const withBn = new SeparableConv2d(6, 10, 3, { padding: 1, stride: 2, middle: new Sequential(new BatchNorm2d(6), new ReLU()) });
    withRelu.loadStateDict(none.stateDict());
    randomizeBatchNorm(withBn);
    const xt = fromTensor(x);
    const refNone = conv(conv(xt, none.conv1), none.pointwise);
    const refRelu = conv(relu(conv(xt, none.conv1)), none.pointwise);
    const bnMod = (withBn.middle as nn.Sequential).at(0) as nn.BatchNorm2d;
    const refBn = conv(relu(bn(conv(xt, withBn.conv1), bnMod)), withBn.pointwise);
    const yNone = (await runOrt(none, x)).output.data as Float32Array;
    const yRelu = (await runOrt(withRelu, x)).output.data as Float32Array;
    const yBn = (await runOrt(withBn, x)).output.data as Float32Array;
    expect(maxDiff(yNone, refNone.data)).toBeLessThan(1e-5);
    expect(maxDiff(yRelu, refRelu.data)).toBeLessThan(1e-5);
    expect(maxDiff(yBn, refBn.data)).toBeLessThan(1e-5);
    // the middle ReLU really changes the result (Figure 10's two curves are different networks)
    expect(maxDiff(yNone, yRelu)).toBeGreaterThan(1e-3);
  });

  it("keys are timm's (conv1 = depthwise, pointwise); a ReLU middle adds none, a BN middle adds its own", () => {
    expect([...new SeparableConv2d(8, 16).stateDict().keys()]).toEqual(['conv1.weight', 'pointwise.weight']);
    expect([...new SeparableConv2d(8, 16, 3, { middle: 'relu' }).stateDict().keys()]).toEqual(['conv1.weight', 'pointwise.weight']);
    const b = new SeparableConv2d(8, 16, 3, { middle: new Sequential(new BatchNorm2d(8), new ReLU()) });
    expect([...b.stateDict().keys()]).toEqual(['conv1.weight', 'middle.0.weight', 'middle.0.bias', 'middle.0.running_mean', 'middle.0.running_var', 'pointwise.weight']);
    expect(new SeparableConv2d(8, 16, 3).numParameters()).toBe(8 * 9 + 8 * 16);
    expect(new SeparableConv2d(8, 16, 3, { bias: true }).numParameters()).toBe(8 * 9 + 8 + 8 * 16 + 16);
  });

  it('counted MACs: separable / standard = 1/N + 1/K² exactly (MobileNet eq. 5)', () => {
    for (const [M, N, K, H] of [[32, 64, 3, 14], [16, 48, 5, 9], [512, 512, 3, 7]]) {
      const sep = graphCost(new SeparableConv2d(M, N, K, { padding: (K - 1) / 2 }).trace([1, M, H, H])).macs;
      const std = graphCost(new nn.Conv2d(M, N, K, { padding: (K - 1) / 2, bias: false }).trace([1, M, H, H])).macs;
      expect(sep).toBe(H * H * M * K * K + H * H * M * N);
      expect(std).toBe(H * H * M * N * K * K);
      expect(sep / std).toBeCloseTo(1 / N + 1 / (K * K), 12);
    }
  });

  it("MobileNet v1's DepthwiseSeparableConv (dw → BN → ReLU6 → 1×1 → BN → ReLU6) against loops", async () => {
    const m = new nn.DepthwiseSeparableConv(6, 8, 2);
    randomizeBatchNorm(m, 3);
    // scale the input up so ReLU6 clips somewhere
    const x = randn([1, 6, 9, 9], 2);
    (x.data as Float32Array).forEach((v, i, a) => { a[i] = v * 20; });
    const y = (await runOrt(m, x)).output;
    const pre = bn(conv(fromTensor(x), m.conv_dw), m.bn1);
    const ref = relu6(bn(conv(relu6(pre), m.conv_pw), m.bn2));
    expect(y.dims).toEqual([1, 8, 5, 5]);
    expect(pre.data.some((v) => v > 6)).toBe(true);
    expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-4);
    expect([...m.stateDict().keys()].filter((k) => k.endsWith('weight'))).toEqual(['conv_dw.weight', 'bn1.weight', 'conv_pw.weight', 'bn2.weight']);
  });

  it('bad configuration fails with what was expected and where', () => {
    expect(() => new SeparableConv2d(8, 16, 3, { middle: 'elu' as nn.SeparableMiddle })).toThrow(ConfigError);
    expect(() => new SeparableConv2d(8, 16, 3, { middle: 'elu' as nn.SeparableMiddle })).toThrow(/'none' \| 'relu' \| a Module/);
    expect(() => depthwise(8, 3, { multiplier: 0 })).toThrow(/multiplier must be a positive integer/);
    expect(() => pointwise(6, 8, { groups: 4 })).toThrow(/channels not divisible by groups/);
    const m = new Sequential(new SeparableConv2d(8, 16));
    expect(() => m.trace([1, 6, 5, 5])).toThrow(ShapeError);
    expect(() => m.trace([1, 6, 5, 5])).toThrow(/0\.conv1/);
    // a kernel larger than the padded input is refused at trace time
    expect(() => new SeparableConv2d(4, 4, 5, { padding: 0 }).trace([1, 4, 3, 3])).toThrow();
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, Session, Tensor, ShapeError, WeightLoadError, ConfigError } from '../../src';
import { writeSafetensors } from '../../src/tensor/safetensors';
import { maxAbsDiff, randn, TinyNet } from '../helpers/models';
import * as zoo from '../../src/zoo';

const { Conv2d, BatchNorm2d, Sequential, Linear, MaxPool2d, AdaptiveAvgPool2d, ReLU } = nn;

/** Naive NCHW convolution (cross-correlation), PyTorch semantics. */
function naiveConv(x: Tensor<'float32'>, w: Float32Array, wdims: number[], b: Float32Array | null, stride: number[], pad: number[], dil: number[], groups: number): { data: Float32Array; dims: number[] } {
  const [N, C, H, W] = x.dims;
  const [O, Cg, KH, KW] = wdims;
  const OH = Math.floor((H + 2 * pad[0] - dil[0] * (KH - 1) - 1) / stride[0]) + 1;
  const OW = Math.floor((W + 2 * pad[1] - dil[1] * (KW - 1) - 1) / stride[1]) + 1;
  const out = new Float32Array(N * O * OH * OW);
  const og = O / groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
    const g = Math.floor(o / og);
    for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
      let s = b ? b[o] : 0;
      for (let c = 0; c < Cg; c++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
        const y = i * stride[0] - pad[0] + p * dil[0], xx = j * stride[1] - pad[1] + q * dil[1];
        if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
        s += x.data[((n * C + g * Cg + c) * H + y) * W + xx] * w[((o * Cg + c) * KH + p) * KW + q];
      }
      out[((n * O + o) * OH + i) * OW + j] = s;
    }
  }
  void C;
  return { data: out, dims: [N, O, OH, OW] };
}

async function run(m: nn.Module, x: Tensor): Promise<Tensor> {
  const s = await Session.create(m.trace([...x.dims]));
  const y = (await s.run({ input: x })).output;
  await s.release();
  return y;
}

describe('Conv2d against a naive loop', () => {
  const cases: [string, number, number, number, Record<string, unknown>, number[]][] = [
    ['3x3 stride 1 pad 1', 3, 4, 3, { padding: 1 }, [2, 3, 9, 8]],
    ['5x5 stride 2 pad 2 odd size', 4, 6, 5, { stride: 2, padding: 2 }, [1, 4, 13, 11]],
    ['3x3 dilation 2', 2, 3, 3, { padding: 2, dilation: 2 }, [1, 2, 10, 10]],
    ['grouped 3x3 stride 2', 6, 9, 3, { stride: 2, padding: 1, groups: 3 }, [1, 6, 7, 9]],
    ['depthwise 3x3', 5, 5, 3, { padding: 1, groups: 5, bias: false }, [1, 5, 6, 6]],
    ['1x1 no bias', 8, 3, 1, { bias: false }, [2, 8, 4, 5]],
  ];
  for (const [name, cin, cout, k, opts, shape] of cases) {
    it(name, async () => {
      const conv = new Conv2d(cin, cout, k, opts as nn.Conv2dOptions);
      const x = randn(shape, 7);
      const y = await run(conv, x);
      const st = conv.stride, dl = conv.dilation, pd = conv.resolvePads();
      const ref = naiveConv(x, conv.weight.data, [...conv.weight.shape], conv.bias?.data ?? null, st, [pd[0], pd[1]], dl, conv.groups);
      expect(y.dims).toEqual(ref.dims);
      expect(maxAbsDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    });
  }
});

describe('BatchNorm2d, MaxPool2d, AdaptiveAvgPool2d, Linear against naive loops', () => {
  it('BatchNorm2d uses running statistics', async () => {
    const bn = new BatchNorm2d(3);
    bn.running_mean.set(Tensor.fromArray([0.5, -1, 2]));
    bn.running_var.set(Tensor.fromArray([4, 0.25, 1]));
    bn.weight.set(Tensor.fromArray([1, 2, -1]));
    bn.bias.set(Tensor.fromArray([0, 1, 3]));
    const x = randn([2, 3, 4, 5], 3);
    const y = await run(bn, x);
    const m = [0.5, -1, 2], v = [4, 0.25, 1], g = [1, 2, -1], b = [0, 1, 3];
    const ref = Float32Array.from(x.data as Float32Array, (val, i) => {
      const c = Math.floor(i / 20) % 3;
      return ((val - m[c]) / Math.sqrt(v[c] + 1e-5)) * g[c] + b[c];
    });
    expect(maxAbsDiff(y.data as Float32Array, ref)).toBeLessThan(1e-5);
  });

  it('MaxPool2d 3x3/2 pad 1 and AdaptiveAvgPool2d(1) and Linear', async () => {
    const x = randn([1, 2, 7, 6], 5);
    const y = await run(new MaxPool2d(3, { stride: 2, padding: 1 }), x);
    expect(y.dims).toEqual([1, 2, 4, 3]);
    for (let c = 0; c < 2; c++) for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) {
      let mx = -Infinity;
      for (let p = -1; p <= 1; p++) for (let q = -1; q <= 1; q++) {
        const r = 2 * i + p, s = 2 * j + q;
        if (r >= 0 && r < 7 && s >= 0 && s < 6) mx = Math.max(mx, x.get(0, c, r, s));
      }
      expect(y.get(0, c, i, j)).toBe(Math.fround(mx));
    }
    const gap = await run(new AdaptiveAvgPool2d(1), x);
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let i = 0; i < 42; i++) s += x.data[c * 42 + i] as number;
      expect(gap.get(0, c, 0, 0)).toBeCloseTo(s / 42, 5);
    }
    const lin = new Linear(6, 4);
    const xl = randn([3, 6], 9);
    const yl = await run(lin, xl);
    for (let n = 0; n < 3; n++) for (let o = 0; o < 4; o++) {
      let s = lin.bias!.data[o];
      for (let k = 0; k < 6; k++) s += xl.get(n, k) * lin.weight.data[o * 6 + k];
      expect(yl.get(n, o)).toBeCloseTo(s, 5);
    }
  });
});

describe('tracing checks shapes before ONNX Runtime', () => {
  it('a wrong channel count names the module path and both shapes', () => {
    const m = new Sequential(new Conv2d(3, 8, 3), new ReLU(), new Sequential(new Conv2d(16, 4, 3)));
    let err: unknown;
    try { m.trace([1, 3, 32, 32]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ShapeError);
    const msg = (err as Error).message;
    expect(msg).toContain('2.0');
    expect(msg).toContain('[1, 8, 30, 30]');
    expect(msg).toContain('[N, 16, H, W]');
    expect((err as ShapeError).where).toBe('2.0');
  });

  it('a kernel larger than the padded input fails at trace time', () => {
    expect(() => new Conv2d(3, 4, 7).trace([1, 3, 5, 5])).toThrow(/kernel larger than the padded input/);
  });

  it('Linear with the wrong feature count', () => {
    expect(() => new Sequential(new nn.Flatten(), new Linear(10, 2)).trace([1, 3, 2, 2])).toThrow(/Linear: input has 12 features.*\[1, 12\].*at module '1' \(Linear\)$/);
  });

  it('bad layer configuration is a ConfigError', () => {
    expect(() => new Conv2d(6, 4, 3, { groups: 4 })).toThrow(ConfigError);
    expect(() => new Conv2d(3, 4, 0)).toThrow(ConfigError);
    expect(() => new Conv2d(3, 4, 3, { padding: 'full' as never })).toThrow(/unknown padding mode/);
  });

  it('names parameters and module paths as torchvision does', () => {
    const m = zoo.create('resnet50');
    const keys = [...m.stateDict().keys()];
    expect(keys.slice(0, 6)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'layer1.0.conv1.weight']);
    expect(keys).toContain('layer1.0.downsample.1.running_var');
    expect(keys.at(-1)).toBe('fc.bias');
    expect(keys).toHaveLength(267); // torchvision's 320 keys less the 53 num_batches_tracked
    const g = m.trace([1, 3, 64, 64]);
    expect(g.moduleTypes.get('layer2.0')).toBe('Bottleneck');
    expect(g.nodes.find((n) => n.op === 'Gemm')!.module).toBe('fc');
    expect(g.shapeOf(g.moduleOutputs.get('layer3')!)).toEqual([1, 1024, 4, 4]);
  });
});

describe('weights', () => {
  it('loadWeights reads safetensors with state-dict keys and changes the output', async () => {
    const m = new TinyNet();
    const sd = m.stateDict();
    const other = new TinyNet();
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-w-'));
    const file = join(dir, 'tiny.safetensors');
    writeFileSync(file, writeSafetensors(new Map([...other.stateDict()].map(([k, t]) => [k, new Tensor('float32', new Float32Array(t.data as Float32Array), t.dims)]))));
    const x = randn([1, 3, 17, 19], 11);
    const before = await run(m, x);
    await m.loadWeights(file);
    const after = await run(m, x);
    const ref = await run(other, x);
    expect(maxAbsDiff(after.data as Float32Array, ref.data as Float32Array)).toBe(0);
    expect(maxAbsDiff(before.data as Float32Array, ref.data as Float32Array)).toBeGreaterThan(1e-3);
    expect(sd.size).toBe(m.stateDict().size);
  });

  it('a bad state dict lists every mismatch and changes nothing', () => {
    const m = new TinyNet();
    const snapshot = new Map([...m.stateDict()].map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
    const bad = new Map(m.stateDict());
    bad.delete('stem.1.running_var');
    bad.set('stem.0.weight', Tensor.zeros('float32', [8, 3, 5, 5]));
    bad.set('head.9.weight', Tensor.zeros('float32', [1]));
    bad.set('stem.1.num_batches_tracked', Tensor.zeros('int64', []));
    let err: WeightLoadError | undefined;
    try { m.loadStateDict(bad); } catch (e) { err = e as WeightLoadError; }
    expect(err).toBeInstanceOf(WeightLoadError);
    expect(err!.mismatches.map((x) => `${x.key}:${x.problem}`).sort()).toEqual(['head.9.weight:unexpected', 'stem.0.weight:shape', 'stem.1.running_var:missing']);
    expect(err!.message).toContain('expected [8, 3, 3, 3], got [8, 3, 5, 5]');
    for (const [k, t] of m.stateDict()) expect(Array.from(t.data as Float32Array)).toEqual(Array.from(snapshot.get(k)!));
  });
});

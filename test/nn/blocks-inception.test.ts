import { describe, expect, it } from 'vitest';
import { nn, ConfigError, ShapeError } from '../../src';
import { randn } from '../helpers/models';
import {
  T, fromTensor, relu, cat, pool, adaptiveAvg, flatten, linear, basicConv, randomizeBatchNorm, runOrt, maxDiff,
} from './blocks-naive';

const { InceptionModule, GoogLeNetAux, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionV3Aux, BasicConv2d } = nn;
type Seq = nn.Sequential;
const sq = (s: Seq, i: number) => s.at(i) as nn.BasicConv2d;

/** Inception v1 by hand: four branches, the pool branch a 3×3/1 pad-1 ceil-mode max pool. */
function naiveInceptionV1(x: T, m: nn.InceptionModule): T {
  const b1 = basicConv(x, m.branch1);
  const b2 = basicConv(basicConv(x, sq(m.branch2, 0)), sq(m.branch2, 1));
  const b3 = basicConv(basicConv(x, sq(m.branch3, 0)), sq(m.branch3, 1));
  const b4 = basicConv(pool(x, 'max', 3, 1, 1, true), sq(m.branch4, 1));
  return cat([b1, b2, b3, b4]);
}

const chain = (x: T, ms: nn.BasicConv2d[]) => ms.reduce((y, m) => basicConv(y, m), x);
const avg3 = (x: T) => pool(x, 'avg', 3, 1, 1);
const max3s2 = (x: T) => pool(x, 'max', 3, 2, 0);

async function compare(m: nn.Module, shape: number[], naive: (x: T) => T, seed = 1): Promise<{ diff: number; scale: number; dims: number[] }> {
  randomizeBatchNorm(m, seed + 100);
  const x = randn(shape, seed);
  const y = (await runOrt(m, x)).output;
  const ref = naive(fromTensor(x));
  expect(y.dims).toEqual(ref.dims);
  const scale = ref.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(0.01); // a real signal, not an all-zero map
  return { diff: maxDiff(y.data as Float32Array, ref.data), scale, dims: [...y.dims] };
}

describe('InceptionModule (v1) against naive loops', () => {
  it('torchvision layout (BN, 3×3 third branch), odd sizes, batch 2', async () => {
    const m = new InceptionModule(6, 4, 3, 5, 2, 3, 4);
    const r = await compare(m, [2, 6, 9, 7], (x) => naiveInceptionV1(x, m));
    expect(r.dims).toEqual([2, 4 + 5 + 3 + 4, 9, 7]);
    expect(r.scale).toBeGreaterThan(0.1);
    expect(r.diff).toBeLessThan(1e-5);
    expect(m.outChannels).toBe(16);
    expect(m.typeName).toBe('Inception');
  });

  it("the paper's module (conv + bias, no BN, 5×5 third branch)", async () => {
    const m = new InceptionModule(5, 3, 4, 6, 2, 5, 3, { bn: false, branch3Kernel: 5 });
    expect((m.branch3.at(1) as nn.BasicConv2d).conv.kernelSize).toEqual([5, 5]);
    expect((m.branch3.at(1) as nn.BasicConv2d).bn).toBeNull();
    const r = await compare(m, [1, 5, 8, 11], (x) => naiveInceptionV1(x, m), 2);
    expect(r.dims).toEqual([1, 17, 8, 11]);
    expect(r.diff).toBeLessThan(1e-5);
  });

  it('parameter count of inception (3a) from its Table 1 widths, paper and torchvision layouts', () => {
    // the paper's (3a): 192→64 | 192→96→128 (3×3) | 192→16→32 (5×5) | pool→32, convs with bias
    const m = new InceptionModule(192, 64, 96, 128, 16, 32, 32, { bn: false, branch3Kernel: 5 });
    const w = 192 * 64 + 192 * 96 + 96 * 128 * 9 + 192 * 16 + 16 * 32 * 25 + 192 * 32;
    const b = 64 + 96 + 128 + 16 + 32 + 32;
    expect(m.numParameters()).toBe(w + b);
    expect(w + b).toBe(163_696);
    // torchvision: no bias, BN (2 per channel), 3×3 in the third branch
    const tv = new InceptionModule(192, 64, 96, 128, 16, 32, 32);
    expect(tv.numParameters()).toBe(w - 16 * 32 * 16 + 2 * b);
  });

  it('names are torchvision state-dict keys', () => {
    const keys = [...new InceptionModule(8, 2, 2, 2, 2, 2, 2).stateDict().keys()];
    expect(keys).toContain('branch1.conv.weight');
    expect(keys).toContain('branch2.1.bn.running_var');
    expect(keys).toContain('branch3.0.conv.weight');
    expect(keys).toContain('branch4.1.bn.weight');
  });

  it('rejects a third-branch kernel other than 3 or 5', () => {
    expect(() => new InceptionModule(8, 2, 2, 2, 2, 2, 2, { branch3Kernel: 7 as 3 })).toThrow(ConfigError);
    expect(() => new InceptionModule(8, 2, 2, 2, 2, 2, 2, { branch3Kernel: 7 as 3 })).toThrow(/3 \| 5/);
  });
});

describe('GoogLeNet auxiliary classifier against naive loops', () => {
  it("torchvision's head: adaptive 4×4 pool of a 14×14 map, 1×1 conv, fc1 + ReLU, fc2", async () => {
    const m = new GoogLeNetAux(16, 7);
    const r = await compare(m, [2, 16, 14, 14], (x) => linear(relu(linear(flatten(basicConv(adaptiveAvg(x, 4, 4), m.conv)), m.fc1)), m.fc2), 3);
    expect(r.dims).toEqual([2, 7]);
    expect(r.diff).toBeLessThan(1e-5);
    expect(m.typeName).toBe('InceptionAux');
  });
  it("the paper's head: 5×5/3 average pool, conv with bias, no BN", async () => {
    const m = new GoogLeNetAux(12, 5, { paper: true });
    expect(m.conv.bn).toBeNull();
    const r = await compare(m, [1, 12, 14, 14], (x) => linear(relu(linear(flatten(basicConv(pool(x, 'avg', 5, 3), m.conv)), m.fc1)), m.fc2), 4);
    expect(r.diff).toBeLessThan(1e-5);
    expect(() => m.trace([1, 12, 4, 4])).toThrow(ShapeError);
  });
});

describe('Inception v3 modules A–E against naive loops', () => {
  it('InceptionA (35×35-grid module, odd 7×5 map)', async () => {
    const m = new InceptionA(10, 6);
    const r = await compare(m, [1, 10, 7, 5], (x) => cat([
      basicConv(x, m.branch1x1), chain(x, [m.branch5x5_1, m.branch5x5_2]),
      chain(x, [m.branch3x3dbl_1, m.branch3x3dbl_2, m.branch3x3dbl_3]), basicConv(avg3(x), m.branch_pool),
    ]), 5);
    expect(r.dims).toEqual([1, 64 + 64 + 96 + 6, 7, 5]);
    expect(r.diff).toBeLessThan(2e-5 * Math.max(1, r.scale));
  });

  it('InceptionB (grid reduction, stride 2, 9×8 → 4×3)', async () => {
    const m = new InceptionB(12);
    const r = await compare(m, [1, 12, 9, 8], (x) => cat([
      basicConv(x, m.branch3x3), chain(x, [m.branch3x3dbl_1, m.branch3x3dbl_2, m.branch3x3dbl_3]), max3s2(x),
    ]), 6);
    expect(r.dims).toEqual([1, 384 + 96 + 12, 4, 3]);
    expect(r.diff).toBeLessThan(2e-5 * Math.max(1, r.scale));
  });

  it('InceptionC (1×7 / 7×1 factorisation, c7 = 6)', async () => {
    const m = new InceptionC(8, 6);
    expect(m.branch7x7_2.conv.kernelSize).toEqual([1, 7]);
    expect(m.branch7x7_3.conv.kernelSize).toEqual([7, 1]);
    const r = await compare(m, [1, 8, 6, 9], (x) => cat([
      basicConv(x, m.branch1x1), chain(x, [m.branch7x7_1, m.branch7x7_2, m.branch7x7_3]),
      chain(x, [m.branch7x7dbl_1, m.branch7x7dbl_2, m.branch7x7dbl_3, m.branch7x7dbl_4, m.branch7x7dbl_5]),
      basicConv(avg3(x), m.branch_pool),
    ]), 7);
    expect(r.dims).toEqual([1, 768, 6, 9]);
    expect(r.diff).toBeLessThan(2e-5 * Math.max(1, r.scale));
  });

  it('InceptionD (17 → 8 grid reduction)', async () => {
    const m = new InceptionD(8);
    const r = await compare(m, [1, 8, 9, 9], (x) => cat([
      chain(x, [m.branch3x3_1, m.branch3x3_2]), chain(x, [m.branch7x7x3_1, m.branch7x7x3_2, m.branch7x7x3_3, m.branch7x7x3_4]), max3s2(x),
    ]), 8);
    expect(r.dims).toEqual([1, 320 + 192 + 8, 4, 4]);
    expect(r.diff).toBeLessThan(2e-5 * Math.max(1, r.scale));
  });

  it('InceptionE (expanded filter bank: 1×3 and 3×1 side by side)', async () => {
    const m = new InceptionE(16);
    const r = await compare(m, [1, 16, 4, 5], (x) => {
      const t = basicConv(x, m.branch3x3_1);
      const d = chain(x, [m.branch3x3dbl_1, m.branch3x3dbl_2]);
      return cat([
        basicConv(x, m.branch1x1), cat([basicConv(t, m.branch3x3_2a), basicConv(t, m.branch3x3_2b)]),
        cat([basicConv(d, m.branch3x3dbl_3a), basicConv(d, m.branch3x3dbl_3b)]), basicConv(avg3(x), m.branch_pool),
      ]);
    }, 9);
    expect(r.dims).toEqual([1, 320 + 768 + 768 + 192, 4, 5]);
    expect(r.diff).toBeLessThan(2e-5 * Math.max(1, r.scale));
  });

  it("InceptionV3Aux (5×5/3 avg pool, 1×1 → 128, 5×5 → 768, pool, fc) and its minimum grid", async () => {
    const m = new InceptionV3Aux(24, 10);
    const r = await compare(m, [1, 24, 17, 17], (x) => {
      const y = basicConv(basicConv(pool(x, 'avg', 5, 3), m.conv0), m.conv1);
      return linear(flatten(adaptiveAvg(y, 1, 1)), m.fc);
    }, 10);
    expect(r.dims).toEqual([1, 10]);
    expect(r.diff).toBeLessThan(2e-5 * Math.max(1, r.scale));
    expect(() => m.trace([1, 24, 16, 16])).toThrow(/at least a 17×17 grid/);
  });

  it('BasicConv2d uses BatchNorm eps 0.001 and no conv bias (torchvision)', () => {
    const b = new BasicConv2d(3, 4, 3);
    expect(b.bn!.eps).toBe(0.001);
    expect(b.conv.bias).toBeNull();
    expect([...b.stateDict().keys()]).toEqual(['conv.weight', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var']);
  });
});

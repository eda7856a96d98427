import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { randn } from '../helpers/models';
import { T, fromTensor, conv, bn, relu, add, cat, pool, randomizeBatchNorm, runOrt, maxDiff } from './blocks-naive';

const { ShuffleUnitV1, ShuffleUnitV2 } = nn;

/** Channel shuffle by index: output channel j·g + i is input channel i·(C/g) + j (paper Figure 1 c). */
function shuffle(x: T, g: number): T {
  const [N, C, H, W] = x.dims;
  const out = new Float64Array(x.data.length);
  const cg = C / g;
  for (let n = 0; n < N; n++) for (let i = 0; i < g; i++) for (let j = 0; j < cg; j++) {
    const src = ((n * C) + i * cg + j) * H * W, dst = ((n * C) + j * g + i) * H * W;
    out.set(x.data.subarray(src, src + H * W), dst);
  }
  return { data: out, dims: x.dims };
}

function sliceC(x: T, c0: number, c1: number): T {
  const [N, C, H, W] = x.dims;
  const out = new Float64Array(N * (c1 - c0) * H * W);
  for (let n = 0; n < N; n++) out.set(x.data.subarray((n * C + c0) * H * W, (n * C + c1) * H * W), n * (c1 - c0) * H * W);
  return { data: out, dims: [N, c1 - c0, H, W] };
}

/** ShuffleNet v1 unit by hand (Figure 2 b/c). */
function naiveV1(x: T, m: nn.ShuffleUnitV1): T {
  let y = relu(bn(conv(x, m.conv1), m.bn1));
  if (m.groups > 1) y = shuffle(y, m.groups);
  y = bn(conv(bn(conv(y, m.conv2), m.bn2), m.conv3), m.bn3);
  return relu(m.stride === 2 ? cat([pool(x, 'avg', 3, 2, 1), y]) : add(x, y));
}

const seq = (s: nn.Sequential, i: number) => s.at(i) as any;
/** torchvision's ShuffleNet v2 InvertedResidual by hand. */
function naiveV2(x: T, m: nn.ShuffleUnitV2): T {
  const b2 = (t: T) => relu(bn(conv(bn(conv(relu(bn(conv(t, seq(m.branch2, 0)), seq(m.branch2, 1))), seq(m.branch2, 3)), seq(m.branch2, 4)), seq(m.branch2, 5)), seq(m.branch2, 6)));
  if (m.stride === 1) {
    const half = x.dims[1] / 2;
    return shuffle(cat([sliceC(x, 0, half), b2(sliceC(x, half, 2 * half))]), 2);
  }
  const b1 = relu(bn(conv(bn(conv(x, seq(m.branch1, 0)), seq(m.branch1, 1)), seq(m.branch1, 2)), seq(m.branch1, 3)));
  return shuffle(cat([b1, b2(x)]), 2);
}

describe('ShuffleUnitV1 against naive loops', () => {
  const cases: [string, number, number, 1 | 2, number, boolean, number[]][] = [
    ['stride 1, g = 3, odd map, batch 2', 24, 24, 1, 3, true, [2, 24, 7, 5]],
    ['stride 2, g = 2 (concat with avg-pooled input), odd map', 8, 24, 2, 2, true, [1, 8, 9, 7]],
    ['stride 2, first unit of stage 2: ungrouped first 1×1, g = 4', 8, 48, 2, 4, false, [1, 8, 6, 6]],
    ['stride 1, g = 1 (no shuffle)', 16, 16, 1, 1, true, [1, 16, 5, 5]],
  ];
  for (const [name, cin, cout, stride, g, firstGroup, shape] of cases) {
    it(name, async () => {
      const m = new ShuffleUnitV1(cin, cout, stride, g, { firstGroupConv: firstGroup });
      randomizeBatchNorm(m, cin);
      expect(m.conv1.groups).toBe(firstGroup ? g : 1);
      expect(m.conv3.groups).toBe(g);
      expect(m.conv2.groups).toBe(m.midChannels);
      const x = randn(shape, cout);
      const y = (await runOrt(m, x)).output;
      const ref = naiveV1(fromTensor(x), m);
      expect(y.dims).toEqual(ref.dims);
      expect(y.dims[1]).toBe(cout);
      expect(ref.data.some((v) => v !== 0)).toBe(true);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    });
  }

  it('the shuffle matters: without it (g = 3) the output differs', async () => {
    const m = new ShuffleUnitV1(24, 24, 1, 3);
    randomizeBatchNorm(m, 4);
    const x = randn([1, 24, 5, 5], 9);
    const y = (await runOrt(m, x)).output.data as Float32Array;
    const xt = fromTensor(x);
    const noShuffle = relu(add(xt, bn(conv(bn(conv(relu(bn(conv(xt, m.conv1), m.bn1)), m.conv2), m.bn2), m.conv3), m.bn3)));
    expect(maxDiff(y, noShuffle.data)).toBeGreaterThan(1e-3);
  });

  it('parameters, MACs and keys by hand (bottleneck = out/4)', () => {
    const m = new ShuffleUnitV1(240, 240, 1, 3);
    expect(m.midChannels).toBe(60);
    expect([...m.stateDict().keys()].filter((k) => k.endsWith('weight'))).toEqual(['conv1.weight', 'bn1.weight', 'conv2.weight', 'bn2.weight', 'conv3.weight', 'bn3.weight']);
    expect(m.numParameters()).toBe(240 * 60 / 3 + 2 * 60 + 60 * 9 + 2 * 60 + 60 * 240 / 3 + 2 * 240);
    expect(graphCost(m.trace([1, 240, 28, 28])).macs).toBe(28 * 28 * (240 / 3 * 60 + 60 * 9 + 60 / 3 * 240));
    const s2 = new ShuffleUnitV1(240, 480, 2, 3);
    expect(s2.conv3.outChannels).toBe(240);
    expect(graphCost(s2.trace([1, 240, 28, 28])).macs).toBe(28 * 28 * (240 / 3) * 120 + 14 * 14 * (120 * 9 + 120 / 3 * 240));
  });

  it('bad configuration fails with the expected values', () => {
    expect(() => new ShuffleUnitV1(24, 48, 1, 3)).toThrow(/in and out channels must match/);
    expect(() => new ShuffleUnitV1(24, 200, 2, 3)).toThrow(ConfigError);
    expect(() => new ShuffleUnitV1(24, 200, 2, 3)).toThrow(/multiple of groups=3/);
    expect(() => new ShuffleUnitV1(24, 24, 3 as 1, 3)).toThrow(/stride must be 1 or 2/);
    expect(() => new ShuffleUnitV1(48, 24, 2, 3)).toThrow(/out must exceed in/);
    expect(() => new nn.Sequential(new ShuffleUnitV1(24, 24, 1, 3)).trace([1, 12, 8, 8])).toThrow(/0\.conv1/);
  });
});

describe('ShuffleUnitV2 (torchvision InvertedResidual) against naive loops', () => {
  for (const [name, cin, cout, stride, shape] of [
    ['stride 1 (split, one branch), odd map', 16, 16, 1, [2, 16, 7, 5]],
    ['stride 2 (both branches), odd map', 6, 16, 2, [1, 6, 9, 7]],
  ] as const) {
    it(name, async () => {
      const m = new ShuffleUnitV2(cin, cout, stride);
      randomizeBatchNorm(m, 7);
      const x = randn([...shape], 3);
      const y = (await runOrt(m, x)).output;
      const ref = naiveV2(fromTensor(x), m);
      expect(y.dims).toEqual(ref.dims);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    });
  }

  it("torchvision's keys; branch1 is empty with stride 1", () => {
    const s1 = new ShuffleUnitV2(116, 116, 1);
    expect([...s1.stateDict().keys()].filter((k) => k.endsWith('weight'))).toEqual(['branch2.0.weight', 'branch2.1.weight', 'branch2.3.weight', 'branch2.4.weight', 'branch2.5.weight', 'branch2.6.weight']);
    const s2 = new ShuffleUnitV2(24, 116, 2);
    expect([...s2.stateDict().keys()].filter((k) => k.endsWith('weight'))).toEqual(['branch1.0.weight', 'branch1.1.weight', 'branch1.2.weight', 'branch1.3.weight',
      'branch2.0.weight', 'branch2.1.weight', 'branch2.3.weight', 'branch2.4.weight', 'branch2.5.weight', 'branch2.6.weight']);
    expect(s2.stateDict().get('branch2.0.weight')!.dims).toEqual([58, 24, 1, 1]);
    expect(s1.typeName).toBe('InvertedResidual');
    expect(() => new ShuffleUnitV2(24, 116, 1)).toThrow(/in must equal out/);
    expect(() => new ShuffleUnitV2(24, 115, 2)).toThrow(/even/);
  });
});

import { describe, expect, it } from 'vitest';
import { zoo, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { loadReference, compareWithReference, buildTraceExportRun } from './cifar-fill';

const DEPTHS = [20, 32, 44, 56, 110];

/** Parameters of the §4.2 nets by hand: conv1+BN, three stages of 2n 3×3 convs + BN, fc 64→10; option B adds two 1×1 projections + BN. */
function paramsByHand(depth: number, shortcut: 'A' | 'B' = 'A'): number {
  const n = (depth - 2) / 6;
  const conv = (cin: number, cout: number) => cin * cout * 9;
  let p = conv(3, 16) + 2 * 16;
  p += 2 * n * conv(16, 16) + 2 * n * 32;
  p += conv(16, 32) + (2 * n - 1) * conv(32, 32) + 2 * n * 64;
  p += conv(32, 64) + (2 * n - 1) * conv(64, 64) + 2 * n * 128;
  p += 64 * 10 + 10;
  if (shortcut === 'B') p += 16 * 32 + 64 + 32 * 64 + 128;
  return p;
}

/** Conv + fc MACs by hand at H×W (maps H, H/2, H/4 for 32×32). */
function macsByHand(depth: number, h: number, w: number): number {
  const n = (depth - 2) / 6;
  const h2 = Math.ceil(h / 2), w2 = Math.ceil(w / 2), h4 = Math.ceil(h2 / 2), w4 = Math.ceil(w2 / 2);
  let m = h * w * 16 * 27;
  m += 2 * n * h * w * 16 * 16 * 9;
  m += h2 * w2 * (32 * 16 * 9 + (2 * n - 1) * 32 * 32 * 9);
  m += h4 * w4 * (64 * 32 * 9 + (2 * n - 1) * 64 * 64 * 9);
  return m + 640;
}

describe('CIFAR plain and residual nets (ResNet paper §4.2)', () => {
  it('parameters: exact counts, and Table 6 (0.27/0.46/0.66/0.85/1.7 M) when rounded as the paper prints them', () => {
    const exact: Record<number, number> = { 20: 269_722, 32: 464_154, 44: 658_586, 56: 853_018, 110: 1_727_962 };
    const table6: Record<number, string> = { 20: '0.27', 32: '0.46', 44: '0.66', 56: '0.85', 110: '1.7' };
    for (const d of DEPTHS) {
      const p = zoo.create(`resnet${d}`).numParameters();
      expect(p).toBe(exact[d]);
      expect(p).toBe(paramsByHand(d));
      expect((p / 1e6).toFixed(d === 110 ? 1 : 2)).toBe(table6[d]);
      expect(zoo.info(`resnet${d}`).reported?.params_m).toBe(Number(table6[d]));
      // option A shortcuts are parameter-free: the plain net has exactly the same parameters
      expect(zoo.create(`plain${d}`).numParameters()).toBe(p);
    }
    expect(zoo.create('resnet20', { shortcut: 'B' }).numParameters()).toBe(272_474);
    expect(zoo.create('resnet20', { shortcut: 'B' }).numParameters()).toBe(paramsByHand(20, 'B'));
  });

  it('MACs (conv + fc) match the layer-by-layer count, at 32×32 and at odd sizes', () => {
    for (const d of DEPTHS) {
      const g = zoo.create(`resnet${d}`).trace(zoo.inputShape(`resnet${d}`));
      expect(graphCost(g).macs).toBe(macsByHand(d, 32, 32));
    }
    expect(graphCost(zoo.create('resnet20').trace([1, 3, 32, 32])).macs).toBe(40_551_040);
    expect(graphCost(zoo.create('plain56').trace([1, 3, 37, 29])).macs).toBe(macsByHand(56, 37, 29));
  });

  it('logits match an independent torch implementation (options A, B, C, plain; odd input sizes)', async () => {
    const ref = loadReference();
    const cases = ref.cases.filter((c) => /^(resnet|plain)\d+$/.test(c.name) && c.name !== 'resnet18');
    expect(cases.length).toBe(5);
    for (const c of cases) {
      const m = zoo.create(c.name, c.options);
      expect([...m.stateDict().keys()].sort()).toEqual([...c.keys].sort());
      expect(m.numParameters()).toBe(c.params);
      const { maxAbs, scale } = await compareWithReference(m, c);
      expect(scale).toBeGreaterThan(0.1);
      expect(maxAbs).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
    }
  });

  it('option A: the shortcut is a parameter-free Slice (::2) + Pad; option B a 1×1 projection named downsample', () => {
    const a = zoo.create('resnet20');
    const g = a.trace([1, 3, 32, 32]);
    const pads = g.nodes.filter((n) => n.op === 'Pad');
    expect(pads.length).toBe(2);
    expect(g.nodes.filter((n) => n.op === 'Slice').length).toBe(2);
    expect(g.nodes.filter((n) => n.op === 'Add').length).toBe(9);
    const b = zoo.create('resnet20', { shortcut: 'B' });
    expect(b.stateDict().has('layer2.0.downsample.0.weight')).toBe(true);
    expect(b.stateDict().get('layer2.0.downsample.0.weight')!.dims).toEqual([32, 16, 1, 1]);
    expect(b.stateDict().has('layer1.0.downsample.0.weight')).toBe(false);
    const p = zoo.create('plain20').trace([1, 3, 32, 32]);
    expect(p.nodes.filter((n) => n.op === 'Add').length).toBe(0);
    expect(p.nodes.filter((n) => n.op === 'Conv').length).toBe(19);
  });

  it('every name builds, traces, exports and runs on CPU, at any input size', async () => {
    for (const d of DEPTHS) {
      for (const name of [`resnet${d}`, `plain${d}`]) {
        const r = await buildTraceExportRun(name, [2, 3, 20, 17]);
        expect(r.dims).toEqual([2, 10]);
        expect(r.finite).toBe(true);
        expect(r.onnxBytes).toBeGreaterThan(zoo.create(name).numParameters() * 4);
      }
    }
    expect(zoo.create('resnet20').trace([1, 3, 7, 9]).outputs[0].shape).toEqual([1, 10]);
    expect(zoo.create('resnet56', { numClasses: 100 }).trace([1, 3, 32, 32]).outputs[0].shape).toEqual([1, 100]);
  });

  it('registry: list, info, input size; bad options name the allowed values', () => {
    expect(zoo.list('plain*')).toEqual(['plain110', 'plain20', 'plain32', 'plain44', 'plain56']);
    for (const d of DEPTHS) expect(zoo.list('*resnet*')).toContain(`resnet${d}`);
    expect(zoo.inputShape('resnet110')).toEqual([1, 3, 32, 32]);
    expect(zoo.info('resnet20').paper.year).toBe(2016);
    expect(() => zoo.create('resnet20', { shortcut: 'D' })).toThrow(ConfigError);
    expect(() => zoo.create('resnet20', { shortcut: 'D' })).toThrow(/"A", "B", "C"/);
    expect(() => zoo.create('plain20', { shortcut: 'A' })).toThrow(/unknown option 'shortcut'/);
    expect(() => zoo.cifarResnet(21)).toThrow(/6n \+ 2/);
    expect(() => zoo.create('resnet20', { numClasses: 0 })).toThrow(ConfigError);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost, nodeCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

/** ShuffleNet v1 1× mult-adds by hand (Table 1 layout, conv + FC), from the stage widths. */
function v1MacsByHand(g: number, stem: number, widths: number[]): number {
  let m = 112 * 112 * stem * 27;
  let cin = stem;
  const sizes = [28, 14, 7], repeats = [3, 7, 3];
  widths.forEach((c, i) => {
    const h = sizes[i], hin = 2 * h, mid = c / 4;
    const g1 = i === 0 ? 1 : g;
    m += hin * hin * (cin / g1) * mid + h * h * mid * 9 + h * h * (mid / g) * (c - cin); // stride-2 unit
    m += repeats[i] * (h * h * (c / g) * mid + h * h * mid * 9 + h * h * (mid / g) * c);
    cin = c;
  });
  return m + cin * 1000;
}

const TABLE1: [number, number[], number][] = [ // groups, stage widths (Table 1), MFLOPs (= mult-adds)
  [1, [144, 288, 576], 143], [2, [200, 400, 800], 140], [3, [240, 480, 960], 137], [4, [272, 544, 1088], 133], [8, [384, 768, 1536], 137],
];

describe('shufflenet_v1', () => {
  it('Table 1 complexity for 1× g = 1/2/3/4/8: 143/140/137/133/137 M (±1 M) — the conv mult-adds', () => {
    const total: number[] = [];
    for (const [g, widths, paper] of TABLE1) {
      const m = zoo.create('shufflenet_v1', { groups: g });
      const gr = m.trace(zoo.inputShape('shufflenet_v1'));
      const macs = graphCost(gr).macs;
      total.push(macs);
      expect(macs, `g=${g}`).toBe(v1MacsByHand(g, 24, widths));
      const conv = gr.nodes.filter((n) => n.op === 'Conv').reduce((s, n) => s + nodeCost(gr, n).macs, 0);
      expect(macs - conv).toBe(widths[2] * 1000); // the rest is the FC layer
      // the paper's numbers are the convolutions' mult-adds (its FC layer is not counted): all five within ±1 M,
      // and each rounds to the table's value exactly
      expect(Math.abs(conv / 1e6 - paper), `g=${g}`).toBeLessThanOrEqual(1);
      expect(Math.round(conv / 1e6), `g=${g}`).toBe(paper);
    }
    // DESIGN.md's convention (conv + FC): g=4 and g=8 exceed the table by 1.34 / 1.37 M (their FCs are 1.09 / 1.54 M)
    expect(total).toEqual([143_078_976, 140_836_512, 137_460_672, 134_339_776, 138_365_952]);
  });

  it('stage widths and the ungrouped first 1×1 of stage 2', () => {
    for (const [g, widths] of TABLE1) {
      const sd = zoo.create('shufflenet_v1', { groups: g }).stateDict();
      expect(sd.get('conv1.0.weight')!.dims).toEqual([24, 3, 3, 3]);
      expect(sd.get('stage2.0.conv1.weight')!.dims).toEqual([widths[0] / 4, 24, 1, 1]); // not grouped
      expect(sd.get('stage3.0.conv1.weight')!.dims).toEqual([widths[1] / 4, widths[0] / g, 1, 1]); // grouped
      expect(sd.get('stage2.0.conv3.weight')!.dims).toEqual([widths[0] - 24, widths[0] / 4 / g, 1, 1]);
      expect(sd.get('stage4.3.bn3.weight')!.dims).toEqual([widths[2]]);
      expect(sd.get('fc.weight')!.dims).toEqual([1000, widths[2]]);
      expect(sd.has('stage2.4.conv1.weight')).toBe(false);
      expect(sd.has('stage3.7.conv1.weight')).toBe(true);
    }
  });

  it('one channel shuffle per unit when g > 1 (16 units), none for g = 1', () => {
    const transposes = (g: number) => zoo.create('shufflenet_v1', { groups: g }).trace([1, 3, 64, 64]).nodes.filter((n) => n.op === 'Transpose').length;
    expect(transposes(3)).toBe(16);
    expect(transposes(1)).toBe(0);
  });

  it('scale s×: widths × s (0.5× g=3: 12/120/240/480), MACs by hand', () => {
    const ch = zoo.shufflenetV1Channels(3, 0.5);
    expect(ch).toEqual({ stem: 12, stages: [120, 240, 480] });
    expect(zoo.shufflenetV1Channels(8, 2)).toEqual({ stem: 48, stages: [768, 1536, 3072] });
    const m = zoo.create('shufflenet_v1', { groups: 3, scale: 0.5 });
    expect(m.stateDict().get('stage4.0.bn3.weight')!.dims).toEqual([240]);
    const gr = m.trace([1, 3, 224, 224]);
    expect(graphCost(gr).macs).toBe(v1MacsByHand(3, 12, [120, 240, 480]));
    // every (groups, scale) of the paper traces at 224 with the widths of shufflenetV1Channels and its MACs by hand
    for (const s of [0.25, 0.5, 1.5, 2]) {
      for (const g of [1, 2, 3, 4, 8]) {
        const c = zoo.shufflenetV1Channels(g, s);
        const t = zoo.create('shufflenet_v1', { groups: g, scale: s }).trace([1, 3, 224, 224]);
        expect([g, s, t.outputs[0].shape, graphCost(t).macs]).toEqual([g, s, [1, 1000], v1MacsByHand(g, c.stem, c.stages)]);
      }
    }
  });

  it('bad options fail with the allowed values', () => {
    expect(() => zoo.create('shufflenet_v1', { groups: 5 })).toThrow(ConfigError);
    expect(() => zoo.create('shufflenet_v1', { groups: 5 })).toThrow(/one of 1, 2, 3, 4, 8/);
    expect(() => zoo.create('shufflenet_v1', { scale: 0.3 })).toThrow(/one of 0.25, 0.5, 1, 1.5, 2/);
    expect(() => zoo.create('shufflenet_v2_x0_5', { groups: 3 })).toThrow(/unknown option 'groups'/);
    expect(() => zoo.create('shufflenet_v3')).toThrow(/unknown model 'shufflenet_v3'/);
  });
});

describe('shufflenet_v2 (torchvision)', () => {
  it("parameters: x1_0 2,278,604 and torchvision's 1,366,792 / 3,503,624 / 7,393,996; GFLOPS 0.04/0.14/0.30/0.58", () => {
    const want: [string, number, string][] = [['x0_5', 1_366_792, '0.04'], ['x1_0', 2_278_604, '0.14'], ['x1_5', 3_503_624, '0.30'], ['x2_0', 7_393_996, '0.58']];
    for (const [w, params, gmacs] of want) {
      const name = `shufflenet_v2_${w}`;
      const m = zoo.create(name);
      expect(m.numParameters(), name).toBe(params);
      expect((graphCost(m.trace(zoo.inputShape(name))).macs / 1e9).toFixed(2), name).toBe(gmacs);
    }
    expect(zoo.shufflenetV2X1_0().numParameters()).toBe(2_278_604);
  });

  it("torchvision's keys", () => {
    const keys = [...zoo.create('shufflenet_v2_x1_0').stateDict().keys()];
    expect(keys.slice(0, 2)).toEqual(['conv1.0.weight', 'conv1.1.weight']);
    expect(keys).toContain('stage2.0.branch1.0.weight');
    expect(keys).toContain('stage3.7.branch2.6.running_var');
    expect(keys).not.toContain('stage2.1.branch1.0.weight');
    expect(keys.slice(-7)).toEqual(['conv5.0.weight', 'conv5.1.weight', 'conv5.1.bias', 'conv5.1.running_mean', 'conv5.1.running_var', 'fc.weight', 'fc.bias']);
  });
});

describe('every shufflenet builds, traces, exports and runs on CPU (64×64)', () => {
  const all: [string, Record<string, unknown>][] = [
    ['shufflenet_v1', {}], ['shufflenet_v1', { groups: 8, scale: 0.5 }],
    ['shufflenet_v2_x0_5', {}], ['shufflenet_v2_x1_0', {}], ['shufflenet_v2_x1_5', {}], ['shufflenet_v2_x2_0', {}],
  ];
  for (const [name, opts] of all) {
    it(`${name} ${JSON.stringify(opts)}`, async () => {
      const s = await Session.create(toOnnx(zoo.create(name, opts).trace([2, 3, 64, 64])), { device: 'cpu' });
      const y = (await s.run({ input: randn([2, 3, 64, 64], 4) })).output;
      await s.release();
      expect(y.dims).toEqual([2, 1000]);
      expect((y.data as Float32Array).every(Number.isFinite)).toBe(true);
    });
  }

  it('zoo.list finds them', () => {
    expect(zoo.list('*shufflenet*')).toEqual(['shufflenet_v1', 'shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0']);
    expect(zoo.info('shufflenet_v1').options?.groups.allowed).toEqual([1, 2, 3, 4, 8]);
    expect(zoo.info('shufflenet_v2_x1_0').reported?.params).toBe(2_278_604);
  });
});

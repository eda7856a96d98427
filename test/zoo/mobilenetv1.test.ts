import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost, nodeCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

/** Table 1 of the paper: the 13 depthwise-separable layers as [cin, cout, stride] at α = 1. */
const LAYERS: [number, number, number][] = [[32, 64, 1], [64, 128, 2], [128, 128, 1], [128, 256, 2], [256, 256, 1], [256, 512, 2],
  [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 1024, 2], [1024, 1024, 1]];

/** Parameters by hand: stem conv + BN, per layer dw 3×3 + BN + 1×1 + BN, FC with bias. */
function paramsByHand(a: number): number {
  const c = (v: number) => v * a;
  let p = 27 * c(32) + 2 * c(32);
  for (const [i, o] of LAYERS) p += 9 * c(i) + 2 * c(i) + c(i) * c(o) + 2 * c(o);
  return p + c(1024) * 1000 + 1000;
}

/** Mult-adds by hand (conv + FC): stem at r/2, each layer's dw at its output size, 1×1 at the same size. */
function macsByHand(a: number, r: number): number {
  const c = (v: number) => v * a;
  let h = r / 2;
  let m = h * h * c(32) * 27;
  for (const [i, o, s] of LAYERS) {
    h = Math.ceil(h / s);
    m += h * h * c(i) * 9 + h * h * c(i) * c(o);
  }
  return m + c(1024) * 1000;
}

const PAPER: [number, number, number][] = [ // α, resolution, Table 6/7 million mult-adds
  [1, 224, 569], [0.75, 224, 325], [0.5, 224, 149], [0.25, 224, 41], [1, 192, 418], [1, 160, 290], [1, 128, 186],
];

describe('mobilenet_v1', () => {
  it('4,231,976 parameters at α = 1 (and the hand count at every α)', () => {
    expect(zoo.create('mobilenet_v1').numParameters()).toBe(4_231_976);
    for (const a of [1, 0.75, 0.5, 0.25]) expect(zoo.create('mobilenet_v1', { alpha: a }).numParameters()).toBe(paramsByHand(a));
    // Table 6's 4.2 / 2.6 / 1.3 / 0.5 M
    expect([1, 0.75, 0.5, 0.25].map((a) => (paramsByHand(a) / 1e6).toFixed(1))).toEqual(['4.2', '2.6', '1.3', '0.5']);
  });

  it('MACs (conv + FC) match the hand count and round to Tables 6–7: 569/325/149/41 and 418/290/186 M', () => {
    const exact: number[] = [];
    for (const [alpha, resolution, paper] of PAPER) {
      const opts = { alpha, resolution };
      const g = zoo.create('mobilenet_v1', opts).trace(zoo.inputShape('mobilenet_v1', opts));
      const macs = graphCost(g).macs;
      exact.push(macs);
      expect(macs, `${alpha}@${resolution}`).toBe(macsByHand(alpha, resolution));
      const fc = g.nodes.filter((n) => n.op === 'Gemm').reduce((s, n) => s + nodeCost(g, n).macs, 0);
      expect(fc).toBe(alpha * 1024 * 1000);
      if (resolution !== 160) {
        // total (conv + FC) to the nearest million is the paper's number
        expect(Math.round(macs / 1e6), `${alpha}@${resolution}`).toBe(paper);
      } else {
        // 290,675,200 would round to 291; the paper's 290 is the conv-only count (289.65 M) rounded,
        // which is also 569 M scaled by ρ² = (160/224)² = 290.3 M
        expect(Math.round(macs / 1e6)).toBe(291);
        expect(Math.round((macs - fc) / 1e6)).toBe(paper);
        expect(Math.round(569 * (160 / 224) ** 2)).toBe(paper);
      }
    }
    expect(exact).toEqual([568_740_352, 325_400_448, 149_497_088, 41_030_272, 418_121_728, 290_675_200, 186_400_768]);
  });

  it("keys are timm's mobilenetv1_100 (conv_stem, bn1, blocks.S.I.{conv_dw,bn1,conv_pw,bn2}, classifier)", () => {
    const sd = zoo.create('mobilenet_v1').stateDict();
    const keys = [...sd.keys()];
    expect(keys.slice(0, 5)).toEqual(['conv_stem.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var']);
    expect(keys.filter((k) => k.endsWith('conv_dw.weight')).map((k) => k.split('.').slice(1, 3).join('.')))
      .toEqual(['0.0', '1.0', '1.1', '2.0', '2.1', '3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '4.0', '4.1']);
    expect(sd.get('blocks.3.0.conv_dw.weight')!.dims).toEqual([256, 1, 3, 3]);
    expect(sd.get('blocks.4.1.conv_pw.weight')!.dims).toEqual([1024, 1024, 1, 1]);
    expect(keys.slice(-2)).toEqual(['classifier.weight', 'classifier.bias']);
    expect(zoo.create('mobilenet_v1', { alpha: 0.25 }).stateDict().get('conv_stem.weight')!.dims).toEqual([8, 3, 3, 3]);
  });

  it('the resolution option sets the input shape; the output grid is resolution/32', () => {
    expect(zoo.inputShape('mobilenet_v1', { resolution: 160 })).toEqual([1, 3, 160, 160]);
    expect(zoo.inputShape('mobilenet_v1')).toEqual([1, 3, 224, 224]);
    const g = zoo.create('mobilenet_v1').trace([1, 3, 160, 160]);
    expect(g.values.get(g.moduleOutputs.get('blocks')!)!.shape).toEqual([1, 1024, 5, 5]);
  });

  for (const opts of [{}, { alpha: 0.25, activation: 'relu' }]) {
    it(`builds, traces, exports and runs on CPU ${JSON.stringify(opts)} (64×64, batch 2)`, async () => {
      const m = zoo.create('mobilenet_v1', opts);
      const s = await Session.create(toOnnx(m.trace([2, 3, 64, 64])), { device: 'cpu' });
      const y = (await s.run({ input: randn([2, 3, 64, 64], 1) })).output;
      await s.release();
      expect(y.dims).toEqual([2, 1000]);
      expect((y.data as Float32Array).every(Number.isFinite)).toBe(true);
    });
  }

  it('ReLU6 by default (TF-slim/timm), plain ReLU on request', () => {
    const ops = (o: Record<string, unknown>) => zoo.create('mobilenet_v1', o).trace([1, 3, 64, 64]).nodes.map((n) => n.op);
    expect(ops({}).filter((o) => o === 'Clip').length).toBe(27);
    expect(ops({ activation: 'relu' }).filter((o) => o === 'Relu').length).toBe(27);
  });

  it('bad options fail with the allowed values', () => {
    expect(() => zoo.create('mobilenet_v1', { alpha: 0.3 })).toThrow(ConfigError);
    expect(() => zoo.create('mobilenet_v1', { alpha: 0.3 })).toThrow(/one of 1, 0.75, 0.5, 0.25/);
    expect(() => zoo.create('mobilenet_v1', { resolution: 100 })).toThrow(/one of 224, 192, 160, 128/);
    expect(() => zoo.create('mobilenet_v1', { widthMult: 1 })).toThrow(/unknown option 'widthMult'.*alpha/);
  });

  it('is listed with its paper and reported numbers', () => {
    expect(zoo.list('*mobilenet_v1*')).toEqual(['mobilenet_v1']);
    const inf = zoo.info('mobilenet_v1');
    expect(inf.paper.year).toBe(2017);
    expect(inf.reported?.params).toBe(4_231_976);
    expect(inf.options?.alpha.allowed).toEqual([1, 0.75, 0.5, 0.25]);
  });
});

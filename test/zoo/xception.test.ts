import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

/** Separable conv mult-adds at an h×h output: depthwise 3×3 + pointwise. */
const sep = (cin: number, cout: number, h: number) => h * h * (cin * 9 + cin * cout);

/** Xception at 299×299 by hand (Figure 5): 149, 147 | 74, 37, 19 | 19 ×8 | 10. */
function xceptionMacs(): number {
  let m = 149 * 149 * 32 * 27 + 147 * 147 * 64 * 32 * 9;
  m += sep(64, 128, 147) + sep(128, 128, 147) + 74 * 74 * 64 * 128;
  m += sep(128, 256, 74) + sep(256, 256, 74) + 37 * 37 * 128 * 256;
  m += sep(256, 728, 37) + sep(728, 728, 37) + 19 * 19 * 256 * 728;
  m += 8 * 3 * sep(728, 728, 19);
  m += sep(728, 728, 19) + sep(728, 1024, 19) + 10 * 10 * 728 * 1024;
  m += sep(1024, 1536, 10) + sep(1536, 2048, 10);
  return m + 2048 * 1000;
}

describe('xception', () => {
  it('22,855,952 parameters (Table 3) and the MACs counted by hand at 299×299', () => {
    const m = zoo.create('xception');
    expect(m.numParameters()).toBe(22_855_952);
    expect(zoo.inputShape('xception')).toEqual([1, 3, 299, 299]);
    const g = m.trace(zoo.inputShape('xception'));
    expect(graphCost(g).macs).toBe(xceptionMacs());
    expect(graphCost(g).macs).toBe(8_357_403_496);
    // entry flow ends at 19×19×728, exit flow at 10×10×2048 (Figure 5)
    expect(g.values.get(g.moduleOutputs.get('block3')!)!.shape).toEqual([1, 728, 19, 19]);
    expect(g.values.get(g.moduleOutputs.get('block11')!)!.shape).toEqual([1, 728, 19, 19]);
    expect(g.values.get(g.moduleOutputs.get('conv4')!)!.shape).toEqual([1, 2048, 10, 10]);
  });

  it("keys are timm's legacy xception", () => {
    const sd = zoo.create('xception').stateDict();
    const keys = [...sd.keys()];
    expect(keys.slice(0, 2)).toEqual(['conv1.weight', 'bn1.weight']);
    expect(keys).toContain('conv2.weight');
    expect(keys).toContain('block1.skip.weight');
    expect(keys).toContain('block1.skipbn.running_var');
    expect(keys).toContain('block1.rep.0.conv1.weight');
    expect(keys).toContain('block2.rep.1.pointwise.weight');
    expect(keys).toContain('block11.rep.8.running_mean');
    expect(keys.some((k) => k.startsWith('block4.skip'))).toBe(false);
    expect(sd.get('block12.rep.4.pointwise.weight')!.dims).toEqual([1024, 728, 1, 1]);
    expect(sd.get('conv3.conv1.weight')!.dims).toEqual([1024, 1, 3, 3]);
    expect(sd.get('conv4.pointwise.weight')!.dims).toEqual([2048, 1536, 1, 1]);
    expect(keys.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(sd.get('conv1.weight')!.dims).toEqual([32, 3, 3, 3]);
  });

  it("middleActivation (Figure 10): a ReLU or ELU inside each of the 34 separable convs, same parameters", async () => {
    const count = (o: Record<string, unknown>, op: string) => zoo.create('xception', o).trace([1, 3, 71, 71]).nodes.filter((n) => n.op === op).length;
    const relus = count({}, 'Relu');
    expect(count({ middleActivation: 'relu' }, 'Relu') - relus).toBe(34);
    expect(count({ middleActivation: 'elu' }, 'Elu')).toBe(34);
    expect(zoo.create('xception', { middleActivation: 'relu' }).numParameters()).toBe(22_855_952);
    // same weights, different function
    const a = zoo.create('xception'), b = zoo.create('xception', { middleActivation: 'relu' });
    b.loadStateDict(a.stateDict());
    const x = randn([1, 3, 71, 71], 2);
    const run = async (m: typeof a) => {
      const s = await Session.create(m.trace([1, 3, 71, 71]), { device: 'cpu' });
      const y = (await s.run({ input: x })).output.data as Float32Array;
      await s.release();
      return y;
    };
    const ya = await run(a), yb = await run(b);
    expect(ya.some((v, i) => Math.abs(v - yb[i]) > 1e-4)).toBe(true);
  });

  it('builds, traces, exports and runs on CPU (64×64, batch 2)', async () => {
    const s = await Session.create(toOnnx(zoo.create('xception').trace([2, 3, 64, 64])), { device: 'cpu' });
    const y = (await s.run({ input: randn([2, 3, 64, 64], 5) })).output;
    await s.release();
    expect(y.dims).toEqual([2, 1000]);
    expect((y.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('bad options fail with the allowed values', () => {
    expect(() => zoo.create('xception', { middleActivation: 'tanh' })).toThrow(ConfigError);
    expect(() => zoo.create('xception', { middleActivation: 'tanh' })).toThrow(/one of "none", "relu", "elu"/);
    expect(() => zoo.create('xception', { alpha: 1 })).toThrow(/unknown option 'alpha'/);
  });

  it('is listed with its paper', () => {
    expect(zoo.list('*xception*')).toContain('xception');
    expect(zoo.info('xception').paper.year).toBe(2017);
    expect(zoo.info('xception').reported?.params).toBe(22_855_952);
    expect(zoo.xception().numParameters()).toBe(22_855_952);
  });
});

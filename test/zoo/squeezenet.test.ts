import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo, nn } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

// fire2..fire9 input and output widths (Table 1), shared by v1.0 and v1.1
const FIRE_IO = [[0, 128], [128, 128], [128, 256], [256, 256], [256, 384], [384, 384], [384, 512], [512, 512]];

describe('squeezenet', () => {
  it('torchvision parameter counts: 1,248,424 (v1.0) and 1,235,496 (v1.1); MACs 0.819 / 0.349 G', () => {
    for (const [name, params, g] of [['squeezenet1_0', 1_248_424, '0.819'], ['squeezenet1_1', 1_235_496, '0.349']] as const) {
      const m = zoo.create(name);
      expect(m.numParameters(), name).toBe(params);
      expect((graphCost(m.trace(zoo.inputShape(name))).macs / 1e9).toFixed(3), name).toBe(g);
    }
  });

  it("bypass 'simple' adds no parameters and one Add per fire3/5/7/9", () => {
    for (const name of ['squeezenet1_0', 'squeezenet1_1']) {
      const m = zoo.create(name, { bypass: 'simple' });
      expect(m.numParameters()).toBe(zoo.create(name).numParameters());
      const adds = m.trace([1, 3, 224, 224]).nodes.filter((n) => n.op === 'Add').map((n) => n.module);
      expect(adds.length).toBe(4);
    }
  });

  it("bypass 'complex' adds a 1×1 conv (with bias) around fire2/4/6/8: parameters and MACs by hand", () => {
    const first = { squeezenet1_0: 96, squeezenet1_1: 64 } as const;
    for (const name of ['squeezenet1_0', 'squeezenet1_1'] as const) {
      const io = FIRE_IO.map(([i, o], k) => [k === 0 ? first[name] : i, o]);
      const extra = [0, 2, 4, 6].reduce((s, k) => s + io[k][0] * io[k][1] + io[k][1], 0);
      const base = zoo.create(name), cx = zoo.create(name, { bypass: 'complex' });
      expect(cx.numParameters() - base.numParameters(), name).toBe(extra);
      const gb = base.trace([1, 3, 224, 224]), gc = cx.trace([1, 3, 224, 224]);
      // fire2..9 grids at 224×224: v1.0 54, 54, 54 | 27 ×4 | 13; v1.1 55, 55 | 27, 27 | 13 ×4
      const grid = name === 'squeezenet1_0' ? [54, 54, 54, 27, 27, 27, 27, 13] : [55, 55, 27, 27, 13, 13, 13, 13];
      const extraMacs = [0, 2, 4, 6].reduce((s, k) => s + grid[k] ** 2 * io[k][0] * io[k][1], 0);
      expect(graphCost(gc).macs - graphCost(gb).macs, name).toBe(extraMacs);
      expect(gc.nodes.filter((n) => n.op === 'Add').length).toBe(8);
    }
    const keys = zoo.create('squeezenet1_1', { bypass: 'complex' }).namedParameters().map(([k]) => k).filter((k) => k.includes('bypass'));
    expect(keys).toEqual(['features.3.bypass.weight', 'features.3.bypass.bias', 'features.6.bypass.weight', 'features.6.bypass.bias',
      'features.9.bypass.weight', 'features.9.bypass.bias', 'features.11.bypass.weight', 'features.11.bypass.bias']);
  });

  it('every name and bypass builds, traces, exports and runs on CPU (64×64)', async () => {
    for (const name of ['squeezenet1_0', 'squeezenet1_1']) {
      for (const bypass of ['none', 'simple', 'complex']) {
        const m = zoo.create(name, { bypass });
        const s = await Session.create(toOnnx(m.trace([2, 3, 64, 64])), { device: 'cpu' });
        const y = (await s.run({ input: randn([2, 3, 64, 64], 3) })).output;
        await s.release();
        expect(y.dims, `${name} ${bypass}`).toEqual([2, 1000]);
        expect((y.data as Float32Array).every((v) => Number.isFinite(v) && v >= 0)).toBe(true); // ReLU before the pool
      }
    }
  });

  it('Fire modules sit at torchvision\'s indices with the paper\'s widths', () => {
    const m = zoo.create('squeezenet1_1') as zoo.SqueezeNet;
    const fires = m.features.namedChildren().filter(([, f]) => f instanceof nn.FireModule).map(([k, f]) => [k, (f as nn.FireModule).inplanes, (f as nn.FireModule).outChannels]);
    expect(fires).toEqual([['3', 64, 128], ['4', 128, 128], ['6', 128, 256], ['7', 256, 256], ['9', 256, 384], ['10', 384, 384], ['11', 384, 512], ['12', 512, 512]]);
  });

  it('bad options fail with the allowed values; listed', () => {
    expect(() => zoo.create('squeezenet1_1', { bypass: 'full' })).toThrow(ConfigError);
    expect(() => zoo.create('squeezenet1_1', { bypass: 'full' })).toThrow(/one of "none", "simple", "complex"/);
    expect(() => zoo.create('squeezenet1_2')).toThrow(/unknown model/);
    expect(zoo.list('*squeeze*')).toEqual(['squeezenet1_0', 'squeezenet1_1']);
    expect(zoo.info('squeezenet1_0').paper.year).toBe(2016);
  });
});

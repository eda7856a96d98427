import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

describe('inception_v3', () => {
  it('has 23,834,568 parameters without and 27,161,264 with the aux head; 5.713 GMACs at 299×299', () => {
    const m = zoo.create('inception_v3');
    expect(m.numParameters()).toBe(23_834_568);
    expect(zoo.create('inception_v3', { auxLogits: true }).numParameters()).toBe(27_161_264);
    expect(zoo.inputShape('inception_v3')).toEqual([1, 3, 299, 299]);
    const macs = graphCost(m.trace(zoo.inputShape('inception_v3'))).macs;
    expect((macs / 1e9).toFixed(3)).toBe('5.713'); // torchvision's GFLOPS
  });

  it('the aux head is 128·768 + 128·2 + 128·768·25 + 768·2 + 768·1000 + 1000 parameters', () => {
    const d = zoo.create('inception_v3', { auxLogits: true }).numParameters() - zoo.create('inception_v3').numParameters();
    expect(d).toBe(768 * 128 + 2 * 128 + 128 * 768 * 25 + 2 * 768 + 768 * 1000 + 1000);
  });

  it('builds, traces, exports and runs on CPU at 75×75 (its smallest input)', async () => {
    const m = zoo.create('inception_v3');
    const g = m.trace([1, 3, 75, 75]);
    const s = await Session.create(toOnnx(g), { device: 'cpu' });
    const y = (await s.run({ input: randn([1, 3, 75, 75], 1) })).output;
    await s.release();
    expect(y.dims).toEqual([1, 1000]);
    expect((y.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('auxLogits: outputs output and aux at 299×299; the aux head refuses grids under 17×17', async () => {
    const m = zoo.create('inception_v3', { auxLogits: true });
    const s = await Session.create(m.trace([1, 3, 299, 299]), { device: 'cpu' });
    const y = await s.run({ input: randn([1, 3, 299, 299], 2) });
    await s.release();
    expect(Object.keys(y).sort()).toEqual(['aux', 'output']);
    expect(y.aux.dims).toEqual([1, 1000]);
    expect(() => m.trace([1, 3, 150, 150])).toThrow(ShapeError);
    expect(() => m.trace([1, 3, 150, 150])).toThrow(/AuxLogits/);
  });

  it('names are torchvision\'s', () => {
    const keys = new Set(zoo.create('inception_v3', { auxLogits: true }).namedParameters().map(([k]) => k));
    for (const k of ['Conv2d_1a_3x3.conv.weight', 'Mixed_5b.branch5x5_2.bn.running_mean', 'Mixed_6b.branch7x7dbl_5.conv.weight',
      'Mixed_7c.branch3x3dbl_3b.bn.weight', 'AuxLogits.conv1.conv.weight', 'AuxLogits.fc.bias', 'fc.weight']) expect(keys.has(k), k).toBe(true);
  });

  it('bad options fail with the allowed values; listed', () => {
    expect(() => zoo.create('inception_v3', { auxLogits: 'yes' })).toThrow(ConfigError);
    expect(() => zoo.create('inception_v3', { auxLogits: 'yes' })).toThrow(/one of false, true/);
    expect(() => zoo.create('inception_v4')).toThrow(/unknown model/);
    expect(zoo.list('*inception*')).toContain('inception_v3');
  });
});

import { describe, expect, it } from 'vitest';
import { nn, ShapeError, ConfigError } from '../../src';
import { cases, npy, runGraph, maxAbs } from '../fixtures/nn/blocks/fixtures';

const { RoIPool, RoIAlign } = nn;
const feat = npy('roi_feat');

describe('RoIPool vs torchvision.ops.roi_pool (ONNX MaxRoiPool)', () => {
  for (const c of cases.roi_pool) {
    it(`scale ${c.scale}, output ${c.out.join('×')}`, async () => {
      const rois = npy(c.rois), want = npy(c.y);
      const m = new RoIPool(c.out, c.scale);
      const g = m.trace({ features: [...feat.dims], rois: [...rois.dims] }, { dynamicBatch: false });
      expect(g.nodes.map((n) => n.op)).toEqual(['MaxRoiPool']);
      expect(g.outputs[0].shape).toEqual([...want.dims]);
      const y = await runGraph(g, { features: feat, rois });
      expect(maxAbs(y, want)).toBe(0);
    });
  }
});

describe('RoIAlign vs torchvision.ops.roi_align (ONNX RoiAlign)', () => {
  for (const c of cases.roi_align) {
    it(`scale ${c.scale}, output ${c.out.join('×')}, sampling ${c.sampling}, aligned ${c.aligned}`, async () => {
      const rois = npy(c.rois), want = npy(c.y);
      const m = new RoIAlign(c.out, c.scale, { samplingRatio: c.sampling, aligned: c.aligned });
      const g = m.trace({ features: [...feat.dims], rois: [...rois.dims] }, { dynamicBatch: false });
      expect(g.nodes.some((n) => n.op === 'RoiAlign')).toBe(true);
      const y = await runGraph(g, { features: feat, rois });
      expect(maxAbs(y, want)).toBeLessThan(1e-5);
    });
  }
});

describe('RoI layers: bad input', () => {
  it('fails at trace time', () => {
    expect(() => new RoIPool(7, 1 / 16).trace({ f: [1, 3, 8, 8], r: [4, 4] })).toThrow(ShapeError);
    expect(() => new RoIAlign(7, 1 / 16).trace({ f: [1, 3, 8], r: [4, 5] })).toThrow(/NCHW/);
    expect(() => new RoIPool(0, 1)).toThrow(ConfigError);
    expect(() => new RoIAlign(7, -1)).toThrow(/spatialScale/);
    expect(() => new RoIAlign(7, 1, { samplingRatio: -3 })).toThrow(ConfigError);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, Session, Tensor, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { FastRCNN } from '../../src/zoo/fastrcnn';
import { seeded, allFinite } from '../fixtures/nn/blocks/fixtures';

/** VGG16's 13 convs (pad 1) at 224, 112, 56, 28, 14: MACs and parameters by hand. */
const VGG16 = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
function trunk(): { macs: number; params: number } {
  let cin = 3, macs = 0, params = 0;
  VGG16.forEach((stage, i) => {
    const hw = 224 >> i;
    for (const c of stage) { macs += hw * hw * c * cin * 9; params += c * cin * 9 + c; cin = c; }
  });
  return { macs, params };
}

describe('fast_rcnn_vgg16', () => {
  it('parameters and per-RoI MACs by hand', () => {
    const m = zoo.create('fast_rcnn_vgg16');
    const fc = 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 21 + 21 + 4096 * 84 + 84;
    expect(m.numParameters()).toBe(trunk().params + fc);
    expect(m.numParameters()).toBe(134_690_729);
    // traced with the image only: one whole-image RoI
    const g = m.trace([1, 3, 224, 224]);
    expect(g.outputs.map((o) => [o.name, o.shape])).toEqual([['cls_score', [1, 21]], ['bbox_pred', [1, 84]]]);
    expect(graphCost(g).macs).toBe(trunk().macs + 25088 * 4096 + 4096 * 4096 + 4096 * 21 + 4096 * 84);
    // each extra RoI adds the fc layers only
    const g3 = m.trace({ image: [1, 3, 224, 224], rois: [3, 5] });
    expect(graphCost(g3).macs - graphCost(g).macs).toBe(2 * (25088 * 4096 + 4096 * 4096 + 4096 * 105));
    expect(zoo.inputShape('fast_rcnn_vgg16')).toEqual([1, 3, 600, 800]);
  });

  it('trunk keys are torchvision vgg16 features.0..28 (ImageNet weights load), RoIPool 7×7 at 1/16', () => {
    const m = zoo.create('fast_rcnn_vgg16');
    const vgg = zoo.create('vgg16').stateDict();
    const feats = new Map([...vgg].filter(([k]) => k.startsWith('features.')));
    const r = m.loadStateDict(feats, { strict: false });
    expect(r.loaded.length).toBe(26);
    expect(r.unexpected).toEqual([]);
    expect(r.missing).toEqual(['fc6.weight', 'fc6.bias', 'fc7.weight', 'fc7.bias', 'cls_score.weight', 'cls_score.bias', 'bbox_pred.weight', 'bbox_pred.bias']);
    const g = m.trace({ image: [1, 3, 224, 224], rois: [4, 5] });
    const pool = g.nodes.find((n) => n.op === 'MaxRoiPool')!;
    expect(pool.attrs.pooled_shape).toEqual({ type: 'ints', value: [7, 7] });
    expect((pool.attrs.spatial_scale as { value: number }).value).toBe(1 / 16);
    expect(g.values.get(pool.inputs[0])!.shape).toEqual([1, 512, 14, 14]);
    expect(g.nodes.filter((n) => n.op === 'MaxPool').length).toBe(4);
  });

  it('runs on CPU with image + rois (any number of RoIs); rows depend only on their RoI', async () => {
    const m = new FastRCNN({ roiSize: 2 }); // small fc6 to keep the test fast; the trunk and heads are the model's
    const g = m.trace({ image: [2, 3, 64, 96], rois: [3, 5] });
    const s = await Session.create(toOnnx(g), { device: 'cpu' });
    const image = seeded([2, 3, 64, 96], 11);
    const rois = new Tensor('float32', Float32Array.of(0, 0, 0, 63, 47, 1, 16, 8, 80, 60, 0, 0, 0, 63, 47, 1, 0, 0, 95, 63, 0, 32, 16, 95, 63), [5, 5]);
    const r = await s.run({ image, rois });
    await s.release();
    expect(r.cls_score.dims).toEqual([5, 21]);
    expect(r.bbox_pred.dims).toEqual([5, 84]);
    expect(allFinite(r.cls_score) && allFinite(r.bbox_pred)).toBe(true);
    const row = (t: Tensor, i: number) => Array.from((t.data as Float32Array).slice(i * t.dims[1], (i + 1) * t.dims[1]));
    expect(row(r.cls_score, 2)).toEqual(row(r.cls_score, 0));
    expect(row(r.bbox_pred, 2)).toEqual(row(r.bbox_pred, 0));
    expect(row(r.cls_score, 3)).not.toEqual(row(r.cls_score, 2));
  });

  it('the registered model exports to ONNX with two inputs', () => {
    const g = zoo.create('fast_rcnn_vgg16').trace({ image: [1, 3, 64, 64], rois: [2, 5] });
    expect(g.inputs.map((i) => i.name)).toEqual(['image', 'rois']);
    expect(toOnnx(g).length).toBeGreaterThan(134_000_000 * 4);
  });

  it('list and bad input', () => {
    expect(zoo.list('*rcnn*')).toEqual(['fast_rcnn_vgg16']);
    expect(() => zoo.create('fast_rcnn_vgg16', { numClasses: -1 })).toThrow(ConfigError);
    expect(() => zoo.create('fast_rcnn_vgg16', { roiSize: 5 })).toThrow(/one of numClasses/);
    expect(() => zoo.create('fast_rcnn_vgg16').trace({ image: [1, 3, 64, 64], rois: [2, 4] })).toThrow(/\[K, 5\]/);
  });
});

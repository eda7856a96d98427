import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/detection/evaluate';
import { loadGroundTruth } from '../../src/detection/dataset';
import { ConfigError } from '../../src/errors';
import { detectionScenes } from '../../src/train/scenes';
import { imageDataset } from '../../src/train/data';

describe('synthetic detection scenes from Fashion-MNIST items', () => {
  it('seeded scenes with valid COCO ground truth: 1–4 items, tight boxes inside the scene, ink inside the boxes', () => {
    const a = detectionScenes({ count: 30, seed: 3 });
    const b = detectionScenes({ count: 30, seed: 3 });
    expect(Array.from(a.images.subarray(0, 5000))).toEqual(Array.from(b.images.subarray(0, 5000)));
    expect(a.gt).toEqual(b.gt);
    expect(detectionScenes({ count: 30, seed: 4 }).gt).not.toEqual(a.gt);
    expect(a.shape).toEqual([1, 96, 96]);
    expect(a.gt.images).toHaveLength(30);
    expect(a.gt.categories.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    loadGroundTruth(a.gt); // pycocotools-style validation
    const perImage = new Map<number, number>();
    for (const ann of a.gt.annotations) {
      perImage.set(ann.image_id, (perImage.get(ann.image_id) ?? 0) + 1);
      const [x, y, w, h] = ann.bbox;
      expect(x >= 0 && y >= 0 && x + w <= 96 && y + h <= 96 && w > 0 && h > 0).toBe(true);
      expect(ann.area).toBe(w * h);
      // the box's border rows/columns hold ink (tight), somewhere along each edge
      const img = a.images.subarray((ann.image_id - 1) * 96 * 96, ann.image_id * 96 * 96);
      const rowMax = (yy: number) => Math.max(...Array.from({ length: w }, (_, i) => img[yy * 96 + x + i]));
      const colMax = (xx: number) => Math.max(...Array.from({ length: h }, (_, i) => img[(y + i) * 96 + xx]));
      for (const v of [rowMax(y), rowMax(y + h - 1), colMax(x), colMax(x + w - 1)]) expect(v).toBeGreaterThan(0.1);
    }
    for (const n of perImage.values()) expect(n >= 1 && n <= 4).toBe(true);
    expect(new Set(perImage.values()).size).toBeGreaterThan(1);
    // the ground truth as detections scores AP = 1 with det.evaluate
    const dt = a.gt.annotations.map((g) => ({ image_id: g.image_id, category_id: g.category_id, bbox: g.bbox, score: 1 }));
    expect(evaluate(a.gt, dt, { style: 'coco' }).stats[0]).toBeCloseTo(1, 10);
  });

  it('a custom one-channel source and checked options', () => {
    const src = imageDataset(new Float32Array(2 * 16).fill(1), [3, 7], [1, 4, 4]);
    const s = detectionScenes({ count: 2, size: 20, itemSize: [8, 8], items: [1, 1], source: src });
    expect(s.gt.annotations).toHaveLength(2);
    for (const ann of s.gt.annotations) { expect([4, 8]).toContain(ann.category_id); expect(ann.bbox.slice(2)).toEqual([8, 8]); }
    expect(() => detectionScenes({ itemSize: [10, 200] })).toThrow(ConfigError);
    expect(() => detectionScenes({ count: 0 })).toThrow(ConfigError);
  });
});

/**
 * SPP (vs torch adaptive_max_pool2d / max_pool2d outputs in the torchvision fixture, and the
 * bin-count rule), box conversion, softNms (against a naive re-implementation of the paper's
 * loop), selective search on synthetic images with known objects (proposal recall).
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../../src/tensor/tensor';
import { spp, sppLength, sppPaperBins } from '../../src/detection/spp';
import { roiPool } from '../../src/detection/roi';
import { boxArea, boxConvert, boxIou } from '../../src/detection/boxes';
import { batchedNms, nms, softNms } from '../../src/detection/nms';
import { selectiveSearch } from '../../src/detection/selective-search';
import { felzenszwalb } from '../../src/detection/felzenszwalb';
import { proposalRecall } from '../../src/detection/proposaleval';

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/detection/torchvision_ops.json'), 'utf8'));

describe('spp', () => {
  for (const c of fx.spp) {
    it(`adaptive and paper rules on ${c.shape.join('×')} levels ${c.levels}`, () => {
      const f = new Tensor('float64', Float64Array.from(c.features), c.shape);
      const a = spp(f, c.levels);
      expect(a.dims).toEqual([c.shape[0], sppLength(c.shape[1], c.levels)]);
      expect(Array.from(a.data)).toEqual(c.adaptive);
      if (c.paper) expect(Array.from(spp(f, c.levels, { mode: 'paper' }).data)).toEqual(c.paper);
      else expect(() => spp(f, c.levels, { mode: 'paper' })).toThrow(/does not give \d+ bins on a side of \d+/);
    });
  }
  it('vector lengths of the issue', () => {
    const f = new Tensor('float32', new Float32Array(256 * 13 * 13).map((_, i) => Math.sin(i)), [1, 256, 13, 13]);
    expect(spp(f, [1, 2, 3, 6]).dims).toEqual([1, 12800]);
    expect(spp(f, [4, 2, 1]).dims).toEqual([1, 21 * 256]);
    expect(spp(f, [4, 2, 1]).dtype).toBe('float32');
  });
  it('paper rule: n bins exactly when ⌊(a − ⌈a/n⌉)/⌊a/n⌋⌋ + 1 = n', () => {
    expect(sppPaperBins(13, 6)).toEqual({ window: 3, stride: 2, bins: 6 });
    expect(sppPaperBins(13, 3).bins).toBe(3);
    expect(sppPaperBins(5, 3)).toEqual({ window: 2, stride: 1, bins: 4 });
    expect(sppPaperBins(2, 3).bins).toBe(0);
    // brute force: compare with a sliding window count
    for (let a = 1; a < 40; a++) for (let n = 1; n <= 6; n++) {
      const w = Math.ceil(a / n), s = Math.floor(a / n);
      let cnt = 0;
      if (s > 0) for (let x = 0; x + w <= a; x += s) cnt++;
      expect(sppPaperBins(a, n).bins).toBe(cnt);
    }
  });
  it('on RoIs, one level equals roiPool (single-level SPP = RoI pooling)', () => {
    const f = new Tensor('float64', Float64Array.from(fx.roi.features), fx.roi.features_shape);
    const rois = [[0, 0, 0, 13, 10], [1, 2.5, 1.5, 9.5, 7.5], [0, 3.3, 0.7, 8.1, 10.9]];
    const s = spp(f, [3], { rois, spatialScale: 1 });
    const r = roiPool(f, rois, { outputSize: 3 });
    expect(Array.from(s.data)).toEqual(Array.from(r.data));
    expect(() => spp(f, [0])).toThrow(/positive integers/);
  });
});

describe('boxes', () => {
  it('conversions round-trip and match hand values', () => {
    const xyxy = [[10, 20, 30, 60]];
    expect(boxConvert(xyxy, 'xyxy', 'xywh')).toEqual([[10, 20, 20, 40]]);
    expect(boxConvert(xyxy, 'xyxy', 'cxcywh')).toEqual([[20, 40, 20, 40]]);
    expect(boxConvert([[20, 40, 20, 40]], 'cxcywh', 'xyxy')).toEqual(xyxy);
    expect(boxConvert([[10, 20, 20, 40]], 'xywh', 'xyxy')).toEqual(xyxy);
    expect(() => boxConvert(xyxy, 'xyxy', 'yxyx' as never)).toThrow(/unknown box format/);
  });
  it('empty inputs', () => {
    expect(Array.from(nms([], [], 0.5))).toEqual([]);
    expect(boxIou([], [[0, 0, 1, 1]]).dims).toEqual([0, 1]);
    expect(Array.from(batchedNms([], [], [], 0.5))).toEqual([]);
    expect(() => nms([[0, 0, 1, 1]], [0.5, 0.2], 0.5)).toThrow(/one score per box/);
    expect(() => nms([[0, 0, 1]], [0.5], 0.5)).toThrow(/4 numbers/);
  });
  it('IoU continuous and plusOne', () => {
    // [0,0,10,10] vs [5,0,15,10]: continuous 50/150; plusOne 6·11/(121+121−66)
    const t = boxIou([[0, 0, 10, 10]], [[5, 0, 15, 10]]);
    expect(t.data[0]).toBe(50 / 150);
    expect(boxIou([[0, 0, 10, 10]], [[5, 0, 15, 10]], { plusOne: true }).data[0]).toBe(66 / (121 + 121 - 66));
    expect(Array.from(boxArea([[0, 0, 10, 10]], { plusOne: true }))).toEqual([121]);
  });
});

describe('softNms', () => {
  const boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9], [21, 20, 31, 30]];
  const scores = [0.9, 0.8, 0.7, 0.85, 0.6];
  const iou = (a: number[], b: number[]) => {
    const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    return (w * h) / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h);
  };
  const naive = (method: string, nt: number, sigma: number, thr: number) => {
    const s = [...scores]; const alive = s.map(() => true); const keep: number[] = []; const ks: number[] = [];
    for (;;) {
      let m = -1; s.forEach((v, i) => { if (alive[i] && (m < 0 || v > s[m])) m = i; });
      if (m < 0) break; alive[m] = false; if (s[m] < thr) continue; keep.push(m); ks.push(s[m]);
      s.forEach((_, i) => { if (!alive[i]) return; const o = iou(boxes[m], boxes[i]); s[i] *= method === 'linear' ? (o > nt ? 1 - o : 1) : Math.exp(-(o * o) / sigma); if (s[i] < thr) alive[i] = false; });
    }
    return { keep, ks };
  };
  it.each([['linear', 0.3], ['gaussian', 0.5]])('%s', (method, p) => {
    const r = softNms(boxes, scores, method === 'linear' ? { method: 'linear', iouThreshold: p } : { method: 'gaussian', sigma: p });
    const n = naive(method, 0.3, 0.5, 0.001);
    expect(Array.from(r.keep)).toEqual(n.keep);
    expect(Array.from(r.scores)).toEqual(n.ks);
    expect(r.keep[0]).toBe(0);
  });
});

/** A synthetic RGB image (HWC uint8): noisy grey background and solid coloured shapes. */
function synthetic(h: number, w: number, objects: { box: number[]; rgb: number[]; ellipse?: boolean }[], seed = 3): Tensor<'uint8'> {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const d = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = 110 + Math.floor(rnd() * 20);
  for (const o of objects) {
    const [x1, y1, x2, y2] = o.box;
    for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) {
      if (o.ellipse) {
        const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2, rx = (x2 - x1) / 2, ry = (y2 - y1) / 2;
        if (((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 > 1) continue;
      }
      for (let c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = o.rgb[c] + Math.floor(rnd() * 6);
    }
  }
  return new Tensor('uint8', d, [h, w, 3]);
}

describe('selective search', () => {
  const objects = [
    { box: [8, 10, 40, 34], rgb: [200, 30, 30] },
    { box: [50, 6, 90, 50], rgb: [30, 160, 40], ellipse: true },
    { box: [20, 44, 70, 60], rgb: [20, 40, 200] },
  ];
  const img = synthetic(64, 96, objects);
  const gt = objects.map((o) => o.box);

  it('Felzenszwalb–Huttenlocher separates solid objects from the background', () => {
    const seg = felzenszwalb(img, { k: 100, sigma: 0.8, minSize: 20 });
    expect(seg.labels.length).toBe(64 * 96);
    // every object interior is one segment, different from the background's
    const lab = (x: number, y: number) => seg.labels[y * 96 + x];
    expect(lab(12, 14)).toBe(lab(36, 30));
    expect(lab(24, 48)).toBe(lab(66, 56));
    expect(lab(70, 28)).toBe(lab(60, 28));
    const bg = lab(2, 2);
    expect(new Set([bg, lab(12, 14), lab(24, 48), lab(70, 28)]).size).toBe(4);
    expect(seg.count).toBeGreaterThanOrEqual(4);
  });

  it.each(['single', 'fast'] as const)('strategy %s: recall 1 at IoU 0.5 and 0.7, exact boxes found', (strategy) => {
    const p = selectiveSearch(img, { strategy });
    expect(p.length % 4).toBe(0);
    const r = proposalRecall(p, gt);
    expect(r.recall['0.5']).toBe(1);
    expect(r.recall['0.7']).toBe(1);
    // the rectangles are found exactly (the ellipse's box as well: its bounding box)
    expect(Math.min(...r.bestIou)).toBeGreaterThan(0.9);
    // no duplicates, all inside the image
    const keys = new Set<string>();
    for (let i = 0; i < p.length / 4; i++) {
      keys.add(Array.from(p.subarray(i * 4, i * 4 + 4)).join(','));
      expect(p[i * 4]).toBeGreaterThanOrEqual(0); expect(p[i * 4 + 2]).toBeLessThanOrEqual(96);
      expect(p[i * 4 + 1]).toBeGreaterThanOrEqual(0); expect(p[i * 4 + 3]).toBeLessThanOrEqual(64);
    }
    expect(keys.size).toBe(p.length / 4);
    // the whole image is always a proposal (the last merge)
    expect(keys.has('0,0,96,64')).toBe(true);
  });

  it('accepts CHW input with the same result, deterministic for a seed', () => {
    const hwc = img.data;
    const chw = new Uint8Array(hwc.length);
    for (let p = 0; p < 64 * 96; p++) for (let c = 0; c < 3; c++) chw[c * 64 * 96 + p] = hwc[p * 3 + c];
    const a = selectiveSearch(img, { strategy: 'single', seed: 5 });
    const b = selectiveSearch(new Tensor('uint8', chw, [3, 64, 96]), { strategy: 'single', seed: 5 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(() => selectiveSearch(new Tensor('uint8', new Uint8Array(8), [2, 2, 2]))).toThrow(/3 colour channels/);
  });

  it('proposalRecall counts IoU ≥ threshold', () => {
    const r = proposalRecall([[0, 0, 10, 10]], [[0, 0, 10, 10], [0, 0, 10, 20], [50, 50, 60, 60]]);
    expect(r.recall['0.5']).toBe(2 / 3);
    expect(r.recall['0.7']).toBe(1 / 3);
    expect(Array.from(r.bestIou)).toEqual([1, 0.5, 0]);
  });
});

describe('spp on RoIs, paper rule', () => {
  it('bins clamped to the map, naive loop reference', () => {
    const f = new Tensor('float64', Float64Array.from(fx.roi.features), fx.roi.features_shape);
    const [, C, H, W] = fx.roi.features_shape;
    const rois = [[0, 0, 0, 12, 12], [1, -2, -1, 10, 11]];
    const s = spp(f, [2, 1], { rois, mode: 'paper' });
    const ref: number[] = [];
    for (const [b, x1, y1, x2, y2] of rois) {
      const h = y2 - y1 + 1, w = x2 - x1 + 1;
      for (const n of [2, 1]) {
        const kh = Math.ceil(h / n), sh = Math.floor(h / n), kw = Math.ceil(w / n), sw = Math.floor(w / n);
        for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let m = -Infinity, any = false;
          for (let y = y1 + i * sh; y < y1 + i * sh + kh; y++) for (let x = x1 + j * sw; x < x1 + j * sw + kw; x++) {
            if (y < 0 || y >= H || x < 0 || x >= W) continue;
            any = true; m = Math.max(m, f.data[((b * C + c) * H + y) * W + x]);
          }
          ref.push(any ? m : 0);
        }
      }
    }
    expect(Array.from(s.data)).toEqual(ref);
  });
});

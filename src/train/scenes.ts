/**
 * Synthetic detection scenes from Fashion-MNIST items: each scene (e.g. 96×96, one channel) holds 1–4 items
 * resized to random sizes and placed at random positions (overlap limited), pixels combined by maximum, with
 * COCO-format ground truth (tight boxes around each item's visible ink, categories = the 10 classes, ids 1..10).
 * Seeded: the same options give the same scenes. For training and evaluating a small Fast R-CNN with `det.evaluate`.
 */
import { ConfigError } from '../errors';
import type { CocoAnnotation, CocoGroundTruth } from '../detection/dataset';
import { Rng } from '../tensor/random';
import { FASHION_MNIST_CLASSES, ImageDataset, fashionMnist, resizeBilinear } from './data';

export interface SceneOptions {
  /** number of scenes (default 200) */
  count?: number;
  /** scene side in pixels (default 96) */
  size?: number;
  /** items per scene, inclusive range (default [1, 4]) */
  items?: [number, number];
  /** item side in pixels, inclusive range (default [24, 48]) */
  itemSize?: [number, number];
  /** largest IoU allowed between two items' squares (default 0.3) */
  maxOverlap?: number;
  seed?: number;
  /** the items' source: Fashion-MNIST 'train' or 'test' split (default 'train'), or a data set of [1, H, W] images */
  source?: 'train' | 'test' | ImageDataset;
  /** intensity threshold (0–1 pixel scale) for the tight boxes (default 0.1) */
  inkThreshold?: number;
}

export interface DetectionScenes {
  /** [count, 1, size, size], pixel/255 */
  images: Float32Array;
  shape: [number, number, number];
  count: number;
  gt: CocoGroundTruth;
}

const iou = (a: number[], b: number[]) => {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
};

export function detectionScenes(o: SceneOptions = {}): DetectionScenes {
  const count = o.count ?? 200, size = o.size ?? 96;
  const [nMin, nMax] = o.items ?? [1, 4], [sMin, sMax] = o.itemSize ?? [24, 48];
  const where = 'detectionScenes()';
  for (const [name, v, lo] of [['count', count, 1], ['size', size, 8], ['items[0]', nMin, 1], ['itemSize[0]', sMin, 2]] as const) {
    if (!Number.isInteger(v) || v < lo) throw new ConfigError(`${name} must be an integer ≥ ${lo}`, { got: String(v), where });
  }
  if (nMax < nMin || sMax < sMin || sMax > size) throw new ConfigError('scene ranges are inconsistent', { expected: `items[0] ≤ items[1], itemSize[0] ≤ itemSize[1] ≤ size (${size})`, got: JSON.stringify({ items: [nMin, nMax], itemSize: [sMin, sMax] }), where });
  const src = typeof o.source === 'object' ? o.source : fashionMnist({ split: o.source ?? 'train', normalize: false });
  if (src.shape[0] !== 1) throw new ConfigError('scene items must be one-channel images', { got: `[${src.shape.join(', ')}]`, where });
  const [, h, w] = src.shape;
  const rng = new Rng(o.seed ?? 0);
  const thr = o.inkThreshold ?? 0.1, maxOverlap = o.maxOverlap ?? 0.3;
  const images = new Float32Array(count * size * size);
  const gt: CocoGroundTruth = {
    images: [], annotations: [],
    categories: FASHION_MNIST_CLASSES.map((name, i) => ({ id: i + 1, name })),
  };
  let annId = 1;
  for (let s = 0; s < count; s++) {
    gt.images.push({ id: s + 1, width: size, height: size, file_name: `scene_${s + 1}.png` });
    const want = nMin + Math.floor(rng.next() * (nMax - nMin + 1));
    const placed: number[][] = [];
    const canvas = images.subarray(s * size * size, (s + 1) * size * size);
    for (let tries = 0; placed.length < want && tries < 50 * want; tries++) {
      const side = sMin + Math.floor(rng.next() * (sMax - sMin + 1));
      const x0 = Math.floor(rng.next() * (size - side + 1)), y0 = Math.floor(rng.next() * (size - side + 1));
      const sq = [x0, y0, side, side];
      if (placed.some((p) => iou(p, sq) > maxOverlap)) continue;
      const k = Math.floor(rng.next() * src.length);
      const item = resizeBilinear(src.images.subarray(k * h * w, (k + 1) * h * w), 1, 1, h, w, side, side);
      let bx0 = Infinity, by0 = Infinity, bx1 = -1, by1 = -1;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const v = item[y * side + x];
          const at = (y0 + y) * size + x0 + x;
          if (v > canvas[at]) canvas[at] = v;
          if (v > thr) { bx0 = Math.min(bx0, x); by0 = Math.min(by0, y); bx1 = Math.max(bx1, x); by1 = Math.max(by1, y); }
        }
      }
      if (bx1 < 0) continue; // an empty item: nothing to detect
      placed.push(sq);
      const bbox = [x0 + bx0, y0 + by0, bx1 - bx0 + 1, by1 - by0 + 1];
      const ann: CocoAnnotation = { id: annId++, image_id: s + 1, category_id: src.labels[k] + 1, bbox, area: bbox[2] * bbox[3], iscrowd: 0 };
      gt.annotations.push(ann);
    }
  }
  return { images, shape: [1, size, size], count, gt };
}

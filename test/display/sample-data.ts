/**
 * Synthetic inputs for the display tests and scripts/display-samples.ts: a small detection data set with a
 * class whose name is markup (the XSS case), feature maps, a comparison and training curves.
 */
import { mulberry32 } from '../../src/tensor/random';
import { evaluate, type CocoResult, type VocResult } from '../../src/detection/evaluate';
import type { CocoDetection, CocoGroundTruth } from '../../src/detection/dataset';
import { Tensor } from '../../src/tensor/tensor';

export const XSS = '<img src=x onerror=alert(1)>';

/** 40 images, 3 classes (one named `XSS`); detections are jittered ground truth plus false positives. */
export function detectionSet(seed = 1): { gt: CocoGroundTruth; dt: CocoDetection[] } {
  const rnd = mulberry32(seed);
  const cats = [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }, { id: 3, name: XSS }];
  const images = Array.from({ length: 40 }, (_, i) => ({ id: i + 1 }));
  const annotations: CocoGroundTruth['annotations'] = [];
  const dt: CocoDetection[] = [];
  let id = 1;
  for (const im of images) {
    const n = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k++) {
      const c = cats[Math.floor(rnd() * cats.length)].id;
      const w = 20 + rnd() * 200, h = 20 + rnd() * 200, x = rnd() * 300, y = rnd() * 300;
      annotations.push({ id: id++, image_id: im.id, category_id: c, bbox: [x, y, w, h], area: w * h, iscrowd: 0 });
      const q = rnd() * (c === 3 ? 0.5 : c === 2 ? 0.25 : 0.12);
      if (rnd() < 0.9) dt.push({ image_id: im.id, category_id: c, bbox: [x + q * w * (rnd() - 0.5), y + q * h * (rnd() - 0.5), w * (1 + q * (rnd() - 0.5)), h], score: 0.3 + 0.7 * rnd() });
      if (rnd() < 0.4) dt.push({ image_id: im.id, category_id: c, bbox: [rnd() * 300, rnd() * 300, 50, 50], score: rnd() * 0.8 });
    }
  }
  return { gt: { images, categories: cats, annotations }, dt };
}

export function cocoResult(): CocoResult {
  const { gt, dt } = detectionSet();
  return evaluate(gt, dt, { style: 'coco' }) as CocoResult;
}

export function vocResult(style: 'voc' | 'voc07' = 'voc'): VocResult {
  const { gt, dt } = detectionSet();
  return evaluate(gt, dt, { style }) as VocResult;
}

/** [C, H, W] feature maps with smooth structure (signed when `signed`). */
export function featureTensor(c = 16, h = 28, w = 28, signed = false): Tensor {
  const a = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = Math.sin((x + k) / (3 + (k % 5))) * Math.cos((y - k) / (4 + (k % 3)));
    a[(k * h + y) * w + x] = signed ? v : Math.max(0, v) * (1 + k / 4);
  }
  return new Tensor('float32', a, [c, h, w]);
}

/** a [3, H, W] uint8 image: a gradient with a disc */
export function imageTensor(h = 64, w = 64): Tensor {
  const a = new Uint8Array(3 * h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const disc = (x - w / 2) ** 2 + (y - h / 2) ** 2 < (h / 4) ** 2;
    a[y * w + x] = disc ? 230 : (x * 255) / w;
    a[h * w + y * w + x] = disc ? 200 : (y * 255) / h;
    a[2 * h * w + y * w + x] = disc ? 40 : 128;
  }
  return new Tensor('uint8', a, [3, h, w]);
}

/** Training curves of two runs; `done` false: the second run is half way. */
export function sampleTraining(done = true): import('../../src/display/training-schema').TrainingData {
  const curve = (n: number, a: number, b: number, noise: number, seed: number) => {
    const rnd = mulberry32(seed);
    return Array.from({ length: n }, (_, i) => b + a * Math.exp(-i / (n / 4)) + noise * (rnd() - 0.5));
  };
  const xs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const half = done ? 30 : 15;
  return {
    title: 'CIFAR-10 training', model: 'resnet20', x: 'epoch', total: 30, done,
    series: [
      { name: 'plain-20', split: 'train', metric: 'loss', x: xs(30), y: curve(30, 2, 0.3, 0.05, 1) },
      { name: 'plain-20', split: 'test', metric: 'loss', x: xs(30), y: curve(30, 1.8, 0.5, 0.08, 2) },
      { name: 'plain-20', split: 'train', metric: 'error', x: xs(30), y: curve(30, 0.6, 0.1, 0.02, 3) },
      { name: 'plain-20', split: 'test', metric: 'error', x: xs(30), y: curve(30, 0.55, 0.15, 0.03, 4) },
      { name: XSS, split: 'train', metric: 'loss', x: xs(half), y: curve(half, 2, 0.2, 0.05, 5) },
      { name: XSS, split: 'test', metric: 'error', x: xs(half), y: curve(half, 0.5, 0.1, 0.03, 6) },
    ],
  };
}

/** A comparison of four models with timings and accuracies (numbers of Canziani et al.'s order of magnitude). */
export function sampleCompare(): import('../../src/display/compare-schema').CompareData {
  const row = (name: string, params: number, macs: number, latencyMs: number, accuracy: number) => ({
    name, inputShape: [1, 3, 224, 224], params, macs, flops: 2 * macs, paramBytes: 4 * params, peakActivationBytes: 4 * macs / 300,
    latencyMs, imagesPerSecond: 1000 / latencyMs, gflopsPerSecond: (2 * macs) / (latencyMs * 1e6), device: 'cpu', accuracy,
  });
  return {
    version: 1, title: 'ImageNet models', y: 'accuracy', accuracyLabel: 'top-1 accuracy (%)',
    rows: [
      row('alexnet', 61100840, 714691904, 8.1, 56.5), row('vgg16', 138357544, 15470264320, 95.2, 71.6),
      row('resnet50', 25557032, 4089184256, 31.5, 76.1), row('mobilenet_v2', 3504872, 300774272, 6.2, 71.9),
      row(XSS, 11689512, 1814073344, 14.7, 69.8),
    ],
  };
}

import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ShapeError } from '../../src/errors';
import { Rng } from '../../src/tensor/random';
import { fashionMnist, gatherBatch, imageDataset, permutation, subset, FASHION_MNIST_MEAN, FASHION_MNIST_STD } from '../../src/train/data';

const REF = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'train', 'fashion_mnist.json'), 'utf8'));

describe('Fashion-MNIST reader (Debian dataset-fashion-mnist) against numpy (gen_fashion_mnist.py)', () => {
  for (const split of ['train', 'test'] as const) {
    it(`${split}: count, label histogram, first labels, first image bytes`, () => {
      const ds = fashionMnist({ split, normalize: false });
      const ref = REF[split];
      expect(ds.length).toBe(ref.count);
      expect(ds.shape).toEqual([1, ...ref.shape]);
      const counts = new Array(10).fill(0);
      for (const l of ds.labels) counts[l]++;
      expect(counts).toEqual(ref.label_counts);
      expect(Array.from(ds.labels.subarray(0, 16))).toEqual(ref.first_labels);
      const bytes = Uint8Array.from(ds.images.subarray(0, 784), (v) => Math.round(v * 255));
      expect(bytes.reduce((a, b) => a + b, 0)).toBe(ref.first_image_sum);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.first_image_sha256);
    });
  }

  it('normalised by the training statistics, and resized to 32×32 as F.interpolate(bilinear) does', () => {
    const norm = fashionMnist({ split: 'test', limit: 3 });
    const raw = fashionMnist({ split: 'test', limit: 3, normalize: false });
    expect(norm.length).toBe(3);
    for (let i = 0; i < 784; i++) expect(norm.images[i]).toBeCloseTo((raw.images[i] - FASHION_MNIST_MEAN) / FASHION_MNIST_STD, 5);
    const r32 = fashionMnist({ split: 'test', limit: 1, size: 32, normalize: false });
    expect(r32.shape).toEqual([1, 32, 32]);
    const ref: number[] = REF.test.first_image_32;
    let worst = 0;
    ref.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - r32.images[i])); });
    expect(worst).toBeLessThan(1e-6);
    // the training set's mean pixel is the constant used for normalisation
    expect(Math.abs(REF.train.mean - FASHION_MNIST_MEAN)).toBeLessThan(5e-4);
  });

  it('a missing package is a NotFoundError naming dataset-fashion-mnist', () => {
    expect(() => fashionMnist({ dir: '/nonexistent/fashion' })).toThrow(NotFoundError);
    expect(() => fashionMnist({ dir: '/nonexistent/fashion' })).toThrow(/apt-get install dataset-fashion-mnist/);
  });
});

describe('seeded shuffling and augmentation', () => {
  it('permutation is a seeded permutation; subset draws without replacement', () => {
    const p = permutation(1000, 3);
    expect(new Set(p).size).toBe(1000);
    expect(Array.from(permutation(1000, 3))).toEqual(Array.from(p));
    expect(Array.from(permutation(1000, 4))).not.toEqual(Array.from(p));
    const ds = imageDataset(Float32Array.from({ length: 40 }, (_, i) => i), Int32Array.from({ length: 10 }, (_, i) => i), [1, 2, 2]);
    const s = subset(ds, 5, 1);
    expect(s.length).toBe(5);
    for (let i = 0; i < 5; i++) expect(Array.from(s.images.subarray(4 * i, 4 * i + 4))).toEqual([0, 1, 2, 3].map((k) => 4 * s.labels[i] + k));
    expect(() => imageDataset(new Float32Array(7), [1, 2], [1, 2, 2])).toThrow(ShapeError);
  });

  it('flip mirrors rows; pad+crop shifts by at most the padding with zeros coming in', () => {
    const h = 3, w = 4;
    const img = Float32Array.from({ length: h * w }, (_, i) => i + 1);
    const ds = imageDataset(img, [0], [1, h, w]);
    const out = new Float32Array(h * w), lab = new BigInt64Array(1);
    const rng = new Rng(9);
    const seen = new Set<string>();
    for (let k = 0; k < 20; k++) {
      gatherBatch(ds, [0], out, lab, { flip: true }, rng);
      const flipped = Array.from({ length: h * w }, (_, i) => img[Math.floor(i / w) * w + (w - 1 - (i % w))]);
      const same = Array.from(out).join() === Array.from(img).join();
      expect(same || Array.from(out).join() === flipped.join()).toBe(true);
      seen.add(same ? 'same' : 'flipped');
    }
    expect(seen.size).toBe(2);
    for (let k = 0; k < 20; k++) {
      gatherBatch(ds, [0], out, lab, { padCrop: 1 }, rng);
      // the image is a shifted copy: find the shift that explains every pixel
      const ok = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => Array.from(out).every((v, i) => {
        const y = Math.floor(i / w) + dy, x = (i % w) + dx;
        return v === (y >= 0 && y < h && x >= 0 && x < w ? img[y * w + x] : 0);
      })));
      expect(ok).toBe(true);
    }
  });
});

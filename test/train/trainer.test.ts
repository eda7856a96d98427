import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/nn';
import { ShapeError, TrainingError, ConfigError } from '../../src/errors';
import { train } from '../../src';
import { ImageDataset } from '../../src/train/data';
import type { TrainingData } from '../../src/train/history';
import { trainingBundle } from '../../src/display/training';
import { Rng } from '../../src/tensor/random';

const tmp = mkdtempSync(join(tmpdir(), 'cnnlab-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small = () => new nn.Sequential(
  new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Dropout(0.3), new nn.Linear(4 * 4 * 4, 3));

/** A learnable toy set: class k has a bright row band at k (8×8 images) plus noise. */
function toy(n: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const images = new Float32Array(n * 64), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    labels[i] = k;
    for (let p = 0; p < 64; p++) images[i * 64 + p] = 0.3 * rng.normal() + (Math.floor(p / 8) >= 2 * k + 1 && Math.floor(p / 8) < 2 * k + 3 ? 1.5 : 0);
  }
  return train.imageDataset(images, labels, [1, 8, 8], { name: 'toy' });
}

function run(seed: number) {
  nn.seedParameters(5);
  const t = train.trainer(small(), { optimizer: train.sgd({ lr: 0.05, momentum: 0.9 }), batchSize: 16, inputShape: [1, 8, 8], seed, augment: { padCrop: 1, flip: true }, threads: 1 });
  return { t, fit: t.fit(toy(96, 1), { epochs: 2, testData: toy(48, 2) }) };
}

describe('trainer', () => {
  it('learns a toy problem; same seed → same history and weights, another seed → different (dropout, shuffling, augmentation)', async () => {
    const a = run(7), b = run(7), c = run(8);
    const [ha, hb, hc] = await Promise.all([a.fit, b.fit, c.fit]);
    expect(ha.steps).toHaveLength(12);
    expect(ha.epochs).toHaveLength(2);
    expect(ha.steps.map((s) => s.loss)).toEqual(hb.steps.map((s) => s.loss));
    expect(ha.epochs).toEqual(hb.epochs.map((e, i) => ({ ...e, seconds: ha.epochs[i].seconds })));
    expect(hc.steps.map((s) => s.loss)).not.toEqual(ha.steps.map((s) => s.loss));
    const sa = a.t.stateDict(), sb = b.t.stateDict();
    for (const [k, v] of sa) expect(Array.from(v.data as Float32Array), k).toEqual(Array.from(sb.get(k)!.data as Float32Array));
    expect(ha.epochs[1].testError!).toBeLessThan(0.2);
    for (const x of [a, b, c]) await x.t.release();
  });

  it('checkpoints: save → loadWeights into a fresh model gives the trained state dict and the same predictions', async () => {
    const { t, fit } = run(3);
    await fit;
    const path = join(tmp, 'ckpt.safetensors');
    await t.save(path);
    nn.seedParameters(99);
    const fresh = small();
    await fresh.loadWeights(path);
    const want = t.stateDict();
    for (const [k, v] of fresh.stateDict()) expect(Array.from(v.data as Float32Array), k).toEqual(Array.from(want.get(k)!.data as Float32Array));
    const t2 = train.trainer(fresh, { optimizer: train.sgd({ lr: 0.1 }), batchSize: 16, inputShape: [1, 8, 8] });
    expect(await t2.evaluate(toy(48, 2))).toEqual(await t.evaluate(toy(48, 2)));
    await t.release(); await t2.release();
  });

  it('a non-finite loss stops with a TrainingError naming the step and the first parameter with a non-finite gradient; nothing is applied', async () => {
    nn.seedParameters(5);
    const t = train.trainer(small(), { optimizer: train.sgd({ lr: 0.05 }), batchSize: 16, inputShape: [1, 8, 8], threads: 1 });
    const good = toy(32, 1);
    await t.fit(good, { epochs: 1 });
    const before = t.stateDict();
    const bad = toy(32, 1);
    bad.images[5] = Infinity;
    const err = await t.fit(bad, { epochs: 1, shuffle: false }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect(err.message).toMatch(/training stopped at step 3 \(epoch 2\): the loss is NaN/);
    expect(err.message).toMatch(/non-finite gradient in '0\.weight'/);
    expect(t.steps).toBe(2);
    for (const [k, v] of t.stateDict()) expect(Array.from(v.data as Float32Array), k).toEqual(Array.from(before.get(k)!.data as Float32Array));
    await t.release();
  });

  it('a data set that does not fit the model fails before the first step', async () => {
    nn.seedParameters(5);
    const t = train.trainer(small(), { optimizer: train.sgd({ lr: 0.05 }), batchSize: 16, inputShape: [1, 8, 8] });
    const wrong = train.imageDataset(new Float32Array(32 * 100), new Int32Array(32), [1, 10, 10], { name: 'wrong' });
    await expect(t.fit(wrong, { epochs: 1 })).rejects.toThrow(ShapeError);
    await expect(t.fit(wrong, { epochs: 1 })).rejects.toThrow(/expected images \[1, 8, 8\].*got \[1, 10, 10\] \(wrong\)/);
    const labels = toy(32, 1);
    labels.labels[4] = 3;
    await expect(t.fit(labels, { epochs: 1 })).rejects.toThrow(/label 3 at index 4/);
    expect(t.steps).toBe(0);
    expect(() => train.trainer(small(), { optimizer: train.sgd({ lr: 0.05 }), batchSize: 16 })).toThrow(ConfigError);
  });

  it('an op without a gradient fails at trainer(), naming the op and the module path', () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.GlobalMaxPool(), new nn.Flatten(), new nn.Linear(4, 3));
    expect(() => train.trainer(m, { optimizer: train.sgd({ lr: 0.1 }), inputShape: [1, 8, 8] })).toThrow(TrainingError);
    expect(() => train.trainer(m, { optimizer: train.sgd({ lr: 0.1 }), inputShape: [1, 8, 8] })).toThrow(/op 'GlobalMaxPool' has no gradient.*at module '1' \(GlobalMaxPool\)/);
  });

  it('optimiser options are checked', () => {
    expect(() => train.sgd({ lr: -1 })).toThrow(ConfigError);
    expect(() => train.sgd({ lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => train.adam({ betas: [1.5, 0.9] })).toThrow(ConfigError);
  });

  it('training curves: trainingData from the history (per epoch and per step)', async () => {
    const { t, fit } = run(4);
    const h = await fit;
    const d = t.trainingData({ title: 'toy' });
    expect(d).toMatchObject({ title: 'toy', model: 'Sequential', x: 'epoch', done: true });
    expect(d.series.map((s) => `${s.name} ${s.split} ${s.metric}`)).toEqual(['Sequential train loss', 'Sequential train error', 'Sequential test loss', 'Sequential test error']);
    expect(d.series[2].y).toEqual(h.epochs.map((e) => e.testLoss));
    const s = train.trainingData(h, { x: 'step', total: 24, done: false });
    expect(s.series[0].x).toEqual(h.steps.map((r) => r.step));
    expect(s.series[2].x).toEqual([6, 12]);
    // the display layer accepts the data as it is (schema check, PNG fallback, text)
    const bundle = trainingBundle(d);
    expect(bundle['text/plain']).toMatch(/Sequential test error: \d+\.\d\d % at epoch 2/);
    expect(typeof bundle['image/png']).toBe('string');
    const both = train.compareRuns({ a: h, b: h });
    expect(both.series.map((x) => `${x.name} ${x.split} ${x.metric}`).slice(0, 5)).toEqual(['a train loss', 'a train error', 'a test loss', 'a test error', 'b train loss']);
    await t.release();
  });

  it('live curves: an installed display gets the curves during fit, the last one done', async () => {
    const updates: TrainingData[] = [];
    const prev = train.setTrainingDisplay((title) => ({ update: (d) => { expect(d.title).toBe(title); updates.push(JSON.parse(JSON.stringify(d))); } }));
    try {
      const { t, fit } = run(4);
      await fit;
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect(updates.map((u) => u.done)).toEqual([...updates.slice(0, -1).map(() => false), true]);
      const last = updates[updates.length - 1];
      expect(last).toMatchObject({ x: 'step', total: 12 });
      expect(last.series.find((s) => s.split === 'train' && s.metric === 'loss')!.x).toHaveLength(12);
      for (const u of updates) expect(() => trainingBundle(u)).not.toThrow();
      await t.release();
    } finally {
      train.setTrainingDisplay(prev);
    }
  });
});

describe('trained-model cache', () => {
  it('an identical run comes from the cache (same history and weights, nothing trained); other seeds or data miss; CNNLAB_RETRAIN retrains', async () => {
    const saved = { cache: process.env.CNNLAB_CACHE, retrain: process.env.CNNLAB_RETRAIN };
    process.env.CNNLAB_CACHE = join(tmp, 'cache');
    delete process.env.CNNLAB_RETRAIN;
    try {
      const go = async (seed: number, data = toy(96, 1)) => {
        nn.seedParameters(5);
        const t = train.trainer(small(), { optimizer: train.sgd({ lr: 0.05, momentum: 0.9 }), schedule: train.cosineLr(), batchSize: 16, inputShape: [1, 8, 8], seed, threads: 1 });
        let steps = 0;
        const h = await t.fit(data, { epochs: 2, testData: toy(48, 2), cache: true, onProgress: () => { steps++; } });
        return { t, h, steps };
      };
      const a = await go(7);
      expect(a.t.fromCache).toBe(false);
      expect(a.steps).toBeGreaterThan(0);
      const b = await go(7);
      expect(b.t.fromCache).toBe(true);
      expect(b.steps).toBe(0);
      expect(b.t.cacheKey).toBe(a.t.cacheKey);
      expect(b.h).toEqual(a.h);
      const sa = a.t.stateDict();
      for (const [k, v] of b.t.stateDict()) expect(Array.from(v.data as Float32Array), k).toEqual(Array.from(sa.get(k)!.data as Float32Array));
      expect(await b.t.evaluate(toy(48, 2))).toEqual(await a.t.evaluate(toy(48, 2)));
      expect((await go(8)).t.fromCache).toBe(false);
      const other = toy(96, 1);
      other.images[0] += 1e-3;
      expect((await go(7, other)).t.fromCache).toBe(false);
      process.env.CNNLAB_RETRAIN = '1';
      const c = await go(7);
      expect(c.t.fromCache).toBe(false);
      expect(c.steps).toBeGreaterThan(0);
    } finally {
      for (const [k, v] of [['CNNLAB_CACHE', saved.cache], ['CNNLAB_RETRAIN', saved.retrain]] as const) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });
});

import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn';
import { Session } from '../../src/runtime/session';
import { Tensor } from '../../src/tensor/tensor';
import { train } from '../../src';

/**
 * A real training run that can fail: a small CNN (2 × conv-BN-ReLU-maxpool + linear) trained from a fixed seed
 * on 10 000 Fashion-MNIST training images for 3 epochs (SGD, momentum 0.9, cosine schedule) must reach > 85 %
 * top-1 accuracy on the first 2 000 test images (≈ 88 % here; an untrained net has ≈ 10 %). About 30 s on 2 cores.
 */
describe('training on Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('a small CNN reaches > 85 % test accuracy after 3 epochs on 10k images', async () => {
    nn.seedParameters(1);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10));
    const data = train.subset(train.fashionMnist({ split: 'train' }), 10_000, 1);
    const test = train.fashionMnist({ split: 'test', limit: 2000 });
    const t = train.trainer(model, {
      optimizer: train.sgd({ lr: 0.02, momentum: 0.9, weightDecay: 5e-4 }), schedule: train.cosineLr(),
      batchSize: 64, inputShape: [1, 28, 28], seed: 1, threads: 2,
    });
    const before = await t.evaluate(test);
    expect(before.accuracy).toBeLessThan(0.3);
    const h = await t.fit(data, { epochs: 3, testData: test });
    expect(h.steps).toHaveLength(3 * Math.floor(10_000 / 64));
    expect(h.epochs.map((e) => e.trainLoss)).toEqual([...h.epochs.map((e) => e.trainLoss)].sort((a, b) => b - a));
    const acc = 1 - h.epochs[2].testError!;
    expect(acc).toBeGreaterThan(0.85);
    // the weights copied back into the model give the same predictions through the ordinary inference path
    const s = await Session.create(model.trace([256, 1, 28, 28]));
    const out = (await s.run({ input: new Tensor('float32', test.images.slice(0, 256 * 784), [256, 1, 28, 28]) })).output;
    let correct = 0;
    for (let i = 0; i < 256; i++) {
      const row = Array.from(out.data as Float32Array).slice(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === test.labels[i]) correct++;
    }
    const sub = await t.evaluate(train.subset(test, 256));
    expect(correct / 256).toBeCloseTo(sub.accuracy, 6);
    await s.release();
    await t.release();
  });
});

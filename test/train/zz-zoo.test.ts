import { it } from 'vitest';
import { zoo, train } from '../../src';
import { Rng } from '../../src/tensor/random';
it('zoo steps', async () => {
  for (const [name, size, bs] of [['resnet20', 32, 8], ['mobilenet_v1', 96, 4], ['mobilenet_v2', 96, 4], ['mobilenet_v3_small', 96, 4], ['shufflenet_v1', 96, 4], ['densenet121', 96, 4], ['efficientnet_b0', 96, 4], ['googlenet', 96, 4], ['se_resnet50', 96, 4]] as [string, number, number][]) {
    try {
      const m = zoo.create(name, { numClasses: 10 } as never);
      const t = train.trainer(m, { optimizer: train.sgd({ lr: 0.01, momentum: 0.9 }), batchSize: bs, inputShape: [3, size, size], threads: 2 });
      const n = 2 * bs;
      const rng = new Rng(2);
      const ds = train.imageDataset(Float32Array.from({ length: n * 3 * size * size }, () => rng.normal()), Int32Array.from({ length: n }, (_, i) => i % 10), [3, size, size]);
      const t0 = performance.now();
      const h = await t.fit(ds, { epochs: 1 });
      console.log('OK', name, h.steps.map((s) => s.loss.toFixed(4)).join(' '), ((performance.now() - t0) / 1000).toFixed(1) + 's');
      await t.release();
    } catch (e) { console.log('NO', name, String(e).slice(0, 300)); }
  }
}, 600000);

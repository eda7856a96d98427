import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zoo, train } from '../../src';
import { readSafetensors } from '../../src/tensor/safetensors';
import { setupGrad, runGrad } from './gradcheck';
import { relErr, stateDict } from './spec';

/** The zoo's ResNet-20 (option A) against PyTorch float64 (test/fixtures/train/gen_resnet20.py). */
const DIR = join(__dirname, '..', 'fixtures', 'train');
const { tensors } = readSafetensors(readFileSync(join(DIR, 'resnet20.safetensors')));
const ref = JSON.parse(readFileSync(join(DIR, 'resnet20.json'), 'utf8')) as { losses: number[]; lr: number; momentum: number; weight_decay: number };
const f32 = (k: string) => tensors.get(k)!.data as Float32Array;
const labels = (s: number) => Array.from(f32(`y${s}`));

describe('ResNet-20 (CIFAR, option A) against PyTorch autograd', () => {
  for (const s of [0, 1]) {
    it(`cross-entropy gradients of every parameter ${s ? 'after one SGD step' : 'at initialisation'}`, async () => {
      const m = zoo.create('resnet20');
      m.loadStateDict(stateDict(tensors, `sd${s}/`));
      const st = await setupGrad(m, [8, 3, 32, 32], false);
      const x = f32(`x${s}`), y = labels(s);
      const z = (await runGrad(st, x, { output: new Float32Array(80) })).outputs.output;
      const seed = new Float32Array(80);
      for (let i = 0; i < 8; i++) {
        const row = Array.from(z.subarray(i * 10, i * 10 + 10)), mx = Math.max(...row);
        const e = row.map((v) => Math.exp(v - mx)), se = e.reduce((a, b) => a + b);
        e.forEach((v, k) => { seed[i * 10 + k] = (v / se - (k === y[i] ? 1 : 0)) / 8; });
      }
      const r = await runGrad(st, x, { output: seed });
      expect(st.wrt).toHaveLength(59); // 19 convs, 19 BN × 2, fc × 2
      for (const w of st.wrt) expect(relErr(r.grads[w], f32(`grad${s}/${w}`)), w).toBeLessThan(2e-5);
    });
  }

  it('the trainer\'s first step (SGD, momentum, weight decay) gives PyTorch\'s loss, parameters and running statistics', async () => {
    const m = zoo.create('resnet20');
    m.loadStateDict(stateDict(tensors, 'sd0/'));
    const t = train.trainer(m, { optimizer: train.sgd({ lr: ref.lr, momentum: ref.momentum, weightDecay: ref.weight_decay }), batchSize: 8, inputShape: [3, 32, 32], threads: 2 });
    const h = await t.fit(train.imageDataset(f32('x0'), labels(0), [3, 32, 32]), { epochs: 1, shuffle: false });
    expect(Math.abs(h.steps[0].loss - ref.losses[0]) / ref.losses[0]).toBeLessThan(1e-5);
    const sd = t.stateDict();
    for (const [k, v] of stateDict(tensors, 'sd1/')) expect(relErr(sd.get(k)!.data as Float32Array, v.data as Float32Array), k).toBeLessThan(2e-5);
    await t.release();
  });
});

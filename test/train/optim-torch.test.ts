import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Builder } from '../../src/train/builder';
import { emitLoss } from '../../src/train/loss';
import { adam, sgd } from '../../src/train/optim';
import { trainer } from '../../src/train/trainer';
import { imageDataset } from '../../src/train/data';
import { Tensor } from '../../src/tensor/tensor';
import { loadFixtures, buildNet, stateDict, relErr } from './spec';

const { cases, tensors } = loadFixtures();
const f32 = (k: string) => tensors.get(k)!.data as Float32Array;

async function runLoss(spec: Parameters<typeof emitLoss>[1], pred: Float32Array, shape: number[], target: Tensor): Promise<{ loss: number; grad: Float32Array }> {
  const b = new Builder();
  b.g.inputs.push({ name: 'pred', dtype: 'float32', shape });
  b.shapes.set('pred', shape);
  const l = emitLoss(b, spec, 'pred');
  b.g.inputs.push({ name: l.target.name, dtype: l.target.dtype, shape: l.target.shape });
  b.node('Identity', [l.loss], {}, { outputs: ['loss'] });
  b.node('Identity', [l.seed], {}, { outputs: ['grad'] });
  b.g.outputs = [{ name: 'loss', dtype: 'float32', shape: [] }, { name: 'grad', dtype: 'float32', shape }];
  const s = await ort.InferenceSession.create(b.g.toOnnx({ dynamicBatch: false }));
  const r = await s.run({ pred: new ort.Tensor('float32', pred, shape), target: new ort.Tensor(target.dtype as 'float32', target.data as Float32Array, target.dims as number[]) });
  return { loss: (r.loss.data as Float32Array)[0], grad: r.grad.data as Float32Array };
}

describe('losses against PyTorch (F.cross_entropy, F.smooth_l1_loss)', () => {
  it('cross-entropy: mean loss and d logits', async () => {
    const labels = new Tensor('int64', BigInt64Array.from(Array.from(f32('ce/labels'), (v) => BigInt(v))), [6]);
    const r = await runLoss('cross-entropy', f32('ce/logits'), [6, 5], labels);
    expect(Math.abs(r.loss - f32('ce/loss')[0]) / f32('ce/loss')[0]).toBeLessThan(1e-6);
    expect(relErr(r.grad, f32('ce/grad'))).toBeLessThan(1e-6);
  });
  for (const beta of [1, 0.5]) {
    it(`smooth L1, beta ${beta}`, async () => {
      const id = `smoothl1_beta${beta.toFixed(1)}`;
      const r = await runLoss({ kind: 'smooth-l1', beta }, f32(`${id}/pred`), [4, 3], new Tensor('float32', f32(`${id}/target`), [4, 3]));
      expect(Math.abs(r.loss - f32(`${id}/loss`)[0])).toBeLessThan(1e-6);
      expect(relErr(r.grad, f32(`${id}/grad`))).toBeLessThan(1e-6);
    });
  }
});

describe('optimisers: 3 training steps against torch.optim (SGD, momentum, weight decay, Nesterov, Adam, AdamW)', () => {
  for (const c of cases.filter((x) => x.type === 'optim')) {
    it(c.id, async () => {
      const net = buildNet(c.layers!);
      net.loadStateDict(stateDict(tensors, `${c.id}/sd/`));
      const o = c.optimizer!;
      const optimizer = o.kind === 'sgd' ? sgd({ lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay, nesterov: o.nesterov })
        : adam({ lr: o.lr, betas: o.betas, weightDecay: o.weightDecay, decoupled: o.decoupled });
      const [n, ch, h, w] = c.input!;
      const steps = c.steps!;
      const images = new Float32Array(steps * n * ch * h * w);
      const labels: number[] = [];
      for (let s = 0; s < steps; s++) {
        images.set(f32(`${c.id}/x${s}`), s * n * ch * h * w);
        labels.push(...Array.from(f32(`${c.id}/y${s}`)));
      }
      const t = trainer(net, { optimizer, batchSize: n, inputShape: [ch, h, w], threads: 1 });
      const hist = await t.fit(imageDataset(images, labels, [ch, h, w]), { epochs: 1, shuffle: false });
      expect(hist.steps.map((s) => s.loss)).toHaveLength(steps);
      hist.steps.forEach((s, i) => expect(Math.abs(s.loss - c.losses![i]) / c.losses![i], `loss of step ${i + 1}`).toBeLessThan(1e-5));
      const sd = t.stateDict();
      for (const [k, ref] of stateDict(tensors, `${c.id}/after/`)) {
        expect(relErr(sd.get(k)!.data as Float32Array, ref.data as Float32Array), k).toBeLessThan(2e-5);
      }
      await t.release();
    });
  }
});

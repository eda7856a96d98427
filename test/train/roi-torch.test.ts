import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn';
import { SymTensor } from '../../src/nn/trace';
import { gradientGraph, gradName } from '../../src/train/grad-graph';
import { TrainingError } from '../../src/errors';
import { loadFixtures, relErr } from './spec';

const { cases, tensors } = loadFixtures();
const f32 = (k: string) => tensors.get(k)!.data as Float32Array;

class Pool extends nn.Module {
  roi: nn.Module;
  constructor(roi: nn.Module) { super(); this.roi = roi; }
  forward(x: SymTensor, rois: SymTensor): SymTensor { return this.roi.call(x, rois); }
}

describe('RoIAlign gradient w.r.t. the feature map against torchvision.ops.roi_align autograd', () => {
  for (const c of cases.filter((x) => x.type === 'roi') as unknown as { id: string; output_size: [number, number]; scale: number; sampling_ratio: number; aligned: boolean }[]) {
    it(c.id, async () => {
      const m = new Pool(new nn.RoIAlign(c.output_size, c.scale, { samplingRatio: c.sampling_ratio, aligned: c.aligned }));
      const fwd = m.trace({ input: [2, 3, 8, 9], rois: [5, 5] }, { training: true, dynamicBatch: false });
      const gg = gradientGraph(fwd, { wrtInputs: ['input'] });
      const s = await ort.InferenceSession.create(gg.graph.toOnnx({ dynamicBatch: false }));
      const out = fwd.outputs[0];
      const r = await s.run({
        input: new ort.Tensor('float32', f32(`${c.id}/input`), [2, 3, 8, 9]),
        rois: new ort.Tensor('float32', f32(`${c.id}/rois`), [5, 5]),
        [gradName(out.name)]: new ort.Tensor('float32', f32(`${c.id}/R`), out.shape as number[]),
      });
      expect(relErr(r[out.name].data as Float32Array, f32(`${c.id}/output`))).toBeLessThan(1e-5);
      expect(relErr(r[gradName('input')].data as Float32Array, f32(`${c.id}/grad/input`))).toBeLessThan(1e-5);
    });
  }

  it('adaptive sampling (the default) and RoIPool have no gradient: trainer-time errors name the module', () => {
    const adaptive = new Pool(new nn.RoIAlign(2, 0.5));
    expect(() => gradientGraph(adaptive.trace({ input: [1, 3, 8, 8], rois: [2, 5] }, { training: true }), { wrtInputs: ['input'] })).toThrow(/adaptive sampling ratio/);
    const pool = new Pool(new nn.RoIPool(2, 0.5));
    expect(() => gradientGraph(pool.trace({ input: [1, 3, 8, 8], rois: [2, 5] }, { training: true }), { wrtInputs: ['input'] })).toThrow(TrainingError);
  });
});

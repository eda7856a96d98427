import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, Session, Tensor, ConfigError, NotFoundError, ShapeError } from '../../src';
import { cam, findCamHead, resizeBilinear } from '../../src/analysis/cam';
import { readNpy } from '../../src/tensor/npy';
import * as zoo from '../../src/zoo';
import { randn } from '../helpers/models';

const REF = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'analysis', 'reference.json'), 'utf8')) as {
  interpolate: { input: number[]; shape: [number, number, number]; size: [number, number]; output: number[] }[];
};

/** CAM_c(i, j) = Σ_k W[c, k]·F[n, k, i, j], a plain loop in float64. */
function naiveCam(f: Tensor, w: Float32Array, c: number, n: number): Float64Array {
  const [, C, h, wd] = f.dims;
  const out = new Float64Array(h * wd);
  const d = f.data as Float32Array;
  for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) {
    let s = 0;
    for (let k = 0; k < C; k++) s += w[c * C + k] * d[((n * C + k) * h + i) * wd + j];
    out[i * wd + j] = s;
  }
  return out;
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / scale;
}

describe('class activation maps', () => {
  const cases: [string, string, string, number[]][] = [
    ['resnet18', 'layer4', 'fc', [2, 3, 64, 64]],
    ['mobilenet_v2', 'features', 'classifier.1', [1, 3, 96, 96]],
  ];
  for (const [name, tap, fc, shape] of cases) {
    it(`${name}: maps equal a naive computation; their mean plus the bias is the network's score`, async () => {
      const model = zoo.create(name);
      const x = randn(shape, 11);
      const s = await Session.create(model.trace(shape));
      const head = findCamHead(s.graph);
      expect(head.featureModule).toBe(tap);
      expect(head.weightName).toBe(`${fc}.weight`);
      const r = await cam(s, x);
      // independent pieces: the tapped feature map, the module's own fc parameters, the full forward pass
      const f = (await s.features(x, [tap]))[tap];
      const logits = (await s.run({ input: x })).output.data as Float32Array;
      const fcMod = model.namedModules().find(([p]) => p === fc)![1] as nn.Linear;
      const W = fcMod.weight.data, b = fcMod.bias!.data;
      const [n, , h, w] = f.dims;
      const K = W.length / f.dims[1];
      expect(r.maps.dims).toEqual([n, h, w]);
      expect(r.upsampled.dims).toEqual([n, shape[2], shape[3]]);
      for (let i = 0; i < n; i++) {
        let top = 0;
        for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + top]) top = k;
        expect(r.classIdx[i]).toBe(top);
        expect(r.scores[i]).toBe(logits[i * K + top]);
        const ref = naiveCam(f, W, top, i);
        const got = (r.maps.data as Float32Array).subarray(i * h * w, (i + 1) * h * w);
        expect(maxRel(got, ref)).toBeLessThan(1e-5);
        // Zhou et al.: s_c = Σ_k w_ck·GAP(F_k) + b_c = mean(CAM_c) + b_c
        const mean = got.reduce((a, v) => a + v, 0) / got.length;
        expect(Math.abs(mean + b[top] - logits[i * K + top])).toBeLessThan(1e-4 * Math.max(1, Math.abs(logits[i * K + top])));
      }
      // explicit options and a chosen class give the same maps as the search
      const r2 = await cam(s, x, { featureTap: tap, fcWeight: fc, classIdx: r.classIdx });
      expect(Array.from(r2.maps.data)).toEqual(Array.from(r.maps.data));
      const r3 = await cam(s, x, { classIdx: 7 });
      expect(maxRel((r3.maps.data as Float32Array).subarray(0, h * w), naiveCam(f, W, 7, 0))).toBeLessThan(1e-5);
      await s.release();
    });
  }

  it('SqueezeNet (imported torch ONNX): the conv classifier\'s maps; their mean is the score', async () => {
    const bytes = readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.onnx'));
    const s = await Session.create(new Uint8Array(bytes));
    const head = findCamHead(s.graph);
    expect(head.kind).toBe('classmap');
    const x = readNpy(readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.input.npy')));
    const r = await cam(s, x as Tensor<'float32'>);
    // independent: the ReLU after the final conv (classifier.2), tapped in a separate pass, and torch's logits
    const f = (await s.features(x, ['classifier.2']))['classifier.2'];
    expect(f.dims).toEqual([1, 1000, 13, 13]);
    const logits = readNpy(readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.logits.npy'))).data as Float32Array;
    const top = Array.from(logits).indexOf(Math.max(...logits));
    expect(r.classIdx).toEqual([top]);
    const ref = (f.data as Float32Array).subarray(top * 169, (top + 1) * 169);
    expect(maxRel(r.maps.data as Float32Array, ref)).toBeLessThan(1e-6);
    const mean = (r.maps.data as Float32Array).reduce((a, v) => a + v, 0) / 169;
    expect(Math.abs(mean - logits[top])).toBeLessThan(1e-4 * Math.max(1, Math.abs(logits[top])));
    expect(r.upsampled.dims).toEqual([1, 224, 224]);
    await s.release();
  });

  it('takes a module directly (traced and run once)', async () => {
    class Small extends nn.Module {
      body = new nn.Sequential(new nn.Conv2d(3, 6, 3, { padding: 1 }), new nn.ReLU());
      pool = new nn.AdaptiveAvgPool2d(1);
      fc = new nn.Linear(6, 4);
      forward(x: nn.SymTensor): nn.SymTensor { return this.fc.call(nn.F.flatten(this.pool.call(this.body.call(x)), 1)); }
    }
    const m = new Small();
    const x = randn([1, 3, 5, 7], 2);
    const r = await cam(m, x, { classIdx: 2 });
    const s = await Session.create(m.trace([1, 3, 5, 7]));
    const f = (await s.features(x, ['body']))['body'];
    expect(maxRel(r.maps.data as Float32Array, naiveCam(f, m.fc.weight.data, 2, 0))).toBeLessThan(1e-5);
    expect(r.featureTap).toBe('body');
    await s.release();
  });

  it('upsampling is PyTorch\'s bilinear, align_corners=False (torch reference)', () => {
    for (const c of REF.interpolate) {
      const t = new Tensor('float32', Float32Array.from(c.input), c.shape);
      const y = resizeBilinear(t, c.size);
      expect(y.dims).toEqual([c.shape[0], ...c.size]);
      let m = 0;
      c.output.forEach((v, i) => { m = Math.max(m, Math.abs((y.data as Float32Array)[i] - v)); });
      expect(m).toBeLessThan(1e-5);
    }
  });

  it('bad input', async () => {
    const noGap = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.Flatten(), new nn.Linear(4 * 3 * 3, 2));
    const x = randn([1, 3, 5, 5], 1);
    await expect(cam(noGap, x)).rejects.toThrow(NotFoundError);
    await expect(cam(noGap, x)).rejects.toThrow(/featureTap, fcWeight/);
    const m = zoo.create('resnet18');
    const s = await Session.create(m.trace([1, 3, 32, 32]));
    const xs = randn([1, 3, 32, 32], 1);
    await expect(cam(s, xs, { classIdx: 1000 })).rejects.toThrow(ConfigError);
    await expect(cam(s, xs, { featureTap: 'layer3', fcWeight: 'fc' })).rejects.toThrow(ShapeError);
    await expect(cam(s, xs, { featureTap: 'nope', fcWeight: 'fc' })).rejects.toThrow(NotFoundError);
    await expect(cam(s, xs, { fcWeight: 'layer9' })).rejects.toThrow(/names no initializer or Linear module/);
    await expect(cam(s, randn([3, 32, 32], 1))).rejects.toThrow(ShapeError);
    await s.release();
  });
});

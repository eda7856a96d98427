import { describe, expect, it } from 'vitest';
import { nn, Session, Tensor, ConfigError, ShapeError } from '../../src';
import { occlusion } from '../../src/analysis/occlusion';
import { randn } from '../helpers/models';
import * as zoo from '../../src/zoo';

class Tiny extends nn.Module {
  conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
  relu = new nn.ReLU();
  fc = new nn.Linear(4 * 12 * 10, 5);
  forward(x: nn.SymTensor): nn.SymTensor { return this.fc.call(nn.F.flatten(this.relu.call(this.conv.call(x)), 1)); }
}

/** One forward pass per position, batch 1: the plain definition. */
async function naive(s: Session, x: Tensor, size: [number, number], stride: [number, number], fill: number[], target: number, prob: boolean): Promise<number[][]> {
  const [, C, H, W] = x.dims;
  const score = (o: Float32Array) => {
    if (!prob) return o[target];
    const m = Math.max(...o);
    const e = Array.from(o, (v) => Math.exp(v - m));
    return e[target] / e.reduce((a, b) => a + b, 0);
  };
  const base = score((await s.run({ input: x })).output.data as Float32Array);
  const rows: number[][] = [];
  for (let i = 0; i + size[0] <= H; i += stride[0]) {
    const row: number[] = [];
    for (let j = 0; j + size[1] <= W; j += stride[1]) {
      const d = Float32Array.from(x.data as Float32Array);
      for (let c = 0; c < C; c++) for (let y = i; y < i + size[0]; y++) for (let z = j; z < j + size[1]; z++) d[(c * H + y) * W + z] = fill[c];
      row.push(base - score((await s.run({ input: new Tensor('float32', d, x.dims) })).output.data as Float32Array));
    }
    rows.push(row);
  }
  return rows;
}

describe('occlusion sensitivity', () => {
  const model = new Tiny();
  const x = randn([1, 3, 12, 10], 5);

  it('equals one-position-at-a-time forward passes; batches and progress', async () => {
    const s = await Session.create(model.trace([1, 3, 12, 10]));
    const progress: [number, number][] = [];
    const r = await occlusion(s, x, { size: [4, 3], stride: [3, 2], fill: [0.5, -1, 2], target: 3, batchSize: 5, onProgress: (d, t) => progress.push([d, t]) });
    // positions: ⌊(12 − 4)/3⌋ + 1 = 3 rows, ⌊(10 − 3)/2⌋ + 1 = 4 columns
    expect(r.map.dims).toEqual([3, 4]);
    expect(progress).toEqual([[5, 12], [10, 12], [12, 12]]);
    expect(r.passes).toBe(1 + 3);
    const ref = await naive(s, x, [4, 3], [3, 2], [0.5, -1, 2], 3, false);
    const got = Array.from(r.map.data as Float32Array);
    ref.flat().forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-5));
    // the map is the drop: base − score at each position
    got.forEach((v, i) => expect(v).toBe(Math.fround(r.base - (r.scores.data as Float32Array)[i])));
    await s.release();
  });

  it('softmax scores, the top class by default, a module given directly', async () => {
    const s = await Session.create(model.trace([1, 3, 12, 10]));
    const out = (await s.run({ input: x })).output.data as Float32Array;
    const top = Array.from(out).indexOf(Math.max(...out));
    const r = await occlusion(model, x, { size: 5, stride: 5, fill: 0, score: 'prob' });
    expect(r.target).toBe(top);
    expect(r.map.dims).toEqual([2, 2]);
    const ref = await naive(s, x, [5, 5], [5, 5], [0, 0, 0], top, true);
    ref.flat().forEach((v, i) => expect(Math.abs((r.map.data as Float32Array)[i] - v)).toBeLessThan(1e-6));
    await s.release();
  });

  it('the zoo\'s AlexNet: batched passes equal single passes', async () => {
    const alex = zoo.create('alexnet');
    const img = randn([1, 3, 128, 128], 9);
    const s = await Session.create(alex.trace([1, 3, 128, 128]));
    const r = await occlusion(s, img, { size: 48, stride: 40, batchSize: 3, target: 17 });
    expect(r.map.dims).toEqual([3, 3]);
    const ref = await naive(s, img, [48, 48], [40, 40], [0, 0, 0], 17, false);
    const scale = Math.max(1e-3, ...ref.flat().map(Math.abs));
    ref.flat().forEach((v, i) => expect(Math.abs((r.map.data as Float32Array)[i] - v)).toBeLessThan(1e-4 * scale + 1e-6));
    await s.release();
  });

  it('bad input', async () => {
    await expect(occlusion(model, randn([2, 3, 12, 10], 1))).rejects.toThrow(ShapeError);
    await expect(occlusion(model, x, { size: 13 })).rejects.toThrow(/patch larger than the image/);
    await expect(occlusion(model, x, { size: 2, stride: 0 })).rejects.toThrow(ConfigError);
    await expect(occlusion(model, x, { size: 2, fill: [1, 2] })).rejects.toThrow(/one value per channel/);
    await expect(occlusion(model, x, { size: 2, target: 9 })).rejects.toThrow(/target out of range/);
  });
});

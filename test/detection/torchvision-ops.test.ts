/**
 * roiPool / roiAlign / nms / batchedNms / box_iou / box coding / Fast R-CNN loss against
 * torchvision 0.14 outputs in test/fixtures/detection/torchvision_ops.json, written by
 * test/fixtures/detection/gen_torchvision.py (Debian python3-torchvision).
 * RoI ops: float64 bit for bit (toBe), float32 bit for bit as well (the float32 arithmetic is
 * emulated with Math.fround), and checked against the issue's bound ≤ 1e-5 too.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../../src/tensor/tensor';
import { roiAlign, roiPool, roundHalfAwayFromZero } from '../../src/detection/roi';
import { batchedNms, nms } from '../../src/detection/nms';
import { boxIou } from '../../src/detection/boxes';
import { decodeBoxes, encodeBoxes, fastRcnnLoss, smoothL1 } from '../../src/detection/coding';

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/detection/torchvision_ops.json'), 'utf8'));

describe('roiPool / roiAlign vs torchvision', () => {
  const { features_shape: shape, features, rois } = fx.roi;
  const f64 = new Tensor('float64', Float64Array.from(features), shape);
  const f32 = new Tensor('float32', Float32Array.from(features), shape);
  const r64 = new Tensor('float64', Float64Array.from(rois.flat()), [rois.length, 5]);
  const r32 = new Tensor('float32', Float32Array.from(rois.flat()), [rois.length, 5]);
  it.each((fx.roi.cases as any[]).map((c, i): [number, any] => [i, c]))('case %i', (_i: number, c: any) => {
    const opts = { outputSize: c.output_size as [number, number], spatialScale: c.spatial_scale, samplingRatio: c.sampling_ratio, aligned: c.aligned };
    const op = c.op === 'roi_pool' ? roiPool : roiAlign;
    const y64 = op(f64, r64, opts), y32 = op(f32, r32, opts);
    expect(y64.dims).toEqual(c.out_shape);
    expect(y64.dtype).toBe('float64');
    expect(y32.dtype).toBe('float32');
    let n = 0;
    for (let i = 0; i < c.float64.length; i++) {
      expect(y64.data[i], `float64[${i}]`).toBe(c.float64[i]);
      expect(Math.abs(y32.data[i] - c.float32[i])).toBeLessThanOrEqual(1e-5);
      expect(y32.data[i], `float32[${i}]`).toBe(c.float32[i]);
      n++;
    }
    expect(n).toBe(c.out_shape.reduce((a: number, b: number) => a * b, 1));
  });
  it('rounds half away from zero like C', () => {
    expect(roundHalfAwayFromZero(-0.5)).toBe(-1);
    expect(roundHalfAwayFromZero(0.5)).toBe(1);
    expect(roundHalfAwayFromZero(-1.5)).toBe(-2);
    expect(roundHalfAwayFromZero(2.4999)).toBe(2);
    expect(Math.round(-0.5)).toBe(-0); // the JavaScript difference the kernel must avoid
  });
  it('accepts rows of 5 numbers and rejects bad input', () => {
    const y = roiPool(f64, rois, { outputSize: 7 });
    expect(Array.from(y.data)).toEqual(fx.roi.cases[0].float64);
    expect(() => roiPool(f64, [[5, 0, 0, 1, 1]], { outputSize: 2 })).toThrow(/batch index out of range.*0 ≤ index < 2/);
    expect(() => roiAlign(f64, [[0, 0, 1]], { outputSize: 2 })).toThrow(/each RoI must be/);
    expect(() => roiAlign(new Tensor('float64', new Float64Array(4), [2, 2]), rois, { outputSize: 2 })).toThrow(/NCHW/);
    expect(() => roiAlign(f64, r32, { outputSize: 2 })).toThrow(/dtype/);
  });
});

describe('nms vs torchvision', () => {
  const { boxes, scores, classes } = fx.nms;
  for (const c of fx.nms.cases) {
    it(`${c.dtype} thr=${c.iou_threshold} ${c.boxes ? 'tie boxes' : `${c.n} random boxes`}`, () => {
      const b = c.boxes ?? boxes, s = c.scores ?? scores;
      const B = c.dtype === 'float32' ? Float32Array.from(b.flat()) : Float64Array.from(b.flat());
      const S = c.dtype === 'float32' ? Float32Array.from(s) : Float64Array.from(s);
      expect(Array.from(nms(B, S, c.iou_threshold))).toEqual(c.keep);
    });
  }
  it('exact IoU ties: suppress only when IoU > threshold', () => {
    // [0,0,2,1] vs [0,0,1,1]: IoU exactly 0.5
    const b = [[0, 0, 2, 1], [0, 0, 1, 1]];
    expect(Array.from(nms(b, [0.9, 0.8], 0.5))).toEqual([0, 1]);
    expect(Array.from(nms(b, [0.9, 0.8], 0.4999))).toEqual([0]);
    // equal scores: lower index first
    expect(Array.from(nms([[0, 0, 1, 1], [5, 5, 6, 6], [0, 0, 1, 1]], [0.5, 0.5, 0.5], 0.5))).toEqual([0, 1]);
  });
  for (const c of fx.nms.batched) {
    it(`batchedNms thr=${c.iou_threshold}`, () => {
      const got = Array.from(batchedNms(Float32Array.from(boxes.flat()), Float32Array.from(scores), classes, c.iou_threshold));
      // torchvision orders the result with an unstable sort: same set, and sorted by score
      expect([...got].sort((a, b) => a - b)).toEqual([...c.keep].sort((a: number, b: number) => a - b));
      const sc = got.map((i) => Math.fround(scores[i]));
      for (let i = 1; i < sc.length; i++) expect(sc[i]).toBeLessThanOrEqual(sc[i - 1]);
    });
  }
  it('grid path equals the quadratic loop on larger inputs', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const n = 3000;
    const b = new Float64Array(n * 4), s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = rnd() * 500, y = rnd() * 500, w = 1 + rnd() * 80, h = 1 + rnd() * 80;
      b.set([x, y, x + w, y + h], i * 4); s[i] = Math.round(rnd() * 20) / 20;
    }
    for (const thr of [0, 0.3, 0.7]) {
      const got = nms(b, s, thr);
      // naive reference
      const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[j] - s[i] || i - j);
      const sup = new Uint8Array(n); const keep: number[] = [];
      for (const i of order) {
        if (sup[i]) continue; keep.push(i);
        for (const j of order) {
          if (sup[j] || j === i) continue;
          const w = Math.max(0, Math.min(b[i * 4 + 2], b[j * 4 + 2]) - Math.max(b[i * 4], b[j * 4]));
          const h = Math.max(0, Math.min(b[i * 4 + 3], b[j * 4 + 3]) - Math.max(b[i * 4 + 1], b[j * 4 + 1]));
          const ai = (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]), aj = (b[j * 4 + 2] - b[j * 4]) * (b[j * 4 + 3] - b[j * 4 + 1]);
          if (w * h / (ai + aj - w * h) > thr && keep.indexOf(j) < 0) sup[j] = 1;
        }
      }
      expect(Array.from(got)).toEqual(keep);
    }
  });
  it('box_iou float32', () => {
    const { a, b, iou } = fx.nms.box_iou_float32;
    const A = Float32Array.from(boxes.slice(a[0], a[1]).flat()), B = Float32Array.from(boxes.slice(b[0], b[1]).flat());
    const t = boxIou(A, B);
    expect(t.dims).toEqual([a[1] - a[0], b[1] - b[0]]);
    expect(Array.from(t.data)).toEqual(iou);
  });
});

describe('box coding and losses vs torchvision', () => {
  const c = fx.coding;
  it('encode (BoxCoder weights 10,10,5,5)', () => {
    const e = encodeBoxes(Float64Array.from(c.proposals), Float64Array.from(c.gt), { weights: c.weights });
    c.encoded.forEach((v: number, i: number) => expect(Math.abs(e[i] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
  });
  it('decode', () => {
    const d = decodeBoxes(c.rel, Float64Array.from(c.proposals), { weights: c.weights });
    c.decoded.forEach((v: number, i: number) => expect(Math.abs(d[i] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
  });
  it('encode ∘ decode = identity', () => {
    const e = encodeBoxes(Float64Array.from(c.proposals), Float64Array.from(c.gt), { weights: c.weights, plusOne: true });
    const d = decodeBoxes(e, Float64Array.from(c.proposals), { weights: c.weights, plusOne: true });
    c.gt.forEach((v: number, i: number) => expect(d[i]).toBeCloseTo(v, 9));
  });
  it('decode clips to the image', () => {
    const d = decodeBoxes([0, 0, 3, 3], [[10, 10, 20, 20]], { clip: { width: 40, height: 30 } });
    expect(Array.from(d)).toEqual([0, 0, 40, 30]);
  });
  it('smooth L1 (β = 1 and 1/9)', () => {
    const l = fx.loss;
    l.smooth_l1_x.forEach((x: number, i: number) => {
      expect(smoothL1(x, 1)).toBe(l.smooth_l1_beta1[i]);
      expect(Math.abs(smoothL1(x, 1 / 9) - l.smooth_l1_beta_ninth[i])).toBeLessThanOrEqual(1e-15);
    });
  });
  it('Fast R-CNN loss = torchvision fastrcnn_loss (β = 1/9), multi-task sum with λ', () => {
    const l = fx.loss;
    const N = l.labels.length, K1 = l.num_classes;
    const logits = new Tensor('float64', Float64Array.from(l.logits), [N, K1]);
    const reg = new Tensor('float64', Float64Array.from(l.box_regression), [N, 4 * K1]);
    const tg = new Tensor('float64', Float64Array.from(l.targets), [N, 4]);
    const r = fastRcnnLoss(logits, l.labels, reg, tg, { beta: l.beta, lambda: 2 });
    expect(Math.abs(r.cls - l.cls_loss)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(r.loc - l.box_loss)).toBeLessThanOrEqual(1e-12);
    expect(r.loss).toBe(r.cls + 2 * r.loc);
    expect(() => fastRcnnLoss(logits, [...l.labels.slice(0, N - 1), 9], reg, tg)).toThrow(/label out of range/);
  });
});

/**
 * Gradient checks for the training engine: runs `gradientGraph` of a module on ONNX Runtime and compares
 * (a) with central finite differences of the same training-mode forward (directional derivatives along random
 * directions, one tensor at a time), (b) with PyTorch autograd fixtures (test/fixtures/train).
 */
import * as ort from 'onnxruntime-node';
import { Module } from '../../src/nn/module';
import { Rng } from '../../src/tensor/random';
import { gradientGraph, gradName } from '../../src/train/grad-graph';
import { bnMomentumOf } from '../../src/train/autodiff';

export interface GradRun {
  outputs: Record<string, Float32Array>;
  grads: Record<string, Float32Array>;
  next: Record<string, Float32Array>;
}

export interface GradSetup {
  session: ort.InferenceSession;
  params: Record<string, Float32Array>;
  shapes: Record<string, readonly number[]>;
  wrt: string[];
  outputs: { name: string; shape: number[] }[];
  masks: { name: string; shape: readonly number[] }[];
  buffers: Record<string, Float32Array>;
}

export async function setupGrad(model: Module, inputShape: number[], wrtInput = true): Promise<GradSetup> {
  const fwd = model.trace(inputShape, { training: true, dynamicBatch: false });
  const gg = gradientGraph(fwd, { wrtInputs: wrtInput ? ['input'] : [], bnMomentum: bnMomentumOf(model) });
  const session = await ort.InferenceSession.create(gg.graph.toOnnx({ dynamicBatch: false }), { intraOpNumThreads: 1 });
  const params: Record<string, Float32Array> = {}, buffers: Record<string, Float32Array> = {}, shapes: Record<string, readonly number[]> = {};
  for (const [k, p] of model.namedParameters()) {
    (p.trainable ? params : buffers)[k] = new Float32Array(p.data);
    shapes[k] = p.shape;
  }
  shapes.input = inputShape;
  return {
    session, params, buffers, shapes, wrt: gg.wrt, masks: gg.masks,
    outputs: fwd.outputs.map((o) => ({ name: o.name, shape: o.shape as number[] })),
  };
}

export async function runGrad(s: GradSetup, x: Float32Array, seeds: Record<string, Float32Array>, over: Record<string, Float32Array> = {}, masks: Record<string, Float32Array> = {}): Promise<GradRun> {
  const feeds: Record<string, ort.Tensor> = {};
  const t = (name: string, data: Float32Array, shape: readonly number[]) => { feeds[name] = new ort.Tensor('float32', data, shape as number[]); };
  t('input', over.input ?? x, s.shapes.input);
  for (const [k, v] of Object.entries(s.params)) t(k, over[k] ?? v, s.shapes[k]);
  for (const [k, v] of Object.entries(s.buffers)) if (s.session.inputNames.includes(k)) t(k, v, s.shapes[k]);
  for (const m of s.masks) t(m.name, masks[m.name], m.shape);
  for (const o of s.outputs) t(gradName(o.name), seeds[o.name], o.shape);
  const r = await s.session.run(feeds);
  const outputs: Record<string, Float32Array> = {}, grads: Record<string, Float32Array> = {}, next: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(r)) {
    const d = v.data as Float32Array;
    if (k.startsWith('grad:')) grads[k.slice(5)] = d;
    else if (k.endsWith(':next')) next[k.slice(0, -5)] = d;
    else outputs[k] = d;
  }
  return { outputs, grads, next };
}

export const randn = (n: number, rng: Rng, scale = 1) => { const a = new Float32Array(n); rng.fillNormal(a, 0, scale); return a; };

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

/**
 * Central differences of L = Σ out·R along a random direction of each tensor (parameters and the input):
 * returns [tensor, analytic ⟨g, v⟩, numeric (L(θ+εv) − L(θ−εv))/2ε] per tensor.
 */
export async function finiteDifferences(s: GradSetup, x: Float32Array, seeds: Record<string, Float32Array>, opts: { eps?: number; seed?: number; masks?: Record<string, Float32Array> } = {}): Promise<{ name: string; analytic: number; numeric: number }[]> {
  const eps = opts.eps ?? 1e-2;
  const rng = new Rng(opts.seed ?? 7);
  const base = await runGrad(s, x, seeds, {}, opts.masks);
  const loss = (r: GradRun) => s.outputs.reduce((a, o) => a + dot(r.outputs[o.name], seeds[o.name]), 0);
  const out: { name: string; analytic: number; numeric: number }[] = [];
  for (const name of s.wrt) {
    const v0 = name === 'input' ? x : s.params[name];
    const v = randn(v0.length, rng);
    const plus = new Float32Array(v0.length), minus = new Float32Array(v0.length);
    for (let i = 0; i < v0.length; i++) { plus[i] = v0[i] + eps * v[i]; minus[i] = v0[i] - eps * v[i]; }
    const lp = loss(await runGrad(s, x, seeds, { [name]: plus }, opts.masks));
    const lm = loss(await runGrad(s, x, seeds, { [name]: minus }, opts.masks));
    out.push({ name, analytic: dot(base.grads[name], v), numeric: (lp - lm) / (2 * eps) });
  }
  return out;
}

/**
 * The deterministic weights of test/fixtures/zoo/cifar-senet/generate.py: every state-dict tensor is filled from a 32-bit LCG
 * seeded by the FNV-1a hash of its key (integer arithmetic, so Python and JS agree bit for bit before the float32
 * cast), scaled by the kind of tensor. The fixture stores only logits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nn, Tensor } from '../../src';

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function lcgUniform(key: string, n: number): Float64Array {
  let x = fnv1a(key);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(1664525, x) + 1013904223) >>> 0;
    out[i] = x / 4294967296;
  }
  return out;
}

export function fillValue(key: string, shape: readonly number[]): Tensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = lcgUniform(key, n);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const f = key.endsWith('running_mean') ? (v: number) => (2 * v - 1) * 0.1
    : key.endsWith('running_var') ? (v: number) => 0.5 + v
    : shape.length === 1 && key.endsWith('weight') ? (v: number) => 0.5 + 0.5 * v
    : key.endsWith('bias') ? (v: number) => (2 * v - 1) * 0.1
    : key === 'input' ? (v: number) => 2 * v - 1
    : (v: number) => (2 * v - 1) * Math.sqrt(6 / fanIn);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(u[i]);
  return new Tensor('float32', out, [...shape]);
}

/** Loads the generator's weights into a module (strict: the key sets must be equal). */
export function fillModule(m: nn.Module): void {
  const sd = new Map<string, Tensor>();
  for (const [k, p] of m.namedParameters()) sd.set(k, fillValue(k, p.shape));
  m.loadStateDict(sd);
}

export interface RefCase {
  name: string; options: Record<string, unknown>; input: number[]; keys: string[]; params: number;
  logits: number[]; logitsShape: number[];
}

export function loadReference(): { torch: string; cases: RefCase[] } {
  return JSON.parse(readFileSync(join(__dirname, '../fixtures/zoo/cifar-senet/reference.json'), 'utf8'));
}

import { Session, zoo } from '../../src';
import { toOnnx } from '../../src/graph/onnx';

/** Builds a registered model, traces it at `shape`, exports ONNX and runs it on CPU; returns the output dims. */
export async function buildTraceExportRun(name: string, shape: number[], opts: Record<string, unknown> = {}): Promise<{ dims: number[]; onnxBytes: number; finite: boolean }> {
  const m = zoo.create(name, opts);
  const g = m.trace(shape);
  const bytes = toOnnx(g);
  const x = fillValue('input', shape);
  const s = await Session.create(g, { device: 'cpu' });
  try {
    const y = (await s.run({ input: x })).output;
    return { dims: [...y.dims], onnxBytes: bytes.length, finite: (y.data as Float32Array).every(Number.isFinite) };
  } finally {
    await s.release();
  }
}

/** Runs a module with the generator's weights on ONNX Runtime and compares with a reference case. */
export async function compareWithReference(m: nn.Module, c: RefCase): Promise<{ maxAbs: number; scale: number }> {
  fillModule(m);
  const x = fillValue('input', c.input);
  const s = await Session.create(m.trace(c.input), { device: 'cpu' });
  try {
    const y = (await s.run({ input: x })).output;
    if (y.dims.join() !== c.logitsShape.join()) throw new Error(`shape ${y.dims} vs ${c.logitsShape}`);
    const a = y.data as Float32Array;
    let maxAbs = 0, scale = 0;
    for (let i = 0; i < a.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(a[i] - c.logits[i])); scale = Math.max(scale, Math.abs(c.logits[i])); }
    return { maxAbs, scale };
  } finally {
    await s.release();
  }
}

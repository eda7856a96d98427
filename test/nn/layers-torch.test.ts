/**
 * Every primitive layer against PyTorch: test/fixtures/gen_layers.py (Debian's python3-torch) wrote
 * each case's arguments, input(s), state_dict and output; here the same layer is built in cnnlab,
 * the state dict loaded (strict), the layer traced, run on ONNX Runtime (CPU) and compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nn, Session, Tensor } from '../../src';
import { readSafetensors } from '../../src/tensor/safetensors';

interface Case { id: string; kind: string; args: Record<string, any>; inputs: number[][]; output: number[]; torch: string }

const DIR = join(__dirname, '..', 'fixtures', 'nn');
const meta = JSON.parse(readFileSync(join(DIR, 'layers.json'), 'utf8')) as { cases: Case[] };
const store = readSafetensors(new Uint8Array(readFileSync(join(DIR, 'layers.safetensors'))), 'layers.safetensors').tensors;

function get(key: string): Tensor<'float32'> {
  const t = store.get(key);
  if (!t) throw new Error(`fixture tensor ${key} missing`);
  return t.to('float32');
}

/** The cnnlab layer for a case: PyTorch's argument names mapped onto cnnlab's options. */
export function buildLayer(kind: string, a: Record<string, any>): nn.Module {
  switch (kind) {
    case 'Conv2d':
      return new nn.Conv2d(a.in_channels, a.out_channels, a.kernel_size, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, bias: a.bias, paddingMode: a.padding_mode });
    case 'ConvTranspose2d':
      return new nn.ConvTranspose2d(a.in_channels, a.out_channels, a.kernel_size, { stride: a.stride, padding: a.padding, outputPadding: a.output_padding, dilation: a.dilation, groups: a.groups, bias: a.bias });
    case 'BatchNorm2d': return new nn.BatchNorm2d(a.num_features, a.eps);
    case 'LocalResponseNorm': return new nn.LocalResponseNorm(a.size, a.alpha, a.beta, a.k);
    case 'ReLU': return new nn.ReLU();
    case 'ReLU6': return new nn.ReLU6();
    case 'LeakyReLU': return new nn.LeakyReLU(a.negative_slope);
    case 'ELU': return new nn.ELU(a.alpha);
    case 'SiLU': return new nn.SiLU();
    case 'Hardswish': return new nn.Hardswish();
    case 'Hardsigmoid': return new nn.Hardsigmoid();
    case 'Sigmoid': return new nn.Sigmoid();
    case 'Tanh': return new nn.Tanh();
    case 'Softmax': return new nn.Softmax(a.dim);
    case 'Dropout': return new nn.Dropout(a.p);
    case 'Identity': return new nn.Identity();
    case 'MaxPool2d':
      return new nn.MaxPool2d(a.kernel_size, { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceil_mode });
    case 'AvgPool2d':
      return new nn.AvgPool2d(a.kernel_size, { stride: a.stride, padding: a.padding, ceilMode: a.ceil_mode, countIncludePad: a.count_include_pad });
    case 'AdaptiveAvgPool2d': return new nn.AdaptiveAvgPool2d(a.output_size);
    case 'AdaptiveMaxPool2d': return new nn.AdaptiveMaxPool2d(a.output_size);
    case 'GlobalAvgPool': return new nn.GlobalAvgPool(a.flatten);
    case 'GlobalMaxPool': return new nn.GlobalMaxPool();
    case 'Flatten': return new nn.Flatten(a.start_dim, a.end_dim);
    case 'Linear': return new nn.Linear(a.in_features, a.out_features, { bias: a.bias });
    case 'Upsample':
      return new nn.Upsample({ size: a.size, scaleFactor: a.scale_factor, mode: a.mode, alignCorners: a.align_corners });
    case 'UpsamplingBilinear2d': return new nn.UpsamplingBilinear2d({ size: a.size, scaleFactor: a.scale_factor });
    case 'UpsamplingNearest2d': return new nn.UpsamplingNearest2d({ size: a.size, scaleFactor: a.scale_factor });
    case 'ChannelShuffle': return new nn.ChannelShuffle(a.groups);
    case 'Concat': return new nn.Concat(a.dim);
    case 'Add': return new nn.Add();
    case 'Mul': return new nn.Mul();
    default: throw new Error(`no cnnlab layer for ${kind}`);
  }
}

const sessions: Session[] = [];
afterAll(async () => { for (const s of sessions) await s.release(); });

/** The largest |a − b| and the largest |b|. */
function diff(a: Float32Array, b: Float32Array): { max: number; scale: number } {
  let max = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { max = Math.max(max, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return { max, scale };
}

const kinds = [...new Set(meta.cases.map((c) => c.kind))];

describe('fixtures', () => {
  it('cover every layer of the catalogue with several configurations', () => {
    expect(meta.cases.length).toBeGreaterThanOrEqual(90);
    for (const k of ['Conv2d', 'ConvTranspose2d', 'LocalResponseNorm', 'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool2d', 'Upsample']) {
      expect(meta.cases.filter((c) => c.kind === k).length, k).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('repr', () => {
  it("prints each layer as PyTorch's repr does", () => {
    const notTorch = new Set(['GlobalAvgPool', 'GlobalMaxPool', 'Concat', 'Add', 'Mul']);
    const cases = meta.cases.filter((c) => !notTorch.has(c.kind));
    expect(cases.length).toBeGreaterThan(80);
    for (const c of cases) expect(buildLayer(c.kind, c.args).toString(), c.id).toBe(c.torch);
  });
});

for (const kind of kinds) {
  describe(`${kind} against PyTorch`, () => {
    for (const c of meta.cases.filter((x) => x.kind === kind)) {
      it(c.id, async () => {
        const m = buildLayer(c.kind, c.args);
        const sd = new Map<string, Tensor>();
        const prefix = `${c.id}/sd/`;
        for (const k of store.keys()) if (k.startsWith(prefix)) sd.set(k.slice(prefix.length), get(k));
        m.loadStateDict(sd);
        const g = m.trace(c.inputs.length === 1 ? c.inputs[0] : c.inputs);
        expect(g.outputs[0].shape).toEqual(c.output);
        const s = await Session.create(g, { device: 'cpu' });
        sessions.push(s);
        const feeds: Record<string, Tensor> = {};
        c.inputs.forEach((_, j) => { feeds[c.inputs.length === 1 ? 'input' : `input${j}`] = get(`${c.id}/input${j}`); });
        const y = (await s.run(feeds)).output;
        const ref = get(`${c.id}/output`);
        expect(y.dims).toEqual(ref.dims);
        const { max, scale } = diff(y.data as Float32Array, ref.data);
        // float32: absolute 1e-5 for values of order 1, relative beyond
        expect(max, `max |cnnlab − torch| = ${max} (output scale ${scale})`).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
      });
    }
  });
}

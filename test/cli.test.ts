import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli';
import { readNpy, writeNpy } from '../src/tensor/npy';
import { fromOnnx } from '../src/graph/onnx';
import { maxAbsDiff, randn } from './helpers/models';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore(); e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());
const FIX = join(__dirname, 'fixtures/onnx');

describe('cnnlab CLI', () => {
  it('list finds models by glob', async () => {
    const r = await cli('list', '*mobilenet*');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mobilenet_v2 .*Sandler et al\., CVPR 2018/m);
    expect(r.out).not.toMatch(/resnet50/);
  });

  it('compare prints params and MACs of several models (JSON with --json); an unknown name is exit code 2', async () => {
    const r = await cli('compare', 'squeezenet1_0', 'squeezenet1_1', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { name: string; params: number; macs: number }[];
    // SqueezeNet 1.1: "2.4× less computation" than 1.0 (Iandola et al., v1.1 note): 818,924,576 / 349,151,936 = 2.35
    expect(rows.map((x) => [x.name, x.params, x.macs])).toEqual([['squeezenet1_0', 1_248_424, 818_924_576], ['squeezenet1_1', 1_235_496, 349_151_936]]);
    const bad = await cli('compare', 'resnet51');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown model 'resnet51'");
  });

  it('export writes ONNX that reads back with the traced shapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-'));
    const f = join(dir, 'r18.onnx');
    const r = await cli('export', 'resnet18', '-o', f, '--input', '1x3x64x64');
    expect(r.code).toBe(0);
    expect(r.out).toContain('11,689,512 parameters');
    const g = fromOnnx(readFileSync(f), { inputShapes: { input: [1, 3, 64, 64] } });
    expect(g.outputs[0].shape).toEqual([1, 1000]);
  });

  it('run on a torch-exported ONNX file reproduces torch within 1e-4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-'));
    const out = join(dir, 'y.npy');
    const r = await cli('run', join(FIX, 'squeezenet1_1.onnx'), '--input', join(FIX, 'squeezenet1_1.input.npy'), '-o', out);
    expect(r.code).toBe(0);
    const y = readNpy(readFileSync(out)), want = readNpy(readFileSync(join(FIX, 'squeezenet1_1.logits.npy')));
    expect(maxAbsDiff(y.data as Float32Array, want.data as Float32Array)).toBeLessThan(1e-4);
  });

  it('run on a zoo model traces at the input shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-'));
    const x = join(dir, 'x.npy');
    writeFileSync(x, writeNpy(randn([2, 3, 32, 32])));
    const r = await cli('run', 'mobilenet_v2', '--input', x, '-o', join(dir, 'y.npy'), '--opt', 'numClasses=10');
    expect(r.code).toBe(0);
    expect(readNpy(readFileSync(join(dir, 'y.npy'))).dims).toEqual([2, 10]);
  });

  it('bench prints latency and GFLOP/s as JSON', async () => {
    const r = await cli('bench', 'resnet18', '--input', '1x3x64x64', '--runs', '3', '--warmup', '1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    // independent reference: forward hooks on torchvision's resnet18 at 64×64 (Conv2d: out.numel()·Cin/g·kh·kw, Linear: out.numel()·in)
    expect(j.macs).toBe(148_557_824);
    expect(j.runs).toBe(3);
    expect(j.gflops).toBeGreaterThan(0);
  });

  it('bad input is one line naming what was expected', async () => {
    let r = await cli('export', 'resnet51', '-o', '/tmp/x.onnx');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/NotFoundError: unknown model 'resnet51'; expected one of .*resnet50/);
    r = await cli('export', 'resnet50', '-o', '/tmp/x.onnx', '--opt', 'strideIn=2x2');
    expect(r.err).toMatch(/invalid strideIn for resnet50; expected one of "3x3", "1x1"; got "2x2"/);
    r = await cli('export', 'resnet50', '-o', '/tmp/x.onnx', '--input', '1x3x0x5');
    expect(r.err).toMatch(/invalid shape for --input/);
  });
});

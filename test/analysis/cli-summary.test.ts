import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, NotFoundError } from '../../src';
import { summaryCommand } from '../../src/cli-summary';
import { summary } from '../../src/api/analysis';
import type { SummaryData } from '../../src/display/analysis-schema';
import * as zoo from '../../src/zoo';

const REF = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'analysis', 'reference.json'), 'utf8')) as { totals: Record<string, { macs: number }> };

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  try {
    const code = await summaryCommand(argv);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

describe('cnnlab summary', () => {
  afterEach(() => vi.restoreAllMocks());

  it('resnet50 --json: 25,557,032 params and 4,089,184,256 MACs; the same data as summary().json()', async () => {
    const { code, out } = await capture(['resnet50', '--json']);
    expect(code).toBe(0);
    const d = JSON.parse(out) as SummaryData;
    expect(d.totals.params).toBe(25_557_032);
    expect(d.totals.macs).toBe(4_089_184_256);
    expect(d.totals.flops).toBe(2 * 4_089_184_256);
    expect(d.inputs[0].shape).toEqual([1, 3, 224, 224]);
    const api = summary(zoo.create('resnet50').trace([1, 3, 224, 224]), undefined, { depth: 3, name: 'resnet50' }).json();
    expect(d).toEqual(api);
  });

  it('table, --depth, --paper, --input, --opt', async () => {
    const t = await capture(['resnet50', '--depth', '1']);
    expect(t.out).toContain('Trainable params: 25,557,032');
    expect(t.out).toContain('layer4: Sequential');
    expect(t.out).not.toContain('0: Bottleneck');
    const p = await capture(['resnet50', '--paper', '--opt', 'strideIn=1x1', '--depth', '0']);
    // the paper's layout: He et al. Table 1, "3.8 × 10⁹ FLOPs" (multiply-adds); torch's count in the reference
    const macs = REF.totals.resnet50_stride_in_1x1.macs;
    expect(macs).toBe(3_857_973_248);
    expect(p.out).toContain(`Mult-Adds (conv + FC; the papers' "FLOPs"): 3.86G (${macs.toLocaleString('en-US')})`);
    expect(p.out).toContain('Trainable params: 25.6M');
    expect(p.out).not.toContain('Other ops');
    const j = JSON.parse((await capture(['mobilenet_v2', '--input', '1x3x160x160', '--json', '--depth', '1'])).out) as SummaryData;
    expect(j.inputs[0].shape).toEqual([1, 3, 160, 160]);
    expect(j.rows.map((r) => r.path)).toEqual(['', 'features', '/GlobalAveragePool', 'classifier']);
  });

  it('an ONNX file', async () => {
    const f = join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.onnx');
    const d = JSON.parse((await capture([f, '--json', '--input', '2x3x224x224'])).out) as SummaryData;
    expect(d.totals.params).toBe(1_235_496);
    expect(d.totals.macs).toBe(2 * 349_151_936);
  });

  it('bad input', async () => {
    await expect(summaryCommand(['resnet50', '--depth', 'x'])).rejects.toThrow(ConfigError);
    await expect(summaryCommand(['resnet50', '--input', '1x3x0'])).rejects.toThrow(/invalid shape/);
    await expect(summaryCommand(['no_such_model'])).rejects.toThrow(NotFoundError);
    await expect(summaryCommand(['missing.onnx'])).rejects.toThrow(/model file not found: missing.onnx/);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await summaryCommand([])).not.toBe(0);
    err.mockRestore();
  });
});

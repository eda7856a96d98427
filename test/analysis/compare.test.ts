/**
 * analysis.compare (Canziani et al.-style tables): counts equal the summary's, latency and throughput are
 * consistent with each other, progress covers every step, bad input fails before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { analysis, ConfigError, JUPYTER_DISPLAY, NotFoundError, nn } from '../../src';

const tiny = () => new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 5));

describe('analysis.compare', () => {
  it('counts of zoo models (torchvision params; MACs by the convention), batch scales MACs not params', async () => {
    const c = await analysis.compare(['resnet18', { name: 'mobilenet_v1', options: { alpha: 0.5 } }], { batch: 2 });
    expect(c.rows.map((r) => [r.name, r.inputShape, r.params, r.macs])).toEqual([
      ['resnet18', [2, 3, 224, 224], 11_689_512, 2 * 1_814_073_344],
      ['mobilenet_v1', [2, 3, 224, 224], 1_331_592, 2 * 149_497_088],
    ]);
    expect(c.rows[0].flops).toBe(4 * 1_814_073_344);
    expect(c.rows[0].paramBytes).toBe(4 * 11_689_512);
    expect(c.rows[0].latencyMs).toBeNull();
    const b = c[JUPYTER_DISPLAY]();
    expect(String(b['text/plain']).split('\n')[2]).toMatch(/^resnet18 +\[2, 3, 224, 224\] +11,689,512 +3,628,146,688/);
    expect(b['text/html']).toContain('<td>resnet18</td>');
    expect(b['text/html']).not.toContain('<script');
  });

  it('latency on ONNX Runtime: images/s and GFLOP/s follow from the median; progress covers every step', async () => {
    const steps: number[] = [];
    const c = await analysis.compare(
      [{ name: 'tiny', model: tiny(), inputShape: [4, 3, 16, 16] }, { name: 'traced', model: tiny().trace([1, 3, 8, 8]) }],
      { latency: true, runs: 3, warmup: 1, onProgress: (d, t) => steps.push(d, t!) },
    );
    for (const r of c.rows) {
      expect(r.latencyMs!).toBeGreaterThan(0);
      expect(r.imagesPerSecond!).toBeCloseTo((r.inputShape[0] * 1000) / r.latencyMs!, 9);
      expect(r.gflopsPerSecond!).toBeCloseTo((2 * r.macs) / (r.latencyMs! * 1e6), 9);
      expect(r.device).toBe('cpu');
    }
    // conv 8·16·16·3·9 = 55,296 per image, fc 40: batch 4
    expect(c.rows[0].macs).toBe(4 * (55_296 + 40));
    expect(c.rows[1].inputShape).toEqual([1, 3, 8, 8]);
    // (1 count + 1 warmup + 3 runs) per model
    const done = steps.filter((_, i) => i % 2 === 0), totals = new Set(steps.filter((_, i) => i % 2 === 1));
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...totals]).toEqual([10]);
    expect(c.text()).toContain('latency ms');
  });

  it('bad input fails before anything is measured', async () => {
    const calls: number[] = [];
    const onProgress = (d: number) => calls.push(d);
    await expect(analysis.compare([])).rejects.toThrow(ConfigError);
    await expect(analysis.compare(['resnet18', 'resnet51'], { onProgress })).rejects.toThrow(NotFoundError);
    await expect(analysis.compare([{ name: 'm', model: tiny() }], { onProgress })).rejects.toThrow(/needs its input shape/);
    await expect(analysis.compare(['resnet18'], { runs: 0, latency: true, onProgress })).rejects.toThrow(/runs must be an integer/);
    await expect(analysis.compare([{ name: 'mobilenet_v1', options: { alpha: 0.3 } }], { onProgress })).rejects.toThrow(/expected one of 1, 0.75, 0.5, 0.25/);
    await expect(analysis.compare([{ name: 'x', zoo: 'mobilenet_v9' }], { onProgress })).rejects.toThrow(NotFoundError);
    expect(calls).toEqual([]);
  });
});

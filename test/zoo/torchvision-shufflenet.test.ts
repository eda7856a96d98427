import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeightLoadError, zoo } from '../../src';
import { expectTorchvisionLogits } from '../helpers/torchvision-fixture';
import { readSafetensors } from '../../src/tensor/safetensors';

/**
 * End-to-end check against torchvision 0.14: test/fixtures/zoo/shufflenet_v2_x0_5 was written by
 * `/usr/bin/python3 scripts/torchvision_reference.py test/fixtures/zoo shufflenet_v2_x0_5:112x112 --batch=1`
 * (seeded model with random BN statistics, weights as safetensors with torchvision's keys, a seeded input,
 * torchvision's logits).
 */
const DIR = join(__dirname, '..', 'fixtures', 'zoo', 'shufflenet_v2_x0_5');
const WEIGHTS = join(DIR, 'weights.safetensors');

describe('shufflenet_v2_x0_5 against torchvision', () => {
  it('loads the torchvision state_dict and reproduces its logits within 1e-4', async () => {
    await expectTorchvisionLogits('shufflenet_v2_x0_5', [1, 3, 112, 112]);
  });

  it('the weights are strict: loading them into x1_0 reports every shape mismatch and changes nothing', () => {
    const m = zoo.create('shufflenet_v2_x1_0');
    const before = m.stateDict().get('conv5.0.weight')!.data.slice(0, 4);
    let err: unknown;
    try { m.loadStateDict(readSafetensorsMap()); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(WeightLoadError);
    expect((err as WeightLoadError).message).toMatch(/stage2\.0\.branch1\.2\.weight: shape \(expected \[58, 24, 1, 1\], got \[24, 24, 1, 1\]\)/);
    expect((err as WeightLoadError).mismatches.length).toBeGreaterThan(100);
    expect(m.stateDict().get('conv5.0.weight')!.data.slice(0, 4)).toEqual(before);
  });

  it('the fixture stays small (< 6 MB)', () => {
    const total = ['weights.safetensors', 'input.npy', 'logits.npy'].reduce((s, f) => s + statSync(join(DIR, f)).size, 0);
    expect(total).toBeLessThan(6_000_000);
  });
});

function readSafetensorsMap() {
  return readSafetensors(readFileSync(WEIGHTS), WEIGHTS).tensors;
}

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zoo } from '../../src';
import { expectTorchvisionLogits } from '../helpers/torchvision-fixture';

/**
 * End-to-end check against torchvision 0.14: test/fixtures/zoo/squeezenet1_1 was written by
 * `/usr/bin/python3 scripts/torchvision_reference.py OUT squeezenet1_1:112x112 --batch=1` (seeded model,
 * weights as safetensors with torchvision's keys, a seeded input and torchvision's logits).
 */
const DIR = join(__dirname, '..', 'fixtures', 'zoo', 'squeezenet1_1');

describe('squeezenet1_1 against torchvision', () => {
  it('loads the torchvision state_dict and reproduces its logits within 1e-4', async () => {
    await expectTorchvisionLogits('squeezenet1_1', [1, 3, 112, 112]);
  });

  it('the loaded weights are the file\'s (a bypass variant with extra keys is refused, nothing loaded)', () => {
    expect(() => zoo.create('squeezenet1_1', { bypass: 'complex', weights: join(DIR, 'weights.safetensors') })).toThrow(/features\.3\.bypass\.weight: missing/);
    // the simple bypass has the same keys: the torchvision weights load into it
    expect(() => zoo.create('squeezenet1_1', { bypass: 'simple', weights: join(DIR, 'weights.safetensors') })).not.toThrow();
  });

  it('the fixture stays small', () => {
    const total = ['weights.safetensors', 'input.npy', 'logits.npy'].reduce((s, f) => s + statSync(join(DIR, f)).size, 0);
    expect(total).toBeLessThan(6 * 1024 * 1024);
  });
});

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session, zoo } from '../../src';
import { readNpy } from '../../src/tensor/npy';

/**
 * End-to-end check against torchvision 0.14: test/fixtures/zoo/squeezenet1_1 was written by
 * `/usr/bin/python3 scripts/torchvision_reference.py OUT squeezenet1_1:112x112 --batch=1` (seeded model,
 * weights as safetensors with torchvision's keys, a seeded input and torchvision's logits).
 */
const DIR = join(__dirname, '..', 'fixtures', 'zoo', 'squeezenet1_1');

describe('squeezenet1_1 against torchvision', () => {
  it('loads the torchvision state_dict and reproduces its logits within 1e-4', async () => {
    const m = zoo.create('squeezenet1_1', { weights: join(DIR, 'weights.safetensors') });
    const x = readNpy(readFileSync(join(DIR, 'input.npy')));
    const want = readNpy(readFileSync(join(DIR, 'logits.npy')));
    expect(x.dims).toEqual([1, 3, 112, 112]);
    const s = await Session.create(m.trace([...x.dims]), { device: 'cpu' });
    const got = (await s.run({ input: x })).output;
    await s.release();
    expect(got.dims).toEqual(want.dims);
    const a = got.data as Float32Array, b = want.data as Float32Array;
    let maxAbs = 0, scale = 0;
    for (let i = 0; i < a.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
    expect(scale).toBeGreaterThan(0.1);
    expect(maxAbs).toBeLessThan(1e-4);
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

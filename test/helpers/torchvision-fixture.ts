import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Session, zoo } from '../../src';
import { readNpy } from '../../src/tensor/npy';

/** test/fixtures/zoo/<name>: weights.safetensors, input.npy, logits.npy written by scripts/torchvision_reference.py */
export const zooFixtureDir = (name: string) => join(__dirname, '..', 'fixtures', 'zoo', name);

/**
 * Loads the fixture's torchvision weights into `zoo.create(name)`, runs its input on ONNX Runtime (CPU)
 * and checks the logits against torchvision's: max |Δ| < 1e-4, on logits large enough to mean something.
 */
export async function expectTorchvisionLogits(name: string, inputDims: number[]): Promise<void> {
  const dir = zooFixtureDir(name);
  const m = zoo.create(name, { weights: join(dir, 'weights.safetensors') });
  const x = readNpy(readFileSync(join(dir, 'input.npy')));
  const want = readNpy(readFileSync(join(dir, 'logits.npy')));
  expect(x.dims).toEqual(inputDims);
  const s = await Session.create(m.trace([...x.dims]), { device: 'cpu' });
  const got = (await s.run({ input: x })).output;
  await s.release();
  expect(got.dims).toEqual(want.dims);
  const a = got.data as Float32Array, b = want.data as Float32Array;
  let maxAbs = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  expect(scale).toBeGreaterThan(0.1);
  expect(maxAbs).toBeLessThan(1e-4);
}

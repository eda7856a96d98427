/**
 * Compares cnnlab's zoo models with torchvision's logits made by scripts/torchvision_reference.py.
 * Usage: npx tsx scripts/check-torchvision.ts DIR [NAME ...]   (exit 1 when any model is off by > 1e-4)
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as zoo from '../src/zoo';
import { readNpy } from '../src/tensor/npy';
import { Session } from '../src/runtime/session';

export async function checkModel(dir: string, name: string): Promise<{ name: string; maxAbs: number; maxRel: number }> {
  const x = readNpy(readFileSync(join(dir, name, 'input.npy')));
  const want = readNpy(readFileSync(join(dir, name, 'logits.npy')));
  const m = zoo.create(name, { weights: join(dir, name, 'weights.safetensors') });
  const s = await Session.create(m.trace([...x.dims]), { device: 'cpu' });
  const got = (await s.run({ input: x })).output;
  if (got.dims.join() !== want.dims.join()) throw new Error(`${name}: shape ${got.dims} vs ${want.dims}`);
  // maxRel: the largest error relative to the logits' scale, max(1, max|torch|)
  let maxAbs = 0, scale = 1;
  const a = got.data as Float32Array, b = want.data as Float32Array;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  const maxRel = maxAbs / scale;
  await s.release();
  return { name, maxAbs, maxRel };
}

async function main(): Promise<void> {
  const [dir, ...names] = process.argv.slice(2);
  const list = names.length ? names : readdirSync(dir).filter((n) => existsSync(join(dir, n, 'logits.npy')));
  let bad = 0;
  for (const n of list) {
    const r = await checkModel(dir, n);
    const ok = r.maxAbs <= 1e-4 || r.maxRel <= 1e-4;
    if (!ok) bad++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${n.padEnd(24)} max|Δ| ${r.maxAbs.toExponential(2)}  max|Δ|/scale ${r.maxRel.toExponential(2)}`);
  }
  process.exitCode = bad ? 1 : 0;
}

if (require.main === module) void main();

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { onnx } from 'onnx-proto';
import { fromOnnx, toOnnx } from '../../src/graph/onnx';
import { CnnlabError } from '../../src/errors';
import { Rng } from '../../src/tensor/random';
import { TinyNet } from '../helpers/models';

/** Seeded mutations: byte flips, truncations, insertions, varint bombs, duplicated spans. */
function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const b = new Uint8Array(src);
  const kind = Math.floor(rng.next() * 6);
  const pos = Math.floor(rng.next() * b.length);
  switch (kind) {
    case 0: { // flip a few bytes
      const n = 1 + Math.floor(rng.next() * 8);
      for (let i = 0; i < n; i++) b[Math.floor(rng.next() * b.length)] = Math.floor(rng.next() * 256);
      return b;
    }
    case 1: return b.slice(0, pos); // truncate
    case 2: { // insert random bytes
      const ins = Uint8Array.from({ length: 1 + Math.floor(rng.next() * 16) }, () => Math.floor(rng.next() * 256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, pos)); out.set(ins, pos); out.set(b.subarray(pos), pos + ins.length);
      return out;
    }
    case 3: { // a huge varint length at a random position
      const out = new Uint8Array(b);
      out.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f].slice(0, Math.max(0, out.length - pos)), pos);
      return out;
    }
    case 4: { // duplicate a span
      const end = Math.min(b.length, pos + Math.floor(rng.next() * 64));
      const out = new Uint8Array(b.length + end - pos);
      out.set(b.subarray(0, end)); out.set(b.subarray(pos), end);
      return out;
    }
    default: { // set one byte to a small value (often turns a field into another type)
      b[pos] = Math.floor(rng.next() * 16);
      return b;
    }
  }
}

/** Structured mutations on decoded models: dims, data types, raw data sizes, dangling inputs. */
function structural(base: Uint8Array, rng: Rng): Uint8Array {
  const m = onnx.ModelProto.decode(base);
  const g = m.graph!;
  const k = Math.floor(rng.next() * 6);
  const init = g.initializer![Math.floor(rng.next() * g.initializer!.length)];
  const node = g.node![Math.floor(rng.next() * g.node!.length)];
  if (k === 0) init.dims = [2 ** 40, 2 ** 30];
  else if (k === 1) init.dims = [-3];
  else if (k === 2) init.dataType = [0, 8, 10, 16, 99][Math.floor(rng.next() * 5)];
  else if (k === 3) init.rawData = (init.rawData as Uint8Array).subarray(0, Math.floor(rng.next() * 8));
  else if (k === 4) node.input = ['no_such_value', ...(node.input ?? []).slice(1)];
  else g.node = [...g.node!].reverse();
  return onnx.ModelProto.encode(m).finish();
}

it('ONNX parser: 2,500 seeded mutated/truncated files either parse or throw CnnlabError', () => {
  const seeds = [toOnnx(new TinyNet().trace([1, 3, 17, 19])), new Uint8Array(readFileSync(join(__dirname, '../fixtures/onnx/tinycnn.onnx')))];
  const rng = new Rng(1234);
  let parsed = 0, rejected = 0;
  for (let i = 0; i < 2500; i++) {
    const src = seeds[i % 2];
    const bytes = i % 5 === 4 ? structural(src, rng) : mutate(src, rng);
    try {
      fromOnnx(bytes);
      parsed++;
    } catch (e) {
      if (!(e instanceof CnnlabError)) throw new Error(`mutation ${i} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      rejected++;
    }
  }
  expect(parsed + rejected).toBe(2500);
  expect(rejected).toBeGreaterThan(500);
  expect(parsed).toBeGreaterThan(50);
});

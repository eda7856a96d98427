/**
 * Seeded fuzzing of the tensor-file parsers: every mutated or truncated input must either parse or
 * throw a CnnlabError (no other exception, no hang, no crash, no allocation sized by an unchecked
 * header field). Deterministic: a fixed-seed PRNG, so a failure names a reproducible case.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CnnlabError } from '../../src/errors';
import { Tensor, readNpy, writeNpy, readSafetensors, writeSafetensors, decodeImage, imageToTensor } from '../../src/tensor';

const FIX = join(__dirname, '../fixtures/tensor');
const N_PER_FORMAT = 2500;

/** mulberry32: small, fast, seeded */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] };
}
type Rng = ReturnType<typeof rng>;

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x20, 0x0a, 0x27, 0x22, 0x28, 0x29, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x2d, 0x30, 0x39];

/** One random mutation: byte flips (biased to the first `hot` bytes), truncation, insert, delete, splice. */
function mutate(r: Rng, src: Uint8Array, hot: number): Uint8Array {
  const kind = r.int(7);
  let b = src.slice();
  const pos = () => (r.next() < 0.7 ? r.int(Math.min(hot, b.length)) : r.int(b.length));
  switch (kind) {
    case 0: { const n = 1 + r.int(8); for (let i = 0; i < n && b.length; i++) b[pos()] = r.int(256); break; }
    case 1: { const n = 1 + r.int(4); for (let i = 0; i < n && b.length; i++) b[pos()] = r.pick(INTERESTING); break; }
    case 2: b = b.subarray(0, r.int(b.length)); break; // truncate
    case 3: { // insert bytes
      const p = pos(); const ins = Uint8Array.from({ length: 1 + r.int(16) }, () => r.pick(INTERESTING));
      const o = new Uint8Array(b.length + ins.length); o.set(b.subarray(0, p)); o.set(ins, p); o.set(b.subarray(p), p + ins.length); b = o; break;
    }
    case 4: { // delete a run
      const p = pos(); const q = Math.min(b.length, p + 1 + r.int(16));
      const o = new Uint8Array(b.length - (q - p)); o.set(b.subarray(0, p)); o.set(b.subarray(q), p); b = o; break;
    }
    case 5: { // duplicate a chunk
      const p = pos(); const q = Math.min(b.length, p + 1 + r.int(32)); const o = new Uint8Array(b.length + (q - p));
      o.set(b.subarray(0, q)); o.set(b.subarray(p), q); b = o; break;
    }
    default: { // bit flips
      const n = 1 + r.int(3); for (let i = 0; i < n && b.length; i++) b[pos()] ^= 1 << r.int(8); break;
    }
  }
  return b;
}

/** Runs fn on each input; returns how many parsed. Fails on any non-CnnlabError, naming the case. */
function expectParsesOrCnnlabError(inputs: Uint8Array[], fn: (b: Uint8Array) => unknown, label: string): number {
  let ok = 0;
  inputs.forEach((b, i) => {
    try {
      fn(b);
      ok++;
    } catch (e) {
      if (!(e instanceof CnnlabError)) {
        throw new Error(`${label} case ${i} (${b.length} bytes) threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      }
    }
  });
  return ok;
}

function checkTensor(t: Tensor) {
  expect(t.size).toBe(t.dims.reduce((a, b) => a * b, 1));
}

describe('fuzz: .npy', () => {
  test(`${N_PER_FORMAT}+ mutated/truncated .npy files parse or throw CnnlabError`, () => {
    const r = rng(0x5eed01);
    const names = ['f4_2x3x4x5', 'f4_2x3', 'f8_4', 'i8_3', 'i4_2x2', 'u1_5', 'b1_2x3', 'f4_scalar', 'f4_0x3', 'be_f4_3', 'be_i8_2', 'f2_4', 'f4_2x3_v2', 'f4_2x3_v3', 'fortran_2x3', 'object'];
    const seeds = names.map((n) => new Uint8Array(readFileSync(join(FIX, 'npy', `${n}.npy`))));
    seeds.push(writeNpy(new Tensor('float32', new Float32Array(24), [2, 3, 4])));
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < N_PER_FORMAT; i++) {
      let b = r.pick(seeds);
      if (i % 4 === 0 && b.length > 128) {
        // data-only corruption: must still parse (any bytes are valid numbers)
        b = b.slice();
        for (let k = 0, n = 1 + r.int(8); k < n; k++) b[128 + r.int(b.length - 128)] = r.int(256);
      } else {
        const rounds = 1 + r.int(3);
        for (let k = 0; k < rounds; k++) b = mutate(r, b, 128);
      }
      inputs.push(b);
    }
    // header texts built to stress the literal parser and the size checks
    const head = (dict: string, data = 16, major = 1) => {
      const pre = major === 1 ? 10 : 12;
      const h = dict + ' '.repeat(Math.max(0, 63 - ((pre + dict.length) % 64))) + '\n';
      const o = new Uint8Array(pre + h.length + data);
      o.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
      if (major === 1) new DataView(o.buffer).setUint16(8, h.length, true); else new DataView(o.buffer).setUint32(8, h.length, true);
      for (let i = 0; i < h.length; i++) o[pre + i] = h.charCodeAt(i) & 0xff;
      return o;
    };
    const giant = [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (9007199254740991, 9007199254740991), }",
      "{'descr': '<i8', 'fortran_order': False, 'shape': (0, 99999999999999999999999), }",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (65536, 65536), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + '2, '.repeat(60) + '), }',
    ];
    for (const g of giant) { inputs.push(head(g)); inputs.push(head(g, 16, 2)); inputs.push(head(g, 16, 3)); }
    const tokens = ["'", '"', '(', ')', '[', ']', '{', '}', ',', ':', ' ', '1', '-1', '99999999999999999999', 'True', 'False', 'None', "'descr'", "'shape'", "'<f4'", '\\', 'L', '\u00e9'];
    for (let i = 0; i < 300; i++) {
      let d = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
      for (let k = 0, n = 1 + r.int(4); k < n; k++) {
        const p = r.int(d.length);
        d = r.next() < 0.5 ? d.slice(0, p) + r.pick(tokens) + d.slice(p) : d.slice(0, p) + d.slice(p + 1 + r.int(4));
      }
      inputs.push(head(d, r.pick([0, 8, 16, 32])));
    }
    const t0 = performance.now();
    const ok = expectParsesOrCnnlabError(inputs, (b) => checkTensor(readNpy(b, 'fuzz.npy')), 'npy');
    const ms = performance.now() - t0;
    expect(inputs.length).toBeGreaterThanOrEqual(2000);
    // the mutations must exercise both outcomes
    expect(ok).toBeGreaterThan(400);
    expect(inputs.length - ok).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('fuzz: safetensors', () => {
  test(`${N_PER_FORMAT}+ mutated/truncated safetensors files parse or throw CnnlabError`, () => {
    const r = rng(0x5eed02);
    const seeds = ['all_dtypes', 'half', 'state_dict'].map((n) => new Uint8Array(readFileSync(join(FIX, 'safetensors', `${n}.safetensors`))));
    seeds.push(writeSafetensors({ a: new Tensor('float32', new Float32Array(6), [2, 3]), b: new Tensor('uint8', new Uint8Array(3), [3]) }, { m: 'x' }));
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < N_PER_FORMAT; i++) {
      let b = r.pick(seeds);
      const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
      if (i % 4 === 0 && b.length > 8 + n) {
        // data-only corruption: must still parse
        b = b.slice();
        for (let k = 0, m = 1 + r.int(8); k < m; k++) b[8 + n + r.int(b.length - 8 - n)] = r.int(256);
      } else {
        const rounds = 1 + r.int(3);
        for (let k = 0; k < rounds; k++) b = mutate(r, b, 8 + n);
      }
      inputs.push(b);
    }
    // header-length fields from small to 2^64 − 1, the 2^60 claim among them
    for (const claim of [2n ** 60n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 32n, 2n ** 31n - 1n, 100_000_001n, 0n, 1n, 7n]) {
      for (const s of seeds) {
        const b = s.slice();
        new DataView(b.buffer).setBigUint64(0, claim, true);
        inputs.push(b);
      }
    }
    // JSON-level mutations: shapes, offsets, dtypes and metadata replaced by hostile values
    const hostile: unknown[] = [-1, 1.5, 2 ** 53, 2 ** 64, 1e308, 'x', null, [], {}, [0], [0, 2 ** 60], [2 ** 60, 2 ** 60], true, 'F32', 'BF16', '__proto__'];
    for (let i = 0; i < 400; i++) {
      const s = r.pick(seeds);
      const n = Number(new DataView(s.buffer, s.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(s.subarray(8, 8 + n)));
      const keys = Object.keys(header);
      const k = r.pick(keys);
      const field = r.pick(['dtype', 'shape', 'data_offsets', '__whole__', 'extra']);
      if (field === '__whole__') header[k] = r.pick(hostile);
      else if (typeof header[k] === 'object' && header[k] && !Array.isArray(header[k])) {
        const v = r.pick(hostile);
        if (field === 'shape' && r.next() < 0.5) header[k].shape = [1e6, 1e6, 1e6];
        else header[k][field] = v;
      }
      if (r.next() < 0.2) header[`new${i}`] = { dtype: 'F32', shape: [r.int(5)], data_offsets: [r.int(64), r.int(64)] };
      const json = new TextEncoder().encode(JSON.stringify(header));
      const o = new Uint8Array(8 + json.length + (s.length - 8 - n));
      new DataView(o.buffer).setBigUint64(0, BigInt(json.length), true);
      o.set(json, 8);
      o.set(s.subarray(8 + n), 8 + json.length);
      inputs.push(o);
    }
    const t0 = performance.now();
    const ok = expectParsesOrCnnlabError(inputs, (b) => {
      const f = readSafetensors(b, 'fuzz.safetensors');
      for (const t of f.tensors.values()) checkTensor(t);
    }, 'safetensors');
    const ms = performance.now() - t0;
    expect(inputs.length).toBeGreaterThanOrEqual(2000);
    expect(ok).toBeGreaterThan(400);
    expect(inputs.length - ok).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('fuzz: images', () => {
  test(`${N_PER_FORMAT} mutated/truncated PNG and JPEG files decode or throw CnnlabError`, async () => {
    const r = rng(0x5eed03);
    const seeds = ['synth.png', 'synth.jpg', 'synth_gray.png', 'synth_rgba.png'].map((n) => new Uint8Array(readFileSync(join(FIX, 'image', n))));
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < N_PER_FORMAT; i++) {
      const s = r.pick(seeds);
      // headers (PNG IHDR, JPEG SOF/DHT/DQT) sit in the first few hundred bytes
      inputs.push(mutate(r, s, 700));
    }
    // PNG IHDR claiming a 2^31-1 × 2^31-1 image (CRC recomputed is not needed: libspng checks it and fails)
    const big = seeds[0].slice();
    new DataView(big.buffer).setUint32(16, 0x7fffffff);
    new DataView(big.buffer).setUint32(20, 0x7fffffff);
    inputs.push(big);
    let ok = 0;
    const errors: string[] = [];
    const t0 = performance.now();
    const CONC = 8;
    for (let i = 0; i < inputs.length; i += CONC) {
      await Promise.all(inputs.slice(i, i + CONC).map(async (b, j) => {
        try {
          // a small pixel budget: a mutated header cannot make us allocate a huge image
          const img = await decodeImage(b, { maxPixels: 1 << 20 });
          const t = await imageToTensor(img, { resize: 24, centerCrop: 20 });
          checkTensor(t);
          ok++;
        } catch (e) {
          if (!(e instanceof CnnlabError)) errors.push(`case ${i + j}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        }
      }));
    }
    const ms = performance.now() - t0;
    expect(errors).toEqual([]);
    expect(inputs.length).toBeGreaterThanOrEqual(2000);
    expect(ok).toBeGreaterThan(20);
    expect(inputs.length - ok).toBeGreaterThan(200);
    expect(ms).toBeLessThan(15_000);
  });
});

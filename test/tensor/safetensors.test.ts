import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { execFileSync } from 'child_process';
import { CnnlabError, ConfigError, NotFoundError, ParseError } from '../../src/errors';
import { Tensor, DType, readSafetensors, writeSafetensors, loadSafetensors, saveSafetensors } from '../../src/tensor';

// Reference files written by test/fixtures/tensor/gen_fixtures.py: the Python `safetensors` package is
// not in Debian 12, so the generator writes them by hand from the format's spec; F16/BF16 bytes and
// the expected float values come from torch's own conversions.
const DIR = join(__dirname, '../fixtures/tensor/safetensors');
type Entry = { dtype: string; shape: number[]; values: (number | string)[] };
const VALUES: Record<string, { metadata: Record<string, string>; tensors: Record<string, Entry> }> =
  JSON.parse(readFileSync(join(DIR, 'values.json'), 'utf8'));
const file = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

const DTYPE_OF: Record<string, DType> = { F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };

function num(v: number | string): number {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === '-0') return -0;
  return Number(v);
}

function expectEntry(t: Tensor, e: Entry) {
  expect(t.dtype).toBe(DTYPE_OF[e.dtype]);
  expect([...t.dims]).toEqual(e.shape);
  if (t.dtype === 'int64') expect(Array.from(t.data as BigInt64Array)).toEqual(e.values.map((v) => BigInt(v)));
  else if (t.dtype === 'float32') expect(Array.from(t.data as Float32Array)).toEqual(e.values.map((v) => Math.fround(num(v))));
  else expect(Array.from(t.data as ArrayLike<number>)).toEqual(e.values.map(num));
}

describe('readSafetensors on reference files', () => {
  for (const [name, ref] of Object.entries(VALUES)) {
    test(`${name}.safetensors`, () => {
      const f = readSafetensors(file(`${name}.safetensors`), `${name}.safetensors`);
      expect(f.metadata).toEqual(ref.metadata);
      expect([...f.tensors.keys()].sort()).toEqual(Object.keys(ref.tensors).sort());
      for (const [k, e] of Object.entries(ref.tensors)) {
        expectEntry(f.tensors.get(k)!, e);
        expect(f.fileDtypes.get(k)).toBe(e.dtype);
      }
    });
  }

  test('a torch state_dict keeps its keys; num_batches_tracked is a 0-d int64', () => {
    const f = readSafetensors(file('state_dict.safetensors'));
    expect([...f.tensors.keys()].sort()).toEqual(['0.weight', '1.bias', '1.num_batches_tracked', '1.running_mean', '1.running_var', '1.weight', '4.bias', '4.weight']);
    const nbt = f.tensors.get('1.num_batches_tracked')!;
    expect(nbt.dtype).toBe('int64');
    expect(nbt.dims).toEqual([]);
    expect(nbt.data[0]).toBe(7n);
  });

  test('F16 specials: ±inf and ±0 survive', () => {
    const s = readSafetensors(file('half.safetensors')).tensors.get('s')!;
    expect(Array.from(s.data as Float32Array)).toEqual([Infinity, -Infinity, 0, -0]);
    expect(Object.is(s.data[3], -0)).toBe(true);
  });

  test('aligned tensors are views of the file bytes (no copy)', () => {
    const bytes = file('all_dtypes.safetensors');
    const f = readSafetensors(bytes);
    for (const k of ['conv.weight', 'f64', 'bn.num_batches_tracked', 'idx', 'pix']) expect(f.tensors.get(k)!.data.buffer).toBe(bytes.buffer);
  });

  test('our writer produces the same bytes as the spec-following Python writer', () => {
    for (const name of ['all_dtypes', 'state_dict']) {
      const f = readSafetensors(file(`${name}.safetensors`));
      const ours = writeSafetensors(f.tensors, f.metadata);
      expect(Buffer.from(ours).equals(Buffer.from(file(`${name}.safetensors`)))).toBe(true);
    }
  });
});

describe('writeSafetensors', () => {
  const all = (): Record<string, Tensor> => ({
    'w.f32': new Tensor('float32', Float32Array.from([1.5, -2, 3e-30, 4]), [2, 2]),
    'w.f64': new Tensor('float64', Float64Array.from([Math.PI, -Math.E]), [2]),
    'n.i64': new Tensor('int64', BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n]), [2, 1]),
    'n.i32': new Tensor('int32', Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0]), [3]),
    'b.u8': new Tensor('uint8', Uint8Array.from([0, 128, 255]), [1, 3]),
    'b.bool': new Tensor('bool', Uint8Array.from([1, 0, 0, 1]), [2, 2]),
    scalar: new Tensor('float32', Float32Array.from([7]), []),
    empty: new Tensor('int32', new Int32Array(0), [3, 0]),
  });

  test('round trip of every dtype (Record and Map input), header padded to 8, items aligned', () => {
    const ts = all();
    for (const input of [ts, new Map(Object.entries(ts))]) {
      const bytes = writeSafetensors(input, { note: 'hi' });
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect(n % 8).toBe(0);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
      for (const [k, e] of Object.entries(header)) {
        if (k === '__metadata__') continue;
        const item = ts[k].data.BYTES_PER_ELEMENT;
        expect(((8 + n + (e as { data_offsets: number[] }).data_offsets[0]) % item)).toBe(0);
      }
      const back = readSafetensors(bytes);
      expect(back.metadata).toEqual({ note: 'hi' });
      for (const [k, t] of Object.entries(ts)) {
        const b = back.tensors.get(k)!;
        expect(b.dtype).toBe(t.dtype);
        expect([...b.dims]).toEqual([...t.dims]);
        expect(Array.from(b.data as ArrayLike<number>)).toEqual(Array.from(t.data as ArrayLike<number>));
      }
    }
  });

  test('no metadata → no __metadata__ key; bad names and values are ConfigErrors', () => {
    const bytes = writeSafetensors({ a: new Tensor('uint8', Uint8Array.from([1]), [1]) });
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
    expect(readSafetensors(bytes).metadata).toEqual({});
    expect(() => writeSafetensors({ __metadata__: new Tensor('uint8', Uint8Array.from([1]), [1]) })).toThrow(ConfigError);
    expect(() => writeSafetensors({ a: [1, 2] as unknown as Tensor })).toThrow(ConfigError);
    expect(() => writeSafetensors({}, { a: 3 as unknown as string })).toThrow(ConfigError);
  });

  test('names and metadata keys like __proto__ stay data', () => {
    const bytes = writeSafetensors(new Map([['__proto__', new Tensor('int32', Int32Array.from([5]), [1])]]), JSON.parse('{"__proto__": "m"}'));
    const f = readSafetensors(bytes);
    expect(Array.from(f.tensors.get('__proto__')!.data as ArrayLike<number>)).toEqual([5]);
    expect(Object.getOwnPropertyDescriptor(f.metadata, '__proto__')?.value).toBe('m');
    expect(Object.getPrototypeOf(f.metadata)).toBe(Object.prototype);
  });

  test('loadSafetensors/saveSafetensors via files; the data buffer is one shared ArrayBuffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-st-'));
    const ts = all();
    await saveSafetensors(join(dir, 'x.safetensors'), ts, { k: 'v' });
    expect(Buffer.from(readFileSync(join(dir, 'x.safetensors'))).equals(Buffer.from(writeSafetensors(ts, { k: 'v' })))).toBe(true);
    const f = await loadSafetensors(join(dir, 'x.safetensors'));
    expect(f.metadata).toEqual({ k: 'v' });
    expect(f.tensors.get('w.f32')!.data.buffer).toBe(f.tensors.get('n.i64')!.data.buffer);
    expect(Array.from(f.tensors.get('n.i64')!.data as BigInt64Array)).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    await expect(loadSafetensors(join(dir, 'missing.safetensors'))).rejects.toThrow(NotFoundError);
    // a header claiming 2^60 bytes in a real file: an error before any allocation
    const bad = writeSafetensors(ts);
    new DataView(bad.buffer).setBigUint64(0, 2n ** 60n, true);
    writeFileSync(join(dir, 'bad.safetensors'), bad);
    await expect(loadSafetensors(join(dir, 'bad.safetensors'))).rejects.toThrow(/header length exceeds the file.*1152921504606846976 bytes.*bad\.safetensors@0/);
  });

  const hasNumpy = (() => {
    try { execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }); return true; } catch { return false; }
  })();
  test.skipIf(!hasNumpy)('the spec-following Python reader reads our files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-st-'));
    const ts = all();
    await saveSafetensors(join(dir, 'ours.safetensors'), ts, { author: 'cnnlab ✓' });
    const out = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, '../fixtures/tensor/gen_fixtures.py'), 'readback', dir], { encoding: 'utf8' }))['ours.safetensors'];
    expect(out.metadata).toEqual({ author: 'cnnlab ✓' });
    expect(out.tensors['w.f32']).toEqual({ dtype: 'F32', shape: [2, 2], values: Array.from(ts['w.f32'].data as Float32Array) });
    expect(out.tensors['n.i64'].values).toEqual([String(-(2n ** 63n)), String(2n ** 63n - 1n)]);
    expect(out.tensors['b.bool']).toEqual({ dtype: 'BOOL', shape: [2, 2], values: [1, 0, 0, 1] });
    expect(out.tensors.scalar).toEqual({ dtype: 'F32', shape: [], values: [7] });
    expect(out.tensors.empty).toEqual({ dtype: 'I32', shape: [3, 0], values: [] });
  });
});

/** A file from a header object and a data buffer. */
function st(header: unknown, data: Uint8Array = new Uint8Array(0), raw?: string): Uint8Array {
  const json = new TextEncoder().encode(raw ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('readSafetensors on bad input', () => {
  const d16 = new Uint8Array(16);
  const f32 = (shape: number[], offs: number[]) => ({ dtype: 'F32', shape, data_offsets: offs });
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array(5), /too short.*got 5 bytes.*w@0/],
    ['header claims 2^60 bytes', (() => { const b = st({}, d16); new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true); return b; })(), /header length exceeds the file.*at most 18 bytes.*1152921504606846976.*w@0/],
    ['header claims 2^64-1 bytes', (() => { const b = st({}, d16); new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true); return b; })(), /header length exceeds the file/],
    ['not JSON', st(null, d16, '{"a": [1, 2'), /not valid JSON.*w@\d+/],
    ['not an object', st(null, d16, '[1, 2, 3]'), /must be a JSON object/],
    ['invalid UTF-8', st(null, d16, '{"\udc80": 1}'), /not valid JSON|UTF-8|tensor entry/],
    ['unknown dtype', st({ a: { dtype: 'C64', shape: [2], data_offsets: [0, 16] } }, d16), /unsupported safetensors dtype.*F64 F32 F16 BF16 I64 I32 U8 BOOL.*"C64".*w@8 \$\["a"\]\.dtype/],
    ['prototype dtype name', st({ a: { dtype: 'constructor', shape: [4], data_offsets: [0, 16] } }, d16), /unsupported safetensors dtype/],
    ['shape not an array', st({ a: { dtype: 'F32', shape: 4, data_offsets: [0, 16] } }, d16), /shape must be an array.*\$\["a"\]\.shape/],
    ['negative dim', st({ a: f32([-4], [0, 16]) }, d16), /shape must be an array of non-negative integers/],
    ['fractional offsets', st({ a: f32([4], [0, 15.5]) }, d16), /data_offsets must be/],
    ['begin > end', st({ a: f32([0], [16, 0]) }, d16), /data_offsets must be \[begin, end\]/],
    ['offsets past the end', st({ a: f32([8], [0, 32]) }, d16), /runs past the end of the file.*end ≤ 16 \(data buffer is file bytes 63\.\.79\).*file bytes 63\.\.95.*w@63/],
    ['offset 2^64', st(null, d16, '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,18446744073709551616]}}'), /data_offsets must be/],
    ['size ≠ prod(shape)·itemsize', st({ a: f32([3], [0, 16]) }, d16), /byte size does not match its shape.*\[3\] × 4 bytes \(F32\) = 12 bytes.*16 bytes/],
    ['giant shape', st({ a: f32([1e6, 1e6, 1e6], [0, 16]) }, d16), /byte size does not match/],
    ['overlap', st({ a: f32([2], [0, 8]), b: f32([3], [4, 16]) }, d16), /tensor 'b' overlaps tensor 'a'/],
    ['gap', st({ a: f32([1], [0, 4]), b: f32([2], [8, 16]) }, d16), /tensor 'b' leaves a gap after tensor 'a' \(bytes 4\.\.8 unused\)/],
    ['unused tail', st({ a: f32([2], [0, 8]) }, d16), /bytes no tensor uses.*covering 16 data bytes.*8 bytes covered/],
    ['metadata not strings', st({ __metadata__: { a: 1 } }), /__metadata__ values must be strings.*\$\.__metadata__\["a"\]/],
    ['metadata an array', st({ __metadata__: ['x'] }), /__metadata__ must be an object/],
    ['extra field', st({ a: { ...f32([4], [0, 16]), x: 1 } }, d16), /unknown fields in tensor entry.*got x/],
    ['entry null', st({ a: null }), /tensor entry must be an object/],
    ['empty header', st(null, d16, ''), /must be a JSON object/],
  ];
  for (const [name, bytes, re] of cases) {
    test(name, () => {
      let err: unknown;
      try { readSafetensors(bytes, 'w'); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ParseError);
      expect(err).toBeInstanceOf(CnnlabError);
      expect((err as Error).message).toMatch(re);
    });
  }

  test('header padding with spaces is accepted; zero-size tensors anywhere', () => {
    const ok = st(null, d16, '{"z":{"dtype":"F32","shape":[0,3],"data_offsets":[16,16]},"a":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}}     ');
    const f = readSafetensors(ok);
    expect(f.tensors.get('z')!.dims).toEqual([0, 3]);
    expect(Array.from(f.tensors.get('a')!.data as ArrayLike<number>)).toEqual([0, 0, 0, 0]);
  });
});

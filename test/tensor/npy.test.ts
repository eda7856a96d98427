import { describe, expect, test } from 'vitest';
import { readFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { execFileSync } from 'child_process';
import { CnnlabError, ParseError, NotFoundError } from '../../src/errors';
import { Tensor, DType, readNpy, writeNpy, loadNpy, saveNpy, readNpyHeader } from '../../src/tensor';

// Reference files written by numpy 1.24 (np.save / np.lib.format.write_array) from
// test/fixtures/tensor/gen_fixtures.py; values.json holds the values numpy put in them.
const DIR = join(__dirname, '../fixtures/tensor/npy');
const VALUES: Record<string, { descr: string; shape: number[]; values: (number | string)[] }> =
  JSON.parse(readFileSync(join(DIR, 'values.json'), 'utf8'));
const file = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

const DTYPE_OF: Record<string, DType> = {
  '<f4': 'float32', '>f4': 'float32', '<f2': 'float32', '<f8': 'float64', '>f8': 'float64',
  '<i8': 'int64', '>i8': 'int64', '<i4': 'int32', '>i4': 'int32', '|u1': 'uint8', '|b1': 'bool',
};

function expectValues(t: Tensor, values: (number | string)[]) {
  expect(t.size).toBe(values.length);
  if (t.dtype === 'int64') {
    expect(Array.from(t.data as BigInt64Array)).toEqual(values.map((v) => BigInt(v as string)));
  } else if (t.dtype === 'int32') {
    expect(Array.from(t.data as Int32Array)).toEqual(values.map(Number));
  } else if (t.dtype === 'float32') {
    // values.json holds the float32 values as exact doubles
    expect(Array.from(t.data as Float32Array)).toEqual(values.map((v) => Math.fround(Number(v))));
  } else {
    expect(Array.from(t.data as ArrayLike<number>)).toEqual(values.map(Number));
  }
}

describe('readNpy on files written by numpy', () => {
  for (const [name, v] of Object.entries(VALUES)) {
    test(`${name} (${v.descr}, shape ${JSON.stringify(v.shape)})`, () => {
      const t = readNpy(file(`${name}.npy`), `${name}.npy`);
      expect(t.dtype).toBe(DTYPE_OF[v.descr]);
      expect([...t.dims]).toEqual(v.shape);
      expectValues(t, v.values);
    });
  }

  test('versions 1.0, 2.0, 3.0 give the same tensor', () => {
    const h1 = readNpyHeader(file('f4_2x3.npy'));
    const h2 = readNpyHeader(file('f4_2x3_v2.npy'));
    const h3 = readNpyHeader(file('f4_2x3_v3.npy'));
    expect([h1.version, h2.version, h3.version]).toEqual([[1, 0], [2, 0], [3, 0]]);
    expect([h1.dataOffset, h2.dataOffset, h3.dataOffset]).toEqual([128, 128, 128]);
    const a = readNpy(file('f4_2x3.npy'));
    expect(Array.from(readNpy(file('f4_2x3_v2.npy')).data as ArrayLike<number>)).toEqual(Array.from(a.data as ArrayLike<number>));
    expect(Array.from(readNpy(file('f4_2x3_v3.npy')).data as ArrayLike<number>)).toEqual(Array.from(a.data as ArrayLike<number>));
  });

  test('0-d array has shape [] and one element', () => {
    const t = readNpy(file('f4_scalar.npy'));
    expect(t.dims).toEqual([]);
    expect(t.size).toBe(1);
    expect(t.data[0]).toBe(3.5);
  });

  test('little-endian aligned data is a view of the input bytes (no copy)', () => {
    const bytes = file('f4_2x3x4x5.npy');
    const t = readNpy(bytes);
    expect(t.data.buffer).toBe(bytes.buffer);
    // unaligned input: a copy, same values
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const u = readNpy(shifted);
    expect(u.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(u.data as ArrayLike<number>)).toEqual(Array.from(t.data as ArrayLike<number>));
  });

  test('Fortran order is refused with a ParseError naming it', () => {
    expect(() => readNpy(file('fortran_2x3.npy'), 'fortran_2x3.npy')).toThrow(ParseError);
    expect(() => readNpy(file('fortran_2x3.npy'), 'fortran_2x3.npy')).toThrow(/Fortran-order.*fortran_order True for shape \[2, 3\].*fortran_2x3\.npy@10/);
  });

  test('object arrays are refused with a ParseError naming them', () => {
    expect(() => readNpy(file('object.npy'), 'object.npy')).toThrow(ParseError);
    expect(() => readNpy(file('object.npy'), 'object.npy')).toThrow(/object arrays.*got '\|O'/);
  });
});

describe('writeNpy', () => {
  // np.save's bytes for the same values: ours must be identical, byte for byte.
  for (const name of ['f4_2x3', 'f8_4', 'i8_3', 'i4_2x2', 'u1_5', 'b1_2x3', 'f4_scalar', 'f4_0x3', 'f4_2x3x4x5']) {
    test(`${name}: identical to np.save's file`, () => {
      const t = readNpy(file(`${name}.npy`)) as Tensor;
      const copy = new Tensor(t.dtype, (t.data as Float32Array).slice() as never, t.dims);
      expect(Buffer.from(writeNpy(copy)).equals(Buffer.from(file(`${name}.npy`)))).toBe(true);
    });
  }

  test('round trip of every dtype, many shapes', () => {
    const shapes = [[], [0], [1], [7], [2, 3], [3, 1, 4], [2, 0, 3], [1, 2, 3, 4, 5]];
    const make: Record<DType, (n: number) => Tensor['data']> = {
      float32: (n) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 1e3)),
      float64: (n) => Float64Array.from({ length: n }, (_, i) => Math.cos(i) / 7),
      int64: (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 123456789012345n - 5n),
      int32: (n) => Int32Array.from({ length: n }, (_, i) => (i * 2654435761) | 0),
      uint8: (n) => Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255),
      bool: (n) => Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    };
    for (const dtype of Object.keys(make) as DType[]) {
      for (const shape of shapes) {
        const n = shape.reduce((a, b) => a * b, 1);
        const t = new Tensor(dtype, make[dtype](n) as never, shape);
        const bytes = writeNpy(t);
        expect(bytes.length % 64).toBe(t.data.byteLength % 64); // header padded to 64
        const back = readNpy(bytes);
        expect(back.dtype).toBe(dtype);
        expect([...back.dims]).toEqual(shape);
        expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(t.data as ArrayLike<number>));
      }
    }
  });

  test('a header too long for 1.0 is written as 2.0', () => {
    const dims = new Array(25000).fill(1);
    const bytes = writeNpy(new Tensor('float32', new Float32Array(1), dims));
    expect([bytes[6], bytes[7]]).toEqual([2, 0]);
    const back = readNpy(bytes);
    expect(back.dims.length).toBe(25000);
  });

  test('loadNpy/saveNpy through the file system; missing file is NotFoundError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-npy-'));
    const t = new Tensor('int32', Int32Array.from([1, -2, 3, 4, 5, 6]), [3, 2]);
    await saveNpy(join(dir, 'x.npy'), t);
    const back = await loadNpy(join(dir, 'x.npy'));
    expect([...back.dims]).toEqual([3, 2]);
    expect(Array.from(back.data as Int32Array)).toEqual([1, -2, 3, 4, 5, 6]);
    await expect(loadNpy(join(dir, 'nope.npy'))).rejects.toThrow(NotFoundError);
  });

  // numpy reads our files back (skipped where Debian's python3-numpy is absent, e.g. CI)
  const hasNumpy = (() => {
    try { execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }); return true; } catch { return false; }
  })();
  test.skipIf(!hasNumpy)('numpy.load reads files written by writeNpy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-npy-'));
    const ts: Record<string, Tensor> = {
      'a_f4.npy': new Tensor('float32', Float32Array.from([0.1, -2, 3e30]), [3, 1]),
      'b_f8.npy': new Tensor('float64', Float64Array.from([Math.PI]), []),
      'c_i8.npy': new Tensor('int64', BigInt64Array.from([-(2n ** 62n), 2n ** 53n + 1n]), [2]),
      'd_i4.npy': new Tensor('int32', Int32Array.from([7, -8, 9, 10]), [2, 2]),
      'e_u1.npy': new Tensor('uint8', Uint8Array.from([0, 255]), [1, 2]),
      'f_b1.npy': new Tensor('bool', Uint8Array.from([1, 0, 1]), [3]),
    };
    for (const [n, t] of Object.entries(ts)) require('fs').writeFileSync(join(dir, n), writeNpy(t));
    const out = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, '../fixtures/tensor/gen_fixtures.py'), 'readback', dir], { encoding: 'utf8' }));
    expect(out['a_f4.npy']).toMatchObject({ descr: '<f4', shape: [3, 1], fortran: false });
    expect(out['a_f4.npy'].values).toEqual(Array.from(ts['a_f4.npy'].data as Float32Array));
    expect(out['b_f8.npy']).toEqual({ descr: '<f8', shape: [], values: [Math.PI], fortran: false });
    expect(out['c_i8.npy'].values).toEqual([String(-(2n ** 62n)), String(2n ** 53n + 1n)]);
    expect(out['d_i4.npy']).toMatchObject({ descr: '<i4', shape: [2, 2], values: ['7', '-8', '9', '10'] });
    expect(out['e_u1.npy']).toMatchObject({ descr: '|u1', shape: [1, 2], values: ['0', '255'] });
    expect(out['f_b1.npy']).toMatchObject({ descr: '|b1', shape: [3], values: [1, 0, 1] });
  });
});

/** Builds a v1.0 file from a header dict text and data bytes (padded as numpy does). */
function npyWith(dict: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  let h = dict;
  const pad = 64 - ((pre + h.length + 1) % 64);
  h += ' '.repeat(pad) + '\n';
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, h.length, true); else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(data, pre + h.length);
  return out;
}

describe('readNpy on bad input', () => {
  const f4 = (n: number) => new Uint8Array(new Float32Array(n).buffer);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /too short.*got 0 bytes.*x\.npy@0/],
    ['bad magic', new Uint8Array(64).fill(65), /bad magic.*x\.npy@0/],
    ['version 4.0', (() => { const b = npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4(1)); b[6] = 4; return b; })(), /version.*got 4\.0.*x\.npy@6/],
    ['header past the end', (() => { const b = npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4(1)); b[8] = 0xff; b[9] = 0xff; return b; })(), /header runs past the end.*65535 header bytes/],
    ['giant shape', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", f4(4)), /shorter than its shape needs.*\[100000, 100000, 100000\].*16 bytes after the header/],
    ['shape beyond 2^53', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"), /non-negative integers/],
    ['negative dim', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }"), /non-negative integers/],
    ['data too short', npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f4(3)), /shorter than its shape needs/],
    ['trailing data', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4(3)), /bytes after the array data.*8 data bytes.*got 12 bytes/],
    ['unknown dtype', npyWith("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", f4(2)), /unsupported \.npy dtype.*'<c8'/],
    ['structured dtype', npyWith("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f4(1)), /structured/],
    ['missing key', npyWith("{'descr': '<f4', 'shape': (1,), }", f4(1)), /wrong keys.*got 'descr', 'shape'/],
    ['extra key', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", f4(1)), /wrong keys/],
    ['duplicate key', npyWith("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4(1)), /duplicate key 'descr'/],
    ['shape a list', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", f4(1)), /'shape' must be a tuple/],
    ['shape (1) is not a tuple', npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1), }", f4(1)), /'shape' must be a tuple/],
    ['fortran_order not bool', npyWith("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", f4(1)), /True or False/],
    ['code, not a literal', npyWith("{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,), }", f4(1)), /unexpected token.*x\.npy@20/],
    ['unterminated string', npyWith("{'descr': '<f4, 'fortran_order': False, 'shape': (1,)"), /bad dict|unterminated|unexpected/],
    ['deep nesting', npyWith(`{'descr': ${'('.repeat(100)}`), /nesting too deep/],
    ['not a dict', npyWith('(1, 2)'), /not a dict/],
  ];
  for (const [name, bytes, re] of cases) {
    test(name, () => {
      let err: unknown;
      try { readNpy(bytes, 'x.npy'); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ParseError);
      expect(err).toBeInstanceOf(CnnlabError);
      expect((err as Error).message).toMatch(re);
    });
  }

  test('2.0 header length claiming 4 GiB is refused before reading', () => {
    const b = npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4(1), 2);
    new DataView(b.buffer).setUint32(8, 0xffffffff, true);
    expect(() => readNpy(b, 'x.npy')).toThrow(/header length too large.*4294967295.*x\.npy@8/);
  });

  test('Fortran order on a 1-d array is the same layout and is accepted', () => {
    const t = readNpy(npyWith("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", new Uint8Array(new Float32Array([1, 2]).buffer)));
    expect(Array.from(t.data as ArrayLike<number>)).toEqual([1, 2]);
  });

  test('bool bytes other than 0/1 read as true', () => {
    const t = readNpy(npyWith("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", Uint8Array.from([0, 7, 1])));
    expect(Array.from(t.data as ArrayLike<number>)).toEqual([0, 1, 1]);
  });
});

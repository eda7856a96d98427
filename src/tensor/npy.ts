/**
 * NumPy `.npy` files: read (format 1.0, 2.0 and 3.0) and write (1.0, or 2.0 when the header
 * does not fit), C order.
 *
 * Layout (numpy/lib/format.py): the magic `\x93NUMPY`, major and minor version bytes, the header
 * length (uint16 LE for 1.0, uint32 LE for 2.0/3.0), then the header, a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a newline so
 * the data starts on a 64-byte boundary, then the raw array data.
 *
 * The header is read by a small strict parser of Python literals (dicts, tuples, lists, strings,
 * integers, True/False/None), never evaluated. Supported dtypes: `<f4 <f8 <i8 <i4 |u1 |b1`, their
 * big-endian forms (`>f4 ...`, byte-swapped on read) and `<f2`/`>f2` (read as float32).
 * Fortran-order arrays (2-d and more), object arrays (`|O`) and structured dtypes are refused
 * with a ParseError. The returned tensor shares memory with the input bytes when the data is
 * little-endian and aligned (no copy); otherwise it is a copy.
 */
import { readFile, writeFile } from 'fs/promises';
import { ParseError, fmtShape } from '../errors';
import { BYTES_PER_ELEMENT, DType, Tensor, dataFromBytes } from './tensor';
import { f16BytesToF32, fileError } from './safetensors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAGIC_LEN = 8; // magic + 2 version bytes
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Longest header we accept (numpy itself refuses headers over 10 000 bytes unless told otherwise). */
const MAX_HEADER_LEN = 1 << 20;
const MAX_NESTING = 16;

/** The `.npy` descr numpy writes for each dtype. */
export const NPY_DESCR: Record<DType, string> = {
  float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', uint8: '|u1', bool: '|b1',
};

interface DescrInfo { dtype: DType; itemsize: number; bigEndian: boolean; half?: boolean }

function parseDescr(descr: string, where: string): DescrInfo {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const supported = "'<f4', '<f8', '<i8', '<i4', '|u1', '|b1' (or big-endian '>f4' ..., or '<f2')";
  if (descr === '|O' || descr === 'O' || /^[<>|=]?O\d*$/.test(descr)) {
    throw new ParseError('object arrays (descr |O) cannot be read: they hold pickled Python objects, not numbers', {
      expected: supported, got: `'${descr}'`, where,
    });
  }
  if (!m) throw new ParseError('unsupported .npy dtype', { expected: supported, got: `'${descr}'`, where });
  const [, order, kind, sizeStr] = m;
  const size = Number(sizeStr);
  // '=' is native order; every platform Node runs on here is little-endian.
  const bigEndian = order === '>';
  let dtype: DType | undefined;
  let half = false;
  if (kind === 'f' && size === 4) dtype = 'float32';
  else if (kind === 'f' && size === 8) dtype = 'float64';
  else if (kind === 'f' && size === 2) { dtype = 'float32'; half = true; }
  else if (kind === 'i' && size === 8) dtype = 'int64';
  else if (kind === 'i' && size === 4) dtype = 'int32';
  else if (kind === 'u' && size === 1) dtype = 'uint8';
  else if (kind === 'b' && size === 1) dtype = 'bool';
  if (!dtype) throw new ParseError('unsupported .npy dtype', { expected: supported, got: `'${descr}'`, where });
  return { dtype, itemsize: half ? 2 : BYTES_PER_ELEMENT[dtype], bigEndian: bigEndian && size > 1, half };
}

// ---------------------------------------------------------------------------------------------
// A strict parser of the Python literals that appear in .npy headers.

type PyValue = string | bigint | boolean | null | PyValue[] | PyTuple | PyDict;
class PyTuple { constructor(readonly items: PyValue[]) {} }
class PyDict { constructor(readonly entries: Map<string, PyValue>) {} }

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string, private readonly where: (pos: number) => string) {}

  fail(what: string, expected: string): never {
    const got = this.i >= this.s.length ? 'end of header' : JSON.stringify(this.s.slice(this.i, this.i + 20));
    throw new ParseError(`bad .npy header: ${what}`, { expected, got, where: this.where(this.i) });
  }

  private ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else break;
    }
  }

  parseTop(): PyValue {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i !== this.s.length) this.fail('trailing characters after the dict', 'only spaces and a newline');
    return v;
  }

  private value(depth: number): PyValue {
    if (depth > MAX_NESTING) this.fail('nesting too deep', `at most ${MAX_NESTING} levels`);
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.seq(')', depth);
    if (c === '[') return this.seq(']', depth);
    if (c === "'" || c === '"') return this.str();
    if (c !== undefined && /[0-9+-]/.test(c)) return this.int();
    for (const [word, val] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.s.startsWith(word, this.i) && !/[A-Za-z0-9_]/.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return val;
      }
    }
    return this.fail('unexpected token', 'a Python literal (dict, tuple, list, string, integer, True, False, None)');
  }

  private str(): string {
    const q = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      const c = this.s[this.i];
      if (c === '\\' || c === '\n') this.fail('escapes and newlines in strings are not supported', 'a plain string');
      out += c;
      this.i++;
    }
    if (this.i >= this.s.length) this.fail('unterminated string', `closing ${q}`);
    this.i++;
    return out;
  }

  private int(): bigint {
    const m = /^[+-]?[0-9]+L?/.exec(this.s.slice(this.i, this.i + 64));
    if (!m) return this.fail('bad integer', 'digits');
    const text = m[0].replace(/L$/, '');
    if (text.replace(/^[+-]/, '').length > 40) this.fail('integer too long', 'at most 40 digits');
    this.i += m[0].length;
    return BigInt(text);
  }

  private seq(close: string, depth: number): PyValue {
    this.i++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) { this.i++; break; }
      items.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') { this.i++; sawComma = true; continue; }
      if (this.s[this.i] === close) { this.i++; break; }
      this.fail('bad sequence', `',' or '${close}'`);
    }
    if (close === ')') {
      // (x) without a comma is a parenthesised value, not a tuple
      if (items.length === 1 && !sawComma) return items[0];
      return new PyTuple(items);
    }
    return items;
  }

  private dict(depth: number): PyDict {
    this.i++;
    const entries = new Map<string, PyValue>();
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') { this.i++; break; }
      const keyPos = this.i;
      const c = this.s[this.i];
      if (c !== "'" && c !== '"') this.fail('dict keys must be strings', 'a quoted key');
      const key = this.str();
      if (entries.has(key)) { this.i = keyPos; this.fail(`duplicate key '${key}'`, 'each key once'); }
      this.ws();
      if (this.s[this.i] !== ':') this.fail('missing colon in dict', "':'");
      this.i++;
      entries.set(key, this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      if (this.s[this.i] === '}') { this.i++; break; }
      this.fail('bad dict', "',' or '}'");
    }
    return new PyDict(entries);
  }
}

function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof PyTuple) return `(${v.items.map(describe).join(', ')}${v.items.length === 1 ? ',' : ''})`;
  if (v instanceof PyDict) return '{...}';
  return `[${v.map(describe).join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------

export interface NpyHeader {
  version: [number, number];
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** byte offset of the array data */
  dataOffset: number;
}

/** Parses and checks the magic, version and header dict; does not touch the data. */
export function readNpyHeader(bytes: Uint8Array, where = '.npy'): NpyHeader {
  const at = (off: number) => `${where}@${off}`;
  if (bytes.length < MAGIC_LEN + 2) {
    throw new ParseError('file too short for a .npy header', { expected: 'at least 10 bytes', got: `${bytes.length} bytes`, where: at(0) });
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const got = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new ParseError('not a .npy file (bad magic)', { expected: '93 4e 55 4d 50 59 ("\\x93NUMPY")', got, where: at(i) });
    }
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new ParseError('unsupported .npy format version', { expected: '1.0, 2.0 or 3.0', got: `${major}.${minor}`, where: at(6) });
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else {
    if (bytes.length < 12) {
      throw new ParseError('file too short for a .npy 2.0 header', { expected: 'at least 12 bytes', got: `${bytes.length} bytes`, where: at(0) });
    }
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  }
  if (headerLen > MAX_HEADER_LEN) {
    throw new ParseError('.npy header length too large', { expected: `at most ${MAX_HEADER_LEN} bytes`, got: `${headerLen}`, where: at(8) });
  }
  if (headerStart + headerLen > bytes.length) {
    throw new ParseError('.npy header runs past the end of the file', {
      expected: `${headerLen} header bytes from offset ${headerStart}`, got: `${bytes.length - headerStart} bytes left`, where: at(8),
    });
  }
  const raw = bytes.subarray(headerStart, headerStart + headerLen);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new ParseError('.npy 3.0 header is not valid UTF-8', { where: at(headerStart) });
    }
  } else {
    text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1'); // one char per byte
  }
  // Map string index → byte offset. For latin1 it is 1:1; for utf8 we approximate by re-encoding the prefix.
  const posToOffset = (pos: number) =>
    headerStart + (major === 3 ? new TextEncoder().encode(text.slice(0, pos)).length : pos);
  const parsed = new LiteralParser(text, (pos) => at(posToOffset(pos))).parseTop();
  const hdrAt = at(headerStart);
  if (!(parsed instanceof PyDict)) {
    throw new ParseError('.npy header is not a dict', { expected: "{'descr': ..., 'fortran_order': ..., 'shape': ...}", got: describe(parsed), where: hdrAt });
  }
  const keys = [...parsed.entries.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    throw new ParseError('.npy header has the wrong keys', { expected: "exactly 'descr', 'fortran_order', 'shape'", got: keys.map((k) => `'${k}'`).join(', ') || 'none', where: hdrAt });
  }
  const descr = parsed.entries.get('descr')!;
  const fortran = parsed.entries.get('fortran_order')!;
  const shapeV = parsed.entries.get('shape')!;
  if (typeof descr !== 'string') {
    if (Array.isArray(descr)) {
      throw new ParseError('structured .npy dtypes (descr is a list of fields) are not supported', { expected: "a simple dtype such as '<f4'", got: describe(descr), where: hdrAt });
    }
    throw new ParseError("'descr' must be a string", { expected: "a dtype string such as '<f4'", got: describe(descr), where: hdrAt });
  }
  if (typeof fortran !== 'boolean') {
    throw new ParseError("'fortran_order' must be True or False", { got: describe(fortran), where: hdrAt });
  }
  if (!(shapeV instanceof PyTuple)) {
    throw new ParseError("'shape' must be a tuple of integers", { expected: 'a tuple such as (2, 3)', got: describe(shapeV), where: hdrAt });
  }
  const shape: number[] = [];
  for (const d of shapeV.items) {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ParseError("'shape' must hold non-negative integers", { expected: `integers in [0, 2^53)`, got: describe(shapeV), where: hdrAt });
    }
    shape.push(Number(d));
  }
  if (fortran && shape.filter((d) => d !== 1).length > 1) {
    throw new ParseError('Fortran-order (column-major) .npy arrays are not supported', {
      expected: "fortran_order False (save with np.ascontiguousarray(a))", got: `fortran_order True for shape ${fmtShape(shape)}`, where: hdrAt,
    });
  }
  return { version: [major, minor], descr, fortranOrder: fortran, shape, dataOffset: headerStart + headerLen };
}

function byteSwap(src: Uint8Array, itemsize: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += itemsize) {
    for (let k = 0; k < itemsize; k++) out[i + k] = src[i + itemsize - 1 - k];
  }
  return out;
}

/**
 * Reads a `.npy` file from its bytes. `where` names the source in error messages (a file name).
 * The result may share memory with `bytes` (little-endian aligned data is viewed, not copied).
 */
export function readNpy(bytes: Uint8Array, where = '.npy'): Tensor {
  const h = readNpyHeader(bytes, where);
  const info = parseDescr(h.descr, `${where}@${h.version[0] === 1 ? 10 : 12}`);
  // Element count, refusing anything bigger than the bytes present before multiplying by itemsize.
  const available = bytes.length - h.dataOffset;
  let count = h.shape.includes(0) ? 0 : 1;
  for (const d of h.shape) {
    count *= d;
    if (count * info.itemsize > available) {
      throw new ParseError('.npy data is shorter than its shape needs', {
        expected: `${fmtShape(h.shape)} × ${info.itemsize} bytes = ${h.shape.reduce((a, b) => a * b, info.itemsize)} bytes`,
        got: `${available} bytes after the header`, where: `${where}@${h.dataOffset}`,
      });
    }
  }
  const need = count * info.itemsize;
  if (need !== available) {
    throw new ParseError('.npy file has bytes after the array data', {
      expected: `${need} data bytes for ${fmtShape(h.shape)} ${h.descr}`, got: `${available} bytes`, where: `${where}@${h.dataOffset + need}`,
    });
  }
  let raw = bytes.subarray(h.dataOffset, h.dataOffset + need);
  if (info.bigEndian) raw = byteSwap(raw, info.itemsize);
  if (info.half) return new Tensor('float32', f16BytesToF32(raw), h.shape);
  if (info.dtype === 'bool') {
    // numpy stores bools as 0/1 bytes; normalise anything else to 1 (copying only when needed).
    if (raw.some((b) => b > 1)) raw = raw.map((b) => (b ? 1 : 0));
  }
  return new Tensor(info.dtype, dataFromBytes(info.dtype, raw), h.shape);
}

function pyShape(dims: readonly number[]): string {
  if (dims.length === 0) return '()';
  if (dims.length === 1) return `(${dims[0]},)`;
  return `(${dims.join(', ')})`;
}

/** Builds the header bytes (magic, version, length, padded dict) exactly as numpy 1.24's np.save. */
function npyHeaderBytes(dtype: DType, dims: readonly number[]): Uint8Array {
  let dict = `{'descr': '${NPY_DESCR[dtype]}', 'fortran_order': False, 'shape': ${pyShape(dims)}, }`;
  if (dims.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(dims[0]).length));
  for (const [major, lenBytes] of [[1, 2], [2, 4]] as const) {
    const prefix = MAGIC_LEN + lenBytes;
    const hlen = dict.length + 1;
    const padlen = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
    const total = hlen + padlen;
    if (major === 1 && total > 0xffff) continue;
    const out = new Uint8Array(prefix + total);
    out.set(MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    const dv = new DataView(out.buffer);
    if (major === 1) dv.setUint16(8, total, true); else dv.setUint32(8, total, true);
    for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
    out.fill(0x20, prefix + dict.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw new ParseError('.npy header too long', { got: `${dims.length} dimensions` });
}

/** Serialises a tensor as a `.npy` file (format 1.0, or 2.0 for very long headers), C order, little-endian. */
export function writeNpy(t: Tensor): Uint8Array {
  const header = npyHeaderBytes(t.dtype, t.dims);
  const data = t.bytes();
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}

/** Reads a `.npy` file. */
export async function loadNpy(path: string): Promise<Tensor> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw fileError(e, path);
  }
  return readNpy(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

/** Writes a tensor to a `.npy` file. */
export async function saveNpy(path: string, t: Tensor): Promise<void> {
  try {
    await writeFile(path, writeNpy(t));
  } catch (e) {
    throw fileError(e, path);
  }
}

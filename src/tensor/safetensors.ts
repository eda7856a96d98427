/**
 * safetensors files (https://github.com/huggingface/safetensors): read and write.
 *
 * Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON, then the data
 * buffer. The JSON maps each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
 * (offsets relative to the start of the data buffer) and may hold `"__metadata__"`, a map of
 * strings to strings.
 *
 * Every header field is checked before it is used: N against the file size (and a 100 MB cap,
 * as the reference implementation), the JSON shape, each tensor's dtype and shape, that
 * `end - begin = prod(shape) · itemsize`, and that the tensors' byte ranges are in range,
 * non-overlapping and cover the data buffer contiguously. No allocation is sized by a header
 * field that was not checked against the bytes actually present.
 *
 * dtypes F64 F32 I64 I32 U8 BOOL map to the Tensor dtypes; F16 and BF16 are read and converted to
 * float32 (timm weights are often half precision). Tensors read from little-endian aligned data
 * are views of the file's bytes (no copy); `loadSafetensors` reads the data buffer once into one
 * ArrayBuffer that all tensors share.
 */
import { open, type FileHandle } from 'fs/promises';
import { CnnlabError, ConfigError, NotFoundError, ParseError, fmtShape } from '../errors';
import { DType, Tensor, dataFromBytes } from './tensor';

/** Largest JSON header accepted (the reference implementation's limit). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const ST_DTYPE: Record<DType, string> = {
  float64: 'F64', float32: 'F32', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL',
};
const FROM_ST: Record<string, { dtype: DType; itemsize: number }> = {
  F64: { dtype: 'float64', itemsize: 8 },
  F32: { dtype: 'float32', itemsize: 4 },
  F16: { dtype: 'float32', itemsize: 2 },
  BF16: { dtype: 'float32', itemsize: 2 },
  I64: { dtype: 'int64', itemsize: 8 },
  I32: { dtype: 'int32', itemsize: 4 },
  U8: { dtype: 'uint8', itemsize: 1 },
  BOOL: { dtype: 'bool', itemsize: 1 },
};
const SUPPORTED = Object.keys(FROM_ST).join(' ');

export interface SafetensorsEntry {
  /** dtype as written in the file: F32, F16, BF16, ... */
  dtype: string;
  shape: number[];
  /** [begin, end) relative to the data buffer */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** N, the JSON header's length in bytes */
  headerLength: number;
  /** absolute byte offset of the data buffer (8 + N) */
  dataStart: number;
}

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
  /** each tensor's dtype as stored in the file (F16/BF16 tensors are returned as float32) */
  fileDtypes: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Half-precision conversion (shared with npy.ts).

const F16_TABLE = (() => {
  // exponent/mantissa → float32 for all 65536 halves: 256 KiB, built once on first use.
  let t: Float32Array | undefined;
  return () => {
    if (t) return t;
    t = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      if (e === 0) t[h] = s * m * 2 ** -24;
      else if (e === 31) t[h] = m ? NaN : s * Infinity;
      else t[h] = s * (1 + m / 1024) * 2 ** (e - 15);
    }
    return t;
  };
})();

/** IEEE half (little-endian bytes) → float32. */
export function f16BytesToF32(raw: Uint8Array): Float32Array {
  const table = F16_TABLE();
  const n = raw.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = table[raw[2 * i] | (raw[2 * i + 1] << 8)];
  return out;
}

/** bfloat16 (little-endian bytes) → float32: the upper 16 bits of a float32. */
export function bf16BytesToF32(raw: Uint8Array): Float32Array {
  const n = raw.length >> 1;
  const u = new Uint32Array(n);
  for (let i = 0; i < n; i++) u[i] = ((raw[2 * i] | (raw[2 * i + 1] << 8)) << 16) >>> 0;
  return new Float32Array(u.buffer);
}

/** Wraps a file-system error as a CnnlabError (NotFoundError for a missing file). */
export function fileError(e: unknown, path: string): CnnlabError {
  if (e instanceof CnnlabError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return new NotFoundError('file not found', { where: path });
  return new CnnlabError(`cannot read file: ${err?.message ?? String(e)}`, { where: path });
}

// ---------------------------------------------------------------------------------------------

function jsonPath(name: string, field?: string): string {
  return `$[${JSON.stringify(name)}]${field ? `.${field}` : ''}`;
}

/**
 * Parses and validates the header. `head` holds at least the first 8 + N bytes of the file
 * (or the whole file); `fileSize` is the file's full length.
 */
export function parseSafetensorsHeader(head: Uint8Array, fileSize: number, where = '.safetensors'): SafetensorsHeader {
  const at = (off: number, path?: string) => `${where}@${off}${path ? ` ${path}` : ''}`;
  if (fileSize < 8 || head.length < 8) {
    throw new ParseError('file too short for a safetensors header', { expected: 'at least 8 bytes (the header length)', got: `${fileSize} bytes`, where: at(0) });
  }
  const n64 = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(fileSize - 8)) {
    throw new ParseError('safetensors header length exceeds the file', {
      expected: `at most ${fileSize - 8} bytes (file size ${fileSize} − 8)`, got: `${n64} bytes`, where: at(0),
    });
  }
  if (n64 > BigInt(MAX_SAFETENSORS_HEADER)) {
    throw new ParseError('safetensors header too large', { expected: `at most ${MAX_SAFETENSORS_HEADER} bytes`, got: `${n64} bytes`, where: at(0) });
  }
  const n = Number(n64);
  if (head.length < 8 + n) {
    throw new ParseError('safetensors header is truncated', { expected: `${n} header bytes`, got: `${head.length - 8}`, where: at(8) });
  }
  const dataStart = 8 + n;
  const dataLen = fileSize - dataStart;
  const raw = head.subarray(8, 8 + n);
  if (n < 2 || raw[0] !== 0x7b /* { */) {
    throw new ParseError('safetensors header must be a JSON object', {
      expected: "'{' at the start of the header", got: n === 0 ? 'an empty header' : JSON.stringify(String.fromCharCode(raw[0])), where: at(8),
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ParseError('safetensors header is not valid UTF-8', { where: at(8) });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const off = pos ? 8 + new TextEncoder().encode(text.slice(0, Number(pos[1]))).length : 8;
    throw new ParseError(`safetensors header is not valid JSON: ${msg}`, { where: at(off) });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ParseError('safetensors header must be a JSON object', { got: Array.isArray(json) ? 'an array' : typeof json, where: at(8, '$') });
  }
  const metadata: Record<string, string> = {};
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null) continue;
      if (typeof v !== 'object' || Array.isArray(v)) {
        throw new ParseError('__metadata__ must be an object of strings', { got: Array.isArray(v) ? 'an array' : typeof v, where: at(8, '$.__metadata__') });
      }
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') {
          throw new ParseError('__metadata__ values must be strings', { got: `${typeof s} ${JSON.stringify(s)?.slice(0, 40)}`, where: at(8, `$.__metadata__[${JSON.stringify(k)}]`) });
        }
        // defineProperty: a key named __proto__ stays data, never a prototype
        Object.defineProperty(metadata, k, { value: s, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new ParseError('tensor entry must be an object', { expected: '{"dtype", "shape", "data_offsets"}', got: v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v, where: at(8, jsonPath(name)) });
    }
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
    if (extra.length) {
      throw new ParseError('unknown fields in tensor entry', { expected: 'dtype, shape, data_offsets', got: extra.join(', '), where: at(8, jsonPath(name)) });
    }
    const dtype = o.dtype;
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(FROM_ST, dtype)) {
      throw new ParseError('unsupported safetensors dtype', { expected: SUPPORTED, got: JSON.stringify(dtype) ?? 'nothing', where: at(8, jsonPath(name, 'dtype')) });
    }
    const shape = o.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ParseError('shape must be an array of non-negative integers', { got: JSON.stringify(shape)?.slice(0, 80) ?? 'nothing', where: at(8, jsonPath(name, 'shape')) });
    }
    const offs = o.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0) || offs[0] > offs[1]) {
      throw new ParseError('data_offsets must be [begin, end] with 0 ≤ begin ≤ end', { got: JSON.stringify(offs)?.slice(0, 80) ?? 'nothing', where: at(8, jsonPath(name, 'data_offsets')) });
    }
    const [begin, end] = offs as [number, number];
    if (end > dataLen) {
      throw new ParseError(`tensor '${name}' data runs past the end of the file`, {
        expected: `end ≤ ${dataLen} (data buffer is file bytes ${dataStart}..${fileSize})`,
        got: `data_offsets [${begin}, ${end}] = file bytes ${dataStart + begin}..${dataStart + end}`, where: at(dataStart + begin, jsonPath(name, 'data_offsets')),
      });
    }
    const itemsize = FROM_ST[dtype].itemsize;
    let count = (shape as number[]).includes(0) ? 0 : 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count * itemsize > end - begin) break;
    }
    if (count * itemsize !== end - begin) {
      throw new ParseError(`tensor '${name}' byte size does not match its shape`, {
        expected: `${fmtShape(shape as number[])} × ${itemsize} bytes (${dtype}) = ${(shape as number[]).reduce((a, b) => a * b, itemsize)} bytes`,
        got: `data_offsets [${begin}, ${end}] = ${end - begin} bytes`, where: at(dataStart + begin, jsonPath(name, 'data_offsets')),
      });
    }
    entries.set(name, { dtype, shape: shape as number[], dataOffsets: [begin, end] });
  }
  // Byte ranges must tile the data buffer: sorted by offsets, each starts where the previous ended.
  const sorted = [...entries].sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let pos = 0;
  let prev = '';
  for (const [name, e] of sorted) {
    const [begin, end] = e.dataOffsets;
    if (begin !== pos) {
      const what = begin < pos ? `overlaps tensor '${prev}' (which ends at ${pos})` : `leaves a gap after ${prev ? `tensor '${prev}'` : 'the header'} (bytes ${pos}..${begin} unused)`;
      throw new ParseError(`tensor '${name}' ${what}`, {
        expected: `data_offsets starting at ${pos}`, got: `[${begin}, ${end}]`, where: at(dataStart + Math.min(begin, pos), jsonPath(name, 'data_offsets')),
      });
    }
    pos = end;
    prev = name;
  }
  if (pos !== dataLen) {
    throw new ParseError('safetensors data buffer has bytes no tensor uses', {
      expected: `tensors covering ${dataLen} data bytes`, got: `${pos} bytes covered`, where: at(dataStart + pos),
    });
  }
  return { entries, metadata, headerLength: n, dataStart };
}

function tensorFromBytes(e: SafetensorsEntry, raw: Uint8Array): Tensor {
  if (e.dtype === 'F16') return new Tensor('float32', f16BytesToF32(raw), e.shape);
  if (e.dtype === 'BF16') return new Tensor('float32', bf16BytesToF32(raw), e.shape);
  const { dtype } = FROM_ST[e.dtype];
  if (dtype === 'bool' && raw.some((b) => b > 1)) raw = raw.map((b) => (b ? 1 : 0));
  return new Tensor(dtype, dataFromBytes(dtype, raw), e.shape);
}

function buildFile(h: SafetensorsHeader, data: Uint8Array): SafetensorsFile {
  const tensors = new Map<string, Tensor>();
  const fileDtypes = new Map<string, string>();
  for (const [name, e] of h.entries) {
    tensors.set(name, tensorFromBytes(e, data.subarray(e.dataOffsets[0], e.dataOffsets[1])));
    fileDtypes.set(name, e.dtype);
  }
  return { tensors, metadata: h.metadata, fileDtypes };
}

/**
 * Reads a safetensors file from its bytes. `where` names the source in error messages.
 * Tensors may share memory with `bytes`.
 */
export function readSafetensors(bytes: Uint8Array, where = '.safetensors'): SafetensorsFile {
  const h = parseSafetensorsHeader(bytes, bytes.length, where);
  return buildFile(h, bytes.subarray(h.dataStart));
}

function normaliseInput(tensors: Map<string, Tensor> | Record<string, Tensor>): [string, Tensor][] {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of list) {
    if (typeof name !== 'string' || name.length === 0 || name === '__metadata__') {
      throw new ConfigError('bad tensor name for safetensors', { expected: 'a non-empty string other than __metadata__', got: JSON.stringify(name) });
    }
    if (!(t instanceof Tensor)) {
      throw new ConfigError('safetensors values must be Tensors', { got: (t as object)?.constructor?.name ?? typeof t, where: name });
    }
  }
  // As the reference writer: larger items first (so every tensor stays aligned), then by name.
  const size = (t: Tensor) => t.data.BYTES_PER_ELEMENT;
  return list.sort((a, b) => size(b[1]) - size(a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function headerBytes(list: [string, Tensor][], metadata?: Record<string, string>): Uint8Array {
  const obj: Record<string, unknown> = Object.create(null); // tensor names like __proto__ stay keys
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ConfigError('safetensors metadata values must be strings', { got: typeof v, where: `__metadata__.${k}` });
    }
    const meta: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(metadata)) meta[k] = v;
    obj.__metadata__ = meta;
  }
  let off = 0;
  for (const [name, t] of list) {
    const len = t.data.byteLength;
    obj[name] = { dtype: ST_DTYPE[t.dtype], shape: [...t.dims], data_offsets: [off, off + len] };
    off += len;
  }
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length);
  return out;
}

/** Serialises tensors (and optional string metadata) as a safetensors file. */
export function writeSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const list = normaliseInput(tensors);
  const head = headerBytes(list, metadata);
  const total = list.reduce((a, [, t]) => a + t.data.byteLength, head.length);
  const out = new Uint8Array(total);
  out.set(head, 0);
  let off = head.length;
  for (const [, t] of list) { out.set(t.bytes(), off); off += t.data.byteLength; }
  return out;
}

/**
 * Reads a safetensors file. The header is read and validated first; then the data buffer is read
 * once into a single ArrayBuffer that the tensors view (F16/BF16 tensors are converted copies).
 */
export async function loadSafetensors(path: string): Promise<SafetensorsFile> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(e, path);
  }
  try {
    const size = (await fh.stat()).size;
    const first = new Uint8Array(Math.min(size, 8));
    await readFully(fh, first, 0, path);
    let head = first;
    if (size >= 8) {
      const n64 = new DataView(first.buffer).getBigUint64(0, true);
      // parseSafetensorsHeader checks n64 against size and the cap before we read N bytes
      if (n64 <= BigInt(Math.min(size - 8, MAX_SAFETENSORS_HEADER))) {
        head = new Uint8Array(8 + Number(n64));
        head.set(first, 0);
        await readFully(fh, head.subarray(8), 8, path);
      }
    }
    const h = parseSafetensorsHeader(head, size, path);
    const data = new Uint8Array(size - h.dataStart);
    await readFully(fh, data, h.dataStart, path);
    return buildFile(h, data);
  } catch (e) {
    throw fileError(e, path);
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, dst: Uint8Array, position: number, path: string): Promise<void> {
  const CHUNK = 1 << 30;
  let done = 0;
  while (done < dst.length) {
    const len = Math.min(CHUNK, dst.length - done);
    const { bytesRead } = await fh.read(dst, done, len, position + done);
    if (bytesRead === 0) throw new ParseError('file ended early (changed while reading?)', { expected: `${dst.length} bytes`, got: `${done}`, where: `${path}@${position + done}` });
    done += bytesRead;
  }
}

async function writeAll(fh: FileHandle, b: Uint8Array): Promise<void> {
  let done = 0;
  while (done < b.length) {
    const { bytesWritten } = await fh.write(b, done, Math.min(1 << 30, b.length - done));
    done += bytesWritten;
  }
}

/** Writes tensors (and optional metadata) to a safetensors file, tensor by tensor (no full-file copy). */
export async function saveSafetensors(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const list = normaliseInput(tensors);
  const head = headerBytes(list, metadata);
  const fh = await open(path, 'w').catch((e) => { throw fileError(e, path); });
  try {
    await writeAll(fh, head);
    for (const [, t] of list) await writeAll(fh, t.bytes());
  } finally {
    await fh.close();
  }
}

/**
 * ONNX ModelProto bytes → graph IR, through onnx-proto (protobufjs): reads any ONNX file (initializers,
 * attributes, value_info) into the IR and infers the shapes it lacks. Every failure is a ParseError.
 */
import { onnx } from 'onnx-proto';
import { CnnlabError, ParseError } from '../errors';
import { DType, Tensor, allocData, dataFromBytes, shapeSize, BYTES_PER_ELEMENT } from '../tensor/tensor';
import { AttrValue, Dim, Graph, Initializer, Node, ValueInfo, initializerOf } from './ir';
import { inferGraph } from './infer';
import { AT, TO_ONNX } from './onnx-write';
import { trimOptional } from './optional';

const FROM_ONNX: Record<number, DType> = Object.fromEntries(Object.entries(TO_ONNX).map(([k, v]) => [v, k as DType]));

type Long = { toNumber(): number };
function num(x: number | Long | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'number' ? x : x.toNumber();
}

function readTensor(t: onnx.ITensorProto, where: string): Tensor {
  const dtype = FROM_ONNX[t.dataType ?? 0];
  if (!dtype) {
    const names = onnx.TensorProto.DataType as unknown as Record<number, string>;
    throw new ParseError('unsupported tensor data type', { expected: 'FLOAT, DOUBLE, INT64, INT32, UINT8 or BOOL', got: names[t.dataType ?? 0] ?? String(t.dataType), where });
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData && t.externalData.length)) {
    throw new ParseError('tensor data stored in an external file is not supported', { where, expected: 'data inside the .onnx file' });
  }
  const dims = (t.dims ?? []).map(num);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new ParseError('invalid tensor dims', { expected: 'non-negative integers', got: `[${dims.join(', ')}]`, where });
  let n: number;
  try { n = shapeSize(dims); } catch { throw new ParseError('tensor too large', { got: `[${dims.join(', ')}]`, where }); }
  const raw = t.rawData;
  if (raw && raw.length) {
    const need = n * BYTES_PER_ELEMENT[dtype];
    if (raw.length !== need) throw new ParseError('raw_data size does not match dims', { expected: `${need} bytes`, got: `${raw.length} bytes`, where });
    return new Tensor(dtype, dataFromBytes(dtype, raw), dims);
  }
  const src: ArrayLike<number | Long> | undefined =
    dtype === 'float32' ? t.floatData ?? undefined
      : dtype === 'float64' ? t.doubleData ?? undefined
        : dtype === 'int64' ? (t.int64Data as ArrayLike<number | Long>) ?? undefined
          : t.int32Data ?? undefined;
  const len = src ? src.length : 0;
  if (len !== n) throw new ParseError('typed data length does not match dims', { expected: `${n} values`, got: `${len}`, where });
  const data = allocData(dtype, n);
  for (let i = 0; i < n; i++) {
    const v = num((src as ArrayLike<number | Long>)[i]);
    if (dtype === 'int64') (data as BigInt64Array)[i] = BigInt(Math.trunc(v)); else (data as Float64Array)[i] = v;
  }
  return new Tensor(dtype, data, dims);
}

function readAttr(a: onnx.IAttributeProto, where: string): AttrValue | undefined {
  const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
  switch (a.type) {
    case AT.INT: return { type: 'int', value: num(a.i) };
    case AT.FLOAT: return { type: 'float', value: a.f ?? 0 };
    case AT.STRING: return { type: 'string', value: utf8(a.s) };
    case AT.INTS: return { type: 'ints', value: (a.ints ?? []).map(num) };
    case AT.FLOATS: return { type: 'floats', value: [...(a.floats ?? [])] };
    case AT.STRINGS: return { type: 'strings', value: (a.strings ?? []).map(utf8) };
    case AT.TENSOR: return a.t ? { type: 'tensor', value: readTensor(a.t, `${where}.t`) } : undefined;
    default: return undefined; // graphs and sparse tensors are kept out of the IR
  }
}

/**
 * Module path from a node name: torch's exporter writes `/layer1/layer1.0/conv1/Conv`, cnnlab's writer
 * (producer 'cnnlab') `layer1.0.conv1/Conv_4` (path, op and a counter; `/Flatten_67` at the root).
 */
export function modulePathFromNodeName(name: string, producer = ''): string {
  if (!name.startsWith('/')) {
    const own = producer === 'cnnlab' ? /^([A-Za-z0-9_.]+)\/[A-Za-z][A-Za-z0-9]*_\d+$/.exec(name) : null;
    return own ? own[1] : '';
  }
  const segs = name.split('/').filter(Boolean).slice(0, -1);
  let path = '';
  for (const s of segs) path = !path || s.startsWith(path + '.') ? s : `${path}.${s}`;
  return path;
}

function readValueInfo(v: onnx.IValueInfoProto, where: string): ValueInfo {
  const tt = v.type?.tensorType;
  const dtype = FROM_ONNX[tt?.elemType ?? 1] ?? 'float32';
  const shape: Dim[] | null = tt?.shape ? (tt.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? num(d.dimValue) : '?')) : null;
  if (shape && shape.some((d) => typeof d === 'number' && (!Number.isSafeInteger(d) || d < 0))) {
    throw new ParseError('invalid dimension in value_info', { got: `[${shape.join(', ')}]`, where });
  }
  return { name: v.name ?? '', dtype, shape };
}

export interface FromOnnxOptions {
  /** shapes for the graph inputs (by name) to replace symbolic dims; by default a symbolic first dim becomes 1 */
  inputShapes?: Record<string, number[]>;
  /** file name for error messages */
  where?: string;
}

/** Parses ONNX ModelProto bytes into the graph IR; every failure is a ParseError. */
export function fromOnnx(bytes: Uint8Array, opts: FromOnnxOptions = {}): Graph {
  const file = opts.where ?? 'model.onnx';
  let m: onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ParseError('not a valid ONNX protobuf', { expected: 'an ONNX ModelProto', got: msg, where: file });
  }
  try {
    return buildGraph(m, file, opts);
  } catch (e) {
    if (e instanceof CnnlabError) throw e;
    throw new ParseError('malformed ONNX model', { got: e instanceof Error ? e.message : String(e), where: file });
  }
}

function buildGraph(m: onnx.ModelProto, file: string, opts: FromOnnxOptions): Graph {
  const gp = m.graph;
  if (!gp) throw new ParseError('ONNX model has no graph', { where: file });
  const g = new Graph();
  g.name = gp.name || 'onnx';
  const defaultOpset = (m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  g.opset = defaultOpset ? num(defaultOpset.version) : 17;
  for (const p of m.metadataProps ?? []) if (p.key && p.key !== 'moduleTypes' && p.key !== 'moduleOutputs') g.metadata[p.key] = p.value ?? '';
  const mt = (m.metadataProps ?? []).find((p) => p.key === 'moduleTypes');
  if (mt?.value) {
    try {
      const obj = JSON.parse(mt.value) as unknown;
      if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') g.moduleTypes.set(k, v);
    } catch { /* metadata only */ }
  }
  (gp.initializer ?? []).forEach((t, i) => {
    const name = t.name ?? '';
    if (!name) throw new ParseError('initializer without a name', { where: `${file}: graph.initializer[${i}]` });
    const value = readTensor(t, `${file}: initializer '${name}'`);
    // scalars (Clip bounds, eps) and cnnlab's own `….const_N` values are constants, not learned parameters
    const isConstant = value.dtype !== 'float32' && value.dtype !== 'float64' || value.dims.length === 0
      || (m.producerName === 'cnnlab' && /(^|\.)const_\d+$/.test(name));
    const kind: Initializer['kind'] = isConstant ? 'constant' : /running_(mean|var)$/.test(name) ? 'buffer' : 'parameter';
    g.initializers.set(name, initializerOf(name, value, kind));
  });
  const given = opts.inputShapes ?? {};
  for (const [i, v] of (gp.input ?? []).entries()) {
    const info = readValueInfo(v, `${file}: graph.input[${i}]`);
    if (g.initializers.has(info.name)) continue;
    if (given[info.name]) info.shape = [...given[info.name]];
    else if (info.shape && info.shape.length && typeof info.shape[0] !== 'number') info.shape[0] = 1;
    g.inputs.push(info);
    g.values.set(info.name, info);
  }
  const declared = new Map<string, ValueInfo>();
  for (const [i, v] of (gp.valueInfo ?? []).entries()) { const vi = readValueInfo(v, `${file}: graph.value_info[${i}]`); declared.set(vi.name, vi); }
  const outs = (gp.output ?? []).map((v, i) => readValueInfo(v, `${file}: graph.output[${i}]`));
  for (const o of outs) declared.set(o.name, o);
  (gp.node ?? []).forEach((n, i) => {
    const where = `${file}: graph.node[${i}] (${n.opType ?? '?'})`;
    if (!n.opType) throw new ParseError('node without op_type', { where });
    const attrs: Record<string, AttrValue> = {};
    for (const a of n.attribute ?? []) {
      const v = readAttr(a, `${where}.${a.name}`);
      if (v && a.name) attrs[a.name] = v;
    }
    const node: Node = {
      name: n.name || `${n.opType}_${i}`, op: n.opType, domain: n.domain ?? '',
      inputs: trimOptional(n.input ?? []), outputs: trimOptional(n.output ?? []), attrs,
      module: modulePathFromNodeName(n.name ?? '', m.producerName ?? ''),
    };
    g.nodes.push(node);
  });
  inferGraph(g, declared, file);
  g.outputs = outs.map((o) => g.values.get(o.name) ?? o);
  for (const n of g.nodes) if (n.module && n.outputs[0]) g.moduleOutputs.set(n.module, n.outputs[0]);
  const mo = (m.metadataProps ?? []).find((p) => p.key === 'moduleOutputs');
  if (mo?.value) {
    try {
      const obj = JSON.parse(mo.value) as unknown;
      if (obj && typeof obj === 'object') {
        for (const [k, v] of Object.entries(obj)) if (typeof v === 'string' && !g.moduleOutputs.has(k) && (g.values.has(v) || g.initializers.has(v))) g.moduleOutputs.set(k, v);
      }
    } catch { /* metadata only */ }
  }
  return g;
}

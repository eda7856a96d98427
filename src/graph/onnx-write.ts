/**
 * Graph IR → ONNX ModelProto bytes, through onnx-proto (protobufjs): opset 17 / IR version 8, which
 * onnxruntime-node 1.30 loads. The writer takes only types from the IR (ir.ts's `Graph.toOnnx` calls it),
 * so the IR and its serialiser load without a cycle; onnx-read.ts is the reader.
 */
import { onnx } from 'onnx-proto';
import type { DType, Tensor } from '../tensor/tensor';
import type { AttrValue, Graph, ValueInfo } from './ir';
import { trimOptional } from './optional';

export const IR_VERSION = 8;

const DT = onnx.TensorProto.DataType;
/** ONNX TensorProto data types of the IR's dtypes */
export const TO_ONNX: Record<DType, number> = {
  float32: DT.FLOAT, float64: DT.DOUBLE, int64: DT.INT64, int32: DT.INT32, uint8: DT.UINT8, bool: DT.BOOL,
};
export const AT = onnx.AttributeProto.AttributeType;

function tensorProto(name: string, t: Tensor): onnx.ITensorProto {
  return { name, dims: [...t.dims], dataType: TO_ONNX[t.dtype], rawData: t.bytes() };
}

function attrProto(name: string, a: AttrValue): onnx.IAttributeProto {
  switch (a.type) {
    case 'int': return { name, type: AT.INT, i: a.value };
    case 'float': return { name, type: AT.FLOAT, f: a.value };
    case 'string': return { name, type: AT.STRING, s: Buffer.from(a.value, 'utf8') };
    case 'ints': return { name, type: AT.INTS, ints: a.value };
    case 'floats': return { name, type: AT.FLOATS, floats: a.value };
    case 'strings': return { name, type: AT.STRINGS, strings: a.value.map((s) => Buffer.from(s, 'utf8')) };
    case 'tensor': return { name, type: AT.TENSOR, t: tensorProto('', a.value) };
  }
}

function valueInfoProto(v: ValueInfo, dynamicBatch: boolean): onnx.IValueInfoProto {
  const shape = v.shape?.map((d, i) => (dynamicBatch && i === 0 ? { dimParam: 'N' } : typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return {
    name: v.name,
    type: { tensorType: { elemType: TO_ONNX[v.dtype], shape: shape ? { dim: shape } : undefined } },
  };
}

export interface ToOnnxOptions {
  /** symbolic batch dimension on inputs and outputs (default: as traced, true) */
  dynamicBatch?: boolean;
  /** keep only initializers that nodes use (default true) */
  prune?: boolean;
}

/** Serialises the graph as ONNX ModelProto bytes. */
export function toOnnx(g: Graph, opts: ToOnnxOptions = {}): Uint8Array {
  const dynamic = opts.dynamicBatch ?? g.metadata.dynamicBatch !== 'false';
  const used = new Set<string>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) used.add(i);
  for (const o of g.outputs) used.add(o.name);
  const inits = [...g.initializers.values()].filter((i) => !(opts.prune ?? true) || used.has(i.name));
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: g.opset }],
    producerName: 'cnnlab',
    producerVersion: '0.1.0',
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name, opType: n.op, domain: n.domain || undefined, input: trimOptional(n.inputs), output: trimOptional(n.outputs),
        attribute: Object.entries(n.attrs).map(([k, a]) => attrProto(k, a)),
        docString: n.module ? `module: ${n.module}` : undefined,
      })),
      initializer: inits.map((i) => tensorProto(i.name, i.value())),
      input: g.inputs.map((v) => valueInfoProto(v, dynamic)),
      output: g.outputs.map((v) => valueInfoProto(v, dynamic)),
    },
    metadataProps: Object.entries({
      ...g.metadata,
      moduleTypes: JSON.stringify(Object.fromEntries(g.moduleTypes)),
      // modules that made no node of their own (Dropout, Identity at inference) keep their output for taps and summaries
      moduleOutputs: JSON.stringify(Object.fromEntries([...g.moduleOutputs].filter(([p]) => p && !g.nodes.some((n) => n.module === p)))),
    })
      .map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

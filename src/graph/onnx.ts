/**
 * Graph IR ⇄ ONNX ModelProto bytes: the writer (onnx-write.ts, types only from the IR) and the reader
 * (onnx-read.ts), kept apart as ONNX's own API keeps model and serializer apart.
 */
export { toOnnx, IR_VERSION } from './onnx-write';
export type { ToOnnxOptions } from './onnx-write';
export { fromOnnx, modulePathFromNodeName } from './onnx-read';
export type { FromOnnxOptions } from './onnx-read';

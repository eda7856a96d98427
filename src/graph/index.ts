export * from './ir';
export { toOnnx, fromOnnx, modulePathFromNodeName } from './onnx';
export type { ToOnnxOptions, FromOnnxOptions } from './onnx';
export { inferGraph } from './infer';
export { inferShapes, broadcast, windowOut } from './shapes';
export { nodeCost, graphCost } from './cost';
export type { NodeCost, GraphCost, OtherCategory } from './cost';

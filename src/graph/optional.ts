/** Optional inputs and outputs of ONNX nodes (used by the tracer, the ONNX writer and the reader). */

/**
 * Drops trailing '' names (absent optional inputs or outputs). ONNX writes an empty name only for an
 * absent optional argument that a present one follows; ONNX Runtime skips fusions (Conv+BatchNormalization
 * and others) on nodes that carry trailing empty inputs.
 */
export function trimOptional(names: readonly string[]): string[] {
  let end = names.length;
  while (end > 0 && !names[end - 1]) end--;
  return names.slice(0, end);
}

/** What ONNX Runtime makes of a model: the op counts of its optimized graph (for comparing two exports). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';

/**
 * Op type → count in ONNX Runtime's optimized graph ('extended': every fusion that does not depend on
 * the machine's memory layout, Conv+BatchNormalization and Conv+activation included).
 */
export async function ortOptimizedOps(path: string): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-ortopt-'));
  try {
    const file = join(dir, 'optimized.onnx');
    const s = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'extended', optimizedModelFilePath: file, intraOpNumThreads: 1 });
    await s.release();
    const m = onnx.ModelProto.decode(readFileSync(file));
    const counts = new Map<string, number>();
    for (const n of m.graph?.node ?? []) {
      const op = n.domain ? `${n.domain}.${n.opType}` : n.opType ?? '?';
      counts.set(op, (counts.get(op) ?? 0) + 1);
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ops whose counts differ: "Conv 53 vs 52, BatchNormalization 1 vs 0" ('' when equal). Identity/Constant ignored. */
export function opsDiff(a: Map<string, number>, b: Map<string, number>): string {
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !/(^|\.)(Identity|Constant)$/.test(k)).sort();
  return keys.filter((k) => (a.get(k) ?? 0) !== (b.get(k) ?? 0)).map((k) => `${k} ${a.get(k) ?? 0} vs ${b.get(k) ?? 0}`).join(', ');
}

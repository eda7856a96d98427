/**
 * What ONNX Runtime makes of a model: its optimized graph, reduced to a multiset of node signatures
 * (op, attributes other than ONNX's defaults, shapes of constant inputs), for telling whether two exports of one network end up as
 * the same computation. Unlike timings, this does not depend on machine load.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';

type Long = { toString(): string };

function attrText(a: onnx.IAttributeProto): string {
  const b = (x: Uint8Array | null | undefined) => Buffer.from(x ?? new Uint8Array()).toString('utf8');
  const n = (x: number | Long | null | undefined) => String(x ?? 0);
  if (a.t) return `tensor[${(a.t.dims ?? []).map(n).join(',')}]`;
  if (a.ints && a.ints.length) return `[${a.ints.map(n).join(',')}]`;
  if (a.floats && a.floats.length) return `[${a.floats.map((f) => Math.fround(f)).join(',')}]`;
  if (a.strings && a.strings.length) return `[${a.strings.map(b).join(',')}]`;
  if (a.s && a.s.length) return b(a.s);
  if (a.type === onnx.AttributeProto.AttributeType.FLOAT) return String(Math.fround(a.f ?? 0));
  return n(a.i);
}

/**
 * Attributes as text, sorted, without those that state ONNX's default (dilations/strides of 1, zero pads,
 * auto_pad NOTSET, ceil_mode/storage_order 0, group 1; count_include_pad without padding), so an export
 * that writes defaults out and one that leaves them implicit compare equal.
 */
function normalised(attrs: onnx.IAttributeProto[]): string[] {
  const text = new Map(attrs.map((a) => [a.name ?? '', attrText(a)]));
  const all = (v: string | undefined, x: string) => v !== undefined && /^\[.*\]$/.test(v) && v.slice(1, -1).split(',').every((e) => e === x);
  const noPads = !text.has('pads') || all(text.get('pads'), '0');
  const isDefault = (k: string, v: string) =>
    ((k === 'dilations' || k === 'strides') && all(v, '1')) || (k === 'pads' && all(v, '0')) || (k === 'auto_pad' && v === 'NOTSET')
    || ((k === 'ceil_mode' || k === 'storage_order') && v === '0') || (k === 'group' && v === '1') || (k === 'count_include_pad' && noPads);
  return [...text].filter(([k, v]) => !isDefault(k, v)).map(([k, v]) => `${k}=${v}`).sort();
}

export interface OrtGraph {
  /** op type (domain-qualified outside the default domain) → count; Identity and Constant left out */
  ops: Map<string, number>;
  /** node signature → count */
  signatures: Map<string, number>;
}

/**
 * ONNX Runtime's optimized graph of the file at 'extended' level (every fusion that does not depend on the
 * machine's memory layout: Conv+BatchNormalization, Conv+activation, Pad into Conv/pool, …).
 */
export async function ortOptimizedGraph(path: string): Promise<OrtGraph> {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-ortopt-'));
  try {
    const file = join(dir, 'optimized.onnx');
    const s = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'extended', optimizedModelFilePath: file, intraOpNumThreads: 1 });
    await s.release();
    const g = onnx.ModelProto.decode(readFileSync(file)).graph;
    const dims = new Map<string, string>((g?.initializer ?? []).map((t) => [t.name ?? '', `[${(t.dims ?? []).map(String).join(',')}]`]));
    const ops = new Map<string, number>(), signatures = new Map<string, number>();
    for (const n of g?.node ?? []) {
      const op = n.domain ? `${n.domain}.${n.opType}` : n.opType ?? '?';
      if (/^(Identity|Constant)$/.test(op)) continue;
      const attrs = normalised(n.attribute ?? []).join(' ');
      const consts = (n.input ?? []).map((i) => dims.get(i) ?? (i ? '·' : '∅')).join(' ');
      const sig = `${op} {${attrs}} (${consts})`;
      ops.set(op, (ops.get(op) ?? 0) + 1);
      signatures.set(sig, (signatures.get(sig) ?? 0) + 1);
    }
    return { ops, signatures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 'identical' when both graphs hold the same nodes (op, attributes, constant shapes; order and names aside);
 * else what differs: "Concat 15 vs 11" for op counts, "FusedConv: 3 nodes differ" for same counts.
 */
export function ortGraphDiff(a: OrtGraph, b: OrtGraph): string {
  const parts: string[] = [];
  for (const op of [...new Set([...a.ops.keys(), ...b.ops.keys()])].sort()) {
    const x = a.ops.get(op) ?? 0, y = b.ops.get(op) ?? 0;
    if (x !== y) { parts.push(`${op} ${x} vs ${y}`); continue; }
    let differ = 0;
    for (const [sig, k] of a.signatures) if (sig.startsWith(`${op} {`)) differ += Math.max(0, k - (b.signatures.get(sig) ?? 0));
    if (differ) parts.push(`${op}: ${differ} nodes differ`);
  }
  return parts.length ? parts.join(', ') : 'identical';
}

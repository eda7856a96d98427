/**
 * Activation memory of an inference pass: the sum of all outputs, and the peak of live values over the
 * graph's topological node order.
 *
 * Liveness: node i runs at step i. A value produced by node p is live from step p through step l, its last
 * consumer (through p when nothing consumes it). Graph inputs are live from step 0 through their last
 * consumer (`includeInputs`). Graph outputs stay live to the last step when `includeOutputs` (default: the
 * caller receives them, so they must be kept). While node i runs, its inputs and outputs are all live.
 * Values computed from initializers only (weights, constants) are not activations and are left out,
 * as are initializers. No in-place reuse is assumed (ONNX Runtime may reuse buffers; this is the
 * framework-independent upper bound of the plain schedule).
 */
import { Graph } from '../graph/ir';
import { staticValues, valueBytes } from './graph-util';

export interface MemoryOptions {
  /** count the graph inputs as live until their last consumer (default true) */
  includeInputs?: boolean;
  /** keep the graph outputs live to the end (default true) */
  includeOutputs?: boolean;
}

export interface LiveInterval {
  value: string;
  bytes: number;
  /** first step the value is live (−1 for graph inputs: before the first node) */
  from: number;
  /** last step the value is live */
  to: number;
}

export interface MemoryReport {
  /** bytes of the graph inputs */
  inputBytes: number;
  /** sum of the bytes of every node output that depends on an input */
  activationBytes: number;
  /** maximum over steps of the live bytes */
  peakBytes: number;
  /** the step (node index) of the first maximum; -1 for an empty graph */
  peakIndex: number;
  /** live bytes at each step */
  liveBytes: number[];
  intervals: LiveInterval[];
  includeInputs: boolean;
  includeOutputs: boolean;
}

export function activationMemory(g: Graph, opts: MemoryOptions = {}): MemoryReport {
  const includeInputs = opts.includeInputs ?? true;
  const includeOutputs = opts.includeOutputs ?? true;
  const st = staticValues(g);
  const n = g.nodes.length;
  const last = n - 1;
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  let inputBytes = 0;
  for (const inp of g.inputs) {
    if (st.has(inp.name)) continue;
    inputBytes += valueBytes(g, inp.name);
    if (includeInputs) { start.set(inp.name, -1); end.set(inp.name, -1); }
  }
  let activationBytes = 0;
  g.nodes.forEach((node, i) => {
    for (const x of node.inputs) if (x && start.has(x)) end.set(x, Math.max(end.get(x)!, i));
    for (const o of node.outputs) {
      if (!o || st.has(o) || start.has(o)) continue;
      start.set(o, i); end.set(o, i);
      activationBytes += valueBytes(g, o);
    }
  });
  if (includeOutputs) for (const o of g.outputs) if (start.has(o.name)) end.set(o.name, Math.max(end.get(o.name)!, last));
  const intervals: LiveInterval[] = [];
  const diff = new Float64Array(n + 1);
  for (const [v, from] of start) {
    const to = end.get(v)!;
    const bytes = valueBytes(g, v);
    intervals.push({ value: v, bytes, from, to });
    const a = Math.max(0, from), b = Math.max(a, to);
    if (n === 0) continue;
    diff[a] += bytes; diff[b + 1] -= bytes;
  }
  const liveBytes: number[] = [];
  let cur = 0, peakBytes = 0, peakIndex = -1;
  for (let i = 0; i < n; i++) {
    cur += diff[i];
    liveBytes.push(cur);
    if (cur > peakBytes || peakIndex < 0) { peakBytes = cur; peakIndex = i; }
  }
  return { inputBytes, activationBytes, peakBytes, peakIndex, liveBytes, intervals, includeInputs, includeOutputs };
}

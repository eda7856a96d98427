/**
 * The layout worker: holds the graph data, answers layout requests for a set of open blocks with the shared
 * layout module (src/display/layout.ts — the same code draws the PNG fallback in Node, so the first view and
 * the PNG match). Bundled by scripts/build-worker.js into a string the page starts as a Blob worker.
 */
import type { GraphData } from '../../../src/display/schema';
import { layoutGraph } from '../../../src/display/layout';

let data: GraphData | null = null;

type Request = { type: 'data'; data: GraphData } | { type: 'layout'; id: number; open: string[]; edgeLabels: boolean };

self.onmessage = (ev: MessageEvent<Request>) => {
  const m = ev.data;
  if (m.type === 'data') { data = m.data; return; }
  if (!data) { (self as unknown as Worker).postMessage({ id: m.id, error: 'no graph data' }); return; }
  try {
    const t0 = performance.now();
    // depth 0 + expand: exactly the blocks asked are open (and only where their parents are)
    const result = layoutGraph(data, { depth: 0, expand: m.open, edgeLabels: m.edgeLabels });
    (self as unknown as Worker).postMessage({ id: m.id, result, ms: performance.now() - t0 });
  } catch (e) {
    (self as unknown as Worker).postMessage({ id: m.id, error: String((e as Error)?.message ?? e) });
  }
};

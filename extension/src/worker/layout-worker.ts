/**
 * The layout worker: holds the graph data, answers layout requests for an expansion state.
 * Bundled by scripts/build-worker.js into a string the page starts as a Blob worker (no extra URL to serve).
 */
import type { GraphData } from '../../../src/display/schema';
import { layoutGraph } from '../layout-interim';

let data: GraphData | null = null;

type Request = { type: 'data'; data: GraphData } | { type: 'layout'; id: number; expanded: string[] };

self.onmessage = (ev: MessageEvent<Request>) => {
  const m = ev.data;
  if (m.type === 'data') { data = m.data; return; }
  if (!data) { (self as unknown as Worker).postMessage({ id: m.id, error: 'no graph data' }); return; }
  try {
    const t0 = performance.now();
    const result = layoutGraph(data, new Set(m.expanded));
    (self as unknown as Worker).postMessage({ id: m.id, result, ms: performance.now() - t0 });
  } catch (e) {
    (self as unknown as Worker).postMessage({ id: m.id, error: String((e as Error)?.message ?? e) });
  }
};

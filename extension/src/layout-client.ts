/**
 * The page side of the layout worker: one worker per diagram, a time limit per layout (the worker is
 * terminated and restarted when it runs over, and the caller is told).
 */
import type { GraphData } from '../../src/display/schema';
import type { GraphLayout } from '../../src/display/layout';
import workerSource from './generated/layout-worker-source';

export class LayoutTimeout extends Error {}

let sourceUrl: string | null = null;
function workerUrl(): string {
  if (!sourceUrl) sourceUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  return sourceUrl;
}

export class LayoutClient {
  private worker: Worker | null = null;
  private next = 1;

  constructor(private readonly data: GraphData, private readonly limitMs: number) {}

  private start(): Worker {
    if (!this.worker) {
      this.worker = new Worker(workerUrl());
      this.worker.postMessage({ type: 'data', data: this.data });
    }
    return this.worker;
  }

  layout(open: ReadonlySet<string>, edgeLabels: boolean): Promise<{ result: GraphLayout; ms: number }> {
    const w = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        w.removeEventListener('message', onMsg);
        this.dispose();
        reject(new LayoutTimeout(`layout took longer than ${(this.limitMs / 1000).toFixed(0)} s`));
      }, this.limitMs);
      const onMsg = (ev: MessageEvent) => {
        if (ev.data.id !== id) return;
        clearTimeout(timer);
        w.removeEventListener('message', onMsg);
        if (ev.data.error) reject(new Error(ev.data.error));
        else resolve({ result: ev.data.result, ms: ev.data.ms });
      };
      w.addEventListener('message', onMsg);
      w.postMessage({ type: 'layout', id, open: [...open], edgeLabels });
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

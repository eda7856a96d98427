/**
 * Progress of long asynchronous computations (occlusion maps, comparisons, `Session.runBatches`): a small
 * interface, not a display. A computation reports through `progressReporter(label, total, onProgress)`: the
 * caller's callback when one is given, nothing when it is `false`, and otherwise the installed factory's sink.
 * The cnnlab kernel installs its progress bar (one display updated in place) with `setProgressFactory`, which
 * the package's public index exports; the library never imports the kernel or the display layer for it.
 */
export type ProgressCallback = (done: number, total?: number) => void;

export interface ProgressSink {
  update(done: number): unknown;
  done(): unknown;
}

export type ProgressFactory = (total: number | undefined, label: string) => ProgressSink;

let factory: ProgressFactory | null = null;

/** Installs (or with null removes) the default progress display; returns the previous one. */
export function setProgressFactory(f: ProgressFactory | null): ProgressFactory | null {
  const prev = factory;
  factory = f;
  return prev;
}

export interface Reporter {
  /** `done` steps of `total` (the reporter's total when omitted) */
  (done: number, total?: number): void;
  /** the computation ended (the bar's last render) */
  finish(): void;
}

export function progressReporter(label: string, total: number | undefined, onProgress?: ProgressCallback | false): Reporter {
  let sink: ProgressSink | null = null;
  const report = ((done: number, t?: number) => {
    if (typeof onProgress === 'function') { onProgress(done, t ?? total); return; }
    if (onProgress === false || !factory) return;
    if (!sink) sink = factory(t ?? total, label);
    sink.update(done);
  }) as Reporter;
  report.finish = () => { sink?.done(); };
  return report;
}

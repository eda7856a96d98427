/**
 * Data of `application/vnd.cnnlab.compare+json` (DESIGN.md "Display contract"): a Canziani-style model
 * comparison (Canziani et al. 2016) — operations against latency, or against accuracy when given, with bubble
 * area proportional to parameters, and the table. Types only: re-exported from `schema.ts`.
 */

export interface CompareRow {
  name: string;
  /** input shape the model was counted (and timed) at, batch first */
  inputShape: number[];
  /** trainable parameters */
  params: number;
  /** multiply-accumulates of Conv/Gemm/MatMul at `inputShape` */
  macs: number;
  /** 2·MACs */
  flops: number;
  /** bytes of the parameters at their dtype */
  paramBytes: number;
  /** the largest sum of live activations (bytes) */
  peakActivationBytes: number;
  /** median milliseconds of one run on the whole batch; null when not timed */
  latencyMs: number | null;
  imagesPerSecond: number | null;
  /** 2·MACs / latency in GFLOP/s */
  gflopsPerSecond: number | null;
  /** ONNX Runtime execution provider that ran it */
  device: string | null;
  /** accuracy given by the user (e.g. top-1 % reported by the paper); absent or null when not given */
  accuracy?: number | null;
}

export interface CompareData {
  version: 1;
  title: string;
  rows: CompareRow[];
  /** what `rows[].accuracy` is, e.g. 'top-1 accuracy (%)'; present when some row has an accuracy */
  accuracyLabel?: string;
  /** the chart's y axis: accuracy when given, else latency when timed, else parameters (no bubble scaling then) */
  y: 'accuracy' | 'latency' | 'params';
}

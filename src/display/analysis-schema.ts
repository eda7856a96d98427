/**
 * Data of `application/vnd.cnnlab.summary+json` and `application/vnd.cnnlab.graph+json`
 * (DESIGN.md "Display contract"). The analysis functions produce these; the JupyterLab extension
 * renders them. Shapes are arrays of numbers (a symbolic dimension is its name).
 */
/** a dimension: a number, or the name of a symbolic one (`'N'`); the same as graph/ir's `Dim` */
export type Dim = number | string;

/** Categories of non-MAC work (graph/cost.ts): elementwise counts, pooling counts output × window. */
export type OtherOpCategory = 'bn' | 'activation' | 'pooling' | 'add' | 'mul' | 'concat' | 'other';

export interface SummaryRow {
  /** module path (`layer1.0.conv1`, '' for the model); op rows: `<module>/<Op>` */
  path: string;
  /** last path segment (the model's class name for the root) */
  name: string;
  /** a module of the tree, or ONNX ops that a module's forward emitted directly (functional calls such as F.add) */
  kind: 'module' | 'op';
  /** torch class name (`Conv2d`, `Bottleneck`); the ONNX op for op rows; for imported ONNX without module types, the ops of a leaf joined by '+' */
  type: string;
  /** 0 for the model, 1 for its children, ... */
  depth: number;
  /** shape of the module's output (its last call), null when unknown */
  outputShape: Dim[] | null;
  /** whether rows below it are hidden by the depth limit or it has no children */
  leaf: boolean;
  /** graph nodes under this row */
  nodes: number;
  /** trainable parameters used by the nodes under this row (a shared parameter counted once) */
  params: number;
  /** buffers (BN running statistics) used by the nodes under this row */
  buffers: number;
  /** multiply-accumulates of Conv/ConvTranspose/Gemm/MatMul under this row */
  macs: number;
  /** 100·macs / total MACs */
  macsPercent: number;
  /** 100·params / total params */
  paramsPercent: number;
  /** other ops under this row by category (absent with the paper convention) */
  other?: Partial<Record<OtherOpCategory, number>>;
  /**
   * For a leaf module called more than once (torchvision's Bottleneck applies one `relu` three times):
   * which call this row is (1-based) and how many there are. Each call has its own row with its own output
   * shape and cost; its parameters and buffers count on the first call's row only.
   */
  call?: number;
  calls?: number;
}

export interface SummaryTotals {
  /** trainable parameters (each initializer once; Identity aliases of a parameter in imported ONNX count as the parameter they name) */
  params: number;
  /** buffers (BN running mean/var) */
  buffers: number;
  /** elements of other constants (Clip bounds, Reshape shapes, ...) */
  constants: number;
  macs: number;
  /** 2·MACs */
  flops: number;
  /** other ops by category, each on its own line (null with the paper convention) */
  otherOps: Record<OtherOpCategory, number> | null;
  /** bytes of the trainable parameters at their dtype */
  paramBytes: number;
  bufferBytes: number;
  /** bytes of the graph inputs */
  inputBytes: number;
  /** sum of the bytes of every node output that depends on an input (not the inputs; not values computed from constants only) */
  activationBytes: number;
  /** the largest sum of live values over the node order (see `convention.memory`) */
  peakActivationBytes: number;
  /** the node during which the peak is reached */
  peakAt: { index: number; node: string; op: string; module: string } | null;
  peakIncludesInputs: boolean;
  peakIncludesOutputs: boolean;
}

export interface SummaryData {
  version: 1;
  /** model (class) name or file */
  model: string;
  /** shapes of the graph inputs */
  inputs: { name: string; shape: Dim[] | null; dtype: string }[];
  /** depth the rows are aggregated to */
  depth: number;
  paperConvention: boolean;
  /** the conventions behind the numbers, in words */
  convention: { macs: string; flops: string; other: string; memory: string; paper?: string };
  rows: SummaryRow[];
  totals: SummaryTotals;
  /** 'random' when the model's weights were never loaded or trained (the footer says so) */
  weights?: 'random';
}

export interface GraphNodeData {
  /** node id: the node name (unique in the graph), or `input:<name>` / `output:<name>` */
  id: string;
  /** ONNX op; 'Input' / 'Output' for the graph's inputs and outputs */
  op: string;
  /** module path of the node ('' for the root) */
  module: string;
  /** op category for colouring */
  category: 'macs' | OtherOpCategory | 'none' | 'io';
  outputShape: Dim[] | null;
  /** initializers the node reads (weights' shapes, as Netron shows them) */
  weights: { name: string; shape: number[]; kind: 'parameter' | 'buffer' | 'constant' }[];
  /** trainable parameters the node reads */
  params: number;
  macs: number;
  /** ONNX attributes that matter for reading a diagram (kernel, stride, pads, dilation, group, axis) */
  attrs?: Record<string, number | number[] | string>;
}

export interface GraphEdgeData {
  from: string;
  to: string;
  /** the value passed */
  value: string;
  shape: Dim[] | null;
}

export interface GraphBlockData {
  /** module path; for call k ≥ 2 of a leaf module called several times, `path#k` */
  path: string;
  /** for a leaf module called more than once: which call (1-based) and how many (each call is its own block) */
  call?: number;
  calls?: number;
  type: string;
  /** parent block path (null for top-level blocks) */
  parent: string | null;
  depth: number;
  /** nodes directly in this block (not in its sub-blocks) */
  nodes: string[];
  /** sub-block paths */
  children: string[];
  params: number;
  macs: number;
  outputShape: Dim[] | null;
}

export interface GraphData {
  version: 1;
  name: string;
  /** blocks deeper than this start collapsed */
  depth: number;
  nodes: GraphNodeData[];
  edges: GraphEdgeData[];
  blocks: GraphBlockData[];
  totals: { params: number; macs: number; nodes: number };
}

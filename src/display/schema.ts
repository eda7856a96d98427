/**
 * Data schemas of cnnlab's custom MIME types (DESIGN.md "Display contract").
 * The JupyterLab extension imports these same types. This module and the `*-schema.ts` files it
 * re-exports hold types and the MIME constant only: they import nothing else (test/arch checks it).
 */
export const MIME = {
  graph: 'application/vnd.cnnlab.graph+json',
  summary: 'application/vnd.cnnlab.summary+json',
  featuremaps: 'application/vnd.cnnlab.featuremaps+json',
  prcurve: 'application/vnd.cnnlab.prcurve+json',
  maptable: 'application/vnd.cnnlab.maptable+json',
  compare: 'application/vnd.cnnlab.compare+json',
  training: 'application/vnd.cnnlab.training+json',
} as const;
export type CnnlabMime = (typeof MIME)[keyof typeof MIME];

/**
 * application/vnd.cnnlab.summary+json (SummaryData); GraphData is the graph diagram's data as analysis makes it,
 * and application/vnd.cnnlab.graph+json carries it packed (GraphWire, version 2: graph-schema.ts says how to
 * read it; graph-codec.ts's `decodeGraph` gives the GraphData back)
 */
export type { SummaryData, SummaryRow, SummaryTotals, OtherOpCategory, GraphData, GraphNodeData, GraphEdgeData, GraphBlockData } from './analysis-schema';
/** application/vnd.cnnlab.prcurve+json and application/vnd.cnnlab.maptable+json */
export type { PrCurveData, PrCurveClass, MapTableData, MapTableRow, DetEvalStyle } from './det-schema';
/** application/vnd.cnnlab.featuremaps+json */
export type { FeatureMapsData, Colormap } from './featuremaps-schema';
export type { GraphWire, GraphWireNode, GraphWireBlock } from './graph-schema';
/** application/vnd.cnnlab.compare+json */
export type { CompareData, CompareRow } from './compare-schema';
/** application/vnd.cnnlab.training+json */
export type { TrainingData, TrainingSeries } from './training-schema';

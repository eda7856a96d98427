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
} as const;
export type CnnlabMime = (typeof MIME)[keyof typeof MIME];

/** application/vnd.cnnlab.summary+json and application/vnd.cnnlab.graph+json */
export type { SummaryData, SummaryRow, SummaryTotals, OtherOpCategory, GraphData, GraphNodeData, GraphEdgeData, GraphBlockData } from './analysis-schema';
/** application/vnd.cnnlab.prcurve+json and application/vnd.cnnlab.maptable+json */
export type { PrCurveData, PrCurveClass, MapTableData, MapTableRow, DetEvalStyle } from './det-schema';
/** application/vnd.cnnlab.featuremaps+json */
export type { FeatureMapsData, Colormap } from './featuremaps-schema';

/**
 * Analysis computes data: summary tables (params, MACs, FLOPs, memory), graph diagram data, receptive fields,
 * cost ratios, class activation maps, occlusion maps and model comparisons. It never imports the display
 * layer; the public `analysis` namespace (src/api/analysis.ts) adds the displayable forms.
 */
export { summaryData } from './summary';
export type { SummaryOptions } from './summary';
export { graphData } from './graph-data';
export type { GraphDataOptions } from './graph-data';
export { activationMemory } from './memory';
export type { MemoryOptions, MemoryReport, LiveInterval } from './memory';
export { receptiveFieldData, receptiveFieldsOfGraph, receptiveFieldOfStack, ReceptiveFieldData } from './receptive-field';
export type { ReceptiveField, ReceptiveFieldRow, ReceptiveFieldOptions, StackLayer } from './receptive-field';
export { separableCostRatio, separableCostFraction } from './cost';
export { cam, findCamHead, resizeBilinear } from './cam';
export type { CamOptions, CamResult, CamHead } from './cam';
export { occlusion } from './occlusion';
export { predict, topk, Predictions, hasRandomWeights, RANDOM_WEIGHTS_NOTE } from './predict';
export type { Prediction, TopkOptions } from './predict';
export type { OcclusionOptions, OcclusionResult } from './occlusion';
export { compareRows } from './compare';
export type { CompareEntry, CompareOptions, ComparisonRow } from './compare';
export type { ModelLike } from './graph-util';

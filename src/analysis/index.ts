/**
 * Analysis: summary tables (params, MACs, FLOPs, memory), receptive fields, cost ratios, class
 * activation maps and occlusion maps. `import { analysis } from 'cnnlab'`.
 */
export { summary, summaryData, Summary } from './summary';
export type { SummaryOptions } from './summary';
export { activationMemory } from './memory';
export type { MemoryOptions, MemoryReport, LiveInterval } from './memory';
export { receptiveField, receptiveFieldsOfGraph, receptiveFieldOfStack, ReceptiveFields } from './receptive-field';
export type { ReceptiveField, ReceptiveFieldRow, ReceptiveFieldOptions, StackLayer } from './receptive-field';
export { separableCostRatio, separableCostFraction } from './cost';
export { cam, findCamHead, resizeBilinear } from './cam';
export type { CamOptions, CamResult, CamHead } from './cam';
export { occlusion } from './occlusion';
export type { OcclusionOptions, OcclusionResult } from './occlusion';
export { graphDisplay, graphData, GraphDisplay } from '../display/graph';
export type { GraphDisplayOptions } from '../display/graph';
export { compare, Comparison } from './compare';
export type { CompareEntry, CompareOptions, ComparisonRow } from './compare';

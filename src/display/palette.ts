/**
 * Op categories of the architecture diagram, their colours and legend labels (Netron's idea: colour says what
 * kind of work a node does). Pure data: the PNG renderer and the JupyterLab extension use the same table.
 */
import type { GraphNodeData } from './analysis-schema';

export type OpCategory = GraphNodeData['category'];

export const CATEGORY_STYLE: Record<OpCategory, { fill: string; stroke: string; label: string }> = {
  macs: { fill: '#4e79a7', stroke: '#2f4b68', label: 'Conv / Gemm / MatMul (MACs)' },
  bn: { fill: '#76b7b2', stroke: '#4a7f7a', label: 'normalization' },
  activation: { fill: '#e15759', stroke: '#9c3032', label: 'activation' },
  pooling: { fill: '#59a14f', stroke: '#3a6b33', label: 'pooling' },
  add: { fill: '#f28e2b', stroke: '#a65e16', label: 'add' },
  mul: { fill: '#edc948', stroke: '#a88a1f', label: 'mul' },
  concat: { fill: '#b07aa1', stroke: '#79506e', label: 'concat' },
  other: { fill: '#bab0ac', stroke: '#7c7370', label: 'other ops' },
  none: { fill: '#d7d7d7', stroke: '#9a9a9a', label: 'reshape / no arithmetic' },
  io: { fill: '#ffffff', stroke: '#333333', label: 'input / output' },
};

/** text colour that reads on a category's fill */
export function categoryText(c: OpCategory): string {
  return c === 'macs' || c === 'activation' || c === 'concat' || c === 'pooling' ? '#ffffff' : '#1a1a1a';
}

/** collapsed module blocks */
export const BLOCK_STYLE = { fill: '#eef2f8', stroke: '#5b6b82', text: '#1a1a1a' };
/** expanded module blocks (clusters) */
export const CLUSTER_STYLE = { fill: '#f8f9fb', stroke: '#9aa5b5', text: '#44516a' };

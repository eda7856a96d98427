/** What a gradient rule sees: the builder, the forward node, shapes, and what its training forward saved. */
import { AttrValue, Node } from '../../graph/ir';
import { Builder } from '../builder';

export interface RuleCtx {
  b: Builder;
  node: Node;
  /** module path of the node (backward nodes are emitted under it) */
  m: string;
  /** values the rule's training forward kept for the backward (MaxPool indices, BN batch statistics) */
  saved: Record<string, string>;
}

export interface ForwardCtx extends RuleCtx {
  /** BatchNorm momentum of the module that made the node */
  bnMomentum(module: string): number;
  /** a new graph input the trainer feeds each step (dropout masks) */
  addInput(name: string, shape: readonly number[], info: { kind: 'dropout'; p: number }): void;
  /** a buffer's value after the step (BN running statistics) */
  updateBuffer(name: string, value: string): void;
}

export interface GradRule {
  /** emits the node's training-mode forward (default: the node as traced) */
  forward?(c: ForwardCtx): void;
  /**
   * Emits the backward: gradients of the node's inputs given those of its outputs (`dy[j]` null when output j
   * gets none); `need[i]` says which input gradients are wanted. Returns one name or null per input.
   */
  backward(c: RuleCtx, dy: (string | null)[], need: boolean[]): (string | null)[];
}

export function intsAttr(n: Node, name: string, def: readonly number[]): number[] {
  const a: AttrValue | undefined = n.attrs[name];
  return a && (a.type === 'ints' || a.type === 'floats') ? [...a.value] : [...def];
}
export function intAttr(n: Node, name: string, def: number): number {
  const a = n.attrs[name];
  return a && (a.type === 'int' || a.type === 'float') ? a.value : def;
}
export function strAttr(n: Node, name: string, def: string): string {
  const a = n.attrs[name];
  return a && a.type === 'string' ? a.value : def;
}
export const ints = (value: readonly number[]): AttrValue => ({ type: 'ints', value: [...value] });
export const int = (value: number): AttrValue => ({ type: 'int', value });
export const float = (value: number): AttrValue => ({ type: 'float', value });

/** The gradient a node output receives, or zeros of its shape when it receives none. */
export function gradOrZeros(c: RuleCtx, dy: string | null, value: string): string {
  if (dy) return dy;
  const shape = c.b.shape(value);
  return c.b.op('ConstantOfShape', [c.b.i64(shape)], {}, c.m, shape);
}

/** Which image tensors hold normalised pixels ((x − mean) / std per channel), so displays can undo it. */
import type { Tensor } from './tensor';

export interface Normalization { mean: readonly number[]; std: readonly number[] }
const NORMALIZED = new WeakMap<Tensor, Normalization>();

/** Records that an image tensor holds (x − mean) / std per channel (loadImage does, so displays can undo it). */
export function markNormalized<T extends Tensor>(t: T, norm: Normalization): T {
  NORMALIZED.set(t, { mean: [...norm.mean], std: [...norm.std] });
  return t;
}

/** The per-channel normalisation an image tensor was made with (by loadImage/imageToTensor), if any. */
export function imageNormalization(t: Tensor): Normalization | undefined {
  return NORMALIZED.get(t);
}

/**
 * Spatial pyramid pooling (He et al., "Spatial Pyramid Pooling in Deep Convolutional Networks for
 * Visual Recognition", ECCV 2014 / TPAMI 2015): max pooling of the feature map into n×n bins for each
 * pyramid level n, each flattened and concatenated → [N, C·Σn²], a fixed length for any input size.
 *
 * Two bin rules:
 * - 'adaptive' (default; PyTorch's AdaptiveMaxPool2d): bin i of a side of length a spans
 *   [⌊i·a/n⌋, ⌈(i+1)·a/n⌉). Always n bins, for any a ≥ 1.
 * - 'paper' (SPP-net §2.3): window ⌈a/n⌉, stride ⌊a/n⌋ (a max pool with those sizes). It gives n bins
 *   only for some sizes (e.g. a = 13 with n ∈ {6, 3, 2, 1}, where both rules coincide); otherwise the
 *   trace fails with a ShapeError naming the level and size.
 * A level whose bins are equally sized and evenly spaced traces to one MaxPool node; otherwise the
 * adaptive bins are sliced and reduced one by one.
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';

export type SppRule = 'adaptive' | 'paper';
export const SPP_RULES: readonly SppRule[] = ['adaptive', 'paper'];

/** Window and stride of the paper's rule on a side of length a for level n, and the bins it makes. */
export function sppPaperWindow(a: number, n: number): { window: number; stride: number; bins: number } {
  const window = Math.ceil(a / n), stride = Math.floor(a / n);
  return { window, stride, bins: stride > 0 ? Math.floor((a - window) / stride) + 1 : 0 };
}

/** Uniform (window, stride) of the adaptive bins of a side, or null when the bins are uneven. */
function uniformAdaptive(a: number, n: number): [number, number] | null {
  const bins = F.adaptiveBins(a, n);
  const len = bins[0][1] - bins[0][0];
  const stride = n > 1 ? bins[1][0] - bins[0][0] : len;
  return stride > 0 && bins.every(([s, e], i) => e - s === len && s === i * stride) ? [len, stride] : null;
}

export class SpatialPyramidPool extends Module {
  readonly levels: readonly number[];
  constructor(levels: readonly number[] = [6, 3, 2, 1], readonly rule: SppRule = 'adaptive') {
    super();
    if (!Array.isArray(levels) || !levels.length || levels.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new ConfigError('SpatialPyramidPool: levels must be positive integers', { expected: 'e.g. [6, 3, 2, 1] or [4, 2, 1]', got: JSON.stringify(levels), where: 'SpatialPyramidPool' });
    }
    if (!SPP_RULES.includes(rule)) throw new ConfigError('SpatialPyramidPool: unknown bin rule', { expected: `one of ${SPP_RULES.map((r) => `'${r}'`).join(', ')}`, got: String(rule), where: 'SpatialPyramidPool' });
    this.levels = [...levels];
  }

  /** Output length for C channels: C·Σn². */
  outputLength(channels: number): number {
    return channels * this.levels.reduce((a, n) => a + n * n, 0);
  }

  private level(x: SymTensor, n: number): SymTensor {
    const [h, w] = [x.shape[2], x.shape[3]];
    const where = x.tracer.path || '<root>';
    if (this.rule === 'paper') {
      const ph = sppPaperWindow(h, n), pw = sppPaperWindow(w, n);
      if (ph.bins !== n || pw.bins !== n) {
        throw new ShapeError(`SPP level ${n}: the paper's rule (window ⌈a/n⌉, stride ⌊a/n⌋) does not give ${n}×${n} bins on a ${h}×${w} map`, {
          expected: `${n}×${n} bins (use rule 'adaptive' for any size)`, got: `${ph.bins}×${pw.bins} bins (window ${ph.window}×${pw.window}, stride ${ph.stride}×${pw.stride})`, where,
        });
      }
      return F.maxPool2d(x, { kernel: [ph.window, pw.window], stride: [ph.stride, pw.stride] });
    }
    if (n === 1) return F.globalMaxPool(x);
    const uh = uniformAdaptive(h, n), uw = uniformAdaptive(w, n);
    if (uh && uw) return F.maxPool2d(x, { kernel: [uh[0], uw[0]], stride: [uh[1], uw[1]] });
    return F.adaptivePool2d(x, n, 'max');
  }

  forward(x: SymTensor): SymTensor {
    if (x.ndim !== 4) throw new ShapeError('SpatialPyramidPool expects an NCHW feature map', { expected: '[N, C, H, W]', got: fmtShape(x.shape), where: x.tracer.path || '<root>' });
    const parts = this.levels.map((n) => F.flatten(this.level(x, n), 1));
    return parts.length === 1 ? parts[0] : F.concat(parts, 1);
  }

  override extraRepr(): string {
    return `levels=[${this.levels.join(', ')}], rule='${this.rule}'`;
  }
}

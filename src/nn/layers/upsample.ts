import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';
import { checkChoice, checkNCHW, pyFloat, whereOf } from './check';

export type UpsampleMode = F.ResizeMode;
export const UPSAMPLE_MODES: readonly UpsampleMode[] = ['nearest', 'nearest-exact', 'bilinear'];

export interface UpsampleOptions {
  /** output spatial size; give this or `scaleFactor` */
  size?: F.Pair;
  /** output = floor(input · scaleFactor) */
  scaleFactor?: F.Pair;
  /** 'nearest' (default, PyTorch's floor rule), 'nearest-exact' or 'bilinear' */
  mode?: UpsampleMode;
  /** bilinear only (default false) */
  alignCorners?: boolean;
}

/**
 * torch.nn.Upsample on NCHW input, traced to one ONNX Resize: nearest (asymmetric, floor), nearest-exact
 * (half_pixel, round_prefer_ceil), bilinear with align_corners true (align_corners) or false (half_pixel,
 * PyTorch's source index (i + 0.5)/scale − 0.5 clamped at 0). A scale factor is used as PyTorch does
 * without recompute_scale_factor: source index = destination index / scale factor.
 */
export class Upsample extends Module {
  readonly mode: UpsampleMode;
  readonly size?: [number, number];
  readonly scaleFactor?: [number, number];
  readonly alignCorners?: boolean;
  private readonly sizeArg?: F.Pair;
  private readonly scaleArg?: F.Pair;

  constructor(opts: UpsampleOptions) {
    super();
    this.sizeArg = opts.size;
    this.scaleArg = opts.scaleFactor;
    const where = `Upsample(${JSON.stringify(opts)})`;
    this.mode = checkChoice(opts.mode ?? 'nearest', 'upsampling mode', UPSAMPLE_MODES, where);
    if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
      throw new ConfigError('Upsample needs exactly one of size and scaleFactor', { expected: 'size or scaleFactor', got: opts.size === undefined ? 'neither' : 'both', where });
    }
    if (opts.size !== undefined) {
      const ok = typeof opts.size === 'number' || (Array.isArray(opts.size) && opts.size.length === 2);
      const s = ok ? F.pair(opts.size) : [NaN, NaN];
      if (s.some((v) => !Number.isInteger(v) || v <= 0)) throw new ConfigError('Upsample size must be positive integers', { expected: 'an integer ≥ 1 or [h, w]', got: JSON.stringify(opts.size), where });
      this.size = s as [number, number];
    } else {
      const ok = typeof opts.scaleFactor === 'number' || (Array.isArray(opts.scaleFactor) && opts.scaleFactor.length === 2);
      const s = ok ? F.pair(opts.scaleFactor!) : [NaN, NaN];
      if (s.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) throw new ConfigError('Upsample scale factor must be positive', { expected: 'a number > 0 or [h, w]', got: JSON.stringify(opts.scaleFactor), where });
      this.scaleFactor = s as [number, number];
    }
    if (opts.alignCorners !== undefined && this.mode !== 'bilinear') {
      throw new ConfigError('align_corners only applies to bilinear upsampling', { expected: `alignCorners unset for mode '${this.mode}'`, got: String(opts.alignCorners), where });
    }
    this.alignCorners = this.mode === 'bilinear' ? opts.alignCorners ?? false : undefined;
  }

  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'Upsample');
    if (this.scaleFactor) {
      const out = [0, 1].map((i) => Math.floor(x.shape[2 + i] * this.scaleFactor![i]));
      if (out.some((v) => v < 1)) {
        throw new ShapeError('Upsample: output would be empty', { expected: 'input · scaleFactor ≥ 1', got: `${fmtShape(x.shape)} · ${fmtShape(this.scaleFactor)}`, where: whereOf(x) });
      }
    }
    return F.resize2d(x, { size: this.size, scale: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }

  /** as torch prints it: size as given or the scale factor as floats, the mode unquoted */
  override extraRepr(): string {
    const sf = this.scaleFactor;
    const s = this.size
      ? `size=${this.size[0] === this.size[1] && typeof this.sizeArg === 'number' ? this.size[0] : `(${this.size.join(', ')})`}`
      : `scale_factor=${typeof this.scaleArg === 'number' ? pyFloat(sf![0]) : `(${sf!.map(pyFloat).join(', ')})`}`;
    return `${s}, mode=${this.mode}`;
  }
}

/** torch.nn.UpsamplingNearest2d: nearest upsampling. */
export class UpsamplingNearest2d extends Upsample {
  constructor(opts: { size?: F.Pair; scaleFactor?: F.Pair }) { super({ ...opts, mode: 'nearest' }); }
}

/** torch.nn.UpsamplingBilinear2d: bilinear with align_corners=True (as PyTorch defines it). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(opts: { size?: F.Pair; scaleFactor?: F.Pair }) { super({ ...opts, mode: 'bilinear', alignCorners: true }); }
}

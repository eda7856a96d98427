/**
 * Xception's blocks (Chollet 2017, Figure 5) with the names of timm's legacy `xception` (`Block`):
 * `skip`/`skipbn` (1×1 strided projection + BN when the shape changes) and `rep`, a Sequential of
 * [ReLU, SeparableConv2d 3×3, BatchNorm2d] × reps (the first ReLU dropped for the entry block that
 * follows the stem), ending in MaxPool2d(3, stride, 1) when the block downsamples.
 */
import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { ReLU } from '../layers/activation';
import { MaxPool2d } from '../layers/pooling';
import { Sequential } from '../layers/container';
import { SeparableConv2d, SeparableMiddle } from '../layers/separable';
import { SymTensor } from '../trace';

export interface XceptionBlockOptions {
  /** start with a ReLU (false only for block1, right after the stem's ReLU) — default true */
  startWithRelu?: boolean;
  /** widen in the first separable conv (true) or in the last (false, the exit block) — default true */
  growFirst?: boolean;
  /** what each SeparableConv2d has between depthwise and pointwise (Figure 10): default 'none' */
  middle?: SeparableMiddle | (() => SeparableMiddle);
}

/** timm's legacy Xception `Block(in, out, reps, strides, start_with_relu, grow_first)`. */
export class XceptionBlock extends Module {
  override get typeName(): string { return 'Block'; }
  skip: Conv2d | null;
  skipbn: BatchNorm2d | null;
  rep: Sequential;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly reps: number, readonly stride = 1, opts: XceptionBlockOptions = {}) {
    super();
    const where = 'XceptionBlock';
    if (!Number.isInteger(reps) || reps < 1) throw new ConfigError('XceptionBlock reps must be a positive integer', { got: String(reps), where });
    if (!Number.isInteger(stride) || stride < 1) throw new ConfigError('XceptionBlock stride must be a positive integer', { got: String(stride), where });
    const growFirst = opts.growFirst ?? true;
    if (outChannels !== inChannels || stride !== 1) {
      this.skip = new Conv2d(inChannels, outChannels, 1, { stride, bias: false });
      this.skipbn = new BatchNorm2d(outChannels);
    } else {
      this.skip = null;
      this.skipbn = null;
    }
    const mid = () => (typeof opts.middle === 'function' ? opts.middle() : opts.middle ?? 'none');
    const layers: Module[] = [];
    for (let i = 0; i < reps; i++) {
      const inc = growFirst ? (i === 0 ? inChannels : outChannels) : inChannels;
      const outc = growFirst ? outChannels : (i < reps - 1 ? inChannels : outChannels);
      layers.push(new ReLU(i > 0), new SeparableConv2d(inc, outc, 3, { padding: 1, middle: mid() }), new BatchNorm2d(outc));
    }
    if (opts.startWithRelu === false) layers.shift();
    if (stride !== 1) layers.push(new MaxPool2d(3, { stride, padding: 1 }));
    this.rep = new Sequential(...layers);
  }

  forward(x: SymTensor): SymTensor {
    const y = this.rep.call(x);
    const s = this.skip && this.skipbn ? this.skipbn.call(this.skip.call(x)) : x;
    return F.add(y, s);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, reps=${this.reps}, stride=${this.stride}`;
  }
}

/** Entry-flow block: two separable convs widening to `cout`, max-pool stride 2, projected shortcut. */
export const xceptionEntryBlock = (cin: number, cout: number, opts: XceptionBlockOptions = {}) => new XceptionBlock(cin, cout, 2, 2, opts);
/** Middle-flow block: three ReLU-SepConv-BN at `c` channels, identity shortcut (repeated 8× in Xception). */
export const xceptionMiddleBlock = (c: number, opts: XceptionBlockOptions = {}) => new XceptionBlock(c, c, 3, 1, opts);
/** Exit-flow block: separable convs `cin → cin → cout` (grow last), max-pool stride 2, projected shortcut. */
export const xceptionExitBlock = (cin: number, cout: number, opts: XceptionBlockOptions = {}) => new XceptionBlock(cin, cout, 2, 2, { ...opts, growFirst: false });

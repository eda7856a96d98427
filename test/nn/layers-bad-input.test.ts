/**
 * Bad input (issue 3): a layer configured inconsistently fails at construction (ConfigError naming the
 * layer call, the offending values and what was expected) or at trace time (ShapeError naming the module
 * path) — before any ONNX is built, so nothing reaches ONNX Runtime.
 */
import { describe, expect, it } from 'vitest';
import { nn, CnnlabError, ConfigError, ShapeError } from '../../src';

const { Sequential } = nn;

/** The error `fn` throws, checked to be of `cls` and to mention every part. */
function caught(fn: () => unknown, cls: typeof CnnlabError, parts: string[]): CnnlabError {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(err, 'expected a throw').toBeInstanceOf(cls);
  const e = err as CnnlabError;
  for (const p of parts) expect(e.message).toContain(p);
  return e;
}

/** Holds one child under a name and passes every input on to it. */
class Holder extends nn.Module {
  constructor(name: string, child: nn.Module) { super(); (this as unknown as Record<string, nn.Module>)[name] = child; }
  forward(...xs: nn.SymTensor[]): nn.SymTensor { return this.namedChildren()[0][1].call(...xs); }
}

/** Traces `layer` nested at path `net.body.0` on inputs of the given shapes. */
function traceNested(layer: nn.Module, ...shapes: number[][]) {
  const model = new Holder('net', new Holder('body', new Holder('0', layer)));
  return model.trace(shapes.length === 1 ? shapes[0] : shapes);
}
const PATH = 'net.body.0';

describe('Conv2d', () => {
  it('channels not divisible by groups', () => {
    const e = caught(() => new nn.Conv2d(6, 8, 3, { groups: 4 }), ConfigError, ['channels not divisible by groups', 'groups=4', 'in 6, out 8']);
    expect(e.where).toContain('Conv2d(6, 8');
  });
  it('zero or negative sizes', () => {
    caught(() => new nn.Conv2d(0, 8, 3), ConfigError, ['in_channels', 'got 0']);
    caught(() => new nn.Conv2d(3, -2, 3), ConfigError, ['out_channels', 'got -2']);
    caught(() => new nn.Conv2d(3, 8, 0), ConfigError, ['kernel_size', 'got 0']);
    caught(() => new nn.Conv2d(3, 8, [3, -1]), ConfigError, ['kernel_size', '[3,-1]']);
    caught(() => new nn.Conv2d(3, 8, 3, { stride: 0 }), ConfigError, ['stride', 'got 0']);
    caught(() => new nn.Conv2d(3, 8, 3, { dilation: 1.5 }), ConfigError, ['dilation', '1.5']);
    caught(() => new nn.Conv2d(3, 8, 3, { padding: -1 }), ConfigError, ['padding', 'non-negative', 'got -1']);
    caught(() => new nn.Conv2d(3, 8, 3, { groups: 0 }), ConfigError, ['groups', 'got 0']);
  });
  it('unknown padding mode', () => {
    caught(() => new nn.Conv2d(3, 8, 3, { padding: 'full' as 'same' }), ConfigError, ['unknown padding mode', "'same' or 'valid'", "'full'"]);
    caught(() => new nn.Conv2d(3, 8, 3, { padding: 'same', stride: 2 }), ConfigError, ["'same' needs stride 1", 'stride 2×2']);
    caught(() => new nn.Conv2d(3, 8, 3, { padding: 1, paddingMode: 'mirror' as 'reflect' }), ConfigError, ['unknown padding_mode', "'zeros', 'reflect', 'replicate', 'circular'", '"mirror"']);
  });
  it('reflect/circular padding larger than the input allows, at trace time', () => {
    caught(() => traceNested(new nn.Conv2d(2, 2, 5, { padding: 2, paddingMode: 'reflect' }), [1, 2, 2, 6]), ShapeError, ['reflect padding larger than the input allows', 'size − 1', 'top 2', PATH]);
    caught(() => traceNested(new nn.Conv2d(2, 2, 7, { padding: 3, paddingMode: 'circular' }), [1, 2, 8, 2]), ShapeError, ['circular padding larger than the input allows', 'left 3', PATH]);
  });
  it('wrong input channel count, at trace time with the module path', () => {
    const e = caught(() => traceNested(new nn.Conv2d(3, 8, 3), [1, 4, 8, 8]), ShapeError, ['input has 4 channels', '[N, 3, H, W]', '[1, 4, 8, 8]', PATH]);
    expect(e.where).toBe(PATH);
  });
  it('input of the wrong rank', () => {
    caught(() => traceNested(new nn.Conv2d(3, 8, 3), [1, 3, 8]), ShapeError, ['NCHW', '[1, 3, 8]', PATH]);
  });
  it('kernel larger than the padded input', () => {
    const e = caught(() => traceNested(new nn.Conv2d(3, 8, 5, { padding: 1 }), [1, 3, 2, 9]), ShapeError, ['kernel larger than the padded input', '≥ 5', '[1, 3, 2, 9]', PATH]);
    expect(e.where).toContain(PATH);
    caught(() => traceNested(new nn.Conv2d(3, 8, 3, { dilation: 4 }), [1, 3, 8, 8]), ShapeError, ['kernel larger than the padded input', '≥ 9', PATH]);
  });
});

describe('ConvTranspose2d', () => {
  it('checks its options', () => {
    caught(() => new nn.ConvTranspose2d(4, 6, 3, { groups: 4 }), ConfigError, ['channels not divisible by groups', 'groups=4', 'in 4, out 6']);
    caught(() => new nn.ConvTranspose2d(4, 6, 3, { stride: 2, outputPadding: 2 }), ConfigError, ['output_padding must be smaller than either stride or dilation', 'stride 2, dilation 1']);
    caught(() => new nn.ConvTranspose2d(4, 6, 3, { padding: 'same' as unknown as number }), ConfigError, ['unknown padding mode', "'same'"]);
    caught(() => new nn.ConvTranspose2d(4, 6, 0), ConfigError, ['kernel_size', 'got 0']);
    caught(() => new nn.ConvTranspose2d(4, 6, 3, { outputPadding: -1 }), ConfigError, ['output_padding', 'got -1']);
  });
  it('fails at trace time when the padding leaves no output', () => {
    caught(() => traceNested(new nn.ConvTranspose2d(2, 2, 1, { padding: 1 }), [1, 2, 1, 4]), ShapeError, ['output size is not positive', '-1×', '[1, 2, 1, 4]', PATH]);
  });
  it('wrong input channel count', () => {
    caught(() => traceNested(new nn.ConvTranspose2d(4, 2, 3), [1, 2, 5, 5]), ShapeError, ['input has 2 channels', '[N, 4, H, W]', PATH]);
  });
});

describe('normalisation and activations', () => {
  it('BatchNorm2d: channel count and rank', () => {
    caught(() => traceNested(new nn.BatchNorm2d(8), [1, 6, 4, 4]), ShapeError, ['input has 6 channels', '[N, 8, H, W]', PATH]);
    caught(() => traceNested(new nn.BatchNorm2d(8), [2, 8]), ShapeError, ['[N, 8, H, W]', '[2, 8]', PATH]);
    caught(() => new nn.BatchNorm2d(0), ConfigError, ['num_features', 'got 0']);
    caught(() => new nn.BatchNorm2d(4, 0), ConfigError, ['eps', 'got 0']);
  });
  it('LocalResponseNorm: size and rank', () => {
    caught(() => new nn.LocalResponseNorm(0), ConfigError, ['size', 'got 0']);
    caught(() => new nn.LocalResponseNorm(2.5), ConfigError, ['size', 'got 2.5']);
    caught(() => traceNested(new nn.LocalResponseNorm(5), [1, 8, 4]), ShapeError, ['NCHW', '[1, 8, 4]', PATH]);
  });
  it('Softmax dim out of range', () => {
    caught(() => traceNested(new nn.Softmax(4), [1, 3, 4, 4]), ShapeError, ['Softmax dim out of range', '[-4, 3]', 'got 4', PATH]);
    caught(() => traceNested(new nn.Softmax(-3), [2, 5]), ShapeError, ['[-2, 1]', 'got -3', PATH]);
  });
  it('Dropout p outside [0, 1]', () => {
    caught(() => new nn.Dropout(1.5), ConfigError, ['dropout probability p', '[0, 1]', 'got 1.5']);
  });
  it('LeakyReLU/ELU need finite numbers', () => {
    caught(() => new nn.LeakyReLU(NaN), ConfigError, ['negative_slope', 'NaN']);
    caught(() => new nn.ELU(Infinity), ConfigError, ['alpha', 'Infinity']);
  });
});

describe('pooling and shape layers', () => {
  it('MaxPool2d/AvgPool2d: sizes and padding', () => {
    caught(() => new nn.MaxPool2d(0), ConfigError, ['kernel_size', 'got 0']);
    caught(() => new nn.MaxPool2d(3, { stride: -1 }), ConfigError, ['stride', 'got -1']);
    caught(() => new nn.MaxPool2d(3, { padding: 2 }), ConfigError, ['padding should be at most half of the kernel size', 'padding ≤ (1, 1)', 'padding [2, 2]']);
    caught(() => new nn.MaxPool2d(3, { dilation: 0 }), ConfigError, ['dilation', 'got 0']);
    caught(() => new nn.AvgPool2d([2, 4], { padding: [1, 3] }), ConfigError, ['padding ≤ (1, 2)', 'padding [1, 3]']);
    caught(() => new nn.AvgPool2d(2, { padding: -1 }), ConfigError, ['padding', 'non-negative']);
  });
  it('kernel larger than the padded input, at trace time', () => {
    caught(() => traceNested(new nn.MaxPool2d(5, { padding: 1 }), [1, 2, 2, 8]), ShapeError, ['kernel larger than the padded input', '≥ 5', PATH]);
    caught(() => traceNested(new nn.AvgPool2d(4), [1, 2, 8, 3]), ShapeError, ['kernel larger than the padded input', '[1, 2, 8, 3]', PATH]);
    caught(() => traceNested(new nn.MaxPool2d(2, { dilation: 4 }), [1, 2, 4, 4]), ShapeError, ['kernel larger than the padded input', '≥ 5', PATH]);
  });
  it('adaptive pools: zero or negative output sizes', () => {
    caught(() => new nn.AdaptiveAvgPool2d(0), ConfigError, ['output size must be positive', 'got 0']);
    caught(() => new nn.AdaptiveMaxPool2d([2, -1]), ConfigError, ['output size must be positive', '[2,-1]']);
    caught(() => traceNested(new nn.AdaptiveAvgPool2d(2), [1, 4]), ShapeError, ['NCHW', '[1, 4]', PATH]);
  });
  it('ChannelShuffle: channels not divisible by groups', () => {
    caught(() => traceNested(new nn.ChannelShuffle(3), [1, 8, 2, 2]), ShapeError, ['channels not divisible by groups', 'groups=3', '8 channels', PATH]);
    caught(() => new nn.ChannelShuffle(0), ConfigError, ['groups', 'got 0']);
  });
  it('Flatten dims', () => {
    caught(() => traceNested(new nn.Flatten(2, 1), [1, 2, 3, 4]), ShapeError, ['start_dim comes after end_dim', PATH]);
    caught(() => traceNested(new nn.Flatten(4), [1, 2, 3, 4]), ShapeError, ['Flatten start_dim out of range', 'got 4', PATH]);
  });
  it('Concat, Add and Mul: shapes that do not fit', () => {
    caught(() => traceNested(new nn.Concat(), [1, 2, 4, 4], [1, 3, 5, 4]), ShapeError, ['differ off the concat axis', '[1, 3, 5, 4]', PATH]);
    caught(() => traceNested(new nn.Add(), [1, 2, 4, 4], [1, 3, 4, 4]), ShapeError, ['do not broadcast', '[1, 2, 4, 4] and [1, 3, 4, 4]', PATH]);
    caught(() => traceNested(new nn.Mul(), [1, 4, 4, 4], [1, 2, 1, 1]), ShapeError, ['do not broadcast', PATH]);
  });
  it('Linear: wrong feature count', () => {
    caught(() => traceNested(new nn.Linear(8, 2), [1, 6]), ShapeError, ['input has 6 features', '[..., 8]', PATH]);
  });
  it('Upsample options', () => {
    caught(() => new nn.Upsample({ scaleFactor: 2, mode: 'bicubic' as 'nearest' }), ConfigError, ['unknown upsampling mode', "'nearest', 'nearest-exact', 'bilinear'", '"bicubic"']);
    caught(() => new nn.Upsample({ size: 4, scaleFactor: 2 }), ConfigError, ['exactly one of size and scaleFactor', 'both']);
    caught(() => new nn.Upsample({}), ConfigError, ['exactly one of size and scaleFactor', 'neither']);
    caught(() => new nn.Upsample({ scaleFactor: 2, alignCorners: true }), ConfigError, ['align_corners only applies to bilinear', "mode 'nearest'"]);
    caught(() => new nn.Upsample({ size: [4, 0] }), ConfigError, ['size must be positive', '[4,0]']);
    caught(() => new nn.Upsample({ scaleFactor: -2 }), ConfigError, ['scale factor must be positive', '-2']);
    caught(() => traceNested(new nn.Upsample({ scaleFactor: 0.1 }), [1, 2, 5, 5]), ShapeError, ['output would be empty', PATH]);
  });
});

describe('nothing reaches ONNX Runtime', () => {
  it('a model with a bad layer deep inside fails while tracing, naming that layer', () => {
    class Net extends nn.Module {
      stem = new Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU());
      head = new Sequential({ pool: new nn.AdaptiveAvgPool2d(2), shuffle: new nn.ChannelShuffle(3) });
      forward(x: nn.SymTensor): nn.SymTensor { return this.head.call(this.stem.call(x)); }
    }
    const e = caught(() => new Net().trace([1, 3, 16, 16]), ShapeError, ['head.shuffle', '8 channels']);
    expect(e.where).toBe('head.shuffle');
  });
});

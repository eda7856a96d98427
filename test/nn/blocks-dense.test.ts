import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { randn } from '../helpers/models';
import { T, fromTensor, conv, bn, relu, cat, pool, randomizeBatchNorm, runOrt, maxDiff } from './blocks-naive';

const { DenseLayer, DenseBlock, Transition, compressedChannels } = nn;

function naiveLayer(x: T, m: nn.DenseLayer): T {
  const y = conv(relu(bn(x, m.norm1)), m.conv1);
  return m.conv2 ? conv(relu(bn(y, m.norm2!)), m.conv2) : y;
}

function naiveBlock(x: T, m: nn.DenseBlock): T {
  const feats = [x];
  for (const [, l] of m.namedChildren()) feats.push(naiveLayer(cat(feats), l as nn.DenseLayer));
  return cat(feats);
}

async function check(m: nn.Module, shape: number[], naive: (x: T) => T, seed: number): Promise<number[]> {
  randomizeBatchNorm(m, seed + 50);
  const x = randn(shape, seed);
  const y = (await runOrt(m, x)).output;
  const ref = naive(fromTensor(x));
  expect(y.dims).toEqual(ref.dims);
  expect(ref.data.some((v) => Math.abs(v) > 0.05)).toBe(true);
  expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
  return [...y.dims];
}

describe('DenseNet blocks against naive loops', () => {
  it('DenseLayer with bottleneck (BN-ReLU-1×1 to bnSize·k, BN-ReLU-3×3 to k)', async () => {
    const m = new DenseLayer(6, 3, { bnSize: 2 });
    expect(m.conv1.outChannels).toBe(6);
    expect(await check(m, [2, 6, 5, 7], (x) => naiveLayer(x, m), 1)).toEqual([2, 3, 5, 7]);
  });

  it('DenseLayer without bottleneck (the plain H_ℓ: BN-ReLU-3×3)', async () => {
    const m = new DenseLayer(5, 4, { bottleneck: false });
    expect(m.conv1.kernelSize).toEqual([3, 3]);
    expect(m.conv2).toBeNull();
    expect(await check(m, [1, 5, 6, 6], (x) => naiveLayer(x, m), 2)).toEqual([1, 4, 6, 6]);
  });

  it('DenseBlock: layer ℓ sees k0 + (ℓ−1)·k channels; output k0 + L·k', async () => {
    const m = new DenseBlock(3, 5, 4, { bnSize: 2 });
    const layers = m.namedChildren().map(([k, l]) => [k, (l as nn.DenseLayer).numInputFeatures]);
    expect(layers).toEqual([['denselayer1', 5], ['denselayer2', 9], ['denselayer3', 13]]);
    expect(m.outChannels).toBe(17);
    expect(await check(m, [1, 5, 7, 6], (x) => naiveBlock(x, m), 3)).toEqual([1, 17, 7, 6]);
  });

  it('Transition: BN-ReLU-1×1 then 2×2/2 average pool (odd map 7×9 → 3×4)', async () => {
    const m = new Transition(6, 3);
    expect(await check(m, [2, 6, 7, 9], (x) => pool(conv(relu(bn(x, m.norm)), m.conv), 'avg', 2, 2), 4)).toEqual([2, 3, 3, 4]);
  });

  it('names and parameter counts are torchvision’s', () => {
    const l = new DenseLayer(64, 32);
    expect([...l.stateDict().keys()]).toEqual([
      'norm1.weight', 'norm1.bias', 'norm1.running_mean', 'norm1.running_var', 'conv1.weight',
      'norm2.weight', 'norm2.bias', 'norm2.running_mean', 'norm2.running_var', 'conv2.weight',
    ]);
    expect(l.numParameters()).toBe(2 * 64 + 64 * 128 + 2 * 128 + 128 * 32 * 9);
    const b = new DenseBlock(2, 64, 32);
    expect(b.stateDict().has('denselayer2.conv2.weight')).toBe(true);
    expect(b.typeName).toBe('_DenseBlock');
    expect(new Transition(256, 128).numParameters()).toBe(2 * 256 + 256 * 128);
  });

  it('compression θ: ⌊θ·m⌋ channels, θ outside (0, 1] rejected', () => {
    expect(compressedChannels(256, 0.5)).toBe(128);
    expect(compressedChannels(1024, 1)).toBe(1024);
    expect(compressedChannels(125, 0.5)).toBe(62);
    expect(() => compressedChannels(256, 0)).toThrow(ConfigError);
    expect(() => compressedChannels(256, 1.5)).toThrow(/0 < θ ≤ 1/);
    expect(() => new DenseLayer(8, 0)).toThrow(ConfigError);
  });
});

import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { separableCostFraction, separableCostRatio } from '../../src/analysis/cost';

const { Conv2d, Sequential } = nn;

describe('depthwise-separable cost ratio 1/N + 1/K²', () => {
  const cases: [number, number, number, number, number][] = [
    // M (in), N (out), K, H, W
    [32, 64, 3, 112, 112], // MobileNet's second layer
    [512, 512, 3, 14, 14],
    [16, 24, 5, 17, 9],
    [3, 7, 7, 10, 13],
    [8, 8, 1, 5, 5],
  ];
  for (const [M, N, K, H, W] of cases) {
    it(`M=${M} N=${N} K=${K} on ${H}×${W}: counted MACs match exactly`, () => {
      const pad = (K - 1) / 2;
      const std = graphCost(new Conv2d(M, N, K, { padding: pad, bias: false }).trace([1, M, H, W])).macs;
      const sep = graphCost(new Sequential(
        new Conv2d(M, M, K, { padding: pad, groups: M, bias: false }),
        new Conv2d(M, N, 1, { bias: false })).trace([1, M, H, W])).macs;
      // the counts themselves: H·W·M·N·K² and H·W·M·K² + H·W·M·N
      expect(std).toBe(H * W * M * N * K * K);
      expect(sep).toBe(H * W * M * K * K + H * W * M * N);
      // exactly: sep / std = (K² + N) / (N·K²), compared as integers
      const [num, den] = separableCostFraction(N, K);
      expect(sep * den).toBe(std * num);
      expect(Math.abs(sep / std - separableCostRatio(N, K))).toBeLessThanOrEqual(2 * Number.EPSILON);
    });
  }
  it('values and bad input', () => {
    expect(separableCostRatio(4, 2)).toBe(0.5);
    expect(separableCostRatio(1024, 3)).toBeCloseTo(1 / 1024 + 1 / 9, 15);
    expect(() => separableCostRatio(0, 3)).toThrow(ConfigError);
    expect(() => separableCostFraction(3, 2.5)).toThrow(/K must be a positive integer/);
  });
});

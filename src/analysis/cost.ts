/**
 * Cost arithmetic from the papers. Depthwise-separable convolution (MobileNet, Howard et al. 2017, eq. 5):
 * a K×K depthwise conv over M channels followed by a 1×1 pointwise conv to N channels costs
 * H·W·M·K² + H·W·M·N multiply-accumulates against H·W·M·N·K² for a standard K×K conv, a ratio of
 * 1/N + 1/K² (independent of M, H and W).
 */
import { ConfigError } from '../errors';

function check(N: number, K: number, where: string): void {
  for (const [k, v] of [['N', N], ['K', K]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`${where}: ${k} must be a positive integer`, { expected: 'an integer ≥ 1', got: String(v), where });
  }
}

/** MACs of a depthwise-separable conv over MACs of a standard conv: 1/N + 1/K² (N output channels, K×K kernel). */
export function separableCostRatio(N: number, K: number): number {
  check(N, K, 'separableCostRatio');
  return 1 / N + 1 / (K * K);
}

/** The same ratio as an exact fraction [numerator, denominator] = [K² + N, N·K²] (not reduced). */
export function separableCostFraction(N: number, K: number): [number, number] {
  check(N, K, 'separableCostFraction');
  return [K * K + N, N * K * K];
}

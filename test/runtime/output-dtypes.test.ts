import { describe, expect, it } from 'vitest';
import { Session } from '../../src/runtime/session';
import { RuntimeError } from '../../src/errors';
import { Tensor, nn } from '../../src';
import type { SymTensor } from '../../src/nn/trace';

class Pass extends nn.Module {
  forward(x: SymTensor): SymTensor { return x; }
}

describe('Session.run output dtypes (typed float32 by default, checked)', () => {
  it('an int64 output is reported unless its dtype is named', async () => {
    const s = await Session.create(new Pass().trace({ ids: { shape: [1, 3], dtype: 'int64' } }));
    const x = new Tensor('int64', [7n, -2n, 9n], [1, 3]);
    const err = await s.run({ ids: x }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(String((err as Error).message)).toMatch(/output 'output' is int64, not float32.*\{ dtype: 'int64' \}/);
    const out = await s.run({ ids: x }, { dtype: 'int64' });
    expect(out.output.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(out.output.data)).toEqual([7n, -2n, 9n]);
    const any = await s.run({ ids: x }, { dtype: 'any' });
    expect(any.output.dtype).toBe('int64');
  });

  it('float32 outputs come back as Float32Array', async () => {
    const s = await Session.create(new Pass().trace([1, 4]));
    const out = await s.run(new Tensor('float32', [1, 5, 2, 4], [1, 4]));
    expect(Math.max(...out.output.data)).toBe(5);
  });
});

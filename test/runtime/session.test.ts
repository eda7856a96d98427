import { describe, expect, it } from 'vitest';
import { Session, availableDevices } from '../../src/runtime/session';
import { RuntimeError, ShapeError, NotFoundError } from '../../src/errors';
import { nn } from '../../src';
import { maxAbsDiff, randn, TinyNet } from '../helpers/models';

describe('Session', () => {
  it('lists devices and reports what auto chose', async () => {
    const devs = await availableDevices();
    expect(devs).toContain('cpu');
    const s = await Session.create(new TinyNet().trace([1, 3, 17, 19]), { device: 'auto' });
    expect(devs).toContain(s.device);
  });

  it('each provider either runs the model or is refused with the list of available ones; unknown names are refused', async () => {
    const devs = await availableDevices();
    const net = new TinyNet().trace([1, 3, 17, 19]);
    for (const d of ['cuda', 'webgpu'] as const) {
      if (devs.includes(d)) {
        const s = await Session.create(net, { device: d });
        expect(s.device).toBe(d);
        await s.release();
      } else {
        // WebGPU is probed (its driver warnings on stderr) only when it was the device asked for
        const shown = d === 'webgpu' ? devs : devs.filter((x) => x !== 'webgpu');
        await expect(Session.create(net, { device: d })).rejects.toThrow(
          new RegExp(`device '${d}' is not available[^;]*; expected one of the available devices: ${shown.join(', ')}`),
        );
      }
    }
    await expect(Session.create(net, { device: 'tpu' as never })).rejects.toThrow(/unknown device; expected cpu \| cuda \| webgpu \| auto; got tpu/);
    await expect(Session.create(net, { device: 'tpu' as never })).rejects.toThrow(RuntimeError);
  });

  it('checks input names, shapes and dtypes', async () => {
    const s = await Session.create(new TinyNet().trace([1, 3, 17, 19]));
    await expect(s.run({ input: randn([1, 3, 17, 18]) })).rejects.toThrow(ShapeError);
    await expect(s.run({ image: randn([1, 3, 17, 19]) })).rejects.toThrow(/missing input 'input'/);
    await expect(s.run({ input: randn([2, 3, 17, 19]).to('float64') })).rejects.toThrow(/wrong dtype/);
  });

  it('taps return intermediate outputs equal to a truncated model', async () => {
    const m = new TinyNet();
    const s = await Session.create(m.trace([2, 3, 17, 19]));
    const x = randn([2, 3, 17, 19], 4);
    const f = await s.features(x, ['stem', 'branch_b.1', 'pool']);
    expect(f.stem.dims).toEqual([2, 8, 9, 10]);
    expect(f['branch_b.1'].dims).toEqual([2, 8, 9, 10]);
    expect(f.pool.dims).toEqual([2, 16, 4, 5]);
    // the stem alone, with the same parameters
    const stemOnly = await Session.create(new nn.Sequential({ stem: m.stem }).trace([2, 3, 17, 19]));
    const ref = (await stemOnly.run({ input: x })).output;
    expect(maxAbsDiff(f.stem.data as Float32Array, ref.data as Float32Array)).toBe(0);
    await expect(s.features(x, ['nope'])).rejects.toThrow(NotFoundError);
  });

  it('runBatches streams results in order with progress', async () => {
    const s = await Session.create(new TinyNet().trace([1, 3, 17, 19]));
    const xs = [0, 1, 2, 3].map((i) => randn([1 + (i % 2), 3, 17, 19], i));
    const seen: [number, number | undefined][] = [];
    const outs = [];
    for await (const o of s.runBatches(xs, { onProgress: (d, t) => seen.push([d, t]) })) outs.push(o.output);
    expect(outs.map((o) => o.dims[0])).toEqual([1, 2, 1, 2]);
    expect(seen).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    for (const [i, x] of xs.entries()) {
      const y = (await s.run({ input: x })).output;
      expect(maxAbsDiff(y.data as Float32Array, outs[i].data as Float32Array)).toBe(0);
    }
    expect(s.timingStats().runs).toBe(8);
    expect(s.timings.every((t) => t.totalMs >= t.ms && t.ms > 0)).toBe(true);
  });
});

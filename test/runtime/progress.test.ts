/**
 * progressReporter: the caller's callback wins, `false` silences, otherwise the installed factory (the kernel's
 * progress bar) receives every step and the end. Checked through Session.runBatches.
 */
import { afterEach, expect, it } from 'vitest';
import { nn, Session, Tensor } from '../../src';
import { setProgressFactory, type ProgressFactory } from '../../src/progress';

afterEach(() => { setProgressFactory(null); });

async function batches(opts: Parameters<Session['runBatches']>[1]) {
  const net = new nn.Sequential(new nn.Flatten(), new nn.Linear(4, 2));
  const s = await Session.create(net.trace([1, 1, 2, 2]), { device: 'cpu' });
  const xs = [0, 1, 2].map((v) => new Tensor('float32', new Float32Array(4).fill(v), [1, 1, 2, 2]));
  const outs = [];
  for await (const o of s.runBatches(xs, opts)) outs.push(o);
  await s.release();
  return outs.length;
}

it('the installed factory gets one bar per computation with its total, every step and the end', async () => {
  const log: string[] = [];
  const f: ProgressFactory = (total, label) => { log.push(`new ${label} ${total}`); return { update: (n) => log.push(`${n}`), done: () => log.push('done') }; };
  expect(setProgressFactory(f)).toBeNull();
  expect(await batches({})).toBe(3);
  expect(log).toEqual(['new runBatches 3', '1', '2', '3', 'done']);
  log.length = 0;
  expect(await batches({ onProgress: false })).toBe(3);
  expect(log).toEqual([]);
  const calls: [number, number | undefined][] = [];
  await batches({ onProgress: (d, t) => calls.push([d, t]) });
  expect(calls).toEqual([[1, 3], [2, 3], [3, 3]]);
  expect(log).toEqual([]);
});

it('without a factory (outside the kernel) nothing is shown and nothing fails', async () => {
  expect(await batches({})).toBe(3);
});

import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Session, ortSessionOptions } from '../../src/runtime/session';
import { RuntimeError } from '../../src/errors';
import { TinyNet, randn } from '../helpers/models';

afterEach(() => vi.restoreAllMocks());

const spinning = (o: ort.InferenceSession.SessionOptions) => {
  const s = (o.extra as { session: { intra_op: { allow_spinning: string }; inter_op: { allow_spinning: string } } }).session;
  return [s.intra_op.allow_spinning, s.inter_op.allow_spinning];
};

describe('sessions do not spin their thread pools unless asked', () => {
  it('the options handed to ONNX Runtime: allow_spinning "0" for intra-op and inter-op pools by default, "1" with spinning: true', () => {
    expect(spinning(ortSessionOptions('cpu'))).toEqual(['0', '0']);
    expect(spinning(ortSessionOptions('cpu', { spinning: false, threads: 2 }))).toEqual(['0', '0']);
    expect(spinning(ortSessionOptions('cpu', { spinning: true }))).toEqual(['1', '1']);
    expect(ortSessionOptions('cpu', { threads: 2 }).intraOpNumThreads).toBe(2);
  });

  it('Session.create passes them to ort.InferenceSession.create (default and spinning: true), and the sessions run', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const g = new TinyNet().trace([1, 3, 17, 19]);
    const a = await Session.create(g);
    const b = await Session.create(g, { spinning: true, threads: 1 });
    expect(create).toHaveBeenCalledTimes(2);
    const [optsA, optsB] = create.mock.calls.map((c) => c[1] as ort.InferenceSession.SessionOptions);
    expect(spinning(optsA)).toEqual(['0', '0']);
    expect(spinning(optsB)).toEqual(['1', '1']);
    expect(optsB.intraOpNumThreads).toBe(1);
    const x = randn([1, 3, 17, 19]);
    expect(Array.from((await a.run({ input: x })).output.data as Float32Array)).toEqual(Array.from((await b.run({ input: x })).output.data as Float32Array));
    // taps make a second ORT session with the same options
    await a.features(x, ['stem']);
    expect(spinning(create.mock.calls[2][1] as ort.InferenceSession.SessionOptions)).toEqual(['0', '0']);
    await a.release();
    await b.release();
  });

  it('onnxruntime-node turns the nested `extra` object into dotted session config keys (checked with a key ORT validates)', async () => {
    const bytes = new TinyNet().trace([1, 3, 17, 19]).toOnnx();
    // the same nesting as allow_spinning: session.intra_op_thread_affinities is parsed by ORT and rejects junk
    await expect(ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, extra: { session: { intra_op_thread_affinities: 'junk' } } }))
      .rejects.toThrow(/affinit|processor/i);
    const s = await ort.InferenceSession.create(bytes, ortSessionOptions('cpu'));
    await s.release();
  });

  it('a spinning option that is not a boolean is refused', async () => {
    await expect(Session.create(new TinyNet().trace([1, 3, 17, 19]), { spinning: 'yes' as never })).rejects.toThrow(RuntimeError);
  });
});

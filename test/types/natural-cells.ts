/**
 * Type-level tests (checked by `tsc -p tsconfig.test.json`, never run): notebook cells written the
 * natural way must type-check without casts. Each `// @ts-expect-error` line must stay an error.
 */
import { det, nn, Session, Tensor, zoo } from '../../src';
import type { SymTensor } from '../../src/nn/trace';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_ok?: T): void { /* type-level only */ }

export async function sessionCells(): Promise<void> {
  const model = zoo.resnet18();
  const s = await Session.create(model.trace());
  const x = new Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]);
  const out = await s.run({ input: x });
  // the first cell: spreading a run output's data
  const best: number = Math.max(...out.output.data);
  assertType<Equal<typeof out.output.data, Float32Array>>();
  const maps = await s.features(x, ['layer1']);
  assertType<Equal<typeof maps.layer1.data, Float32Array>>();
  const one = await s.run(x);
  const idx: number = one.output.data.indexOf(best);
  // other dtypes are named, and then typed as such
  const ids = await s.run(x, { dtype: 'int64' });
  assertType<Equal<typeof ids.output.data, BigInt64Array>>();
  const anyOut = await s.run(x, { dtype: 'any' });
  // @ts-expect-error a tensor of unknown dtype may hold BigInt64Array: no spread into Math.max
  Math.max(...anyOut.output.data);
  void idx;
}

export function tensorCells(): void {
  const t = new Tensor('float32', [1, 2, 3]);
  assertType<Equal<typeof t, Tensor<'float32'>>>();
  assertType<Equal<typeof t.data, Float32Array>>();
  const l = new Tensor('int64', [1n, 2n]);
  assertType<Equal<typeof l.data, BigInt64Array>>();
  const d = t.to('float64');
  assertType<Equal<typeof d.data, Float64Array>>();
}

export function detectionCells(gt: det.GtInput, dt: det.DtInput): void {
  // the second cell
  const ap: number = det.evaluate(gt, dt, { style: 'coco' }).stats[0];
  const ap2: number = det.evaluate(gt, dt).stats[1];
  const voc = det.evaluate(gt, dt, { style: 'voc07' });
  const m: number | null = voc.mAP;
  // @ts-expect-error a VOC result has no COCO stats
  void voc.stats;
  const style = Math.random() > 0.5 ? 'coco' as const : 'voc' as const;
  const either = det.evaluate(gt, dt, { style });
  assertType<Equal<typeof either, det.CocoResult | det.VocResult>>();
  void ap; void ap2; void m;
}

export function factoryCells(): void {
  const x = Tensor.randn([1, 3, 224, 224], { seed: 0 });
  const m: number = Math.max(...x.data);
  assertType<Equal<typeof x, Tensor<'float32'>>>();
  assertType<Equal<ReturnType<typeof Tensor.zeros<'int64'>>, Tensor<'int64'>>>();
  const z = Tensor.zeros([2, 2]);
  assertType<Equal<typeof z.data, Float32Array>>();
  const i = Tensor.arange(4, { dtype: 'int64' });
  assertType<Equal<typeof i.data, BigInt64Array>>();
  const f = Tensor.from([[1, 2], [3, 4]]);
  assertType<Equal<typeof f.data, Float32Array>>();
  const o = Tensor.ones([3]);
  void m; void o;
}

export class Custom extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3);
  act = new nn.ReLU();
  // children called the PyTorch way type-check
  forward(x: SymTensor): SymTensor { return this.act(this.conv(x)); }
}

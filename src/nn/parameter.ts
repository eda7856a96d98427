import { ShapeError, fmtShape } from '../errors';
import { Rng } from '../tensor/random';
import { Tensor, shapeSize } from '../tensor/tensor';

/** How a parameter is initialised when its data is first needed (PyTorch's defaults). */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number; mean?: number };

let seedCounter = 1;
/** Resets the seed sequence used for lazily initialised parameters (makes model creation reproducible). */
export function seedParameters(seed: number): void {
  seedCounter = seed >>> 0;
}

/**
 * A float32 parameter or buffer of a module. Its data is materialised on first use with a seeded
 * initialiser, so building a 138 M-parameter model to summarise it allocates nothing.
 */
export class Parameter {
  readonly shape: readonly number[];
  readonly trainable: boolean;
  readonly init: Init;
  private readonly seed: number;
  private _data: Float32Array | undefined;
  private _assigned = false;

  constructor(shape: readonly number[], init: Init = { kind: 'zeros' }, opts: { trainable?: boolean } = {}) {
    shapeSize(shape);
    this.shape = Object.freeze([...shape]);
    this.init = init;
    this.trainable = opts.trainable ?? true;
    this.seed = seedCounter++;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** whether its values were set (loaded or trained) rather than left at the seeded initialisation */
  get assigned(): boolean {
    return this._assigned;
  }

  get materialized(): boolean {
    return this._data !== undefined;
  }

  /** The data (float32, C order), initialised on first access. */
  get data(): Float32Array {
    if (!this._data) this._data = this.initialise();
    return this._data;
  }

  tensor(): Tensor<'float32'> {
    return new Tensor('float32', this.data, this.shape);
  }

  /** Replaces the data; the shape must match exactly. */
  set(value: Tensor | Float32Array, where = ''): void {
    const dims = value instanceof Tensor ? value.dims : [value.length];
    const data = value instanceof Tensor ? value.to('float32').data : value;
    if (value instanceof Tensor ? !sameShape(dims, this.shape) : data.length !== this.size) {
      throw new ShapeError('parameter shape mismatch', { expected: fmtShape(this.shape), got: fmtShape(dims), where });
    }
    this._data = value instanceof Tensor && value.dtype === 'float32' ? new Float32Array(data) : (data as Float32Array);
    this._assigned = true;
  }

  private initialise(): Float32Array {
    const a = new Float32Array(this.size);
    const i = this.init;
    switch (i.kind) {
      case 'zeros': break;
      case 'ones': a.fill(1); break;
      case 'constant': a.fill(i.value); break;
      case 'uniform': new Rng(this.seed).fillUniform(a, -i.bound, i.bound); break;
      case 'normal': new Rng(this.seed).fillNormal(a, i.mean ?? 0, i.std); break;
    }
    return a;
  }
}

/** A non-trainable tensor of module state (BN running statistics). */
export class Buffer extends Parameter {
  constructor(shape: readonly number[], init: Init = { kind: 'zeros' }) {
    super(shape, init, { trainable: false });
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Nested arrays (`[[1, 2], [3, 4]]`) → shape and flat values, as `torch.tensor(list)` reads them. */
import { ShapeError } from '../errors';

export type Scalar = number | bigint | boolean;
export type NestedArray<T = Scalar> = T | readonly NestedArray<T>[];

/** Shape and row-major values of a nested array; a ragged array is a ShapeError naming where. */
export function flattenNested<T extends Scalar>(data: NestedArray<T>, where = 'Tensor.from'): { dims: number[]; values: T[] } {
  const dims: number[] = [];
  let probe: NestedArray<T> = data;
  while (Array.isArray(probe)) { dims.push(probe.length); probe = probe[0] as NestedArray<T>; if (probe === undefined) break; }
  const values: T[] = [];
  const walk = (x: NestedArray<T>, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (Array.isArray(x)) throw new ShapeError('ragged nested array', { expected: `a scalar at depth ${depth}`, got: `an array of ${x.length}`, where: `${where}: data${path}` });
      if (typeof x !== 'number' && typeof x !== 'bigint' && typeof x !== 'boolean') {
        throw new ShapeError('not a number', { expected: 'numbers, bigints or booleans', got: typeof x, where: `${where}: data${path}` });
      }
      values.push(x as T);
      return;
    }
    if (!Array.isArray(x) || x.length !== dims[depth]) {
      throw new ShapeError('ragged nested array', {
        expected: `${dims[depth]} items at depth ${depth} (shape [${dims.join(', ')}])`,
        got: Array.isArray(x) ? `${x.length} items` : 'a scalar', where: `${where}: data${path}`,
      });
    }
    (x as readonly NestedArray<T>[]).forEach((y, i) => walk(y, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, '');
  return { dims, values };
}

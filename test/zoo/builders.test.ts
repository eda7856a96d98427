/**
 * The camelCase builders of DESIGN.md (`zoo.mobilenetV1({ alpha: 0.5, resolution: 160 })`) go through the
 * registry: same model as `zoo.create(name)`, options checked, default input shape set.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, zoo } from '../../src';

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const builders = Object.entries(zoo as unknown as Record<string, unknown>)
  .filter(([k, v]) => typeof v === 'function' && /^[a-z]/.test(k) && zoo.list().includes(snake(k).replace(/^squeezenet1x(\d)$/, 'squeezenet1_$1')));

describe('zoo builders', () => {
  it('every registered model has a checked camelCase builder', () => {
    const covered = new Set(builders.map(([k]) => snake(k).replace(/^squeezenet1x(\d)$/, 'squeezenet1_$1')));
    expect(zoo.list().filter((n) => !covered.has(n))).toEqual([]);
  });

  it.each(builders.map(([k]) => [k]))('%s builds what zoo.create builds', (k) => {
    const name = snake(k).replace(/^squeezenet1x(\d)$/, 'squeezenet1_$1');
    const m = (zoo as unknown as Record<string, () => InstanceType<typeof zoo.ResNet>>)[k]();
    const ref = zoo.create(name);
    expect(m.numParameters()).toBe(ref.numParameters());
    expect(m.defaultInputShape).toEqual(zoo.inputShape(name));
  });

  it('options are checked and listed, as by zoo.create', () => {
    expect(() => zoo.mobilenetV1({ alpha: 0.3 } as never)).toThrow(/expected one of 1, 0.75, 0.5, 0.25/);
    expect(() => zoo.shufflenetV1({ groups: 5 } as never)).toThrow(ConfigError);
    expect(() => zoo.resnet50({ nonsense: 1 } as never)).toThrow(/unknown option 'nonsense' for resnet50/);
    const m = zoo.mobilenetV1({ alpha: 0.5, resolution: 160 });
    expect([m.numParameters(), m.defaultInputShape]).toEqual([1_331_592, [1, 3, 160, 160]]);
    expect(zoo.resnet50({ strideIn: '1x1' }).trace().inputs[0].shape).toEqual([1, 3, 224, 224]);
  });
});

/**
 * The zoo defines each variant once (DESIGN.md): a family's variant table returns its typed, checked builders,
 * one camelCase builder per registry name (`vgg11_bn` ↔ `vgg11Bn`), the same model as `zoo.create(name)`,
 * options checked and typed, default input shape set.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, zoo } from '../../src';

const exported = zoo as unknown as Record<string, unknown>;
const builderNames = zoo.list().map((n) => zoo.camelCase(n));

describe('zoo builders', () => {
  it('every registered model has exactly one public builder, named as its registry name in camelCase', () => {
    expect(builderNames.filter((k) => typeof exported[k] !== 'function')).toEqual([]);
    expect(zoo.camelCase('vgg11_bn')).toBe('vgg11Bn');
    expect(zoo.camelCase('mobilenet_v3_large')).toBe('mobilenetV3Large');
    expect(zoo.camelCase('shufflenet_v2_x0_5')).toBe('shufflenetV2X0_5');
    expect(zoo.camelCase('resnext50_32x4d')).toBe('resnext50_32x4d');
    // no second spelling of a model: neither the registry's snake_case (where it differs) nor the old aliases
    const second = zoo.list().filter((n) => n !== zoo.camelCase(n) && n in exported);
    expect(second).toEqual([]);
    for (const old of ['squeezenet1x0', 'squeezenet1x1', 'vgg11_bn', 'vgg16_bn', 'wide_resnet50_2', 'mobilenet_v2']) expect(old in exported).toBe(false);
  });

  it.each(builderNames.map((k) => [k]))('%s builds what zoo.create builds', (k) => {
    const name = zoo.list().find((n) => zoo.camelCase(n) === k)!;
    const m = (exported[k] as () => InstanceType<typeof zoo.ResNet>)();
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

  it('numClasses is checked once, in the option spec, for every family that has it', () => {
    const withClasses = zoo.list().filter((n) => zoo.info(n).options?.numClasses);
    expect(withClasses).toEqual(zoo.list());
    for (const n of withClasses) {
      for (const bad of [0, -1, 2.5, '10']) {
        expect(() => zoo.create(n, { numClasses: bad })).toThrow(`numClasses must be an integer ≥ 1`);
      }
    }
    expect(zoo.create('vgg11', { numClasses: 7 }).trace([1, 3, 32, 32]).outputs[0].shape).toEqual([1, 7]);
  });

  it('the builders are typed by their variant: options a model does not take do not compile', () => {
    // each line below compiles only because of its @ts-expect-error (tsconfig.test.json type-checks this file);
    // at run time the same calls fail as zoo.create fails
    // @ts-expect-error ResNet-50 has no groups option (that is resnext50_32x4d's configuration)
    expect(() => zoo.resnet50({ groups: 32 })).toThrow(/unknown option 'groups' for resnet50/);
    // @ts-expect-error basic-block ResNets have no strideIn
    expect(() => zoo.resnet18({ strideIn: '1x1' })).toThrow(/unknown option 'strideIn' for resnet18/);
    // @ts-expect-error strideIn is '3x3' | '1x1'
    expect(() => zoo.resnet50({ strideIn: '2x2' })).toThrow(/invalid strideIn for resnet50/);
    // @ts-expect-error alpha is one of Table 6's multipliers
    expect(() => zoo.mobilenetV1({ alpha: 0.3 })).toThrow(ConfigError);
    // @ts-expect-error numClasses is a number
    expect(() => zoo.vgg11Bn({ numClasses: '10' })).toThrow(ConfigError);
    // @ts-expect-error plain CIFAR nets have no shortcut option
    expect(() => zoo.plain20({ shortcut: 'B' })).toThrow(/unknown option 'shortcut' for plain20/);
    // and the builders return the family's class: its modules are typed
    const r = zoo.resnext50_32x4d({ strideIn: '1x1', numClasses: 10 });
    expect(r.layer4.typeName).toBe('Sequential');
    expect(zoo.plain20({ numClasses: 5 }).trace().outputs[0].shape).toEqual([1, 5]);
  });
});

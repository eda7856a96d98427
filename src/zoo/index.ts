/**
 * The model zoo: a registry (`list`, `info`, `create`, `inputShape`) and one file per paper family. Each family
 * registers its variant table where it defines the models and gets back the typed, checked builders it exports
 * (`resnet50`, `vgg11Bn`, `mobilenetV3Large`): `zoo.resnet50(opts)` and `zoo.create('resnet50', opts)` are the
 * same code. Builders are camelCase; the registry names them as torchvision does.
 */
export { register, registerFamily, list, info, create, inputShape, checkOptions, numClassesOption, oneOf, flag, value, camelCase } from './registry';
export type {
  ModelInfo, PaperRef, OptionSpec, OptionSpecs, OptionValues, CreateOptions, Builder, CamelCase, VariantRow, FamilySpec, FamilyBuilders,
} from './registry';
export { IMAGENET_CLASSES } from './imagenet';
export * from './alexnet';
export * from './vgg';
export * from './googlenet';
export * from './inception';
export * from './resnet';
export * from './senet';
export * from './cifar';
export * from './densenet';
export * from './squeezenet';
export * from './mobilenetv1';
export * from './mobilenetv2';
export * from './mobilenetv3';
export * from './shufflenet';
export * from './xception';
export * from './efficientnet';
export * from './deeplab';
export * from './fcn';
export * from './fastrcnn';
export * from './sppnet';
export * from './deform';

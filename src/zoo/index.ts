import './resnet';
import './mobilenet';
export { register, list, info, create, inputShape, checkOptions } from './registry';
export type { ModelInfo, PaperRef, OptionSpec, CreateOptions } from './registry';
export * from './resnet';
export * from './mobilenet';

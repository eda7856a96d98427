export * from './tensor';
export { readNpy, writeNpy, loadNpy, saveNpy, readNpyHeader, NPY_DESCR } from './npy';
export type { NpyHeader } from './npy';
export {
  readSafetensors, writeSafetensors, loadSafetensors, saveSafetensors, parseSafetensorsHeader, MAX_SAFETENSORS_HEADER,
} from './safetensors';
export type { SafetensorsFile, SafetensorsHeader, SafetensorsEntry } from './safetensors';
export {
  loadImage, loadImages, imageToTensor, imagesToBatch, tensorToPng, decodeImage, resizeImage, centerCropImage,
  resizedSize, rawToTensor, IMAGENET_MEAN, IMAGENET_STD, DEFAULT_KERNEL,
} from './image';
export type { RawImage, ImageOptions, DecodeOptions, PngOptions, ResizeKernel } from './image';
export { Rng, hashString } from './random';
export { imageNormalization, markNormalized } from './normalization';
export type { Normalization } from './normalization';

import { describe, expect, test } from 'vitest';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CnnlabError, ConfigError, NotFoundError, ParseError, ShapeError } from '../../src/errors';
import {
  Tensor, readNpy, decodeImage, resizeImage, centerCropImage, resizedSize, rawToTensor, imageToTensor,
  loadImage, loadImages, imagesToBatch, tensorToPng, IMAGENET_MEAN, IMAGENET_STD, RawImage,
} from '../../src/tensor';

// References from test/fixtures/tensor/gen_fixtures.py (Debian python3-torchvision 0.14, Pillow 9.4):
// decoded pixels are PIL's `Image.open(f).convert('RGB')`, resized/cropped pixels are torchvision's
// T.Resize / T.CenterCrop on that PIL image, pipeline64_56.npy is
// Compose([Resize(64), CenterCrop(56), ToTensor(), Normalize(ImageNet)]) as a [1, 3, 56, 56] tensor.
const DIR = join(__dirname, '../fixtures/tensor/image');
const img = (n: string) => join(DIR, n);
const ref = (n: string) => readNpy(new Uint8Array(readFileSync(join(DIR, n))));

function stats(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.length };
}

function expectPixels(r: RawImage, name: string) {
  const e = ref(name);
  expect([r.height, r.width, 3]).toEqual([...e.dims]);
  return stats(r.data, e.data as Uint8Array);
}

describe('decodeImage (sharp) against PIL', () => {
  test('PNG RGB, grey (expanded) and RGBA (alpha dropped): identical pixels', async () => {
    expect(expectPixels(await decodeImage(img('synth.png')), 'synth_png_rgb.npy').max).toBe(0);
    expect(expectPixels(await decodeImage(img('synth_gray.png')), 'synth_gray_rgb.npy').max).toBe(0);
    expect(expectPixels(await decodeImage(img('synth_rgba.png')), 'synth_rgba_rgb.npy').max).toBe(0);
  });

  test('JPEG: within 1 level of libjpeg-turbo (measured: identical)', async () => {
    // sharp bundles mozjpeg, PIL uses the system libjpeg-turbo; both use the same integer IDCT and
    // fancy upsampling, and on these files the pixels are identical (max 0). Allow 1 level.
    const a = expectPixels(await decodeImage(img('synth.jpg')), 'synth_jpg_rgb.npy');
    const b = expectPixels(await decodeImage(readFileSync(img('photo.jpg'))), 'photo_rgb.npy');
    expect(a.max).toBeLessThanOrEqual(1);
    expect(b.max).toBeLessThanOrEqual(1);
  });

  test('errors: missing file, garbage bytes, empty bytes, too many pixels', async () => {
    await expect(decodeImage(img('nope.png'))).rejects.toThrow(NotFoundError);
    await expect(decodeImage(new Uint8Array(100).fill(7))).rejects.toThrow(ParseError);
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(/no bytes/);
    await expect(decodeImage(img('photo.jpg'), { maxPixels: 1000 })).rejects.toThrow(/cannot decode image.*pixel limit|cannot decode image/);
    await expect(decodeImage(img('photo.jpg'), { maxPixels: 1000 })).rejects.toBeInstanceOf(ParseError);
    await expect(decodeImage(42 as unknown as string)).rejects.toThrow(ConfigError);
  });
});

describe('Resize and CenterCrop against torchvision', () => {
  test('resizedSize follows torchvision: shorter side to n, longer int(n·long/short)', async () => {
    // sizes of the torchvision outputs in the fixtures
    expect(resizedSize(101, 77, 64)).toEqual([...ref('resize64.npy').dims.slice(0, 2)]); // [83, 64]
    expect(resizedSize(101, 77, 40)).toEqual([...ref('resize40.npy').dims.slice(0, 2)]); // [52, 40]
    expect(resizedSize(101, 77, 128)).toEqual([...ref('resize128.npy').dims.slice(0, 2)]); // [167, 128]
    expect(resizedSize(101, 77, [50, 90])).toEqual([50, 90]);
    expect(resizedSize(300, 400, 256)).toEqual([256, 341]); // 256·400/300 = 341.33
    expect(resizedSize(224, 224, 256)).toEqual([256, 256]);
    expect(() => resizedSize(10, 10, 0)).toThrow(ConfigError);
    await expect(resizeImage({ data: new Uint8Array(3 * 1000), width: 1000, height: 1, channels: 3 }, 100000)).rejects.toThrow(/resize target too large/);
  });

  test("CenterCrop: Python's round-half-to-even offsets and zero padding are exact", async () => {
    const png = await decodeImage(img('synth.png'));
    // 101×77: crop 50 → top round(25.5)=26, left round(13.5)=14; crop 48 → round(26.5)=26, round(14.5)=14
    for (const c of [50, 48, 110]) expect(expectPixels(centerCropImage(png, c), `crop${c}.npy`).max).toBe(0);
    expect(expectPixels(centerCropImage(png, [60, 30]), 'crop_60x30.npy').max).toBe(0);
  });

  test("'pil-bilinear' (default) reproduces torchvision's Resize exactly: down, up, mixed", async () => {
    const png = await decodeImage(img('synth.png'));
    expect(expectPixels(await resizeImage(png, 64), 'resize64.npy').max).toBe(0);
    expect(expectPixels(await resizeImage(png, 40), 'resize40.npy').max).toBe(0);
    expect(expectPixels(await resizeImage(png, 128), 'resize128.npy').max).toBe(0);
    expect(expectPixels(await resizeImage(png, [50, 90]), 'resize_50x90.npy').max).toBe(0);
    const photo = await decodeImage(img('photo.jpg'));
    expect(expectPixels(centerCropImage(await resizeImage(photo, 256), 224), 'photo_256_224.npy').max).toBe(0);
  });

  test("sharp's 'linear' kernel vs torchvision: measured differences", async () => {
    // Measured with sharp 0.35.5 / libvips 8.18.7 against torchvision 0.14 + Pillow 9.4 (uint8 levels):
    //   downscale 101×77 → 83×64:           max 3,  mean 0.29
    //   downscale 101×77 → 52×40:           max 10, mean 0.28
    //   downscale 400×300 → 341×256, crop 224: max 2,  mean 0.25
    //   upscale   101×77 → 167×128:         max 98, mean 4.56  (libvips samples upscaled pixels half an
    //   mixed     101×77 → 50×90:           max 103, mean 6.57  output pixel off PIL's grid: edges shift)
    // The bounds below are those figures with a little room; the upscale check records that sharp is
    // NOT torchvision-compatible there (if a sharp upgrade fixes it, this test says so).
    const png = await decodeImage(img('synth.png'));
    const d64 = expectPixels(await resizeImage(png, 64, 'linear'), 'resize64.npy');
    expect(d64.max).toBeLessThanOrEqual(4);
    expect(d64.mean).toBeLessThan(0.35);
    const d40 = expectPixels(await resizeImage(png, 40, 'linear'), 'resize40.npy');
    expect(d40.max).toBeLessThanOrEqual(12);
    expect(d40.mean).toBeLessThan(0.35);
    const photo = await decodeImage(img('photo.jpg'));
    const dp = expectPixels(centerCropImage(await resizeImage(photo, 256, 'linear'), 224), 'photo_256_224.npy');
    expect(dp.max).toBeLessThanOrEqual(3);
    expect(dp.mean).toBeLessThan(0.3);
    const up = expectPixels(await resizeImage(png, 128, 'linear'), 'resize128.npy');
    expect(up.mean).toBeGreaterThan(2);
  });

  test('unknown kernel is a ConfigError', async () => {
    const png = await decodeImage(img('synth.png'));
    await expect(resizeImage(png, 10, 'bogus' as never)).rejects.toThrow(ConfigError);
  });
});

describe('tensors', () => {
  test('full pipeline Resize(64)·CenterCrop(56)·ToTensor·Normalize matches torchvision within float32 rounding', async () => {
    const t = await loadImage(img('synth.png'), { resize: 64, centerCrop: 56 });
    const e = ref('pipeline64_56.npy');
    expect(t.dtype).toBe('float32');
    expect([...t.dims]).toEqual([1, 3, 56, 56]);
    expect([...e.dims]).toEqual([1, 3, 56, 56]);
    // measured: bit-identical (max 0): same pixels, same float32 steps as ToTensor/Normalize
    expect(stats(t.data as Float32Array, e.data as Float32Array).max).toBeLessThanOrEqual(1e-6);
    // with sharp's kernel: the resize differences scaled by 1/(255·std); measured max 0.035, mean 0.0048
    const s = await loadImage(img('synth.png'), { resize: 64, centerCrop: 56, kernel: 'linear' });
    const ds = stats(s.data as Float32Array, e.data as Float32Array);
    expect(ds.max).toBeLessThanOrEqual(4 / 255 / 0.224);
    expect(ds.mean).toBeLessThan(0.007);
  });

  test("preset 'imagenet' = Resize(256), CenterCrop(224), ImageNet normalisation (naive reference)", async () => {
    const t = await loadImage(img('photo.jpg'), { preset: 'imagenet' });
    expect([...t.dims]).toEqual([1, 3, 224, 224]);
    const px = ref('photo_256_224.npy').data as Uint8Array; // torchvision's crop, HWC
    const naive = new Float64Array(3 * 224 * 224);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 224; y++) for (let x = 0; x < 224; x++) {
      naive[c * 224 * 224 + y * 224 + x] = (px[(y * 224 + x) * 3 + c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
    }
    expect(stats(t.data as Float32Array, naive).max).toBeLessThan(1e-6);
  });

  test('normalize: false gives ToTensor values x/255; explicit mean/std; bad options', async () => {
    const raw = await decodeImage(img('synth.png'));
    const t = rawToTensor(raw, false);
    expect([...t.dims]).toEqual([1, 3, 101, 77]);
    // element (c=1, y=10, x=20)
    expect(t.data[1 * 101 * 77 + 10 * 77 + 20]).toBe(Math.fround(raw.data[(10 * 77 + 20) * 3 + 1] / 255));
    const u = rawToTensor(raw, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(u.data[2 * 101 * 77 + 5]).toBeCloseTo((raw.data[5 * 3 + 2] / 255 - 0.5) / 0.5, 6);
    expect(() => rawToTensor(raw, { mean: [0], std: [1] })).toThrow(ConfigError);
    await expect(loadImage(img('synth.png'), { resize: -3 })).rejects.toThrow(ConfigError);
    await expect(loadImage(img('synth.png'), { preset: 'coco' as never })).rejects.toThrow(ConfigError);
  });

  test('imageToTensor takes a uint8 [H, W, 3] tensor; other shapes are ShapeErrors', async () => {
    const raw = await decodeImage(img('synth.png'));
    const hwc = new Tensor('uint8', raw.data, [101, 77, 3]);
    const a = await imageToTensor(hwc, { centerCrop: 50, normalize: false });
    const b = rawToTensor(centerCropImage(raw, 50), false);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    await expect(imageToTensor(new Tensor('float32', new Float32Array(12), [2, 2, 3]))).rejects.toThrow(ShapeError);
  });

  test('imagesToBatch stacks [1,3,H,W] and [3,H,W] into [N,3,H,W]; loadImages', async () => {
    const a = new Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => i), [1, 3, 2, 2]);
    const b = new Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => 100 + i), [3, 2, 2]);
    const batch = imagesToBatch([a, b, a]);
    expect([...batch.dims]).toEqual([3, 3, 2, 2]);
    expect(batch.get(1, 2, 1, 0)).toBe(100 + 2 * 4 + 1 * 2 + 0);
    expect(batch.get(2, 0, 0, 1)).toBe(1);
    expect(() => imagesToBatch([a, new Tensor('float32', new Float32Array(27), [3, 3, 3])])).toThrow(/share one shape.*\[3, 2, 2\].*\[3, 3, 3\].*images\[1\]/);
    expect(() => imagesToBatch([])).toThrow(ShapeError);
    const two = await loadImages([img('synth.png'), img('synth.jpg')], { resize: 32, centerCrop: 32 });
    expect([...two.dims]).toEqual([2, 3, 32, 32]);
    const one = await loadImage(img('synth.jpg'), { resize: 32, centerCrop: 32 });
    expect(Array.from(two.data.subarray(3 * 32 * 32) as Float32Array)).toEqual(Array.from(one.data as Float32Array));
  });
});

describe('tensorToPng', () => {
  test('uint8 [3,H,W] round-trips exactly through PNG', async () => {
    const raw = await decodeImage(img('synth.png'));
    const chw = new Uint8Array(3 * 101 * 77);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 101 * 77; i++) chw[c * 101 * 77 + i] = raw.data[i * 3 + c];
    const png = await tensorToPng(new Tensor('uint8', chw, [3, 101, 77]));
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(expectPixels(await decodeImage(png), 'synth_png_rgb.npy').max).toBe(0);
  });

  test('float [H,W]: [0,1] kept, other ranges min–max scaled, explicit range clamps; bool → 0/255', async () => {
    const f = new Tensor('float32', Float32Array.from([0, 0.5, 1, 0.25]), [2, 2]);
    let d = await decodeImage(await tensorToPng(f));
    expect([d.data[0], d.data[3], d.data[6], d.data[9]]).toEqual([0, 128, 255, 64]);
    const g = new Tensor('float32', Float32Array.from([-2, 0, 2, 6]), [1, 1, 2, 2]);
    d = await decodeImage(await tensorToPng(g));
    expect([d.data[0], d.data[3], d.data[6], d.data[9]]).toEqual([0, 64, 128, 255]);
    d = await decodeImage(await tensorToPng(g, { range: [0, 4] }));
    expect([d.data[0], d.data[3], d.data[6], d.data[9]]).toEqual([0, 0, 128, 255]);
    const b = new Tensor('bool', Uint8Array.from([1, 0]), [1, 2]);
    d = await decodeImage(await tensorToPng(b));
    expect([d.width, d.height, d.data[0], d.data[3]]).toEqual([2, 1, 255, 0]);
    await expect(tensorToPng(new Tensor('float32', new Float32Array(8), [2, 2, 2]))).rejects.toThrow(ShapeError);
    await expect(tensorToPng(f, { range: [1, 1] })).rejects.toThrow(ConfigError);
  });

  test('every error above is a CnnlabError', async () => {
    const errs = await Promise.all([
      decodeImage(img('nope.png')).catch((e) => e),
      decodeImage(new Uint8Array(10)).catch((e) => e),
      tensorToPng(new Tensor('float32', new Float32Array(0), [0, 3])).catch((e) => e),
    ]);
    for (const e of errs) expect(e).toBeInstanceOf(CnnlabError);
  });
});

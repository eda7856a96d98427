import { describe, expect, it } from 'vitest';
import * as path from 'path';
import * as fs from 'fs';
import * as os from 'os';
import { PNG } from 'pngjs';
import { analysis, show, zoo, Tensor, NotFoundError, JUPYTER_DISPLAY } from '../../src';
import { loadImage } from '../../src/tensor/image';
import { saveSafetensors } from '../../src/tensor/safetensors';
import { RANDOM_WEIGHTS_FOOTER } from '../../src/display/summary';
import { Session } from '../../src/runtime/session';

const photo = path.join(__dirname, '../fixtures/tensor/image/photo.jpg');

describe('a model without loaded weights says so', () => {
  it('in the summary footer, and not once weights are loaded', async () => {
    const m = zoo.resnet18();
    expect(m.weightsState()).toBe('random');
    const text = analysis.summary(m).text();
    expect(text.split('\n').at(-1)).toBe(RANDOM_WEIGHTS_FOOTER);
    expect(analysis.summary(m).json().weights).toBe('random');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-w-'));
    try {
      const file = path.join(dir, 'r18.safetensors');
      await saveSafetensors(file, zoo.resnet18().stateDict());
      const loaded = await zoo.resnet18().loadWeights(file);
      expect(loaded.weightsState()).toBe('set');
      expect(analysis.summary(loaded).text()).not.toContain('Weights: random');
      expect(loaded.trace().metadata.weights).toBeUndefined();
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('in predictions, which carry ImageNet class names', async () => {
    const m = zoo.resnet18();
    const x = await loadImage(photo, { preset: 'imagenet' });
    const p = await analysis.predict(m, x, { k: 3 });
    expect(p.randomWeights).toBe(true);
    const lines = p.text().split('\n');
    expect(lines[0]).toMatch(/^\(random weights: /);
    expect(lines).toHaveLength(4);
    for (const r of p.top) expect(zoo.IMAGENET_CLASSES[r.index]).toBe(r.label);
    // through a Session made from the traced graph (the ONNX metadata carries it)
    const s = await Session.create(m.trace());
    expect((await analysis.predict(s, x)).randomWeights).toBe(true);
    await s.release();
  });

  it('in the CAM title', async () => {
    const m = zoo.resnet18();
    const x = await loadImage(photo, { preset: 'imagenet' });
    const r = await analysis.cam(m, x);
    expect(r.randomWeights).toBe(true);
    const d = show.cam(r, { image: x }).data;
    expect(d.name).toContain('random weights');
    expect(d.name).toContain(`'${zoo.IMAGENET_CLASSES[r.classIdx[0]]}'`);
  });
});

describe('ImageNet class names ship with the zoo (scripts/gen_imagenet_classes.py from torchvision)', () => {
  it('1,000 names in torchvision order', () => {
    expect(zoo.IMAGENET_CLASSES).toHaveLength(1000);
    expect([zoo.IMAGENET_CLASSES[0], zoo.IMAGENET_CLASSES[281], zoo.IMAGENET_CLASSES[999]]).toEqual(['tench', 'tabby', 'toilet tissue']);
  });

  it('topk: softmax probabilities, names, ties by index', () => {
    const logits = new Float32Array(1000);
    logits[281] = 3; logits[282] = 2; logits[285] = 2;
    const p = analysis.topk(new Tensor('float32', logits, [1, 1000]), { k: 3 });
    const z = Math.exp(3) + 2 * Math.exp(2) + 997;
    expect(p.top.map((r) => r.index)).toEqual([281, 282, 285]);
    expect(p.top[0].prob).toBeCloseTo(Math.exp(3) / z, 6);
    expect(p.text()).toBe(`tabby ${(Math.exp(3) / z).toFixed(2)}\ntiger cat ${(Math.exp(2) / z).toFixed(2)}\nEgyptian cat ${(Math.exp(2) / z).toFixed(2)}`);
  });
});

describe('a missing weights file points to the README recipe', () => {
  it('zoo.create({ weights }) and model.loadWeights', async () => {
    const missing = path.join(os.tmpdir(), 'cnnlab-no-such-weights.safetensors');
    expect(() => zoo.create('resnet18', { weights: missing })).toThrow(NotFoundError);
    expect(() => zoo.create('resnet18', { weights: missing })).toThrow(/weights file not found.*README.md, 'Weights from torchvision'/s);
    await expect(zoo.resnet18().loadWeights(missing)).rejects.toThrow(/weights file not found.*README.md, 'Weights from torchvision'/s);
  });
});

describe('show.cam draws the normalised image from loadImage as the photo', () => {
  const overlayPixels = (o: ReturnType<typeof show.cam>) => {
    o[JUPYTER_DISPLAY](); // renders the PNGs (and the overlay image) into the data
    return PNG.sync.read(Buffer.from(o.data.overlay!.png, 'base64')).data;
  };
  it('the overlay equals the one drawn from the un-normalised image (±1 level)', async () => {
    const m = zoo.resnet18();
    const x = await loadImage(photo, { preset: 'imagenet' });
    const raw = await loadImage(photo, { preset: 'imagenet', normalize: false });
    const r = await analysis.cam(m, x);
    const a = overlayPixels(show.cam(r, { image: x })), b = overlayPixels(show.cam(r, { image: raw }));
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThanOrEqual(1);
    // not a dark image: the photo's mean brightness is kept
    const mean = (p: Uint8Array) => p.reduce((s, v) => s + v, 0) / p.length;
    expect(Math.abs(mean(a) - mean(b))).toBeLessThan(0.5);
  });
});

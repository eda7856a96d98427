/**
 * The public surface of DESIGN.md, imported from the package root: `show` verbs give the same
 * bundles as the objects they wrap, and refuse what is not theirs with a typed error.
 */
import { expect, it } from 'vitest';
import { analysis, ConfigError, det, JUPYTER_DISPLAY, MIME, nn, show, Tensor, zoo } from '../../src';
import type { GraphData, GraphWire, MapTableData, PrCurveData, SummaryData } from '../../src';
import { decodeGraph } from '../../src/display/graph-codec';

it('show.graph / show.summary on a zoo model: the same data as analysis, totals exact', () => {
  const m = zoo.create('resnet18');
  const g = show.graph(m, [1, 3, 224, 224], { depth: 1 })[JUPYTER_DISPLAY]();
  const gd: GraphData = decodeGraph(g[MIME.graph] as GraphWire);
  // torchvision resnet18: 20 convolutions (1 stem, 16 in the blocks, 3 downsample) each followed by BN, one fc
  const count = (op: string) => gd.nodes.filter((n) => n.op === op).length;
  expect([count('Conv'), count('BatchNormalization'), count('Gemm'), count('Input'), count('Output')]).toEqual([20, 20, 1, 1, 1]);
  expect(gd.nodes.find((n) => n.op === 'Input')!.outputShape).toEqual([1, 3, 224, 224]);
  // the outline runs in execution order: the functional flatten sits between avgpool and fc
  const lines = String(g['text/plain']).split('\n').map((l) => l.trim().split(' ')[0]);
  expect(lines.slice(-4)).toEqual(['avgpool', 'Flatten', 'fc', 'output']);
  expect(lines.indexOf('conv1')).toBe(2);
  const s = show.summary(m, [1, 3, 224, 224])[JUPYTER_DISPLAY]();
  const sd = s[MIME.summary] as SummaryData;
  // torchvision resnet18: 11,689,512 parameters; 1,814,073,344 MACs (DESIGN's convention)
  expect(sd.totals.params).toBe(11_689_512);
  expect(sd.totals.macs).toBe(1_814_073_344);
  expect(analysis.summary(m, [1, 3, 224, 224]).json().totals.params).toBe(11_689_512);
});

it('show.featureMaps: PNG fallback and the featuremaps type', () => {
  const t = new Tensor('float32', Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => i), [1, 2, 4, 4]);
  const b = show.featureMaps(t, { name: 'x' })[JUPYTER_DISPLAY]();
  expect(Object.keys(b).sort()).toEqual([MIME.featuremaps, 'image/png', 'text/plain'].sort());
});

it('show.prCurves / show.mapTable on det.evaluate results', () => {
  const gt = {
    images: [{ id: 1 }, { id: 2 }],
    categories: [{ id: 1, name: 'cat' }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
      { id: 2, image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    ],
  };
  // one hit (score 0.9), one miss ranked between (0.8), the second hit last (0.7):
  // VOC 2010+ AP = 1·0.5 + (2/3)·0.5 = 5/6
  const dt = [
    { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
    { image_id: 1, category_id: 1, bbox: [50, 50, 10, 10], score: 0.8 },
    { image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], score: 0.7 },
  ];
  const r = det.evaluate(gt, dt, { style: 'voc' });
  const pr = show.prCurves(r)[JUPYTER_DISPLAY]()[MIME.prcurve] as PrCurveData;
  expect(pr.classes[0].ap).toBeCloseTo(5 / 6, 12);
  const mt = show.mapTable(r)[JUPYTER_DISPLAY]()[MIME.maptable] as MapTableData;
  expect(mt.style).toBe('voc');
  const c = det.evaluate(gt, dt, { style: 'coco' });
  expect((show.prCurves(c, 0.5)[JUPYTER_DISPLAY]()[MIME.prcurve] as PrCurveData).classes).toHaveLength(1);
  expect(() => show.prCurves({} as never)).toThrow(ConfigError);
  expect(() => show.mapTable(null as never)).toThrow(/det.evaluate/);
  expect(() => show.prCurves(c, 0.42)).toThrow(ConfigError);
});

it('show.graph of a module without an input shape is a typed error that names the public function', () => {
  const m = new nn.Sequential(new nn.Conv2d(3, 4, 3));
  for (const [f, name] of [[() => show.graph(m), 'show.graph'], [() => show.summary(m), 'show.summary'], [() => analysis.summary(m), 'analysis.summary']] as const) {
    expect(f).toThrow(ConfigError);
    expect(f).toThrow(new RegExp(`^${name.replace('.', '\\.')}: a module needs an input shape`));
  }
});

it('the input shape is the second argument of show.graph, show.summary and analysis.summary alike', () => {
  const m = new nn.Sequential(new nn.Conv2d(3, 4, 3));
  const shape = [1, 3, 8, 8];
  expect((show.graph(m, shape, { depth: 0 }).json().nodes[0].outputShape)).toEqual(shape);
  expect(show.summary(m, shape, { depth: 0 }).json().inputs[0].shape).toEqual(shape);
  expect(analysis.summary(m, shape, { depth: 0 }).json().inputs[0].shape).toEqual(shape);
  // the old form (options in the shape's place) says where the shape goes
  expect(() => show.graph(m, { depth: 1 } as never)).toThrow(/show\.graph: the input shape is the second argument/);
});

it('show.cam: the chosen image\'s upsampled CAM over that image, as a featuremaps bundle with a PNG', async () => {
  const net = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));
  const x = new Tensor('float32', Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => ((i * 37) % 11) / 11), [2, 3, 8, 8]);
  const r = await analysis.cam(net, x);
  const b = show.cam(r, { index: 1, image: x })[JUPYTER_DISPLAY]();
  const data = b[MIME.featuremaps] as { shape: number[]; maps: { data: string }[]; overlay: { width: number; height: number; alpha: number } | null };
  expect(data.shape).toEqual([1, 8, 8]);
  // the map is item 1 of the upsampled maps
  const m = new Float32Array(Uint8Array.from(Buffer.from(data.maps[0].data, 'base64')).buffer);
  expect(Array.from(m)).toEqual(Array.from((r.upsampled.data as Float32Array).slice(64, 128)));
  expect(data.overlay).toMatchObject({ width: 8, height: 8, alpha: 0.5 });
  expect(b['text/plain']).toContain(`CAM, class ${r.classIdx[1]}`);
  expect(typeof b['image/png']).toBe('string');
  expect(() => show.cam(r, { index: 2 })).toThrow(ConfigError);
  expect(() => show.cam({} as never)).toThrow(/analysis.cam/);
});

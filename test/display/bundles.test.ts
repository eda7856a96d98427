/**
 * Every cnnlab display bundle: its custom MIME data validates against the JSON Schema generated from the
 * schema module's own TypeScript types (ts-json-schema-generator + ajv), its PNG decodes to the size of the SVG
 * it was drawn from, stays under 200 KB and shows text (the shipped font drew: removing the <text> elements
 * changes the title's pixels), and its text/plain says what it shows. A class named as markup is text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { PNG } from 'pngjs';
import { createGenerator } from 'ts-json-schema-generator';
import { beforeAll, describe, expect, it } from 'vitest';
import { JUPYTER_DISPLAY, MIME, nn, show, zoo, type MimeBundle } from '../../src';
import { graphData } from '../../src/analysis/graph-data';
import { summaryData } from '../../src/analysis/summary';
import { fromOnnx } from '../../src/graph/onnx-read';
import { decodeGraph, encodeGraph } from '../../src/display/graph-codec';
import { graphBundle, GraphDisplay } from '../../src/display/graph';
import type { GraphWire } from '../../src/display/schema';
import { Summary } from '../../src/display/summary';
import { featureMaps } from '../../src/display/featuremaps';
import { Comparison } from '../../src/display/compare';
import { trainingBundle } from '../../src/display/training';
import { graphSvg } from '../../src/display/render/graph-svg';
import { summarySvg } from '../../src/display/render/summary-svg';
import { featureMapsSvg } from '../../src/display/render/featuremaps-svg';
import { prCurveSvg } from '../../src/display/render/prcurve-svg';
import { mapTableSvg } from '../../src/display/render/maptable-svg';
import { compareSvg } from '../../src/display/render/compare-svg';
import { trainingSvg } from '../../src/display/render/training-svg';
import { svgToPng } from '../../src/display/render/raster';
import { CATEGORY_STYLE } from '../../src/display/palette';
import { ConfigError } from '../../src/errors';
import { cocoResult, featureTensor, imageTensor, sampleCompare, sampleTraining, vocResult, XSS } from './sample-data';

const TYPE_OF: Record<string, string> = {
  [MIME.graph]: 'GraphWire', [MIME.summary]: 'SummaryData', [MIME.featuremaps]: 'FeatureMapsData', [MIME.prcurve]: 'PrCurveData',
  [MIME.maptable]: 'MapTableData', [MIME.compare]: 'CompareData', [MIME.training]: 'TrainingData',
};

let ajv: Ajv;
beforeAll(() => {
  const schema = createGenerator({ path: join(__dirname, '../../src/display/schema.ts'), type: '*', skipTypeCheck: true, additionalProperties: false, expose: 'export' }).createSchema('*');
  ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(schema as object, 'cnnlab');
}, 120_000);

/** ajv's errors for `data` against the schema of `type` (empty when valid). */
function errorsOf(type: string, data: unknown): string[] {
  const v = ajv.getSchema(`cnnlab#/definitions/${type}`);
  if (!v) throw new Error(`no schema for ${type}`);
  return v(JSON.parse(JSON.stringify(data))) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const svgSize = (svg: string) => {
  const m = /^<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(svg)!;
  return [Number(m[1]), Number(m[2])];
};
const decode = (b64: string) => PNG.sync.read(Buffer.from(b64, 'base64'));
const dark = (p: PNG, x0: number, y0: number, x1: number, y1: number) => {
  let n = 0;
  for (let y = y0; y < Math.min(y1, p.height); y++) for (let x = x0; x < Math.min(x1, p.width); x++) {
    const i = (y * p.width + x) * 4;
    if (p.data[i] + p.data[i + 1] + p.data[i + 2] < 300) n++;
  }
  return n;
};

/** The checks every bundle passes; returns the decoded PNG. */
function checkBundle(b: MimeBundle, mime: string, svg: string): PNG {
  expect(Object.keys(b)).toEqual(expect.arrayContaining([mime, 'image/png', 'text/plain']));
  expect(errorsOf(TYPE_OF[mime], b[mime])).toEqual([]);
  const bytes = Buffer.from(b['image/png'] as string, 'base64');
  expect(bytes.length).toBeLessThanOrEqual(200 * 1024);
  const png = decode(b['image/png'] as string);
  expect([png.width, png.height]).toEqual(svgSize(svg));
  // the title (top left) is drawn in the shipped font: dark pixels there, and none once the text is taken out
  expect(dark(png, 10, 8, 260, 36)).toBeGreaterThan(150);
  const bare = PNG.sync.read(Buffer.from(svgToPng(svg.replace(/<text[\s\S]*?<\/text>/g, ''))));
  expect(dark(bare, 10, 8, 260, 36)).toBe(0);
  expect(String(b['text/plain']).length).toBeGreaterThan(20);
  return png;
}

describe('the schema check can fail', () => {
  it('a bundle with a missing or mistyped field does not validate', () => {
    const d = sampleTraining();
    expect(errorsOf('TrainingData', d)).toEqual([]);
    expect(errorsOf('TrainingData', { ...d, done: 'yes' })).not.toEqual([]);
    expect(errorsOf('TrainingData', { ...d, series: [{ ...d.series[0], split: 'val' }] })).not.toEqual([]);
    const { title: _t, ...untitled } = d;
    expect(errorsOf('TrainingData', untitled)).not.toEqual([]);
    expect(errorsOf('TrainingData', { ...d, extra: 1 })).not.toEqual([]);
  });
});

describe('bundles', () => {
  it('graph: packed data, the diagram with coloured nodes and legend, the outline', () => {
    const d = graphData(zoo.create('resnet18'), undefined, { depth: 2 });
    const b = new GraphDisplay(d)[JUPYTER_DISPLAY]();
    const { svg, layout } = graphSvg(d);
    const png = checkBundle(b, MIME.graph, svg);
    expect(decodeGraph(b[MIME.graph] as GraphWire)).toEqual(d);
    // depth 2: the BasicBlocks are closed boxes; the stem's Conv is a node in its category's colour
    expect(layout.nodes.filter((n) => n.kind === 'block').map((n) => n.ref)).toContain('layer1.0');
    const fill = CATEGORY_STYLE.macs.fill;
    const rgb = [1, 3, 5].map((k) => parseInt(fill.slice(k, k + 2), 16));
    let conv = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) conv++;
    // the legend swatch is 16×12 = 192 px; one Conv node (and the fc Gemm) add thousands
    expect(conv).toBeGreaterThan(2000);
    expect(String(b['text/plain'])).toContain('layer1.0 (BasicBlock)');
  });

  it('summary: the table and its totals', () => {
    const d = summaryData(zoo.create('resnet18'), undefined, { depth: 2 });
    const sd = new Summary(d);
    const b = sd[JUPYTER_DISPLAY]();
    const png = checkBundle(b, MIME.summary, sd.svg());
    expect(sd.svg()).toBe(summarySvg(d, ['Weights: random (initialised, not loaded or trained): costs and shapes hold, outputs are not a trained model\'s']));
    // one row per summary row (20 px each) below the header: text in the left column all the way down
    expect(png.height).toBeGreaterThan(20 * d.rows.length);
    expect(dark(png, 16, png.height - 60, 300, png.height - 10)).toBeGreaterThan(100);
  });

  it('feature maps: grid with colour bar, per-map scale, and an overlay (CAM)', () => {
    for (const fm of [
      featureMaps(featureTensor(16, 28, 28), { name: 'layer1' }),
      featureMaps(featureTensor(64, 56, 56, true), { max: 64, colormap: 'coolwarm', scale: 'per-map' }),
      featureMaps(featureTensor(1, 7, 7), { overlay: imageTensor(224, 224), alpha: 0.5, colormap: 'inferno', name: 'CAM' }),
    ]) {
      const b = fm[JUPYTER_DISPLAY]();
      checkBundle(b, MIME.featuremaps, featureMapsSvg(fm.data));
    }
  });

  it('PR curves (COCO, VOC07, VOC) and mAP tables (COCO with the 12 lines, VOC)', () => {
    for (const r of [cocoResult(), vocResult('voc07'), vocResult('voc')]) {
      const pc = show.prCurves(r);
      const pb = pc[JUPYTER_DISPLAY]();
      const png = checkBundle(pb, MIME.prcurve, prCurveSvg(pc.data));
      // curves are drawn in colour inside the plot
      let coloured = 0;
      for (let i = 0; i < png.data.length; i += 4) if (Math.max(png.data[i], png.data[i + 1], png.data[i + 2]) - Math.min(png.data[i], png.data[i + 1], png.data[i + 2]) > 80) coloured++;
      expect(coloured).toBeGreaterThan(1000);
      const mt = show.mapTable(r);
      const mb = mt[JUPYTER_DISPLAY]();
      checkBundle(mb, MIME.maptable, mapTableSvg(mt.data));
    }
    const coco = show.mapTable(cocoResult())[JUPYTER_DISPLAY]();
    // pycocotools' layout
    expect(String(coco['text/plain'])).toMatch(/^ Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=100 \] = 0\.\d{3}$/m);
    expect(String(coco['text/plain']).split('\n').filter((l) => l.startsWith(' Average'))).toHaveLength(12);
  });

  it('compare: Canziani chart and table; training curves', () => {
    const cd = sampleCompare();
    const rows = cd.rows.map(({ accuracy: _a, ...r }) => r);
    const c = new Comparison(rows, { title: cd.title, accuracy: Object.fromEntries(cd.rows.map((r) => [r.name, r.accuracy!])) });
    const cb = c[JUPYTER_DISPLAY]();
    checkBundle(cb, MIME.compare, compareSvg(c.data));
    expect((cb[MIME.compare] as typeof cd).y).toBe('accuracy');
    expect(show.compare(c).data.y).toBe('accuracy');
    expect(show.compare(rows).data.y).toBe('latency');
    expect(() => new Comparison(rows, { accuracy: { nope: 1 } })).toThrow(ConfigError);
    const td = sampleTraining(false);
    const tb = trainingBundle(td);
    checkBundle(tb, MIME.training, trainingSvg(td));
    expect(show.training(td)[JUPYTER_DISPLAY]()[MIME.training]).toEqual(td);
    expect(String(tb['text/plain'])).toContain('plain-20 test error: ');
    expect(() => trainingBundle({ ...td, series: [{ ...td.series[0], y: [1] }] })).toThrow(/\$\.series\[0\]\.y/);
    expect(() => trainingBundle({ ...td, x: 'iteration' as never })).toThrow(ConfigError);
  });
});

/** a network whose first layer is a field named as markup (module paths come from field names) */
class Evil extends nn.Module {
  constructor() {
    super();
    (this as unknown as Record<string, nn.Module>)[XSS] = new nn.Conv2d(3, 4, 3);
    (this as unknown as Record<string, nn.Module>).relu = new nn.ReLU();
  }
  forward(x: never) {
    const self = this as unknown as Record<string, nn.Module>;
    return self.relu.call(self[XSS].call(x));
  }
}

describe('text from data is text', () => {
  it('a module path named as markup is escaped in the diagram and survives packing', () => {
    const d = graphData(new Evil(), [1, 3, 8, 8], { depth: 1 });
    expect(d.blocks.map((b) => b.path)).toContain(XSS);
    const { svg } = graphSvg(d);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;: Conv2d');
    expect(svg).not.toMatch(/<(img|script|foreignObject)/i);
    const b = graphBundle(d);
    expect(decodeGraph(b[MIME.graph] as GraphWire)).toEqual(d);
    checkBundle(b, MIME.graph, svg);
  });

  it('a class, a series and a model named as markup are escaped in every SVG', () => {
    const svgs = [prCurveSvg(cocoResult().prCurveData()), mapTableSvg(vocResult().tableData()), compareSvg(sampleCompare()), trainingSvg(sampleTraining())];
    for (const svg of svgs) {
      expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(svg).not.toContain(XSS);
      expect(svg).not.toMatch(/<(img|script|foreignObject)/i);
    }
  });
});

describe('graph bundle size', () => {
  it('DenseNet-201: the packed data is ≤ 300 KB (957 KB as GraphData) and decodes to the same data', () => {
    const d = graphData(zoo.create('densenet201'));
    const b = graphBundle(d);
    const size = JSON.stringify(b[MIME.graph]).length;
    expect(JSON.stringify(d).length).toBeGreaterThan(900_000);
    expect(size).toBeLessThanOrEqual(300_000);
    expect(errorsOf('GraphWire', b[MIME.graph])).toEqual([]);
    expect(decodeGraph(JSON.parse(JSON.stringify(b[MIME.graph])))).toEqual(d);
  });

  it('an imported ONNX graph (names not made by the tracer) packs and unpacks exactly', () => {
    const d = graphData(fromOnnx(readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.onnx'))));
    const w = encodeGraph(d);
    expect(decodeGraph(JSON.parse(JSON.stringify(w)))).toEqual(d);
    expect(() => decodeGraph({ ...w, edges: [0, w.nodes.length] })).toThrow(/\$\.edges\[1\]/);
    expect(() => decodeGraph({ ...w, version: 1 } as never)).toThrow(/version/);
  });
});

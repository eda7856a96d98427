/**
 * One display bundle of every cnnlab MIME type, made by cnnlab itself (ResNet-18 diagram and summary, feature
 * maps, COCO/VOC evaluation of a small case with a class named like an XSS payload, a comparison, training
 * curves), for the renderer tests. The same code runs in the e2e notebook (test/e2e/notebook.ts).
 */
import { analysis, det, show, zoo, Tensor, JUPYTER_DISPLAY } from '../../src';
import { Rng } from '../../src/tensor/random';

export const XSS = '<img src=x onerror=alert(1)>';

type Bundle = Record<string, unknown>;
const bundle = (x: unknown): Bundle => (x as { [JUPYTER_DISPLAY](): Bundle })[JUPYTER_DISPLAY]();

export function detectionCase(): { gt: unknown; dt: unknown[] } {
  const gt = {
    images: [{ id: 1 }, { id: 2 }],
    categories: [{ id: 1, name: 'cell' }, { id: 2, name: XSS }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 1, bbox: [20, 20, 10, 10], area: 100, iscrowd: 0 },
      { id: 3, image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
      { id: 4, image_id: 2, category_id: 2, bbox: [30, 30, 40, 40], area: 1600, iscrowd: 0 },
    ],
  };
  const dt = [
    { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
    { image_id: 1, category_id: 1, bbox: [50, 50, 10, 10], score: 0.8 },
    { image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], score: 0.7 },
    { image_id: 2, category_id: 1, bbox: [60, 60, 10, 10], score: 0.6 },
    { image_id: 1, category_id: 1, bbox: [20, 20, 10, 10], score: 0.5 },
    { image_id: 2, category_id: 2, bbox: [31, 31, 40, 40], score: 0.8 },
  ];
  return { gt, dt };
}

export function trainingData(done = true): Record<string, unknown> {
  const x = Array.from({ length: 20 }, (_, i) => i + 1);
  return {
    title: 'CIFAR ResNet-20', model: 'resnet20', x: 'epoch', total: 20, done,
    series: [
      { name: 'resnet20', split: 'train', metric: 'loss', x, y: x.map((e) => 2.3 * Math.exp(-e / 6) + 0.1) },
      { name: 'resnet20', split: 'test', metric: 'loss', x, y: x.map((e) => 2.3 * Math.exp(-e / 7) + 0.25) },
      { name: 'resnet20', split: 'train', metric: 'error', x, y: x.map((e) => 0.9 * Math.exp(-e / 5) + 0.05) },
      { name: 'resnet20', split: 'test', metric: 'error', x, y: x.map((e) => 0.9 * Math.exp(-e / 6) + 0.09) },
    ],
  };
}

/** Every bundle, keyed by the renderer kind. */
export async function samples(): Promise<Record<string, Bundle>> {
  const r18 = zoo.create('resnet18');
  const data = new Float32Array(16 * 28 * 28);
  new Rng(1).fillNormal(data);
  const { gt, dt } = detectionCase();
  const coco = det.evaluate(gt as never, dt as never, { style: 'coco' }) as det.CocoResult;
  const cmp = await analysis.compare(['alexnet', 'resnet18', 'squeezenet1_1']);
  return {
    graph: bundle(show.graph(r18)),
    summary: bundle(analysis.summary(r18, [1, 3, 224, 224], { depth: 2 })),
    featuremaps: bundle(show.featureMaps(new Tensor('float32', data, [1, 16, 28, 28]), { name: 'layer1 (random)' })),
    prcurve: bundle(show.prCurves(coco)),
    maptable: bundle(show.mapTable(coco)),
    compare: bundle(show.compare(cmp)),
    training: bundle(show.training(trainingData() as never)),
  };
}

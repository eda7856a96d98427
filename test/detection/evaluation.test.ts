/**
 * Hand-built cases pinning each evaluation rule (values derived by hand in the comments),
 * shard merging, bad input, display bundles, the VOC XML reader and the CLI.
 */
import { describe, expect, it, vi } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  accumulate, CocoResult, evaluate, evaluateImages, mergeStates, summarize, VocResult,
} from '../../src/detection/evaluate';
import { parseVocXml, vocToCoco, type CocoDetection, type CocoGroundTruth } from '../../src/detection/dataset';
import { JUPYTER_DISPLAY } from '../../src/display/bundle';
import * as show from '../../src/api/show';
import { CnnlabError, ParseError } from '../../src/errors';
import { evalCommand } from '../../src/cli-eval';

type Ann = { id: number; image_id: number; category_id: number; bbox: number[]; area?: number; iscrowd?: number; difficult?: number };
function gtOf(images: number[], cats: number[], anns: Ann[]): CocoGroundTruth {
  return {
    images: images.map((id) => ({ id })),
    categories: cats.map((id) => ({ id, name: `c${id}` })),
    annotations: anns.map((a) => ({ ...a, area: a.area ?? a.bbox[2] * a.bbox[3] })),
  };
}
/** pycocotools' precision for a perfect ranking is tp / (tp + fp + eps) = 1 − 2⁻⁵² …; means of such values */
const near = (v: number, want: number) => expect(Math.abs(v - want), `${v} vs ${want}`).toBeLessThanOrEqual(1e-15);
const det = (image_id: number, category_id: number, bbox: number[], score: number): CocoDetection => ({ image_id, category_id, bbox, score });
const coco = (g: CocoGroundTruth, d: CocoDetection[], opts = {}) => evaluate(g, d, { style: 'coco', ...opts }) as CocoResult;
/** recall at every IoU threshold for category index k, area 'all', maxDets 100 */
const recallAtT = (r: CocoResult, k = 0) => r.params.iouThrs.map((_, t) => r.recallAt(t, k, 0, 2));

describe('COCO rules', () => {
  it('IoU exactly at a threshold matches (iou >= t); identical boxes match at 0.95', () => {
    // det [0,0,75,100] vs gt [0,0,100,100]: IoU = 7500/10000 = 0.75 exactly = iouThrs[5]
    const g = gtOf([1], [1], [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 100, 100] }]);
    const r = coco(g, [det(1, 1, [0, 0, 75, 100], 0.9)]);
    expect(r.params.iouThrs[5]).toBe(0.75);
    expect(recallAtT(r)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    near(r.stats.AP75, 1);
    const same = coco(g, [det(1, 1, [0, 0, 100, 100], 0.9)]);
    expect(recallAtT(same)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // exactly 0.5: [0,0,50,100]
    expect(recallAtT(coco(g, [det(1, 1, [0, 0, 50, 100], 0.9)]))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('crowd: IoU = inter / det area, crowd absorbs many detections, all ignored', () => {
    const g = gtOf([1], [1], [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] },
      { id: 2, image_id: 1, category_id: 1, bbox: [100, 100, 200, 200], iscrowd: 1 },
    ]);
    // two small boxes inside the crowd (crowd IoU 1) with the highest scores: ignored, not FP
    const r = coco(g, [det(1, 1, [120, 120, 10, 10], 0.99), det(1, 1, [150, 150, 20, 20], 0.98), det(1, 1, [0, 0, 10, 10], 0.5)]);
    near(r.stats.AP, 1);
    // the same boxes outside the crowd are false positives: precision 1/3 at recall 1
    const r2 = coco(g, [det(1, 1, [320, 320, 10, 10], 0.99), det(1, 1, [350, 350, 20, 20], 0.98), det(1, 1, [0, 0, 10, 10], 0.5)]);
    expect(r2.precisionAt(0, 100, 0, 0, 2)).toBe(1 / (3 + 2.220446049250313e-16));
    // regular ground truth is preferred over crowd: a box overlapping both matches the regular one
    const g3 = gtOf([1], [1], [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 100, 100], iscrowd: 1 },
      { id: 2, image_id: 1, category_id: 1, bbox: [10, 10, 50, 50] },
    ]);
    expect(coco(g3, [det(1, 1, [10, 10, 50, 50], 0.9)]).stats.AR100).toBe(1);
  });

  it('area ranges are inclusive at 32² and 96² (ground truth `area` field), detections by w·h', () => {
    const g = gtOf([1], [1], [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 32, 32] },            // area 1024: small AND medium
      { id: 2, image_id: 1, category_id: 1, bbox: [100, 100, 96, 96] },        // 9216: medium AND large
      { id: 3, image_id: 1, category_id: 1, bbox: [300, 300, 10, 10], area: 5000 }, // area field wins: medium
    ]);
    const r = coco(g, [det(1, 1, [0, 0, 32, 32], 0.9), det(1, 1, [100, 100, 96, 96], 0.8), det(1, 1, [300, 300, 10, 10], 0.7)]);
    near(r.stats.APs, 1);
    near(r.stats.APm, 1);
    near(r.stats.APl, 1);
    expect([r.stats.ARs, r.stats.ARm, r.stats.ARl]).toEqual([1, 1, 1]);
    // unmatched detection outside the range is ignored in that range: a 20×20 FP does not hurt APl
    const r2 = coco(g, [det(1, 1, [100, 100, 96, 96], 0.8), det(1, 1, [600, 600, 20, 20], 0.95)]);
    near(r2.stats.APl, 1);
    expect(r2.stats.APs).toBe(0);
  });

  it('maxDets counts per image AND per category', () => {
    const g = gtOf([1], [1, 2], [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] },
      { id: 2, image_id: 1, category_id: 2, bbox: [50, 50, 10, 10] },
    ]);
    // class 1 has 3 higher-scored detections; class 2's only detection still counts at maxDets=1
    const r = coco(g, [det(1, 1, [0, 0, 10, 10], 0.99), det(1, 1, [200, 0, 10, 10], 0.98), det(1, 1, [300, 0, 10, 10], 0.97), det(1, 2, [50, 50, 10, 10], 0.1)]);
    expect(r.perClass[1].stats.AR1).toBe(1);
    expect(r.stats.AR1).toBe(1);
    // class 1: top-1 is its TP
    expect(r.perClass[0].stats.AR1).toBe(1);
    // 101 detections of one class in one image: the 101st (a TP) is cut at maxDets 100
    const anns = [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }];
    const dts = Array.from({ length: 100 }, (_, i) => det(1, 1, [20 + i * 12, 500, 10, 10], 0.9 - i * 0.001));
    dts.push(det(1, 1, [0, 0, 10, 10], 0.01));
    expect(coco(gtOf([1], [1], anns), dts).stats.AR100).toBe(0);
  });

  it('score ties: image id order (numeric), then file order', () => {
    // image 10 holds the only ground truth; image 9 a false positive with the same score.
    // pycocotools concatenates images in sorted id order → [FP(9), TP(10)]: AP50 = 0.5
    const g = gtOf([10, 9], [1], [{ id: 1, image_id: 10, category_id: 1, bbox: [0, 0, 10, 10] }]);
    const d = [det(10, 1, [0, 0, 10, 10], 0.5), det(9, 1, [0, 0, 10, 10], 0.5)];
    const r = coco(g, d);
    near(r.stats.AP50, 0.5);
    // within one image the (stable) file order decides: FP listed first → AP 0.5, TP first → 1
    const g1 = gtOf([1], [1], [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }]);
    near(coco(g1, [det(1, 1, [50, 50, 10, 10], 0.5), det(1, 1, [0, 0, 10, 10], 0.5)]).stats.AP50, 0.5);
    near(coco(g1, [det(1, 1, [0, 0, 10, 10], 0.5), det(1, 1, [50, 50, 10, 10], 0.5)]).stats.AP50, 1);
    // VOC keeps file order across images: TP first → 1
    expect((evaluate(g, d, { style: 'voc' }) as VocResult).mAP).toBe(1);
    expect((evaluate(g, [d[1], d[0]], { style: 'voc' }) as VocResult).mAP).toBe(0.5);
  });

  it('empty classes and images give −1; an empty detection list is valid (AP 0)', () => {
    const g = gtOf([1, 2, 3], [1, 2, 3], [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }]);
    const r = coco(g, [det(2, 2, [0, 0, 10, 10], 0.9)]);
    expect(r.perClass[1].stats.AP).toBe(-1); // detections but no ground truth
    expect(r.perClass[2].stats.AP).toBe(-1); // nothing at all
    expect(r.perClass[0].stats.AP).toBe(0);  // ground truth, no detections
    expect(r.stats.APm).toBe(-1);
    const e = coco(g, []);
    expect(e.stats.AP).toBe(0);
    expect(e.stats.AR100).toBe(0);
    expect(e.stats.APl).toBe(-1);
    const v = evaluate(g, [], { style: 'voc07' }) as VocResult;
    expect(v.mAP).toBe(0);
    expect(v.classes[1].apAll).toBeNull();
  });

  it('ground-truth annotation id 0 is an ordinary id', () => {
    const g = gtOf([1], [1], [{ id: 0, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }]);
    near(coco(g, [det(1, 1, [0, 0, 10, 10], 0.9)]).stats.AP, 1);
  });
});

describe('VOC rules', () => {
  const g = gtOf([1, 2], [1], [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] },
    { id: 2, image_id: 1, category_id: 1, bbox: [50, 50, 10, 10], difficult: 1 },
    { id: 3, image_id: 2, category_id: 1, bbox: [0, 0, 100, 100], iscrowd: 1 },
  ]);
  const d = [
    det(1, 1, [50, 50, 10, 10], 0.95), // matches difficult → ignored
    det(1, 1, [50, 50, 10, 10], 0.94), // again difficult → ignored (difficult boxes are not marked detected)
    det(2, 1, [0, 0, 90, 90], 0.93),   // crowd, IoU 0.81 → ignored by default
    det(1, 1, [0, 0, 10, 10], 0.9),    // TP
    det(1, 1, [0, 0, 10, 10], 0.8),    // duplicate → FP
  ];
  it('difficult and crowd ignored by default: matched detections neither TP nor FP', () => {
    const r = evaluate(g, d, { style: 'voc' }) as VocResult;
    const c = r.classes[0];
    expect([c.npos, c.tp, c.fp, c.ignored]).toEqual([1, 1, 1, 3]);
    expect(r.mAP).toBe(1);
  });
  it('counting difficult and crowd', () => {
    const r = evaluate(g, d, { style: 'voc', countDifficult: true, countCrowd: true }) as VocResult;
    const c = r.classes[0];
    // order: d0 TP (difficult box), d1 FP (dup), d2 TP (crowd box), d3 TP, d4 FP
    expect([c.npos, c.tp, c.fp, c.ignored]).toEqual([3, 3, 2, 0]);
    // all-point: rec [1/3,1/3,2/3,1,1], prec [1,.5,2/3,.75,.6] → envelope 1, .75, .75 → (1 + .75 + .75)/3
    expect(c.apAll).toBe(1 / 3 * 1 + (2 / 3 - 1 / 3) * 0.75 + (1 - 2 / 3) * 0.75);
    expect(Array.from(c.points11)).toEqual([1, 1, 1, 1, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75]);
  });
  it('IoU exactly at the threshold counts (>=); plusOne changes IoU', () => {
    const g2 = gtOf([1], [1], [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }]);
    // continuous IoU of [0,0,5,10] = 0.5 → TP; at 0.5000001 → FP
    expect((evaluate(g2, [det(1, 1, [0, 0, 5, 10], 1)], { style: 'voc' }) as VocResult).mAP).toBe(1);
    expect((evaluate(g2, [det(1, 1, [0, 0, 5, 10], 1)], { style: 'voc', iouThreshold: 0.5000001 }) as VocResult).mAP).toBe(0);
    // [0,0,4,10] vs [0,0,10,10]: continuous 40/100 = 0.4; plusOne (0..4 and 0..10 inclusive) 5·11/121 = 0.4545…
    expect((evaluate(g2, [det(1, 1, [0, 0, 4, 10], 1)], { style: 'voc', iouThreshold: 0.45 }) as VocResult).mAP).toBe(0);
    expect((evaluate(g2, [det(1, 1, [0, 0, 4, 10], 1)], { style: 'voc', iouThreshold: 0.45, plusOne: true }) as VocResult).mAP).toBe(1);
  });
});

describe('mergeable state', () => {
  const dir = path.join(__dirname, '../fixtures/detection/reference');
  for (const name of ['tiny', 'edge_crowd', 'edge_maxdets']) {
    it(`${name}: shards by image evaluate to the same numbers (coco, voc, voc07)`, () => {
      const g: CocoGroundTruth = JSON.parse(fs.readFileSync(path.join(dir, name, 'gt.json'), 'utf8'));
      const d: CocoDetection[] = JSON.parse(fs.readFileSync(path.join(dir, name, 'dt.json'), 'utf8'));
      const ids = g.images.map((i) => i.id);
      const part = (keep: (id: number) => boolean) => ({
        g: { ...g, images: g.images.filter((i) => keep(i.id)), annotations: g.annotations.filter((a) => keep(a.image_id)) },
        d: d.filter((x) => keep(x.image_id)),
      });
      const half = new Set(ids.filter((_, i) => i % 2 === 0));
      const A = part((id) => half.has(id)), B = part((id) => !half.has(id));
      for (const style of ['coco', 'voc', 'voc07'] as const) {
        const whole = evaluate(g, d, { style });
        const merged = summarize(accumulate(mergeStates([evaluateImages(A.g, A.d, { style }), evaluateImages(B.g, B.d, { style })])));
        if (style === 'coco') {
          expect((merged as CocoResult).stats).toEqual((whole as CocoResult).stats);
          expect(Array.from((merged as CocoResult).precision)).toEqual(Array.from((whole as CocoResult).precision));
          expect(Array.from((merged as CocoResult).recall)).toEqual(Array.from((whole as CocoResult).recall));
        } else {
          // VOC's tie order across shards is shard order; these fixtures are grouped by image id
          expect((merged as VocResult).mAP).toBe((whole as VocResult).mAP);
        }
      }
      expect(() => mergeStates([evaluateImages(A.g, A.d), evaluateImages(A.g, A.d)])).toThrow(/an image is in two shards/);
      expect(() => mergeStates([evaluateImages(A.g, A.d), evaluateImages(B.g, B.d, { style: 'voc' })])).toThrow(/different styles/);
    });
  }
});

describe('bad input', () => {
  const base = () => gtOf([1], [1], [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }]);
  const expectErr = (f: () => unknown, re: RegExp) => {
    let e: unknown;
    try { f(); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(CnnlabError);
    expect((e as Error).message).toMatch(re);
  };
  it('ground truth', () => {
    const g1 = base(); delete (g1.annotations[0] as Partial<Ann>).bbox;
    expectErr(() => evaluate(g1, []), /'bbox' must be.*at \$\.annotations\[0\]\.bbox/);
    const g2 = base(); g2.annotations[0].bbox = [0, 0, -1, 10];
    expectErr(() => evaluate(g2, []), /width is negative.*at \$\.annotations\[0\]\.bbox\[2\]/);
    const g3 = base(); g3.annotations[0].bbox = [0, NaN, 1, 10];
    expectErr(() => evaluate(g3, []), /finite number.*got NaN.*\$\.annotations\[0\]\.bbox\[1\]/);
    const g4 = base(); g4.annotations[0].category_id = 7;
    expectErr(() => evaluate(g4, []), /unknown category id.*category_id 7.*\$\.annotations\[0\]\.category_id/);
    const g5 = base(); g5.annotations.push({ ...g5.annotations[0] });
    expectErr(() => evaluate(g5, []), /duplicate annotation id.*\$\.annotations\[1\]\.id/);
    const g6 = base(); g6.images.push({ id: 1 });
    expectErr(() => evaluate(g6, []), /duplicate image id.*\$\.images\[1\]\.id/);
    const g7 = base(); g7.annotations[0].area = -3;
    expectErr(() => evaluate(g7, []), /'area' must not be negative.*\$\.annotations\[0\]\.area/);
    const g8 = base(); (g8.annotations[0] as unknown as Record<string, unknown>).bbox = [0, 0, '10', 10];
    expectErr(() => evaluate(g8, []), /string "10"/);
    const g9 = base(); delete (g9.annotations[0] as Partial<Ann>).area;
    expectErr(() => evaluate(g9, []), /'area'.*field missing/);
    expectErr(() => evaluate({ images: [] } as unknown as CocoGroundTruth, []), /'categories' must be an array/);
  });
  it('detections', () => {
    expectErr(() => evaluate(base(), [det(1, 9, [0, 0, 1, 1], 0.5)]), /unknown category id.*\$\[0\]\.category_id/);
    expectErr(() => evaluate(base(), [det(5, 1, [0, 0, 1, 1], 0.5)]), /image that is not in the ground truth.*\$\[0\]\.image_id/);
    expectErr(() => evaluate(base(), [det(1, 1, [0, 0, 1, 1], NaN)]), /'score' must be a finite number.*\$\[0\]\.score/);
    expectErr(() => evaluate(base(), [det(1, 1, [0, 0, 1, -1], 0.3)]), /height is negative/);
    expectErr(() => evaluate(base(), { foo: 1 } as never), /detections must be an array/);
    expectErr(() => evaluate(base(), [], { style: 'yolo' as never }), /unknown evaluation style/);
    expectErr(() => evaluate(base(), [], { style: 'coco', plusOne: true }), /VOC options given with the COCO style.*options\.plusOne/);
    const r = evaluate(base(), [det(1, 9, [0, 0, 1, 1], 0.5), det(1, 1, [0, 0, 10, 10], 0.4)], { unknownCategory: 'drop' }) as CocoResult;
    expect(r.dropped.unknownCategory).toBe(1);
    near(r.stats.AP, 1);
  });
  it('files: unreadable and invalid JSON name the file', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-det-'));
    fs.writeFileSync(path.join(tmp, 'bad.json'), '{"images": [');
    expectErr(() => evaluate(path.join(tmp, 'bad.json'), []), /invalid JSON.*bad\.json/);
    expectErr(() => evaluate(path.join(tmp, 'missing.json'), []), /file not found.*missing\.json/);
    fs.writeFileSync(path.join(tmp, 'gt.json'), JSON.stringify(base()));
    fs.writeFileSync(path.join(tmp, 'dt.json'), JSON.stringify([{ image_id: 1, category_id: 1, bbox: [0, 0, 1] , score: 1 }]));
    expectErr(() => evaluate(path.join(tmp, 'gt.json'), path.join(tmp, 'dt.json')), /dt\.json: \$\[0\]\.bbox/);
  });
});

describe('display objects', () => {
  const dir = path.join(__dirname, '../fixtures/detection/reference/tiny');
  it('COCO show.prCurves(r) and show.mapTable(r)', () => {
    const r = evaluate(path.join(dir, 'gt.json'), path.join(dir, 'dt.json')) as CocoResult;
    const b = show.prCurves(r)[JUPYTER_DISPLAY]();
    const d = b['application/vnd.cnnlab.prcurve+json'] as any;
    expect(d.style).toBe('coco');
    expect(d.iouThreshold).toBe(0.5);
    expect(d.classes).toHaveLength(3);
    expect(d.classes[0].interpolatedRecall).toHaveLength(101);
    expect(d.classes[0].ap).toBe(r.perClass[0].stats.AP50);
    expect(d.classes[0].npos).toBe(4); // class 1: 5 ground truth boxes, one crowd
    expect(d.classes[0].recall.length).toBe(d.classes[0].tp + d.classes[0].fp + d.classes[0].recall.length - d.classes[0].tp - d.classes[0].fp);
    expect(typeof b['text/plain']).toBe('string');
    const t = show.mapTable(r)[JUPYTER_DISPLAY]();
    const td = t['application/vnd.cnnlab.maptable+json'] as any;
    expect(td.columns).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl']);
    expect(td.summary.values[0]).toBe(r.stats.AP);
    expect(td.cocoSummary.AR100).toBe(r.stats.AR100);
    expect(t['text/plain']).toContain('class_7');
  });
  it('COCO raw curves for other thresholds on request', () => {
    const r = evaluate(path.join(dir, 'gt.json'), path.join(dir, 'dt.json'), { curveIouThrs: [0.75] }) as CocoResult;
    const d = r.prCurveData(0.75);
    expect(d.classes[0].recall.length).toBeGreaterThan(0);
    expect(d.classes[0].ap).toBe(r.perClass[0].stats.AP75);
    expect(() => r.prCurveData(0.42)).toThrow(/not one of the evaluated thresholds/);
  });
  it('VOC show.prCurves(r): raw and interpolated points', () => {
    const r = evaluate(path.join(dir, 'gt.json'), path.join(dir, 'dt.json'), { style: 'voc' }) as VocResult;
    const d = show.prCurves(r)[JUPYTER_DISPLAY]()['application/vnd.cnnlab.prcurve+json'] as any;
    expect(d.interpolation).toBe('all-point');
    const c = d.classes[0];
    expect(c.recall).toHaveLength(10);
    expect(c.interpolatedRecall[0]).toBe(0);
    expect(c.interpolatedRecall[c.interpolatedRecall.length - 1]).toBe(1);
    const v7 = (evaluate(path.join(dir, 'gt.json'), path.join(dir, 'dt.json'), { style: 'voc07' }) as VocResult).prCurveData();
    expect(v7.classes[0].interpolatedRecall).toHaveLength(11);
    expect(show.mapTable(r)[JUPYTER_DISPLAY]()['text/plain']).toMatch(/mAP/);
  });
});

describe('VOC XML', () => {
  const xml = `<annotation><folder>VOC2007</folder><filename>000001.jpg</filename>
    <size><width>353</width><height>500</height><depth>3</depth></size>
    <object><name>dog</name><pose>Left</pose><truncated>1</truncated><difficult>0</difficult>
      <bndbox><xmin>48</xmin><ymin>240</ymin><xmax>195</xmax><ymax>371</ymax></bndbox></object>
    <object><name>person</name><difficult>1</difficult>
      <bndbox><xmin>8</xmin><ymin>12</ymin><xmax>352</xmax><ymax>498</ymax></bndbox></object>
  </annotation>`;
  it('parses and converts (inclusive pixel boxes → w = xmax − xmin + 1)', () => {
    const a = parseVocXml(xml);
    expect(a.filename).toBe('000001.jpg');
    expect(a.width).toBe(353);
    expect(a.objects).toEqual([
      { name: 'dog', difficult: false, truncated: true, xmin: 48, ymin: 240, xmax: 195, ymax: 371 },
      { name: 'person', difficult: true, truncated: false, xmin: 8, ymin: 12, xmax: 352, ymax: 498 },
    ]);
    const g = vocToCoco([a]);
    expect(g.categories.map((c) => c.name)).toEqual(['dog', 'person']);
    expect(g.annotations[0].bbox).toEqual([48, 240, 147, 131]);
    expect(g.annotations[0].area).toBe(148 * 132);
    // with plusOne, the detection [48,240,195,371] (as xywh 48,240,147,131) has IoU 1; person is difficult
    const r = evaluate(g, [det(1, 1, [48, 240, 147, 131], 0.9), det(1, 2, [8, 12, 344, 486], 0.8)], { style: 'voc', plusOne: true }) as VocResult;
    expect(r.classes[0].apAll).toBe(1);
    expect(r.classes[1].npos).toBe(0);
    expect(r.classes[1].ignored).toBe(1);
    expect(r.mAP).toBe(1);
  });
  it('errors name the object', () => {
    expect(() => parseVocXml(xml.replace('<xmax>195</xmax>', '<xmax>abc</xmax>'), 'a.xml')).toThrow(ParseError);
    expect(() => parseVocXml(xml.replace('<xmax>195</xmax>', '<xmax>abc</xmax>'), 'a.xml')).toThrow(/a\.xml: \/annotation\/object\[0\]\/bndbox\/xmax/);
    expect(() => parseVocXml(xml.replace('<xmax>195</xmax>', '<xmax>10</xmax>'), 'a.xml')).toThrow(/xmax < xmin/);
    expect(() => parseVocXml('<foo/>', 'b.xml')).toThrow(/not a VOC annotation/);
  });
});

describe('cnnlab eval (CLI)', () => {
  const dir = path.join(__dirname, '../fixtures/detection/reference/tiny');
  const run = async (args: string[]) => {
    let out = '', err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
    try {
      const code = await evalCommand(args);
      return { code, out, err };
    } finally { o.mockRestore(); e.mockRestore(); }
  };
  const gt = path.join(dir, 'gt.json'), dt = path.join(dir, 'dt.json');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  it('prints pycocotools 12-line summary', async () => {
    const r = await run(['--gt', gt, '--dt', dt]);
    expect(r.code).toBe(0);
    const lines = r.out.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe(` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${expected.coco.stats[0].toFixed(3)}`);
    expect(lines[11]).toBe(` Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = ${expected.coco.stats[11].toFixed(3)}`);
  });
  it('--json and VOC styles', async () => {
    const r = await run(['eval', '--gt', gt, '--dt', dt, '--json']);
    const j = JSON.parse(r.out);
    expect(Object.values(j.stats)).toEqual(expected.coco.stats);
    const v = await run(['--gt', gt, '--dt', dt, '--style', 'voc07', '--plus-one', '--iou', '0.5', '--json']);
    expect(JSON.parse(v.out).mAP).toBe(expected.voc.variants.voc_devkit.mAP_11);
    const t = await run(['--gt', gt, '--dt', dt, '--style', 'voc']);
    expect(t.out).toContain(`mAP@0.5 (all-point) = ${expected.voc.variants.continuous_difficult.mAP_all.toFixed(4)}`);
  });
  it('exit codes: usage 2, bad input 1', async () => {
    expect((await run(['--gt', gt])).code).toBe(2);
    expect((await run(['--gt', gt, '--dt', dt, '--style', 'x'])).code).toBe(2);
    expect((await run(['--gt', gt, '--dt', dt, '--iou', '0.5'])).code).toBe(2);
    expect((await run(['--gt', gt, '--dt', dt, '--plus-one'])).code).toBe(2);
    expect((await run(['--gt', gt, '--dt', dt, '--style', 'voc', '--iou', 'abc'])).code).toBe(2);
    const bad = await run(['--gt', gt, '--dt', gt]);
    expect(bad.code).toBe(2); // bad input: 2, as every cnnlab command
    expect(bad.err).toMatch(/'score' must be a finite number.*gt\.json: \$\.annotations\[0\]\.score/);
  });
});

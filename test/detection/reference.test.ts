/**
 * Every number of every `expected.json` in test/fixtures/detection/reference (pycocotools 2.0.11
 * and the VOC evaluators, see that folder) against cnnlab's evaluation — all with EXACT floating
 * equality (`toBe` / Object.is semantics): cnnlab reproduces numpy's summation order (pairwise
 * for np.mean) and pycocotools' `tp / (fp + tp + eps)`, so no tolerance is needed anywhere.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { evaluate, CocoResult, VocResult } from '../../src/detection/evaluate';
import { loadDetections, loadGroundTruth } from '../../src/detection/dataset';
import { STAT_NAMES, type CocoStatName } from '../../src/detection/cocoeval';

const DIR = path.join(__dirname, '../fixtures/detection/reference');
const CASES = fs.readdirSync(DIR).filter((d) => fs.existsSync(path.join(DIR, d, 'expected.json')));

// fixture variant → cnnlab options
const VARIANTS: Record<string, { plusOne: boolean; countCrowd: boolean }> = {
  padilla: { plusOne: true, countCrowd: true },
  voc_devkit: { plusOne: true, countCrowd: false },
  continuous: { plusOne: false, countCrowd: true },
  continuous_difficult: { plusOne: false, countCrowd: false },
};

const exact = (got: number, want: number, what: string) => expect(got, what).toBe(want);

describe.each(CASES)('reference case %s', (name) => {
  const gtPath = path.join(DIR, name, 'gt.json');
  const dtPath = path.join(DIR, name, 'dt.json');
  const e = JSON.parse(fs.readFileSync(path.join(DIR, name, 'expected.json'), 'utf8'));

  it('summary counts', () => {
    const gt = loadGroundTruth(gtPath);
    const dt = loadDetections(dtPath, gt);
    const s = e.summary;
    expect(gt.imgIds.length).toBe(s.n_images);
    expect(gt.catIds.length).toBe(s.n_categories);
    expect(gt.n).toBe(s.n_gt);
    expect(gt.crowd.reduce((a, b) => a + b, 0)).toBe(s.n_crowd);
    const inR = (lo: number, hi: number) => Array.from(gt.area).filter((a) => a >= lo && a <= hi).length;
    expect(inR(0, 32 ** 2)).toBe(s.n_small);
    expect(inR(32 ** 2, 96 ** 2)).toBe(s.n_medium);
    expect(inR(96 ** 2, 1e10)).toBe(s.n_large);
    expect(dt.n).toBe(s.n_det);
    expect(new Set(dt.score).size).toBe(s.n_distinct_scores);
  });

  it('COCO: params, 12 stats, per class, AP per IoU, precision and recall arrays (exact)', () => {
    const r = evaluate(gtPath, dtPath, { style: 'coco' }) as CocoResult;
    const c = e.coco;
    expect(c.stat_names).toEqual([...STAT_NAMES]);
    c.stats.forEach((v: number, i: number) => exact(r.stats[STAT_NAMES[i]], v, `stats.${STAT_NAMES[i]}`));
    const p = r.params;
    expect(p.iouThrs).toEqual(c.params.iouThrs);
    expect(p.recThrs).toEqual(c.params.recThrs);
    expect(p.maxDets).toEqual(c.params.maxDets);
    expect(p.areaRng).toEqual(c.params.areaRng);
    expect(p.areaRngLbl).toEqual(c.params.areaRngLbl);
    expect(Array.from(r.acc.catIds)).toEqual(c.params.catIds);
    expect(r.acc.catIds.length).toBe(Object.keys(c.per_class).length);
    c.ap_per_iou.forEach((v: number, t: number) => exact(r.apPerIou[t], v, `ap_per_iou[${t}]`));
    const keys: [string, CocoStatName][] = [
      ['ap', 'AP'], ['ap50', 'AP50'], ['ap75', 'AP75'], ['ap_small', 'APs'], ['ap_medium', 'APm'], ['ap_large', 'APl'],
      ['ar1', 'AR1'], ['ar10', 'AR10'], ['ar100', 'AR100'], ['ar_small', 'ARs'], ['ar_medium', 'ARm'], ['ar_large', 'ARl'],
    ];
    for (const pc of r.perClass) {
      const x = c.per_class[String(pc.categoryId)];
      expect(x, `per_class ${pc.categoryId}`).toBeDefined();
      for (const [fk, sk] of keys) exact(pc.stats[sk], x[fk], `per_class.${pc.categoryId}.${fk}`);
      x.ap_per_iou.forEach((v: number, t: number) => exact(pc.apPerIou[t], v, `per_class.${pc.categoryId}.ap_per_iou[${t}]`));
    }
    // precision [T][R][K] at area 'all', maxDets 100; recall [T][K][A][M]
    const { T, R, K, A, M } = r.dims;
    expect([c.precision.length, c.precision[0].length, c.precision[0][0].length]).toEqual([T, R, K]);
    let n = 0;
    for (let t = 0; t < T; t++) for (let q = 0; q < R; q++) for (let k = 0; k < K; k++) {
      exact(r.precisionAt(t, q, k, 0, M - 1), c.precision[t][q][k], `precision[${t}][${q}][${k}]`);
      n++;
    }
    for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) for (let m = 0; m < M; m++) {
      exact(r.recallAt(t, k, a, m), c.recall[t][k][a][m], `recall[${t}][${k}][${a}][${m}]`);
      n++;
    }
    expect(n).toBe(T * R * K + T * K * A * M);
  });

  it.each(Object.keys(VARIANTS))('VOC variant %s: mAP (all-point, 11-point), per-class counts and APs (exact)', (v) => {
    const ev = e.voc.variants[v];
    expect(e.voc.iou_threshold).toBe(0.5);
    expect(ev.iou_mode).toBe(VARIANTS[v].plusOne ? 'plus1' : 'continuous');
    expect(ev.crowd_mode).toBe(VARIANTS[v].countCrowd ? 'count' : 'difficult');
    const all = evaluate(gtPath, dtPath, { style: 'voc', iouThreshold: e.voc.iou_threshold, ...VARIANTS[v] }) as VocResult;
    const p11 = evaluate(gtPath, dtPath, { style: 'voc07', iouThreshold: e.voc.iou_threshold, ...VARIANTS[v] }) as VocResult;
    exact(all.mAP!, ev.mAP_all, 'mAP_all');
    exact(p11.mAP!, ev.mAP_11, 'mAP_11');
    expect(all.classes.filter((c) => c.apAll !== null).length).toBe(ev.n_classes);
    expect(all.classes.length).toBe(Object.keys(ev.per_class).length);
    for (const c of all.classes) {
      const x = ev.per_class[String(c.categoryId)];
      expect(x).toBeDefined();
      expect([c.npos, c.nCrowdGt, c.nDet, c.tp, c.fp, c.ignored]).toEqual([x.npos, x.n_crowd_gt, x.n_det, x.tp, x.fp, x.ignored]);
      if (x.ap_all === null) expect(c.apAll).toBeNull(); else exact(c.apAll!, x.ap_all, `${v}.${c.categoryId}.ap_all`);
      if (x.ap_11 === null) expect(c.ap11).toBeNull(); else exact(c.ap11!, x.ap_11, `${v}.${c.categoryId}.ap_11`);
      expect(all.apOf(c)).toBe(x.ap_all);
      expect(p11.apOf(c)).toBe(x.ap_11);
    }
  });
});

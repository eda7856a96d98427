/**
 * Detection benchmark (`npm run build && npm run bench:det`).
 *
 * 1. COCO evaluation of a seeded synthetic set: 5,000 images, 80 categories, ~37,000 ground-truth
 *    boxes (1 % crowd), ~290,000 detections (jittered copies of ground truth and clutter,
 *    scores with 3 decimals so there are ties). Times load+validate, evaluate (matching),
 *    accumulate and summarize; checks the result against a straightforward object-per-box
 *    transliteration of pycocotools' evaluate/accumulate written here (its time is printed too)
 *    — every precision/recall entry and the 12 stats must be identical. pycocotools itself is not
 *    run (no PyPI here); the issue quotes ~80 s for its evaluate+accumulate on 2 cores.
 *    Also times VOC (all-point) evaluation of the same set.
 * 2. NMS on 10,000 and 100,000 random float32 boxes (IoU 0.5), cnnlab vs torchvision's CPU nms run
 *    by Debian's /usr/bin/python3 on the same boxes (skipped when unavailable): times (best of
 *    runs) and whether the kept index lists are identical.
 *
 * Options: --images N (default 5000), --no-reference, --no-torch, --json.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadDetections, loadGroundTruth, type CocoDetection, type CocoGroundTruth } from '../src/detection/dataset';
import { accumulateCoco, defaultCocoParams, evaluateCoco, STAT_NAMES, summarizeCoco, type CocoAccumulated } from '../src/detection/cocoeval';
import { accumulateVoc, evaluateVoc, vocMap } from '../src/detection/voceval';
import { nms } from '../src/detection/nms';
import { EPS, pairwiseSum } from '../src/detection/numeric';
import { mulberry32 } from '../src/tensor/random';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : def; };
const NIMG = opt('--images', 5000);
const now = () => Number(process.hrtime.bigint()) / 1e6;

const rng = mulberry32;

function synth(nImg: number): { gt: CocoGroundTruth; dt: CocoDetection[] } {
  const r = rng(2014);
  const gt: CocoGroundTruth = { images: [], categories: [], annotations: [] };
  for (let c = 1; c <= 80; c++) gt.categories.push({ id: c, name: `class_${c}` });
  const dt: CocoDetection[] = [];
  const rb = (W: number, H: number) => {
    const s = Math.exp(Math.log(8) + r() * Math.log(300 / 8));
    const ar = Math.exp((r() - 0.5) * 1.2);
    const w = Math.min(W - 1, s * ar), h = Math.min(H - 1, s / ar);
    return [+(r() * (W - w)).toFixed(2), +(r() * (H - h)).toFixed(2), +w.toFixed(2), +h.toFixed(2)];
  };
  let aid = 1;
  for (let i = 0; i < nImg; i++) {
    const id = 100000 + i * 7;
    const W = 640, H = 480;
    gt.images.push({ id, width: W, height: H });
    const ng = Math.floor(r() * 16);
    for (let g = 0; g < ng; g++) {
      const cat = 1 + Math.floor(r() * 80);
      const b = rb(W, H);
      gt.annotations.push({ id: aid++, image_id: id, category_id: cat, bbox: b, area: +(b[2] * b[3] * (0.6 + 0.4 * r())).toFixed(2), iscrowd: r() < 0.01 ? 1 : 0 });
      const nd = Math.floor(r() * 5);
      for (let k = 0; k < nd; k++) {
        const j = (v: number, s: number) => +(v + (r() - 0.5) * s).toFixed(2);
        const w = Math.max(1, j(b[2], b[2] * 0.3)), h = Math.max(1, j(b[3], b[3] * 0.3));
        dt.push({ image_id: id, category_id: r() < 0.9 ? cat : 1 + Math.floor(r() * 80), bbox: [j(b[0], b[2] * 0.3), j(b[1], b[3] * 0.3), w, h], score: +r().toFixed(3) });
      }
    }
    const nf = Math.floor(r() * 86);
    for (let k = 0; k < nf; k++) dt.push({ image_id: id, category_id: 1 + Math.floor(r() * 80), bbox: rb(W, H), score: +(r() * 0.7).toFixed(3) });
  }
  return { gt, dt };
}

/** Straightforward pycocotools transliteration: objects per box, arrays of arrays. */
function referenceCoco(gt: CocoGroundTruth, dts: CocoDetection[]) {
  const p = defaultCocoParams();
  const imgIds = [...new Set(gt.images.map((i) => i.id))].sort((a, b) => a - b);
  const catIds = [...new Set(gt.categories.map((c) => c.id))].sort((a, b) => a - b);
  type G = { id: number; bbox: number[]; area: number; iscrowd: number; ignore: number };
  type D = { id: number; bbox: number[]; area: number; score: number };
  const gts = new Map<string, G[]>(), dtm = new Map<string, D[]>();
  for (const a of gt.annotations) { const k = `${a.image_id},${a.category_id}`; if (!gts.has(k)) gts.set(k, []); gts.get(k)!.push({ id: a.id, bbox: a.bbox, area: a.area!, iscrowd: Number(a.iscrowd ?? 0), ignore: Number(a.iscrowd ?? 0) }); }
  dts.forEach((d, i) => { const k = `${d.image_id},${d.category_id}`; if (!dtm.has(k)) dtm.set(k, []); dtm.get(k)!.push({ id: i + 1, bbox: d.bbox, area: d.bbox[2] * d.bbox[3], score: d.score }); });
  const maxDet = p.maxDets[p.maxDets.length - 1];
  const iou = (d: number[], g: number[], crowd: number) => {
    const w = Math.min(d[2] + d[0], g[2] + g[0]) - Math.max(d[0], g[0]); if (w <= 0) return 0;
    const h = Math.min(d[3] + d[1], g[3] + g[1]) - Math.max(d[1], g[1]); if (h <= 0) return 0;
    const i = w * h, da = d[2] * d[3];
    return i / (crowd ? da : da + g[2] * g[3] - i);
  };
  type E = { dtScores: number[]; dtMatched: boolean[][]; dtIgnore: boolean[][]; gtIgnore: number[] } | null;
  const evalImgs: E[] = [];
  for (const c of catIds) for (const aRng of p.areaRng) for (const im of imgIds) {
    const k = `${im},${c}`;
    const g0 = gts.get(k) ?? [], d0 = dtm.get(k) ?? [];
    if (g0.length === 0 && d0.length === 0) { evalImgs.push(null); continue; }
    const dSorted = d0.map((d, i) => [d, i] as const).sort((a, b) => b[0].score - a[0].score || a[1] - b[1]).map((x) => x[0]).slice(0, maxDet);
    const gIg = g0.map((g) => (g.ignore || g.area < aRng[0] || g.area > aRng[1] ? 1 : 0));
    const gOrd = g0.map((g, i) => i).sort((a, b) => gIg[a] - gIg[b] || a - b);
    const gs = gOrd.map((i) => g0[i]), gIgS = gOrd.map((i) => gIg[i]);
    const ious = dSorted.map((d) => gs.map((g) => iou(d.bbox, g.bbox, g.iscrowd)));
    const matched = p.iouThrs.map(() => dSorted.map(() => false));
    const dIg = p.iouThrs.map(() => dSorted.map(() => false));
    p.iouThrs.forEach((t, ti) => {
      const gtm = gs.map(() => false);
      dSorted.forEach((d, di) => {
        let best = Math.min(t, 1 - 1e-10), m = -1;
        for (let gi = 0; gi < gs.length; gi++) {
          if (gtm[gi] && !gs[gi].iscrowd) continue;
          if (m > -1 && gIgS[m] === 0 && gIgS[gi] === 1) break;
          if (ious[di][gi] < best) continue;
          best = ious[di][gi]; m = gi;
        }
        if (m === -1) { dIg[ti][di] = d.area < aRng[0] || d.area > aRng[1]; return; }
        dIg[ti][di] = gIgS[m] === 1; matched[ti][di] = true; gtm[m] = true;
      });
    });
    evalImgs.push({ dtScores: dSorted.map((d) => d.score), dtMatched: matched, dtIgnore: dIg, gtIgnore: gIgS });
  }
  const T = p.iouThrs.length, R = p.recThrs.length, K = catIds.length, A = p.areaRng.length, M = p.maxDets.length, I = imgIds.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1), recall = new Float64Array(T * K * A * M).fill(-1);
  for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) p.maxDets.forEach((md, m) => {
    const E = evalImgs.slice(k * A * I + a * I, k * A * I + a * I + I).filter((e): e is NonNullable<E> => e !== null);
    if (E.length === 0) return;
    const rows: { s: number; m: boolean[]; ig: boolean[] }[] = [];
    for (const e of E) e.dtScores.slice(0, md).forEach((s, di) => rows.push({ s, m: e.dtMatched.map((x) => x[di]), ig: e.dtIgnore.map((x) => x[di]) }));
    const order = rows.map((_, i) => i).sort((x, y) => rows[y].s - rows[x].s || x - y);
    const npig = E.reduce((acc, e) => acc + e.gtIgnore.filter((g) => g === 0).length, 0);
    if (npig === 0) return;
    for (let t = 0; t < T; t++) {
      let tp = 0, fp = 0;
      const rc: number[] = [], pr: number[] = [];
      for (const i of order) { const row = rows[i]; if (row.m[t] && !row.ig[t]) tp++; if (!row.m[t] && !row.ig[t]) fp++; rc.push(tp / npig); pr.push(tp / (fp + tp + EPS)); }
      recall[((t * K + k) * A + a) * M + m] = rc.length ? rc[rc.length - 1] : 0;
      for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
      p.recThrs.forEach((thr, ri) => {
        let lo = 0, hi = rc.length;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (rc[mid] < thr) lo = mid + 1; else hi = mid; }
        precision[(((t * R + ri) * K + k) * A + a) * M + m] = lo < rc.length ? pr[lo] : 0;
      });
    }
  });
  const mean = (v: number[]) => { const x = v.filter((y) => y > -1); return x.length ? pairwiseSum(x) / x.length : -1; };
  const ap = (t: number | null, a: number) => { const v: number[] = []; for (let ti = 0; ti < T; ti++) { if (t !== null && ti !== t) continue; for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) v.push(precision[(((ti * R + r) * K + k) * A + a) * M + M - 1]); } return mean(v); };
  const ar = (a: number, m: number) => { const v: number[] = []; for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) v.push(recall[((t * K + k) * A + a) * M + m]); return mean(v); };
  const stats = [ap(null, 0), ap(0, 0), ap(5, 0), ap(null, 1), ap(null, 2), ap(null, 3), ar(0, 0), ar(0, 1), ar(0, 2), ar(1, 2), ar(2, 2), ar(3, 2)];
  return { precision, recall, stats };
}

function sameArrays(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function haveTorch(): boolean {
  if (args.includes('--no-torch')) return false;
  try { execFileSync('/usr/bin/python3', ['-c', 'import torchvision'], { stdio: 'ignore' }); return true; } catch { return false; }
}

function nmsBench(n: number, torch: boolean, report: Record<string, unknown>) {
  const r = rng(n);
  const b = new Float32Array(n * 4), s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = r() * 1000, y = r() * 1000, w = 10 + r() * 90, h = 10 + r() * 90;
    b.set([x, y, x + w, y + h], i * 4); s[i] = r();
  }
  const runs = n >= 100000 ? 3 : 10;
  let best = Infinity, keep = new Int32Array(0);
  for (let k = 0; k < runs; k++) { const t0 = now(); keep = nms(b, s, 0.5); best = Math.min(best, now() - t0); }
  const line: Record<string, unknown> = { boxes: n, kept: keep.length, cnnlab_ms: +best.toFixed(2) };
  if (torch) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-nms-'));
    fs.writeFileSync(path.join(dir, 'b.bin'), Buffer.from(b.buffer));
    fs.writeFileSync(path.join(dir, 's.bin'), Buffer.from(s.buffer));
    const py = `
import numpy as np, torch, torchvision, time, json, sys
d=sys.argv[1]; n=${n}
b=torch.from_numpy(np.fromfile(d+'/b.bin',dtype=np.float32).reshape(n,4)); s=torch.from_numpy(np.fromfile(d+'/s.bin',dtype=np.float32))
torch.set_num_threads(1)
best=1e9
for _ in range(${runs === 10 ? 5 : 2}):
    t=time.perf_counter(); k=torchvision.ops.nms(b,s,0.5); best=min(best,time.perf_counter()-t)
json.dump({'ms':best*1000,'keep':k.tolist(),'threads':torch.get_num_threads(),'tv':torchvision.__version__},open(d+'/out.json','w'))`;
    execFileSync('/usr/bin/python3', ['-c', py, dir], { stdio: 'inherit' });
    const o = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
    line.torchvision_ms = +o.ms.toFixed(2);
    line.torchvision = o.tv;
    line.identical_keep = o.keep.length === keep.length && o.keep.every((v: number, i: number) => v === keep[i]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  (report.nms as unknown[]).push(line);
  console.log(`nms ${n} boxes (float32, IoU 0.5): cnnlab ${line.cnnlab_ms} ms (best of ${runs}), kept ${keep.length}` +
    (torch ? `; torchvision ${line.torchvision} CPU nms ${line.torchvision_ms} ms (1 thread); identical kept list: ${line.identical_keep}` : '; torchvision not available'));
}

function main() {
  const report: Record<string, unknown> = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, nms: [] };
  const t0 = now();
  const { gt, dt } = synth(NIMG);
  const tGen = now() - t0;
  console.log(`synthetic set: ${gt.images.length} images, ${gt.categories.length} categories, ${gt.annotations.length} ground-truth boxes, ${dt.length} detections (generated in ${tGen.toFixed(0)} ms)`);
  const t1 = now();
  const G = loadGroundTruth(gt);
  const D = loadDetections(dt, G);
  const t2 = now();
  const state = evaluateCoco(G, D);
  const t3 = now();
  const acc: CocoAccumulated = accumulateCoco(state);
  const t4 = now();
  const stats = summarizeCoco(acc);
  const t5 = now();
  const ev = { load_ms: t2 - t1, evaluate_ms: t3 - t2, accumulate_ms: t4 - t3, summarize_ms: t5 - t4, evaluate_plus_accumulate_s: (t4 - t2) / 1000 };
  report.coco = { images: gt.images.length, gt: gt.annotations.length, dt: dt.length, ...ev, stats };
  console.log(`COCO: load+validate ${ev.load_ms.toFixed(0)} ms, evaluate ${ev.evaluate_ms.toFixed(0)} ms, accumulate ${ev.accumulate_ms.toFixed(0)} ms, summarize ${ev.summarize_ms.toFixed(0)} ms`);
  console.log(`COCO evaluate+accumulate: ${ev.evaluate_plus_accumulate_s.toFixed(2)} s (target ≤ 10 s; pycocotools ≈ 80 s per the issue, 2 cores)`);
  console.log('stats: ' + STAT_NAMES.map((k) => `${k}=${stats[k].toFixed(4)}`).join(' '));
  if (!args.includes('--no-reference')) {
    const r0 = now();
    const ref = referenceCoco(gt, dt);
    const rt = now() - r0;
    const same = sameArrays(ref.precision, acc.precision) && sameArrays(ref.recall, acc.recall) && ref.stats.every((v, i) => Object.is(v, stats[STAT_NAMES[i]]));
    report.reference = { seconds: rt / 1000, identical: same };
    console.log(`straightforward pycocotools transliteration (objects per box): ${(rt / 1000).toFixed(2)} s; precision, recall and stats identical: ${same}`);
  }
  const v0 = now();
  const voc = accumulateVoc(evaluateVoc(G, D, { iouThreshold: 0.5 }));
  const vt = now() - v0;
  report.voc = { seconds: vt / 1000, mAP: vocMap(voc, 'all') };
  console.log(`VOC all-point @0.5 evaluate+accumulate: ${(vt / 1000).toFixed(2)} s, mAP ${vocMap(voc, 'all')?.toFixed(4)}`);
  const torch = haveTorch();
  nmsBench(10000, torch, report);
  nmsBench(100000, torch, report);
  if (args.includes('--json')) console.log(JSON.stringify(report));
}

main();

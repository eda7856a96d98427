/**
 * Selective search (Uijlings et al., IJCV 2013) for object proposals, as used by R-CNN,
 * SPP-net and Fast R-CNN:
 *
 * 1. Felzenszwalb–Huttenlocher graph segmentation (felzenszwalb.ts) of the image in a colour space.
 * 2. Hierarchical grouping: adjacent regions (4-neighbourhood) with the highest similarity are
 *    merged until one region is left (ties: lower region numbers first). Similarity = sum of the enabled measures, each in [0, 1]:
 *    colour (histogram intersection of 25-bin per-channel histograms, L1-normalised),
 *    texture (histogram intersection of 10-bin histograms of Gaussian-derivative (σ = 1)
 *    responses in 8 orientations per channel — positive parts of the directional derivative),
 *    size (1 − (|ri| + |rj|)/|image|) and fill (1 − (|BBij| − |ri| − |rj|)/|image|).
 *    Merged histograms are size-weighted means, as in the paper.
 * 3. Diversification over strategies (colour space × k × similarity set): 'single' (HSV,
 *    k = 100, C+T+S+F), 'fast' (HSV and Lab × k ∈ {50, 100} × {C+T+S+F, T+S+F}) and 'quality'
 *    (HSV, Lab, rgI, H, I × k ∈ {50, 100, 150, 300} × {C+T+S+F, T+S+F, F, S}).
 * 4. Ranking: within a strategy region i created at step i (of n) gets position n − i + 1
 *    (the whole image is 1), multiplied by a seeded uniform random number; all boxes sorted by
 *    that value, duplicates removed (the first kept).
 *
 * Boxes are returned xyxy in continuous pixel coordinates: a region covering columns 3..9 has
 * x1 = 3, x2 = 10. `minBoxSize` drops boxes narrower or lower than that (default 0: none).
 */
import { mulberry32 } from '../tensor/random';
import { ConfigError } from '../errors';
import { Tensor } from '../tensor/tensor';
import { felzenszwalb, smooth, toImage3, type Image3 } from './felzenszwalb';

export type ColorSpace = 'rgb' | 'hsv' | 'lab' | 'rgi' | 'h' | 'i';
export type Similarity = 'color' | 'texture' | 'size' | 'fill';

export interface SelectiveSearchOptions {
  strategy?: 'single' | 'fast' | 'quality';
  /** custom strategies (override `strategy`) */
  strategies?: { colorSpace: ColorSpace; k: number; similarities: Similarity[] }[];
  sigma?: number;
  /** minimum component size of the segmentation (default: k, as in the authors' code) */
  minSize?: number;
  /** seed of the ranking's random numbers (default 1) */
  seed?: number;
  minBoxSize?: number;
  /** keep at most this many proposals (default all) */
  maxProposals?: number;
}

/** Converts an RGB image (0..255) to a colour space, every channel scaled to 0..255. */
export function convertColor(im: Image3, space: ColorSpace): Image3 {
  const n = im.h * im.w, s = im.data, out = new Float64Array(n * 3);
  for (let p = 0; p < n; p++) {
    const r = s[p * 3], g = s[p * 3 + 1], b = s[p * 3 + 2];
    let a = r, bb = g, c = b;
    if (space === 'hsv' || space === 'h') {
      const mx = Math.max(r, g, b), mn = Math.min(r, g, b), d = mx - mn;
      let hue = 0;
      if (d > 0) hue = mx === r ? ((g - b) / d + 6) % 6 : mx === g ? (b - r) / d + 2 : (r - g) / d + 4;
      a = (hue / 6) * 255; bb = mx > 0 ? (d / mx) * 255 : 0; c = mx;
      if (space === 'h') { bb = a; c = a; }
    } else if (space === 'lab') {
      const lin = (v: number) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      const R = lin(r), G = lin(g), B = lin(b);
      const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047, Y = 0.2126 * R + 0.7152 * G + 0.0722 * B, Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
      const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
      const L = 116 * f(Y) - 16, A = 500 * (f(X) - f(Y)), Bc = 200 * (f(Y) - f(Z));
      a = L * 2.55; bb = A + 128; c = Bc + 128;
    } else if (space === 'rgi') {
      const sum = r + g + b;
      a = sum > 0 ? (r / sum) * 255 : 85; bb = sum > 0 ? (g / sum) * 255 : 85; c = sum / 3;
    } else if (space === 'i') {
      a = bb = c = (r + g + b) / 3;
    }
    out[p * 3] = a; out[p * 3 + 1] = bb; out[p * 3 + 2] = c;
  }
  return { h: im.h, w: im.w, data: out };
}

const CBINS = 25, TBINS = 10, NORI = 8;

/** Texture features: per pixel, per channel, 8 oriented Gaussian-derivative magnitudes (positive parts). */
function textureResponses(im: Image3): { resp: Float32Array; max: Float64Array } {
  const sm = smooth(im, 1).data, { h, w } = im, n = h * w;
  const resp = new Float32Array(n * 3 * NORI), max = new Float64Array(3 * NORI);
  const cs = Array.from({ length: NORI }, (_, o) => [Math.cos((o * Math.PI) / 4), Math.sin((o * Math.PI) / 4)]);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    for (let c = 0; c < 3; c++) {
      const gx = (sm[(y * w + Math.min(x + 1, w - 1)) * 3 + c] - sm[(y * w + Math.max(x - 1, 0)) * 3 + c]) / 2;
      const gy = (sm[(Math.min(y + 1, h - 1) * w + x) * 3 + c] - sm[(Math.max(y - 1, 0) * w + x) * 3 + c]) / 2;
      for (let o = 0; o < NORI; o++) {
        const v = Math.max(0, gx * cs[o][0] + gy * cs[o][1]);
        resp[(p * 3 + c) * NORI + o] = v;
        if (v > max[c * NORI + o]) max[c * NORI + o] = v;
      }
    }
  }
  return { resp, max };
}

interface Region { size: number; x1: number; y1: number; x2: number; y2: number; col: Float64Array; tex: Float64Array; alive: boolean }

function histIntersection(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] < b[i] ? a[i] : b[i];
  return s;
}

/** Initial regions of a segmentation: sizes, boxes, normalised histograms, adjacency. */
export interface InitialRegions { regions: Region[]; neighbours: number[][]; imSize: number }

export function initialRegions(im: Image3, labels: Int32Array, count: number, texture = true): InitialRegions {
  const { h, w } = im;
  const regions: Region[] = [];
  for (let i = 0; i < count; i++) regions.push({ size: 0, x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity, col: new Float64Array(3 * CBINS), tex: new Float64Array(texture ? 3 * NORI * TBINS : 0), alive: true });
  const tr = texture ? textureResponses(im) : null;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x, r = regions[labels[p]];
    r.size++;
    if (x < r.x1) r.x1 = x; if (y < r.y1) r.y1 = y; if (x + 1 > r.x2) r.x2 = x + 1; if (y + 1 > r.y2) r.y2 = y + 1;
    for (let c = 0; c < 3; c++) r.col[c * CBINS + Math.min(CBINS - 1, Math.max(0, Math.floor((im.data[p * 3 + c] / 256) * CBINS)))]++;
    if (tr) for (let q = 0; q < 3 * NORI; q++) {
      const mx = tr.max[q];
      const b = mx > 0 ? Math.min(TBINS - 1, Math.floor((tr.resp[p * 3 * NORI + q] / mx) * TBINS)) : 0;
      r.tex[q * TBINS + b]++;
    }
  }
  for (const r of regions) {
    let s = 0; for (const v of r.col) s += v; for (let i = 0; i < r.col.length; i++) r.col[i] /= s || 1;
    s = 0; for (const v of r.tex) s += v; for (let i = 0; i < r.tex.length; i++) r.tex[i] /= s || 1;
  }
  const nbs: Set<number>[] = regions.map(() => new Set<number>());
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const a = labels[y * w + x];
    if (x + 1 < w) { const b = labels[y * w + x + 1]; if (a !== b) { nbs[a].add(b); nbs[b].add(a); } }
    if (y + 1 < h) { const b = labels[(y + 1) * w + x]; if (a !== b) { nbs[a].add(b); nbs[b].add(a); } }
  }
  return { regions, neighbours: nbs.map((n) => [...n].sort((a, b) => a - b)), imSize: h * w };
}

/** Max-heap of region pairs by similarity (ties: smaller i, then smaller j), lazily invalidated. */
class PairHeap {
  sim: number[] = []; a: number[] = []; b: number[] = [];
  private before(p: number, q: number): boolean {
    const s = this.sim;
    return s[p] > s[q] || (s[p] === s[q] && (this.a[p] < this.a[q] || (this.a[p] === this.a[q] && this.b[p] < this.b[q])));
  }
  private swap(p: number, q: number): void {
    const s = this.sim, a = this.a, b = this.b;
    [s[p], s[q]] = [s[q], s[p]]; [a[p], a[q]] = [a[q], a[p]]; [b[p], b[q]] = [b[q], b[p]];
  }
  get size(): number { return this.sim.length; }
  push(v: number, i: number, j: number): void {
    this.sim.push(v); this.a.push(i); this.b.push(j);
    let k = this.sim.length - 1;
    while (k > 0) { const p = (k - 1) >> 1; if (!this.before(k, p)) break; this.swap(k, p); k = p; }
  }
  pop(): [number, number] {
    const i = this.a[0], j = this.b[0];
    const last = this.sim.length - 1;
    this.swap(0, last);
    this.sim.pop(); this.a.pop(); this.b.pop();
    let k = 0;
    const n = this.sim.length;
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < n && this.before(l, m)) m = l;
      if (r < n && this.before(r, m)) m = r;
      if (m === k) break;
      this.swap(k, m); k = m;
    }
    return [i, j];
  }
}

/**
 * Hierarchical grouping of one segmentation. Returns the boxes of all regions in creation
 * order (initial regions, then one per merge), xyxy continuous, as a flat array.
 */
export function hierarchicalGrouping(im: Image3, labels: Int32Array, count: number, sims: Similarity[]): Float64Array {
  return groupRegions(initialRegions(im, labels, count, sims.includes('texture')), sims);
}

/** Greedy merging of the most similar adjacent regions until one is left (see the header). */
export function groupRegions(init: InitialRegions, sims: Similarity[]): Float64Array {
  const useC = sims.includes('color'), useT = sims.includes('texture'), useS = sims.includes('size'), useF = sims.includes('fill');
  const imSize = init.imSize;
  const regions: Region[] = init.regions.map((r) => ({ ...r, alive: true }));
  const nb: number[][] = init.neighbours.map((n) => [...n]);
  const sim = (i: number, j: number) => {
    const a = regions[i], b = regions[j];
    let s = 0;
    if (useC) s += histIntersection(a.col, b.col);
    if (useT) s += histIntersection(a.tex, b.tex);
    if (useS) s += 1 - (a.size + b.size) / imSize;
    if (useF) {
      const bb = (Math.max(a.x2, b.x2) - Math.min(a.x1, b.x1)) * (Math.max(a.y2, b.y2) - Math.min(a.y1, b.y1));
      s += 1 - (bb - a.size - b.size) / imSize;
    }
    return s;
  };
  const heap = new PairHeap();
  for (let i = 0; i < regions.length; i++) for (const j of nb[i]) if (i < j) heap.push(sim(i, j), i, j);
  while (heap.size > 0) {
    const [i, j] = heap.pop();
    if (!regions[i].alive || !regions[j].alive) continue;
    const a = regions[i], b = regions[j];
    const t = regions.length;
    const size = a.size + b.size;
    const col = new Float64Array(a.col.length), tex = new Float64Array(a.tex.length);
    for (let q = 0; q < col.length; q++) col[q] = (a.col[q] * a.size + b.col[q] * b.size) / size;
    if (useT) for (let q = 0; q < tex.length; q++) tex[q] = (a.tex[q] * a.size + b.tex[q] * b.size) / size;
    regions.push({ size, x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2), col, tex, alive: true });
    a.alive = false; b.alive = false;
    const nt = new Set<number>();
    for (const q of nb[i]) if (regions[q].alive) nt.add(q);
    for (const q of nb[j]) if (regions[q].alive) nt.add(q);
    const list = [...nt].sort((x, y) => x - y);
    nb.push(list);
    for (const q of list) { nb[q].push(t); heap.push(sim(q, t), q, t); }
  }
  const out = new Float64Array(regions.length * 4);
  regions.forEach((r, q) => out.set([r.x1, r.y1, r.x2, r.y2], q * 4));
  return out;
}

const ALL: Similarity[] = ['color', 'texture', 'size', 'fill'];
const TSF: Similarity[] = ['texture', 'size', 'fill'];

export function strategiesOf(name: 'single' | 'fast' | 'quality'): { colorSpace: ColorSpace; k: number; similarities: Similarity[] }[] {
  const mk = (spaces: ColorSpace[], ks: number[], sims: Similarity[][]) => spaces.flatMap((colorSpace) => ks.flatMap((k) => sims.map((similarities) => ({ colorSpace, k, similarities }))));
  if (name === 'single') return mk(['hsv'], [100], [ALL]);
  if (name === 'fast') return mk(['hsv', 'lab'], [50, 100], [ALL, TSF]);
  if (name === 'quality') return mk(['hsv', 'lab', 'rgi', 'h', 'i'], [50, 100, 150, 300], [ALL, TSF, ['fill'], ['size']]);
  throw new ConfigError('unknown selective search strategy', { expected: "'single' | 'fast' | 'quality'", got: String(name), where: 'strategy' });
}

/** Object proposals of an image: Float64Array of N·4 xyxy boxes, best-ranked first. */
export function selectiveSearch(image: Tensor, opts: SelectiveSearchOptions = {}): Float64Array {
  const rgb = toImage3(image, 'selectiveSearch(image)');
  const strategies = opts.strategies ?? strategiesOf(opts.strategy ?? 'fast');
  const rnd = mulberry32(opts.seed ?? 1);
  const boxes: number[] = [];
  const rankVal: number[] = [];
  const segCache = new Map<string, InitialRegions>();
  for (const st of strategies) {
    const key = `${st.colorSpace}:${st.k}`;
    let init = segCache.get(key);
    if (!init) {
      const im = convertColor(rgb, st.colorSpace);
      const s = felzenszwalb(im, { k: st.k, sigma: opts.sigma ?? 0.8, minSize: opts.minSize ?? st.k });
      init = initialRegions(im, s.labels, s.count, true);
      segCache.set(key, init);
    }
    const b = groupRegions(init, st.similarities);
    const n = b.length / 4;
    for (let i = 0; i < n; i++) {
      boxes.push(b[i * 4], b[i * 4 + 1], b[i * 4 + 2], b[i * 4 + 3]);
      rankVal.push((n - i) * rnd());
    }
  }
  const order = rankVal.map((_, i) => i).sort((a, b) => rankVal[a] - rankVal[b] || a - b);
  const seen = new Set<string>();
  const out: number[] = [];
  const minBox = opts.minBoxSize ?? 0;
  for (const i of order) {
    const x1 = boxes[i * 4], y1 = boxes[i * 4 + 1], x2 = boxes[i * 4 + 2], y2 = boxes[i * 4 + 3];
    if (x2 - x1 < minBox || y2 - y1 < minBox) continue;
    const k = `${x1},${y1},${x2},${y2}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x1, y1, x2, y2);
    if (opts.maxProposals !== undefined && out.length / 4 >= opts.maxProposals) break;
  }
  return Float64Array.from(out);
}

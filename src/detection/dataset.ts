/**
 * COCO-format ground truth and detections (JSON files or objects) and Pascal VOC XML, validated
 * and turned into flat typed tables (no per-box objects in the evaluation loops).
 *
 * Validation: every problem is a `ParseError` naming the file (when read from one) and the JSON
 * path (`gt.json: $.annotations[3].bbox[2]`). Checked: missing fields, non-numeric / NaN /
 * infinite numbers, negative widths or heights (a box with x2 < x1), negative areas, duplicate
 * image / category / annotation ids, annotations or detections on unknown images, unknown
 * category ids. Detections with an unknown category id are an error by default; with
 * `unknownCategory: 'drop'` they are dropped and counted in `dropped.unknownCategory`.
 * An empty detection list is valid.
 */
import * as fs from 'fs';
import { NotFoundError, ParseError } from '../errors';

export interface CocoImage { id: number; width?: number; height?: number; file_name?: string }
export interface CocoCategory { id: number; name?: string; supercategory?: string }
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** [x, y, width, height] */
  bbox: number[];
  /** area used for COCO's small/medium/large ranges (required, as pycocotools requires it) */
  area?: number;
  iscrowd?: number | boolean;
  /** VOC's "difficult" flag (COCO files converted from VOC often carry it) */
  difficult?: number | boolean;
}
export interface CocoGroundTruth { images: CocoImage[]; categories: CocoCategory[]; annotations: CocoAnnotation[] }
export interface CocoDetection { image_id: number; category_id: number; bbox: number[]; score: number }

export type GtInput = string | CocoGroundTruth | GtTable;
export type DtInput = string | CocoDetection[] | { annotations: CocoDetection[] } | DtTable;

/** Ground truth as flat arrays; image and category indices refer to the sorted id lists. */
export interface GtTable {
  readonly kind: 'gt';
  /** sorted unique image ids */
  imgIds: Float64Array;
  /** sorted unique category ids */
  catIds: Float64Array;
  catNames: Map<number, string>;
  n: number;
  img: Int32Array;
  cat: Int32Array;
  /** [n*4] x, y, w, h */
  box: Float64Array;
  area: Float64Array;
  crowd: Uint8Array;
  difficult: Uint8Array;
  id: Float64Array;
}

export interface DtTable {
  readonly kind: 'dt';
  n: number;
  /** image index into the ground truth's sorted image ids */
  img: Int32Array;
  cat: Int32Array;
  box: Float64Array;
  score: Float64Array;
  /** w*h, as pycocotools' loadRes sets it */
  area: Float64Array;
  /** 1-based position in the file, as pycocotools' loadRes assigns */
  id: Float64Array;
  dropped: { unknownCategory: number };
}

export interface LoadOptions {
  /** what to do with a detection whose category_id is not in the ground truth (default 'error') */
  unknownCategory?: 'error' | 'drop';
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new NotFoundError('file not found', { where: path, got: code });
    throw new ParseError('cannot read JSON file', { where: path, got: (e as Error).message });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ParseError('invalid JSON', { where: path, got: (e as Error).message });
  }
}

function desc(v: unknown): string {
  if (v === undefined) return 'nothing (field missing)';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (Array.isArray(v)) return `array of length ${v.length}`;
  return v === null ? 'null' : typeof v;
}

class Ctx {
  constructor(readonly file: string | undefined) {}
  where(path: string): string { return this.file ? `${this.file}: ${path}` : path; }
  num(o: Record<string, unknown>, key: string, path: string, opts: { min?: number; optional?: boolean } = {}): number | undefined {
    const v = o[key];
    if (v === undefined && opts.optional) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ParseError(`'${key}' must be a finite number`, { expected: 'a finite number', got: desc(v), where: this.where(`${path}.${key}`) });
    }
    if (opts.min !== undefined && v < opts.min) {
      throw new ParseError(`'${key}' must not be negative`, { expected: `a number ≥ ${opts.min}`, got: String(v), where: this.where(`${path}.${key}`) });
    }
    return v;
  }
  obj(v: unknown, path: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new ParseError('expected an object', { expected: 'an object', got: desc(v), where: this.where(path) });
    }
    return v as Record<string, unknown>;
  }
  arr(o: Record<string, unknown>, key: string, path: string): unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) throw new ParseError(`'${key}' must be an array`, { expected: 'an array', got: desc(v), where: this.where(`${path}.${key}`) });
    return v;
  }
  bbox(o: Record<string, unknown>, path: string, out: Float64Array, at: number): void {
    const b = o.bbox;
    if (!Array.isArray(b) || b.length !== 4) {
      throw new ParseError("'bbox' must be [x, y, width, height]", { expected: 'an array of 4 numbers', got: desc(b), where: this.where(`${path}.bbox`) });
    }
    for (let k = 0; k < 4; k++) {
      const v = b[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ParseError('bbox values must be finite numbers', { expected: 'a finite number', got: desc(v), where: this.where(`${path}.bbox[${k}]`) });
      }
      if (k >= 2 && v < 0) {
        throw new ParseError(`bbox ${k === 2 ? 'width' : 'height'} is negative (x2 < x1 or y2 < y1)`, { expected: 'width and height ≥ 0', got: String(v), where: this.where(`${path}.bbox[${k}]`) });
      }
      out[at * 4 + k] = v;
    }
  }
  flag(o: Record<string, unknown>, key: string, path: string): number {
    const v = o[key];
    if (v === undefined || v === null) return 0;
    if (v === true || v === 1) return 1;
    if (v === false || v === 0) return 0;
    throw new ParseError(`'${key}' must be 0/1 or a boolean`, { expected: '0, 1, true or false', got: desc(v), where: this.where(`${path}.${key}`) });
  }
}

function sortedUnique(ids: number[]): Float64Array {
  const a = Float64Array.from(ids);
  a.sort();
  return a;
}

function indexMap(sorted: Float64Array): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) m.set(sorted[i], i);
  return m;
}

/** Validates a COCO ground-truth object (or reads and validates a JSON file). */
export function loadGroundTruth(input: GtInput): GtTable {
  if (typeof input === 'object' && input !== null && (input as GtTable).kind === 'gt') return input as GtTable;
  const file = typeof input === 'string' ? input : undefined;
  const ctx = new Ctx(file);
  const root = ctx.obj(typeof input === 'string' ? readJson(input) : input, '$');
  const images = ctx.arr(root, 'images', '$');
  const cats = ctx.arr(root, 'categories', '$');
  const anns = ctx.arr(root, 'annotations', '$');
  const imgSeen = new Set<number>();
  for (let i = 0; i < images.length; i++) {
    const p = `$.images[${i}]`;
    const id = ctx.num(ctx.obj(images[i], p), 'id', p)!;
    if (imgSeen.has(id)) throw new ParseError('duplicate image id', { expected: 'unique image ids', got: `id ${id} again`, where: ctx.where(`${p}.id`) });
    imgSeen.add(id);
  }
  const catSeen = new Set<number>();
  const catNames = new Map<number, string>();
  for (let i = 0; i < cats.length; i++) {
    const p = `$.categories[${i}]`;
    const o = ctx.obj(cats[i], p);
    const id = ctx.num(o, 'id', p)!;
    if (catSeen.has(id)) throw new ParseError('duplicate category id', { expected: 'unique category ids', got: `id ${id} again`, where: ctx.where(`${p}.id`) });
    catSeen.add(id);
    catNames.set(id, typeof o.name === 'string' ? o.name : String(id));
  }
  const imgIds = sortedUnique([...imgSeen]);
  const catIds = sortedUnique([...catSeen]);
  const imgIdx = indexMap(imgIds);
  const catIdx = indexMap(catIds);
  const n = anns.length;
  const t: GtTable = {
    kind: 'gt', imgIds, catIds, catNames, n,
    img: new Int32Array(n), cat: new Int32Array(n), box: new Float64Array(n * 4), area: new Float64Array(n),
    crowd: new Uint8Array(n), difficult: new Uint8Array(n), id: new Float64Array(n),
  };
  const annSeen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const p = `$.annotations[${i}]`;
    const o = ctx.obj(anns[i], p);
    const id = ctx.num(o, 'id', p)!;
    if (annSeen.has(id)) throw new ParseError('duplicate annotation id', { expected: 'unique annotation ids', got: `id ${id} again`, where: ctx.where(`${p}.id`) });
    annSeen.add(id);
    const im = ctx.num(o, 'image_id', p)!;
    const ii = imgIdx.get(im);
    if (ii === undefined) throw new ParseError('annotation on an unknown image', { expected: 'an id listed in $.images', got: `image_id ${im}`, where: ctx.where(`${p}.image_id`) });
    const c = ctx.num(o, 'category_id', p)!;
    const ci = catIdx.get(c);
    if (ci === undefined) throw new ParseError('unknown category id', { expected: 'an id listed in $.categories', got: `category_id ${c}`, where: ctx.where(`${p}.category_id`) });
    ctx.bbox(o, p, t.box, i);
    t.area[i] = ctx.num(o, 'area', p, { min: 0 })!;
    t.img[i] = ii; t.cat[i] = ci; t.id[i] = id;
    t.crowd[i] = ctx.flag(o, 'iscrowd', p);
    t.difficult[i] = ctx.flag(o, 'difficult', p);
  }
  return t;
}

/** Validates COCO-format detections (results file) against the ground truth. */
export function loadDetections(input: DtInput, gt: GtTable, opts: LoadOptions = {}): DtTable {
  if (typeof input === 'object' && input !== null && (input as DtTable).kind === 'dt') return input as DtTable;
  const file = typeof input === 'string' ? input : undefined;
  const ctx = new Ctx(file);
  let raw: unknown = typeof input === 'string' ? readJson(input) : input;
  let base = '$';
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && Array.isArray((raw as { annotations?: unknown }).annotations)) {
    raw = (raw as { annotations: unknown[] }).annotations;
    base = '$.annotations';
  }
  if (!Array.isArray(raw)) throw new ParseError('detections must be an array', { expected: 'a JSON array of {image_id, category_id, bbox, score}', got: desc(raw), where: ctx.where('$') });
  const imgIdx = indexMap(gt.imgIds);
  const catIdx = indexMap(gt.catIds);
  const n0 = raw.length;
  const img = new Int32Array(n0), cat = new Int32Array(n0), box = new Float64Array(n0 * 4);
  const score = new Float64Array(n0), area = new Float64Array(n0), id = new Float64Array(n0);
  let n = 0, dropped = 0;
  for (let i = 0; i < n0; i++) {
    const p = `${base}[${i}]`;
    const o = ctx.obj(raw[i], p);
    const im = ctx.num(o, 'image_id', p)!;
    const ii = imgIdx.get(im);
    if (ii === undefined) throw new ParseError('detection on an image that is not in the ground truth', { expected: 'an image id of the ground truth', got: `image_id ${im}`, where: ctx.where(`${p}.image_id`) });
    const c = ctx.num(o, 'category_id', p)!;
    const s = ctx.num(o, 'score', p)!;
    ctx.bbox(o, p, box, n);
    const ci = catIdx.get(c);
    if (ci === undefined) {
      if (opts.unknownCategory === 'drop') { dropped++; continue; }
      throw new ParseError('detection has an unknown category id', { expected: "a category id of the ground truth (or option unknownCategory: 'drop')", got: `category_id ${c}`, where: ctx.where(`${p}.category_id`) });
    }
    img[n] = ii; cat[n] = ci; score[n] = s;
    area[n] = box[n * 4 + 2] * box[n * 4 + 3];
    id[n] = i + 1;
    n++;
  }
  return {
    kind: 'dt', n, img: img.slice(0, n), cat: cat.slice(0, n), box: box.slice(0, n * 4), score: score.slice(0, n),
    area: area.slice(0, n), id: id.slice(0, n), dropped: { unknownCategory: dropped },
  };
}


// ---------------------------------------------------------------------------------------------
// Pascal VOC XML

export interface VocObject { name: string; difficult: boolean; truncated: boolean; xmin: number; ymin: number; xmax: number; ymax: number }
export interface VocAnnotation { filename: string; width?: number; height?: number; objects: VocObject[] }

function tagText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1].trim() : undefined;
}

/** Parses one Pascal VOC annotation XML (text, not a path). `where` names it in errors. */
export function parseVocXml(xml: string, where = 'annotation.xml'): VocAnnotation {
  const ann = tagText(xml, 'annotation');
  if (ann === undefined) throw new ParseError('not a VOC annotation', { expected: 'an <annotation> element', got: 'none', where });
  const filename = tagText(ann, 'filename') ?? '';
  const size = tagText(ann, 'size');
  const w = size ? Number(tagText(size, 'width')) : NaN;
  const h = size ? Number(tagText(size, 'height')) : NaN;
  const objects: VocObject[] = [];
  const re = /<object(?:\s[^>]*)?>([\s\S]*?)<\/object>/g;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = re.exec(ann)) !== null) {
    const body = m[1];
    const p = `${where}: /annotation/object[${k}]`;
    const name = tagText(body, 'name');
    if (!name) throw new ParseError('object without <name>', { expected: 'a class name', got: 'nothing', where: p });
    const bb = tagText(body, 'bndbox');
    if (bb === undefined) throw new ParseError('object without <bndbox>', { expected: '<bndbox> with xmin, ymin, xmax, ymax', got: 'nothing', where: p });
    const c: number[] = [];
    for (const key of ['xmin', 'ymin', 'xmax', 'ymax']) {
      const s = tagText(bb, key);
      const v = s === undefined ? NaN : Number(s);
      if (!Number.isFinite(v)) throw new ParseError(`<${key}> must be a number`, { expected: 'a finite number', got: s === undefined ? 'nothing' : JSON.stringify(s), where: `${p}/bndbox/${key}` });
      c.push(v);
    }
    if (c[2] < c[0] || c[3] < c[1]) throw new ParseError('box with xmax < xmin or ymax < ymin', { expected: 'xmin ≤ xmax and ymin ≤ ymax', got: `[${c.join(', ')}]`, where: `${p}/bndbox` });
    objects.push({
      name, difficult: tagText(body, 'difficult') === '1', truncated: tagText(body, 'truncated') === '1',
      xmin: c[0], ymin: c[1], xmax: c[2], ymax: c[3],
    });
    k++;
  }
  return { filename, width: Number.isFinite(w) ? w : undefined, height: Number.isFinite(h) ? h : undefined, objects };
}

/**
 * Converts VOC annotations to a COCO ground-truth object: bbox = [xmin, ymin, xmax − xmin,
 * ymax − ymin], so the VOC styles with `plusOne: true` (xyxy = (x, y, x + w, y + h) as
 * inclusive pixels) compute the devkit's IoU on the XML coordinates exactly; area = (w + 1)·(h + 1),
 * the box's pixel count.
 * Image ids are 1..N in the given order; category ids 1..K in `classNames` order (default:
 * sorted names found). `difficult` is carried over.
 */
export function vocToCoco(anns: VocAnnotation[], classNames?: string[]): CocoGroundTruth {
  const names = classNames ?? [...new Set(anns.flatMap((a) => a.objects.map((o) => o.name)))].sort();
  const catId = new Map(names.map((n, i) => [n, i + 1] as const));
  const out: CocoGroundTruth = { images: [], categories: names.map((name, i) => ({ id: i + 1, name })), annotations: [] };
  let aid = 1;
  anns.forEach((a, i) => {
    out.images.push({ id: i + 1, file_name: a.filename, width: a.width, height: a.height });
    for (const o of a.objects) {
      const c = catId.get(o.name);
      if (c === undefined) throw new ParseError('object of a class not in classNames', { expected: names.join(', '), got: o.name, where: a.filename });
      const w = o.xmax - o.xmin, h = o.ymax - o.ymin;
      out.annotations.push({ id: aid++, image_id: i + 1, category_id: c, bbox: [o.xmin, o.ymin, w, h], area: (w + 1) * (h + 1), iscrowd: 0, difficult: o.difficult ? 1 : 0 });
    }
  });
  return out;
}

/** Reads VOC XML files (paths) into a COCO ground-truth object (see `vocToCoco`). */
export function readVocXml(paths: string[], classNames?: string[]): CocoGroundTruth {
  return vocToCoco(paths.map((p) => {
    let text: string;
    try { text = fs.readFileSync(p, 'utf8'); } catch (e) { throw new ParseError('cannot read VOC XML', { where: p, got: (e as Error).message }); }
    return parseVocXml(text, p);
  }), classNames);
}

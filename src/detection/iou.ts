/**
 * Intersection over union of two boxes: the one definition behind `boxIou`, NMS (hard and soft), VOC and COCO
 * matching and proposal recall. Boxes are xyxy; each caller keeps the conventions of the reference it matches:
 *
 * - `plusOne`: the VOC/R-CNN pixel convention (inclusive coordinates: widths x2 − x1 + 1);
 * - `f32`: every step rounded to float32, as torchvision's kernels compute on float tensors;
 * - `crowd`: pycocotools' crowd rule, the union is the first box's (the detection's) area;
 * - `zeroIfDisjoint`: maskApi's `bbIou` — boxes that do not overlap have IoU 0 (no 0/0 for empty boxes).
 */

export interface IouRule {
  plusOne?: boolean;
  f32?: boolean;
  crowd?: boolean;
  zeroIfDisjoint?: boolean;
}

const ident = (x: number): number => x;

/** Area of an xyxy box: (x2 − x1 [+ 1]) · (y2 − y1 [+ 1]), each step in float32 with `f32`. */
export function areaXyxy(x1: number, y1: number, x2: number, y2: number, rule: IouRule = {}): number {
  const F = rule.f32 ? Math.fround : ident;
  const one = rule.plusOne ? 1 : 0;
  return F(F(F(x2 - x1) + one) * F(F(y2 - y1) + one));
}

/**
 * IoU of box a and box b (xyxy) whose areas the caller has (`areaXyxy`, or w·h of xywh boxes as pycocotools
 * takes them): inter = max(min(x2) − max(x1) [+ 1], 0) · (the same in y); union = areaA + areaB − inter.
 */
export function iouXyxy(
  ax1: number, ay1: number, ax2: number, ay2: number, areaA: number,
  bx1: number, by1: number, bx2: number, by2: number, areaB: number,
  rule: IouRule = {},
): number {
  const F = rule.f32 ? Math.fround : ident;
  const one = rule.plusOne ? 1 : 0;
  const w = Math.max(F(F(Math.min(ax2, bx2) - Math.max(ax1, bx1)) + one), 0);
  const h = Math.max(F(F(Math.min(ay2, by2) - Math.max(ay1, by1)) + one), 0);
  if (rule.zeroIfDisjoint && !(w > 0 && h > 0)) return 0;
  const inter = F(w * h);
  return F(inter / (rule.crowd ? areaA : F(F(areaA + areaB) - inter)));
}

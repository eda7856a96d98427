/**
 * The one IoU definition (src/detection/iou.ts) and its conventions; every other detection file uses it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { areaXyxy, iouXyxy } from '../../src/detection/iou';

it('continuous, plusOne (VOC pixels), float32 rounding, crowd and disjoint rules', () => {
  // [0,0,10,10] and [5,5,15,15]: inter 25, union 175
  expect(iouXyxy(0, 0, 10, 10, 100, 5, 5, 15, 15, 100)).toBe(25 / 175);
  // inclusive pixels: areas 121, inter 36, union 206
  const a1 = areaXyxy(0, 0, 10, 10, { plusOne: true });
  expect(a1).toBe(121);
  expect(iouXyxy(0, 0, 10, 10, a1, 5, 5, 15, 15, a1, { plusOne: true })).toBe(36 / 206);
  // float32: the quotient rounded to float32
  expect(iouXyxy(0, 0, 10, 10, 100, 5, 5, 15, 15, 100, { f32: true })).toBe(Math.fround(25 / 175));
  // pycocotools' crowd: intersection over the detection's area
  expect(iouXyxy(0, 0, 10, 10, 100, 5, 5, 15, 15, 100, { crowd: true })).toBe(0.25);
  // two empty boxes at one point: torchvision's box_iou gives 0/0 = NaN, maskApi's bbIou 0
  expect(iouXyxy(3, 3, 3, 3, 0, 3, 3, 3, 3, 0)).toBeNaN();
  expect(iouXyxy(3, 3, 3, 3, 0, 3, 3, 3, 3, 0, { zeroIfDisjoint: true })).toBe(0);
});

it('no detection file computes an IoU of its own', () => {
  const dir = path.join(__dirname, '../../src/detection');
  const inline = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'iou.ts')
    .filter((f) => /inter\s*\/\s*\(|Math\.min\([^)]*\)\s*-\s*Math\.max\(/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  expect(inline).toEqual([]);
});

/**
 * Evaluation of object proposals (selective search, Uijlings et al. 2013 §5.1): recall at IoU thresholds
 * and the average best overlap (ABO).
 */
import { flatBoxes, type BoxesLike } from './boxes';
import { areaXyxy, iouXyxy, type IouRule } from './iou';

const DISJOINT_ZERO: IouRule = { zeroIfDisjoint: true };

/**
 * Proposal recall: the fraction of ground-truth boxes (xyxy) covered by some proposal with
 * IoU ≥ each threshold (default 0.5 and 0.7), the best IoU per ground-truth box and its mean
 * (ABO, the paper's average best overlap). Continuous IoU.
 */
export function proposalRecall(proposals: BoxesLike, gt: BoxesLike, thresholds: number[] = [0.5, 0.7]): { recall: Record<string, number>; bestIou: Float64Array; abo: number } {
  const P = flatBoxes(proposals, 'proposals'), G = flatBoxes(gt, 'gt');
  const best = new Float64Array(G.n);
  const p4 = P.data;
  for (let g = 0; g < G.n; g++) {
    const gx1 = G.data[g * 4], gy1 = G.data[g * 4 + 1], gx2 = G.data[g * 4 + 2], gy2 = G.data[g * 4 + 3];
    const ga = areaXyxy(gx1, gy1, gx2, gy2);
    let m = 0;
    for (let p = 0; p < P.n; p++) {
      const px1 = p4[p * 4], py1 = p4[p * 4 + 1], px2 = p4[p * 4 + 2], py2 = p4[p * 4 + 3];
      const iou = iouXyxy(gx1, gy1, gx2, gy2, ga, px1, py1, px2, py2, areaXyxy(px1, py1, px2, py2), DISJOINT_ZERO);
      if (iou > m) m = iou;
    }
    best[g] = m;
  }
  const recall: Record<string, number> = {};
  for (const t of thresholds) recall[String(t)] = G.n ? best.filter((v) => v >= t).length / G.n : NaN;
  return { recall, bestIou: best, abo: G.n ? best.reduce((a, b) => a + b, 0) / G.n : NaN };
}

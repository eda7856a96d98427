/**
 * Data schemas of the detection display types (DESIGN.md "Display contract"):
 * `application/vnd.cnnlab.prcurve+json` and `application/vnd.cnnlab.maptable+json`.
 * Re-exported from `schema.ts`; the JupyterLab extension imports the same types.
 */

export type DetEvalStyle = 'coco' | 'voc07' | 'voc';

/** One class's precision/recall curve. */
export interface PrCurveClass {
  categoryId: number;
  name: string;
  /** AP of this curve under the style's interpolation; null when the class has no countable ground truth */
  ap: number | null;
  /** raw PR points, one per detection in score order (COCO: at the given IoU, area 'all', top maxDets) */
  recall: number[];
  precision: number[];
  /**
   * the interpolated curve that the AP integrates: VOC all-point — the monotone envelope
   * [0, recall…, 1]; VOC07 — the 11 recall points 0, 0.1, …, 1; COCO — the 101 recall thresholds
   */
  interpolatedRecall: number[];
  interpolatedPrecision: number[];
  /** counts behind the curve */
  npos: number;
  tp: number;
  fp: number;
}

/** Data of `application/vnd.cnnlab.prcurve+json`. */
export interface PrCurveData {
  version: 1;
  style: DetEvalStyle;
  /** IoU threshold of the curves */
  iouThreshold: number;
  /** 'all-point' | '11-point' | '101-point' */
  interpolation: 'all-point' | '11-point' | '101-point';
  /** COCO only: area range label and maxDets of the curves */
  areaRange?: string;
  maxDets?: number;
  classes: PrCurveClass[];
}

/** One row of the mAP table. */
export interface MapTableRow {
  categoryId: number;
  name: string;
  /** one value per column; null (VOC) or −1 (COCO, as pycocotools) where undefined */
  values: (number | null)[];
}

/** Data of `application/vnd.cnnlab.maptable+json`. */
export interface MapTableData {
  version: 1;
  style: DetEvalStyle;
  /** column labels, e.g. COCO: AP, AP50, AP75, APs, APm, APl; VOC: AP, npos, tp, fp */
  columns: string[];
  rows: MapTableRow[];
  /** the summary row (mean over classes: mAP) */
  summary: { label: string; values: (number | null)[] };
  /** COCO's 12-number summary (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl) */
  cocoSummary?: Record<string, number>;
  /** COCO: COCOeval's params.maxDets behind the AR1/AR10/AR100 lines (default [1, 10, 100]) */
  maxDets?: number[];
  /** VOC: the IoU threshold */
  iouThreshold?: number;
}

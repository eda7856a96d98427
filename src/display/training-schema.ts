/**
 * Data of `application/vnd.cnnlab.training+json` (DESIGN.md "Display contract"): training curves, shown live
 * through `update_display_data` while a model trains. Types only: re-exported from `schema.ts`, which the
 * JupyterLab extension imports as is.
 */

/** One curve: a metric of one split over steps or epochs. */
export interface TrainingSeries {
  /** label of the curve (the run or model), e.g. `'resnet20'` */
  name: string;
  split: 'train' | 'test';
  metric: 'loss' | 'error';
  /** step or epoch numbers (see `TrainingData.x`), increasing */
  x: number[];
  /** loss, or error as a fraction in [0, 1], one per `x` */
  y: number[];
}

export interface TrainingData {
  title: string;
  model?: string;
  /** what `series[].x` counts */
  x: 'step' | 'epoch';
  series: TrainingSeries[];
  /** the last step/epoch planned (the x axis runs to it while training) */
  total?: number;
  /** training finished (false while curves are still growing) */
  done: boolean;
}

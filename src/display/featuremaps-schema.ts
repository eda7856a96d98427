/**
 * Data of `application/vnd.cnnlab.featuremaps+json` (DESIGN.md "Display contract"). Types only:
 * re-exported from `schema.ts`, which the JupyterLab extension imports as is.
 */

/** Colour scales of heatmaps (display/png.ts draws them; the extension's plotly scales have the same names). */
export type Colormap = 'viridis' | 'inferno' | 'gray' | 'coolwarm';

export interface FeatureMapsData {
  version: 1;
  /** tap or layer name */
  name: string;
  /** [C, H, W] of the displayed batch item */
  shape: [number, number, number];
  /** batch index shown */
  batchIndex: number;
  channels: number[];
  maps: { channel: number; min: number; max: number; mean: number; /** base64 of float32 H·W, C order */ data: string }[];
  colormap: Colormap;
  scale: 'shared' | 'per-map';
  /** the shared range (min, max over the picked maps) */
  range: [number, number];
  overlay: { width: number; height: number; /** base64 PNG */ png: string; alpha: number } | null;
}

/** Colormaps as 256-entry lookup tables (matplotlib's, sampled at nine points and interpolated). */
export const SEQUENTIAL = ['viridis', 'inferno', 'magma', 'gray'] as const;
export const DIVERGING = ['coolwarm', 'RdBu'] as const;
export type ColormapName = (typeof SEQUENTIAL)[number] | (typeof DIVERGING)[number];

const STOPS: Record<ColormapName, string[]> = {
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  inferno: ['#000004', '#1f0c48', '#550f6d', '#88226a', '#ba3655', '#e35933', '#f98e09', '#f9cb35', '#fcffa4'],
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
  gray: ['#000000', '#ffffff'],
  coolwarm: ['#3b4cc0', '#6282ea', '#8db0fe', '#b8d0f9', '#dddddd', '#f5c4ad', '#f49a7b', '#de604d', '#b40426'],
  // RdBu reversed, as matplotlib's RdBu_r: blue for negative, red for positive
  RdBu: ['#053061', '#2166ac', '#4393c3', '#92c5de', '#f7f7f7', '#f4a582', '#d6604d', '#b2182b', '#67001f'],
};

const cache = new Map<string, Uint8ClampedArray>();

export function isDiverging(name: string): boolean {
  return (DIVERGING as readonly string[]).includes(name);
}

/** RGB bytes of 256 levels. */
export function lut(name: string): Uint8ClampedArray {
  const hit = cache.get(name);
  if (hit) return hit;
  const stops = (STOPS as Record<string, string[]>)[name] ?? STOPS.viridis;
  const rgb = stops.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (rgb.length - 1);
    const k = Math.min(rgb.length - 2, Math.floor(t)), f = t - k;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = rgb[k][c] + (rgb[k + 1][c] - rgb[k][c]) * f;
  }
  cache.set(name, out);
  return out;
}

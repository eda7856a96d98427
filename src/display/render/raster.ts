/**
 * SVG → PNG for the `image/png` fallbacks of display bundles: resvg (a Rust SVG renderer, synchronous), with
 * the shipped DejaVu Sans only (system fonts are not looked at), so text renders the same on any machine.
 */
import { Resvg } from '@resvg/resvg-js';
import { RuntimeError } from '../../errors';
import { FONT_FAMILY, FONT_FILES } from './font';
import { encodePalettePng } from './png-palette';

/** PNGs larger than this are re-encoded with a 256-colour palette (render/png-palette.ts) */
const QUANTIZE_ABOVE = 100 * 1024;
/** the largest PNG drawn (resvg aborts the process on some degenerate sizes: they are refused first) */
export const MAX_SIDE = 16_000, MAX_PIXELS = 16e6;

/** The zoom (≤ 1) that brings a w×h document within the PNG limits. */
export function fitScale(w: number, h: number): number {
  return Math.min(1, MAX_SIDE / w, MAX_SIDE / h, Math.sqrt(MAX_PIXELS / (w * h)));
}

/**
 * Rasterises an SVG document at its own size (scale 1: legible at 100 %) into PNG bytes; a large result is
 * quantised to 256 colours (charts, tables and diagrams are flat colours and anti-aliased text).
 */
export function svgToPng(svg: string, scale = 1): Uint8Array {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const w = m ? Number(m[1]) * scale : NaN, h = m ? Number(m[2]) * scale : NaN;
  if (!(w >= 1 && h >= 1 && w <= MAX_SIDE && h <= MAX_SIDE && w * h <= MAX_PIXELS)) {
    throw new RuntimeError('PNG fallback size out of range', { expected: `1–${MAX_SIDE} px a side, at most ${MAX_PIXELS / 1e6} M pixels`, got: `${w}×${h}`, where: 'display/render/raster' });
  }
  let r: Resvg;
  try {
    r = new Resvg(svg, {
      font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
      fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
      background: 'white',
      logLevel: 'off',
    });
  } catch (e) {
    throw new RuntimeError('could not rasterise the SVG of a PNG fallback', { expected: 'a valid SVG document', got: String((e as Error).message ?? e), where: 'display/render/raster' });
  }
  const img = r.render();
  const png = img.asPng();
  if (png.length <= QUANTIZE_ABOVE) return new Uint8Array(png);
  const pal = encodePalettePng(img.width, img.height, new Uint8Array(img.pixels));
  return pal.length < png.length ? pal : new Uint8Array(png);
}

/** `svgToPng` as base64, the form of `image/png` in a MIME bundle. */
export function svgToPngBase64(svg: string, scale = 1): string {
  return Buffer.from(svgToPng(svg, scale)).toString('base64');
}

/**
 * PNG encoding (pngjs), synchronous: the one encoder behind `tensorToPng` and the `image/png` fallbacks of the
 * display bundles (display/png.ts re-exports it).
 */
import { PNG } from 'pngjs';

/** Encodes RGBA pixels (row-major, 4 bytes per pixel) as PNG bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}

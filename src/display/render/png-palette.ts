/**
 * Palette (8-bit indexed) PNG for large fallbacks: charts, tables and diagrams are a few flat colours plus
 * anti-aliased edges, so the 256 most frequent colours (popularity quantisation on a 5-bit-per-channel
 * histogram) draw them with no visible change at a third of the size. Opaque images only.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes opaque RGBA pixels as an indexed PNG with at most 256 colours. */
export function encodePalettePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const n = width * height;
  // histogram of 15-bit colours
  const hist = new Uint32Array(32768);
  const bin = new Uint16Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    const b = ((rgba[p] >> 3) << 10) | ((rgba[p + 1] >> 3) << 5) | (rgba[p + 2] >> 3);
    bin[i] = b;
    hist[b]++;
  }
  const used: number[] = [];
  for (let b = 0; b < 32768; b++) if (hist[b]) used.push(b);
  used.sort((a, b) => hist[b] - hist[a]);
  const pal = used.slice(0, 256);
  // each palette entry's colour: the mean of its bin's pixels
  const sum = new Float64Array(pal.length * 3);
  const idxOfBin = new Int16Array(32768).fill(-1);
  pal.forEach((b, k) => { idxOfBin[b] = k; });
  // every other bin maps to the nearest palette bin (in 5-bit space)
  const pr = pal.map((b) => b >> 10), pg = pal.map((b) => (b >> 5) & 31), pb = pal.map((b) => b & 31);
  for (const b of used.slice(256)) {
    const r = b >> 10, g = (b >> 5) & 31, bl = b & 31;
    let best = 0, bd = Infinity;
    for (let k = 0; k < pal.length; k++) {
      const d = 2 * (r - pr[k]) ** 2 + 4 * (g - pg[k]) ** 2 + 3 * (bl - pb[k]) ** 2;
      if (d < bd) { bd = d; best = k; }
    }
    idxOfBin[b] = best;
  }
  const cnt = new Float64Array(pal.length);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    if (hist[bin[i]] === 0) continue;
    const k = idxOfBin[bin[i]];
    if (pal[k] !== bin[i]) continue; // colours of the exact bin define the entry
    sum[k * 3] += rgba[p]; sum[k * 3 + 1] += rgba[p + 1]; sum[k * 3 + 2] += rgba[p + 2]; cnt[k]++;
  }
  const plte = new Uint8Array(pal.length * 3);
  for (let k = 0; k < pal.length; k++) for (let c = 0; c < 3; c++) plte[k * 3 + c] = Math.round(sum[k * 3 + c] / Math.max(1, cnt[k]));
  // scanlines: filter byte 0, then indices
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    for (let x = 0; x < width; x++) raw[row + 1 + x] = idxOfBin[bin[y * width + x]];
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 3; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0)),
  ]);
}

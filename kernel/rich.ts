/**
 * The rich-output helpers of Deno's Jupyter kernel, for notebook authors coming from it:
 * `html`, `md` and `svg` tagged templates and `image(bytesOrPath)`, each returning an object
 * that displays itself through `Symbol.for('Jupyter.display')` (as the last expression of a cell or
 * through `display(...)`). No global `Deno` is defined: libraries test for it to detect Deno.
 */
import fs from 'fs';
import { ConfigError, NotFoundError } from '../src/errors';

const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

/** A ready MIME bundle that displays itself. */
export class RichOutput {
  constructor(readonly bundle: Readonly<Record<string, string | Uint8Array>>) {}
  [JUPYTER_DISPLAY](): Record<string, string | Uint8Array> { return { ...this.bundle }; }
  toString(): string { return String(this.bundle['text/plain'] ?? ''); }
}

/** The text of a tagged template (values as `String(v)`, nothing escaped, as Deno does), or a plain string. */
function templateText(strings: TemplateStringsArray | string, values: unknown[], where: string): string {
  if (typeof strings === 'string') return strings;
  if (!Array.isArray(strings)) {
    throw new ConfigError(`${where}: bad argument`, { expected: 'a tagged template (html`<b>${x}</b>`) or a string', got: typeof strings, where });
  }
  let s = strings[0];
  for (let i = 0; i < values.length; i++) s += String(values[i]) + strings[i + 1];
  return s;
}

/** HTML: html`<b>${name}</b>` (or `html(string)`). */
export function html(strings: TemplateStringsArray | string, ...values: unknown[]): RichOutput {
  const text = templateText(strings, values, 'html');
  return new RichOutput({ 'text/html': text, 'text/plain': text });
}

/** Markdown: md`# ${title}` (or `md(string)`). */
export function md(strings: TemplateStringsArray | string, ...values: unknown[]): RichOutput {
  const text = templateText(strings, values, 'md');
  return new RichOutput({ 'text/markdown': text, 'text/plain': text });
}

/** SVG: svg`<svg ...>...</svg>` (or `svg(string)`). */
export function svg(strings: TemplateStringsArray | string, ...values: unknown[]): RichOutput {
  const text = templateText(strings, values, 'svg');
  if (!/<svg[\s>]/i.test(text)) {
    throw new ConfigError('svg: not an SVG document', { expected: 'markup with an <svg> element', got: JSON.stringify(text.slice(0, 40)), where: 'svg' });
  }
  return new RichOutput({ 'image/svg+xml': text, 'text/plain': `<SVG image, ${text.length} characters>` });
}

/** The image type of some bytes, from their signature. */
export function imageType(b: Uint8Array): string | null {
  const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  const head = Buffer.from(b.subarray(0, 512)).toString('utf8').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'image/svg+xml';
  return null;
}

/** An image from its bytes or a file path: PNG, JPEG, GIF, WebP or SVG, recognised by content. */
export function image(bytesOrPath: Uint8Array | ArrayBuffer | string): RichOutput {
  let bytes: Uint8Array;
  let where = 'image(bytes)';
  if (typeof bytesOrPath === 'string') {
    where = `image(${JSON.stringify(bytesOrPath)})`;
    try { bytes = fs.readFileSync(bytesOrPath); } catch (e) {
      throw new NotFoundError('image: cannot read the file', { expected: 'a readable image file', got: (e as NodeJS.ErrnoException).code ?? String(e), where: bytesOrPath });
    }
  } else if (bytesOrPath instanceof Uint8Array) bytes = bytesOrPath;
  else if (bytesOrPath instanceof ArrayBuffer) bytes = new Uint8Array(bytesOrPath);
  else {
    throw new ConfigError('image: bad argument', { expected: 'a Uint8Array, an ArrayBuffer or a file path', got: bytesOrPath === null ? 'null' : typeof bytesOrPath, where: 'image()' });
  }
  const type = imageType(bytes);
  if (!type) {
    const sig = Buffer.from(bytes.subarray(0, 8)).toString('hex');
    throw new ConfigError('image: unknown image format', { expected: 'PNG, JPEG, GIF, WebP or SVG bytes', got: `bytes starting ${sig || '(empty)'}`, where });
  }
  const data = type === 'image/svg+xml' ? Buffer.from(bytes).toString('utf8') : bytes;
  return new RichOutput({ [type]: data, 'text/plain': `<${type}, ${bytes.length} bytes>` });
}

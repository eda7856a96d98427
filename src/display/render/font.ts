/**
 * The font of the PNG fallbacks: DejaVu Sans from the `dejavu-fonts-ttf` package, loaded by file so that a
 * PNG looks the same on every machine, whatever fonts the system has (none, on a bare container).
 */
import { dirname, join } from 'node:path';

export const FONT_FAMILY = 'DejaVu Sans';
/** for blocks laid out in columns (pycocotools' summary); every glyph is 0.602 em wide */
export const MONO_FAMILY = 'DejaVu Sans Mono';
export const MONO_ADVANCE = 0.602;

function fontDir(): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/** DejaVu Sans regular and bold, DejaVu Sans Mono (the only faces the PNGs use). */
export const FONT_FILES: string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf'].map((f) => join(fontDir(), f));

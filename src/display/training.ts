/**
 * Training curves as a display bundle: `application/vnd.cnnlab.training+json` (TrainingData, training-schema.ts),
 * a PNG of the loss and error curves, and `text/plain` with the last values. The kernel sends a new bundle under
 * the same display id (`update_display_data`) as training goes on.
 */
import { ConfigError } from '../errors';
import { DisplayObject, type MimeBundle } from './bundle';
import type { TrainingData } from './training-schema';
import { MIME } from './schema';
import { trainingSvg } from './render/training-svg';
import { svgToPngBase64 } from './render/raster';

/** Checks training data; bad input is a ConfigError naming the JSON path. */
export function checkTrainingData(d: TrainingData, where = 'trainingBundle'): void {
  const bad = (path: string, expected: string, got: unknown): never => {
    throw new ConfigError('training data is malformed', { expected, got: typeof got === 'string' ? got : JSON.stringify(got) ?? String(got), where: `${where}: $${path}` });
  };
  if (d === null || typeof d !== 'object') bad('', 'a TrainingData object', d);
  if (typeof d.title !== 'string') bad('.title', 'a string', d.title);
  if (d.model !== undefined && typeof d.model !== 'string') bad('.model', 'a string or absent', d.model);
  if (d.x !== 'step' && d.x !== 'epoch') bad('.x', "'step' | 'epoch'", d.x);
  if (typeof d.done !== 'boolean') bad('.done', 'a boolean', d.done);
  if (d.total !== undefined && !(typeof d.total === 'number' && Number.isFinite(d.total))) bad('.total', 'a finite number or absent', d.total);
  if (!Array.isArray(d.series)) bad('.series', 'an array', d.series);
  d.series.forEach((s, i) => {
    const p = `.series[${i}]`;
    if (s === null || typeof s !== 'object') bad(p, 'a series object', s);
    if (typeof s.name !== 'string') bad(`${p}.name`, 'a string', s.name);
    if (s.split !== 'train' && s.split !== 'test') bad(`${p}.split`, "'train' | 'test'", s.split);
    if (s.metric !== 'loss' && s.metric !== 'error') bad(`${p}.metric`, "'loss' | 'error'", s.metric);
    if (!Array.isArray(s.x) || !s.x.every((v) => typeof v === 'number')) bad(`${p}.x`, 'an array of numbers', s.x);
    if (!Array.isArray(s.y) || !s.y.every((v) => typeof v === 'number')) bad(`${p}.y`, 'an array of numbers', s.y);
    if (s.x.length !== s.y.length) bad(`${p}.y`, `${s.x.length} values (one per x)`, `${s.y.length}`);
  });
}

/** Text fallback: one line per curve with its last point. */
export function trainingText(d: TrainingData): string {
  const head = `${d.title}${d.model ? ` (${d.model})` : ''}: ${d.done ? 'done' : 'training'}${d.total !== undefined ? `, ${d.total} ${d.x}s planned` : ''}`;
  const lines = d.series.map((s) => {
    const n = s.x.length;
    const last = n ? (s.metric === 'error' ? `${(s.y[n - 1] * 100).toFixed(2)} %` : s.y[n - 1].toPrecision(4)) : '--';
    return `  ${s.name} ${s.split} ${s.metric}: ${last}${n ? ` at ${d.x} ${s.x[n - 1]}` : ''} (${n} points)`;
  });
  return [head, ...lines].join('\n');
}

/** The bundle of training curves: MIME data (a copy), the curves as PNG, the last values as text. */
export function trainingBundle(d: TrainingData): MimeBundle {
  checkTrainingData(d);
  return { [MIME.training]: JSON.parse(JSON.stringify(d)) as TrainingData, 'image/png': svgToPngBase64(trainingSvg(d)), 'text/plain': trainingText(d) };
}

/** A displayable holding training curves (its bundle is made from the data as it is when shown). */
export class TrainingDisplay extends DisplayObject {
  constructor(readonly data: TrainingData) {
    checkTrainingData(data, 'show.training');
    super(() => trainingBundle(data));
  }
}

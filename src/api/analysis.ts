/**
 * The public `analysis` namespace (`import { analysis } from 'cnnlab'`): the data functions of src/analysis
 * and, for the results a notebook shows, the same computation handed to the display layer — the one place
 * where the two stages meet (analysis never imports display; display never computes).
 */
import { summaryData, type SummaryOptions } from '../analysis/summary';
import { receptiveFieldData, type ReceptiveFieldOptions } from '../analysis/receptive-field';
import { compareRows, type CompareEntry, type CompareOptions } from '../analysis/compare';
import type { ModelLike } from '../analysis/graph-util';
import { Summary } from '../display/summary';
import { ReceptiveFields } from '../display/receptive-field';
import { Comparison } from '../display/compare';

export * from '../analysis';
export { Summary, ReceptiveFields, Comparison };

/**
 * `analysis.summary(model, [1, 3, 224, 224], { depth: 2 })` — the torchinfo-like table (Jupyter shows it);
 * `.json()` is the data of the CLI's `cnnlab summary --json`. Zoo models know their input shape.
 */
export function summary(model: ModelLike, inputShape?: readonly number[], opts: SummaryOptions = {}): Summary {
  return new Summary(summaryData(model, inputShape, { where: 'analysis.summary', ...opts }));
}

/** `analysis.receptiveField(model, [1, 3, 224, 224]).get('layer4').size` — and a table when shown. */
export function receptiveField(model: ModelLike, inputShape?: readonly number[], opts: ReceptiveFieldOptions = {}): ReceptiveFields {
  return new ReceptiveFields(receptiveFieldData(model, inputShape, { where: 'analysis.receptiveField', ...opts }));
}

/**
 * `await analysis.compare(['alexnet', 'vgg16', 'resnet50', 'mobilenet_v2'], { latency: true })`: a table
 * with `rows` and `json()`.
 */
export async function compare(models: readonly (string | CompareEntry)[], opts: CompareOptions = {}): Promise<Comparison> {
  return new Comparison(await compareRows(models, opts));
}

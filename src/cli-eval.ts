/**
 * `cnnlab eval --gt gt.json --dt dt.json --style coco|voc07|voc [--iou 0.5] [--plus-one]
 *  [--count-difficult] [--count-crowd] [--drop-unknown-categories] [--json]`
 *
 * Prints pycocotools' 12-line summary (coco) or per-class APs and the mAP (voc, voc07), or
 * with --json the result's fields. Exit codes: 0 done, 2 bad input or usage (one line on stderr,
 * as every cnnlab command).
 */
import { Command, CommanderError, Option } from 'commander';
import { CnnlabError } from './errors';
import { evaluate, type EvalStyle } from './detection/evaluate';

export async function evalCommand(argv: string[]): Promise<number> {
  const args = argv[0] === 'eval' ? argv.slice(1) : argv;
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  const cmd = new Command('eval')
    .description('evaluate COCO-format detections against ground truth (pycocotools / VOC semantics)')
    .requiredOption('--gt <file>', 'ground truth, COCO JSON (images, categories, annotations)')
    .requiredOption('--dt <file>', 'detections, COCO results JSON ([{image_id, category_id, bbox, score}])')
    .addOption(new Option('--style <style>', 'evaluation style').choices(['coco', 'voc07', 'voc']).default('coco'))
    .option('--iou <threshold>', 'IoU threshold of the VOC styles (default 0.5)')
    .option('--plus-one', 'VOC styles: +1-pixel IoU (x2 = x + w as inclusive pixels, VOC devkit)', false)
    .option('--count-difficult', 'VOC styles: count difficult ground truth instead of ignoring it', false)
    .option('--count-crowd', 'VOC styles: count crowd ground truth instead of ignoring it', false)
    .option('--drop-unknown-categories', 'drop detections whose category is not in the ground truth (counted) instead of failing', false)
    .option('--json', 'print the result as JSON', false)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = cmd.opts<{ gt: string; dt: string; style: EvalStyle; iou?: string; plusOne: boolean; countDifficult: boolean; countCrowd: boolean; dropUnknownCategories: boolean; json: boolean }>();
  let iou: number | undefined;
  if (o.iou !== undefined) {
    iou = Number(o.iou);
    if (!(o.iou.trim() !== '' && iou >= 0 && iou <= 1)) { err(`cnnlab eval: --iou expects a number in [0, 1], got ${JSON.stringify(o.iou)}\n`); return 2; }
    if (o.style === 'coco') { err('cnnlab eval: --iou applies to --style voc|voc07 (COCO averages IoU 0.50:0.95)\n'); return 2; }
  }
  if (o.style === 'coco' && (o.plusOne || o.countDifficult || o.countCrowd)) {
    err('cnnlab eval: --plus-one, --count-difficult and --count-crowd apply to --style voc|voc07\n');
    return 2;
  }
  try {
    const r = evaluate(o.gt, o.dt, o.style === 'coco'
      ? { style: 'coco', unknownCategory: o.dropUnknownCategories ? 'drop' : 'error' }
      : { style: o.style, iouThreshold: iou, plusOne: o.plusOne, countDifficult: o.countDifficult, countCrowd: o.countCrowd, unknownCategory: o.dropUnknownCategories ? 'drop' : 'error' });
    if (o.json) out(JSON.stringify(r.toJSON()) + '\n');
    else {
      out(r.summaryText() + '\n');
      if (r.dropped.unknownCategory > 0) out(`dropped ${r.dropped.unknownCategory} detections with unknown category ids\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CnnlabError) {
      // the library's option is a flag here
      const msg = e.message.replace("option unknownCategory: 'drop'", 'the flag --drop-unknown-categories');
      err(`cnnlab: ${e.name}: ${msg}\n`);
      return 2;
    }
    throw e;
  }
}

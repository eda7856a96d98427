/** pycocotools' `summarize()` block from the 12 numbers of a mAP table (the text and the PNG show it alike). */

const ROWS: [string, string, string, string, string][] = [
  ['AP', 'Average Precision', '(AP)', '0.50:0.95', 'all'], ['AP50', 'Average Precision', '(AP)', '0.50', 'all'],
  ['AP75', 'Average Precision', '(AP)', '0.75', 'all'], ['APs', 'Average Precision', '(AP)', '0.50:0.95', 'small'],
  ['APm', 'Average Precision', '(AP)', '0.50:0.95', 'medium'], ['APl', 'Average Precision', '(AP)', '0.50:0.95', 'large'],
  ['AR1', 'Average Recall', '(AR)', '0.50:0.95', 'all'], ['AR10', 'Average Recall', '(AR)', '0.50:0.95', 'all'],
  ['AR100', 'Average Recall', '(AR)', '0.50:0.95', 'all'], ['ARs', 'Average Recall', '(AR)', '0.50:0.95', 'small'],
  ['ARm', 'Average Recall', '(AR)', '0.50:0.95', 'medium'], ['ARl', 'Average Recall', '(AR)', '0.50:0.95', 'large'],
];

/** The 12 lines, in pycocotools' layout; `maxDets` as in COCOeval.params (default [1, 10, 100]). */
export function cocoSummaryLines(stats: Record<string, number>, maxDets: readonly number[] = [1, 10, 100]): string[] {
  const top = maxDets[maxDets.length - 1];
  const md = [top, top, top, top, top, top, maxDets[0], maxDets[1] ?? top, top, top, top, top];
  return ROWS.map(([key, title, type, iou, area], i) => {
    const v = stats[key];
    const val = typeof v === 'number' ? v.toFixed(3) : '  n/a';
    return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(md[i]).padStart(3)} ] = ${val}`;
  });
}

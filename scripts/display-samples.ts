/**
 * Writes every display bundle's PNG fallback (and its SVG) for a look by eye: npx tsx scripts/display-samples.ts [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zoo from '../src/zoo';
import { summaryData } from '../src/analysis/summary';
import { featureMaps } from '../src/display/featuremaps';
import { prCurveSvg } from '../src/display/render/prcurve-svg';
import { mapTableSvg } from '../src/display/render/maptable-svg';
import { summarySvg } from '../src/display/render/summary-svg';
import { trainingSvg } from '../src/display/render/training-svg';
import { compareSvg } from '../src/display/render/compare-svg';
import { featureMapsSvg } from '../src/display/render/featuremaps-svg';
import { svgToPng } from '../src/display/render/raster';
import { cocoResult, featureTensor, imageTensor, vocResult } from '../test/display/sample-data';
import { sampleCompare, sampleTraining } from '../test/display/sample-data';

const out = process.argv[2] ?? '/tmp/cnnlab-samples';
mkdirSync(out, { recursive: true });
const save = (name: string, svg: string) => {
  const t0 = performance.now();
  const png = svgToPng(svg);
  writeFileSync(join(out, `${name}.svg`), svg);
  writeFileSync(join(out, `${name}.png`), png);
  console.log(`${name}.png ${(png.length / 1024).toFixed(1)} KB, rasterised in ${(performance.now() - t0).toFixed(0)} ms`);
};
save('prcurve-coco', prCurveSvg(cocoResult().prCurveData()));
save('prcurve-voc07', prCurveSvg(vocResult('voc07').prCurveData()));
save('maptable-coco', mapTableSvg(cocoResult().tableData()));
save('maptable-voc', mapTableSvg(vocResult('voc').tableData()));
save('summary-resnet18', summarySvg(summaryData(zoo.create('resnet18', {}), [1, 3, 224, 224], { depth: 2 })));
save('training', trainingSvg(sampleTraining(false)));
save('compare', compareSvg(sampleCompare()));
save('featuremaps-16', featureMapsSvg(featureMaps(featureTensor(16, 28, 28)).data));
save('featuremaps-64', featureMapsSvg(featureMaps(featureTensor(64, 56, 56, true), { max: 64, colormap: 'coolwarm', scale: 'per-map' }).data));
const cam = featureMaps(featureTensor(1, 7, 7), { overlay: imageTensor(224, 224), alpha: 0.5, colormap: 'inferno', name: 'CAM' });
cam[Symbol.for('Jupyter.display') as never];
save('featuremaps-cam', featureMapsSvg((cam as unknown as { data: never }).data));

import { graphData } from '../src/analysis/graph-data';
import { graphSvg } from '../src/display/render/graph-svg';
for (const [name, depth] of [['resnet50', 2], ['resnet18', 3], ['densenet201', 2], ['densenet201', 3], ['inception_v3', 2], ['mobilenet_v2', 3]] as const) {
  const d = graphData(zoo.create(name, {}), undefined, { depth });
  const t0 = performance.now();
  const { svg, layout } = graphSvg(d);
  console.log(`  layout + svg ${name} depth ${depth}: ${layout.nodes.length} boxes, ${(performance.now() - t0).toFixed(0)} ms`);
  save(`graph-${name}-d${depth}`, svg);
}

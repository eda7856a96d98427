/**
 * cnnlab detection toolkit (exported from the package as `det`): boxes and IoU, NMS,
 * RoI pooling/align, SPP, box coding and losses, selective search, and COCO/VOC evaluation
 * identical to pycocotools and the VOC evaluators.
 */
export { boxArea, boxConvert, boxIou, clipBoxes, flatBoxes, type BoxesLike, type BoxFormat, type FlatBoxes } from './boxes';
export { argsortDesc, batchedNms, nms, softNms, type ScoresLike, type SoftNmsOptions } from './nms';
export { roiAlign, roiPool, roundHalfAwayFromZero, type RoiAlignOptions, type RoiPoolOptions, type RoisLike } from './roi';
export { spp, sppLength, sppPaperBins, type SppOptions } from './spp';
export { BBOX_XFORM_CLIP, decodeBoxes, encodeBoxes, fastRcnnLoss, smoothL1, type BoxCodingOptions, type FastRcnnLossOptions } from './coding';
export { felzenszwalb, toImage3, type Image3, type SegmentOptions } from './felzenszwalb';
export {
  convertColor, hierarchicalGrouping, selectiveSearch, strategiesOf, type ColorSpace, type SelectiveSearchOptions, type Similarity,
} from './selective-search';
export { proposalRecall } from './proposaleval';
export { areaXyxy, iouXyxy, type IouRule } from './iou';
export {
  loadDetections, loadGroundTruth, parseVocXml, readVocXml, vocToCoco,
  type CocoAnnotation, type CocoCategory, type CocoDetection, type CocoGroundTruth, type CocoImage, type DtInput, type DtTable,
  type GtInput, type GtTable, type LoadOptions, type VocAnnotation, type VocObject,
} from './dataset';
export {
  accumulateCoco, defaultCocoParams, evaluateCoco, formatCocoSummary, mergeCocoStates, STAT_NAMES, summarizeCoco, summarizeValue,
  type CocoAccumulated, type CocoEvalState, type CocoParams, type CocoStats, type CocoStatName, cocoStats,
} from './cocoeval';
export { accumulateVoc, evaluateVoc, mergeVocStates, vocMap, type VocClassResult, type VocEvalState, type VocOptions } from './voceval';
export {
  accumulate, CocoResult, evaluate, evaluateImages, mergeStates, summarize, VocResult,
  type Accumulated, type CocoClassSummary, type DetectionResult, type EvalState, type EvalStyle, type EvaluateOptions,
} from './evaluate';
export { linspace, npMean, pairwiseSum } from './numeric';

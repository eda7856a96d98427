/**
 * The zoo's public builders (`zoo.mobilenetV1({ alpha: 0.5, resolution: 160 })`, `zoo.resnet50()`), each going
 * through the registry: options are checked against the model's specs (a bad value is a ConfigError listing
 * the allowed ones), `weights` loads a safetensors file, and the model knows its default input shape.
 * Generated from the registry; the family files keep the unchecked builders for internal use.
 */
import type { Module } from '../nn/module';
import { create } from './registry';
import * as alexnetFamily from './alexnet';
import * as cifarFamily from './cifar';
import * as deeplabFamily from './deeplab';
import * as deformFamily from './deform';
import * as densenetFamily from './densenet';
import * as efficientnetFamily from './efficientnet';
import * as fastrcnnFamily from './fastrcnn';
import * as fcnFamily from './fcn';
import * as googlenetFamily from './googlenet';
import * as inceptionFamily from './inception';
import * as mobilenetFamily from './mobilenet';
import * as mobilenetv1Family from './mobilenetv1';
import * as mobilenetv3Family from './mobilenetv3';
import * as resnetFamily from './resnet';
import * as senetFamily from './senet';
import * as shufflenetFamily from './shufflenet';
import * as sppnetFamily from './sppnet';
import * as squeezenetFamily from './squeezenet';
import * as vggFamily from './vgg';
import * as xceptionFamily from './xception';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const checked = <F extends (...args: any[]) => Module>(name: string, _unchecked: F): F =>
  ((opts: Record<string, unknown> = {}) => create(name, opts)) as unknown as F;

export const alexnet = checked('alexnet', alexnetFamily.alexnet);
export const deeplabv3Resnet101 = checked('deeplabv3_resnet101', deeplabFamily.deeplabv3Resnet101);
export const deeplabv3Resnet50 = checked('deeplabv3_resnet50', deeplabFamily.deeplabv3Resnet50);
export const deeplabv3plus = checked('deeplabv3plus', deeplabFamily.deeplabv3plus);
export const densenet121 = checked('densenet121', densenetFamily.densenet121);
export const densenet161 = checked('densenet161', densenetFamily.densenet161);
export const densenet169 = checked('densenet169', densenetFamily.densenet169);
export const densenet201 = checked('densenet201', densenetFamily.densenet201);
export const efficientnetB0 = checked('efficientnet_b0', efficientnetFamily.efficientnetB0);
export const efficientnetB1 = checked('efficientnet_b1', efficientnetFamily.efficientnetB1);
export const efficientnetB2 = checked('efficientnet_b2', efficientnetFamily.efficientnetB2);
export const efficientnetB3 = checked('efficientnet_b3', efficientnetFamily.efficientnetB3);
export const efficientnetB4 = checked('efficientnet_b4', efficientnetFamily.efficientnetB4);
export const efficientnetB5 = checked('efficientnet_b5', efficientnetFamily.efficientnetB5);
export const efficientnetB6 = checked('efficientnet_b6', efficientnetFamily.efficientnetB6);
export const efficientnetB7 = checked('efficientnet_b7', efficientnetFamily.efficientnetB7);
export const fastRcnnVgg16 = checked('fast_rcnn_vgg16', fastrcnnFamily.fastRcnnVgg16);
export const fcnResnet50 = checked('fcn_resnet50', fcnFamily.fcnResnet50);
export const googlenet = checked('googlenet', googlenetFamily.googlenet);
export const inceptionV3 = checked('inception_v3', inceptionFamily.inceptionV3);
export const mobilenetV1 = checked('mobilenet_v1', mobilenetv1Family.mobilenetV1);
export const mobilenetV2 = checked('mobilenet_v2', mobilenetFamily.mobilenetV2);
export const mobilenetV3Large = checked('mobilenet_v3_large', mobilenetv3Family.mobilenetV3Large);
export const mobilenetV3Small = checked('mobilenet_v3_small', mobilenetv3Family.mobilenetV3Small);
export const plain110 = checked('plain110', cifarFamily.plain110);
export const plain20 = checked('plain20', cifarFamily.plain20);
export const plain32 = checked('plain32', cifarFamily.plain32);
export const plain44 = checked('plain44', cifarFamily.plain44);
export const plain56 = checked('plain56', cifarFamily.plain56);
export const resnet101 = checked('resnet101', resnetFamily.resnet101);
export const resnet110 = checked('resnet110', cifarFamily.resnet110);
export const resnet152 = checked('resnet152', resnetFamily.resnet152);
export const resnet18 = checked('resnet18', resnetFamily.resnet18);
export const resnet20 = checked('resnet20', cifarFamily.resnet20);
export const resnet32 = checked('resnet32', cifarFamily.resnet32);
export const resnet34 = checked('resnet34', resnetFamily.resnet34);
export const resnet44 = checked('resnet44', cifarFamily.resnet44);
export const resnet50 = checked('resnet50', resnetFamily.resnet50);
export const resnet50Dcn = checked('resnet50_dcn', deformFamily.resnet50Dcn);
export const resnet56 = checked('resnet56', cifarFamily.resnet56);
export const resnext101_32x8d = checked('resnext101_32x8d', resnetFamily.resnext101_32x8d);
export const resnext50_32x4d = checked('resnext50_32x4d', resnetFamily.resnext50_32x4d);
export const seResnet50 = checked('se_resnet50', senetFamily.seResnet50);
export const seResnext50_32x4d = checked('se_resnext50_32x4d', senetFamily.seResnext50_32x4d);
export const shufflenetV1 = checked('shufflenet_v1', shufflenetFamily.shufflenetV1);
export const shufflenetV2X0_5 = checked('shufflenet_v2_x0_5', shufflenetFamily.shufflenetV2X0_5);
export const shufflenetV2X1_0 = checked('shufflenet_v2_x1_0', shufflenetFamily.shufflenetV2X1_0);
export const shufflenetV2X1_5 = checked('shufflenet_v2_x1_5', shufflenetFamily.shufflenetV2X1_5);
export const shufflenetV2X2_0 = checked('shufflenet_v2_x2_0', shufflenetFamily.shufflenetV2X2_0);
export const sppnetZf5 = checked('sppnet_zf5', sppnetFamily.sppnetZf5);
export const squeezenet1_0 = checked('squeezenet1_0', squeezenetFamily.squeezenet1_0);
export const squeezenet1_1 = checked('squeezenet1_1', squeezenetFamily.squeezenet1_1);
export const vgg11 = checked('vgg11', vggFamily.vgg11);
export const vgg11_bn = checked('vgg11_bn', vggFamily.vgg11_bn);
export const vgg11Bn = checked('vgg11_bn', vggFamily.vgg11Bn);
export const vgg13 = checked('vgg13', vggFamily.vgg13);
export const vgg13_bn = checked('vgg13_bn', vggFamily.vgg13_bn);
export const vgg13Bn = checked('vgg13_bn', vggFamily.vgg13Bn);
export const vgg16 = checked('vgg16', vggFamily.vgg16);
export const vgg16_bn = checked('vgg16_bn', vggFamily.vgg16_bn);
export const vgg16Bn = checked('vgg16_bn', vggFamily.vgg16Bn);
export const vgg19 = checked('vgg19', vggFamily.vgg19);
export const vgg19_bn = checked('vgg19_bn', vggFamily.vgg19_bn);
export const vgg19Bn = checked('vgg19_bn', vggFamily.vgg19Bn);
export const wideResnet50_2 = checked('wide_resnet50_2', resnetFamily.wideResnet50_2);
export const xception = checked('xception', xceptionFamily.xception);
export const squeezenet1x0 = checked('squeezenet1_0', squeezenetFamily.squeezenet1x0);
export const squeezenet1x1 = checked('squeezenet1_1', squeezenetFamily.squeezenet1x1);

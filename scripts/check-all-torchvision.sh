#!/usr/bin/env bash
# Developer check (not CI): every torchvision 0.14 model of the zoo against Debian's torchvision, one at a time
# (reference with scripts/torchvision_reference.py, compare with scripts/check-torchvision.ts, delete).
# Needs python3-torch and python3-torchvision. Usage: bash scripts/check-all-torchvision.sh [OUT]
set -u
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/cnnlab-tvparity}
mkdir -p "$OUT"
MODELS="alexnet vgg11 vgg11_bn vgg13 vgg13_bn vgg16 vgg16_bn vgg19 vgg19_bn googlenet inception_v3
resnet18 resnet34 resnet50 resnet101 resnet152 resnext50_32x4d resnext101_32x8d wide_resnet50_2
densenet121 densenet161 densenet169 densenet201 efficientnet_b0 efficientnet_b1 efficientnet_b2 efficientnet_b3
efficientnet_b4 efficientnet_b5 efficientnet_b6 efficientnet_b7 mobilenet_v2 mobilenet_v3_large mobilenet_v3_small
squeezenet1_0 squeezenet1_1 shufflenet_v2_x0_5 shufflenet_v2_x1_0 shufflenet_v2_x1_5 shufflenet_v2_x2_0
deeplabv3_resnet50 deeplabv3_resnet101 fcn_resnet50"
fail=0
for n in $MODELS; do
  if ! /usr/bin/python3 scripts/torchvision_reference.py "$OUT" "$n" --batch=1 > /dev/null 2>&1; then echo "$n: reference FAILED"; fail=1; continue; fi
  npx tsx scripts/check-torchvision.ts "$OUT" "$n" 2>&1 | grep -v "npm warn" | tail -1
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail=1
  rm -rf "${OUT:?}/$n"
done
exit $fail

#!/usr/bin/env bash
# Developer benchmark (not CI): benchmark (b) of `npm run bench` for all 43 torchvision models of the zoo —
# cnnlab-traced ONNX vs torchvision's own torch.onnx.export (opset 17), both on ONNX Runtime, alternated in
# separate processes, median of 10 runs each — and the op counts of ORT's optimized graphs of both; prints the
# worst ratio (target ≤ 1.05). Needs python3-torch and python3-torchvision (Debian, /usr/bin/python3).
# torchvision's exports are kept in the cache folder (7.3 GB for all 43; default /tmp/cnnlab-bench).
# Usage: bash scripts/bench-all-torchvision.sh [--runs N] [--models a,b] [--cache DIR] [--no-ops]
set -eu
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec node dist/bench/torchvision-all.js "$@"

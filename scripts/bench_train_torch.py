#!/usr/bin/python3
"""PyTorch side of `npm run bench:train`: ResNet-20 (scripts/torch_resnet20.py) training steps on 3×32×32 inputs,
float32, SGD (lr 0.1, momentum 0.9, weight decay 1e-4), cross-entropy; prints JSON {samples_per_s, ms_per_step}.

    /usr/bin/python3 scripts/bench_train_torch.py --batch 128 --threads 2 --steps 10 --warmup 2
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_resnet20 import ResNet20  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--batch', type=int, default=128)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--steps', type=int, default=10)
ap.add_argument('--warmup', type=int, default=2)
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
net = ResNet20().train()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
x = torch.randn(a.batch, 3, 32, 32)
y = torch.randint(0, 10, (a.batch,))
times = []
for i in range(a.warmup + a.steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    F.cross_entropy(net(x), y).backward()
    opt.step()
    if i >= a.warmup:
        times.append(time.perf_counter() - t0)
times.sort()
med = times[len(times) // 2]
print(json.dumps(dict(torch=torch.__version__, threads=a.threads, batch=a.batch, ms_per_step=med * 1000, samples_per_s=a.batch / med)))

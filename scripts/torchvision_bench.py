#!/usr/bin/python3
"""The PyTorch side of cnnlab's runtime benchmark (bench/runtime.ts, bench/torchvision-all.ts).

Needs Debian's python3-torch and python3-torchvision (/usr/bin/python3); never pip-installed.

  torchvision_bench.py export CACHE NAME[:HxW] ...
      torchvision's own ONNX export of each model (torch.onnx.export, opset 17, eval mode, random
      weights, batch dimension dynamic as cnnlab writes it) to CACHE/tv-NAME-HxW-op17-torchTORCHVERSION.onnx,
      kept when it is already there. Prints one line per model: NAME PATH.
  torchvision_bench.py serve THREADS NAME[:HxW] ...
      PyTorch CPU eager with THREADS intra-op threads: builds each model (eval, no_grad), prints
      "ready", then answers each stdin line "time NAME" with "WALL CPU", the wall-clock and the
      process's CPU milliseconds (all threads) of one forward pass of batch 1 (timed here, so the pipe
      is not counted); "quit" ends.
"""
import os
import sys
import time

import torch
import torchvision


def parse(spec):
    name, _, size = spec.partition(':')
    if size:
        h, w = (int(s) for s in size.split('x'))
    else:
        h, w = (299, 299) if name == 'inception_v3' else (224, 224)
    return name, h, w


class OutOnly(torch.nn.Module):
    """Segmentation models return a dict; the benchmark compares the 'out' map (cnnlab's output)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)['out']


def make(name):
    kwargs = {'weights': None}
    if name in ('googlenet', 'inception_v3'):
        kwargs.update(aux_logits=False, init_weights=True)
    seg = name.startswith(('deeplabv3', 'fcn'))
    if seg:
        kwargs.update(weights_backbone=None, aux_loss=False)
    if hasattr(torchvision.models, name):
        m = getattr(torchvision.models, name)(**kwargs)
    elif hasattr(torchvision.models.segmentation, name):
        m = getattr(torchvision.models.segmentation, name)(**kwargs)
    else:
        raise SystemExit(f'unknown torchvision model {name}')
    m.eval()
    return OutOnly(m).eval() if seg else m


def export(cache, specs):
    os.makedirs(cache, exist_ok=True)
    tv = torch.__version__.split('+')[0]
    for spec in specs:
        name, h, w = parse(spec)
        path = os.path.join(cache, f'tv-{name}-{h}x{w}-op17-torch{tv}.onnx')
        if not os.path.exists(path):
            torch.manual_seed(0)
            m = make(name)
            tmp = path + '.part'
            with torch.no_grad():
                torch.onnx.export(m, torch.randn(1, 3, h, w), tmp, opset_version=17,
                                  input_names=['input'], output_names=['output'],
                                  dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}})
            os.replace(tmp, path)
        print(name, path, flush=True)


def serve(threads, specs):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    models = {}
    for spec in specs:
        name, h, w = parse(spec)
        models[name] = (make(name), torch.randn(1, 3, h, w))
    print('ready', flush=True)
    with torch.no_grad():
        for line in sys.stdin:
            cmd = line.split()
            if not cmd or cmd[0] == 'quit':
                break
            m, x = models[cmd[1]]
            c0, t0 = time.process_time(), time.perf_counter()
            m(x)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f'{wall * 1000:.4f} {cpu * 1000:.3f}', flush=True)


def main(argv):
    if len(argv) < 2 or argv[0] not in ('export', 'serve'):
        raise SystemExit(__doc__)
    if argv[0] == 'export':
        export(argv[1], argv[2:])
    else:
        serve(int(argv[1]), argv[2:])


if __name__ == '__main__':
    main(sys.argv[1:])

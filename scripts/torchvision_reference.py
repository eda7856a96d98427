#!/usr/bin/python3
"""Reference outputs from Debian's torchvision for cnnlab's zoo tests (run by developers, not CI).

For each model name: build the torchvision model with torch.manual_seed(seed), give every BatchNorm
random running statistics and affine parameters (so BN folding errors show), switch to eval, run a
seeded input, and write into OUT/NAME/:
  weights.safetensors   the state_dict (torchvision keys; written here with struct+json, no
                        `safetensors` package needed)
  input.npy             the input, float32 [N,3,H,W]
  logits.npy            the output (for dict outputs: the 'out' entry), float32

Usage: /usr/bin/python3 scripts/torchvision_reference.py OUT NAME[:HxW] [NAME ...] [--batch 2] [--seed 0]
Then: npx tsx scripts/check-torchvision.ts OUT    (compares cnnlab's logits, tolerance 1e-4)
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torchvision


def save_safetensors(path, state):
    header, blobs, offset = {}, [], 0
    for k, v in state.items():
        if k.endswith('num_batches_tracked'):
            continue
        a = v.detach().cpu().contiguous().numpy()
        dt = {np.dtype('float32'): 'F32', np.dtype('float64'): 'F64', np.dtype('int64'): 'I64'}[a.dtype]
        b = a.tobytes()
        header[k] = {'dtype': dt, 'shape': list(a.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def build(name):
    if hasattr(torchvision.models, name):
        return getattr(torchvision.models, name)
    if hasattr(torchvision.models.segmentation, name):
        return getattr(torchvision.models.segmentation, name)
    raise SystemExit(f'unknown torchvision model {name}')


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    opts = dict(a[2:].split('=') for a in argv if a.startswith('--') and '=' in a)
    out, names = args[0], args[1:]
    batch, seed = int(opts.get('batch', 2)), int(opts.get('seed', 0))
    for spec in names:
        name, _, size = spec.partition(':')
        h, w = (int(s) for s in size.split('x')) if size else ((299, 299) if name == 'inception_v3' else (224, 224))
        torch.manual_seed(seed)
        kwargs = {'weights': None}
        if name in ('googlenet', 'inception_v3'):
            kwargs.update(aux_logits=False, init_weights=True)
        if name.startswith(('deeplabv3', 'fcn')):
            kwargs.update(weights_backbone=None, aux_loss=False)
        m = build(name)(**kwargs)
        g = torch.Generator().manual_seed(seed + 1)
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.copy_(torch.randn(mod.num_features, generator=g) * 0.1)
                mod.running_var.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
                mod.weight.data.copy_(torch.rand(mod.num_features, generator=g) * 0.4 + 0.3)
                mod.bias.data.copy_(torch.randn(mod.num_features, generator=g) * 0.1)
        m.eval()
        x = torch.randn(batch, 3, h, w, generator=g)
        with torch.no_grad():
            y = m(x)
        if isinstance(y, dict):
            y = y['out']
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        save_safetensors(os.path.join(d, 'weights.safetensors'), m.state_dict())
        np.save(os.path.join(d, 'input.npy'), x.numpy().astype(np.float32))
        np.save(os.path.join(d, 'logits.npy'), y.numpy().astype(np.float32))
        print(name, tuple(x.shape), '->', tuple(y.shape), flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])

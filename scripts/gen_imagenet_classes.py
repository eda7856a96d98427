"""Writes src/zoo/imagenet-classes.json: ImageNet-1k's 1,000 class names in index order, as torchvision
lists them (torchvision/models/_meta.py `_IMAGENET_CATEGORIES`, the names its weights' metadata uses).
Run with Debian's python3-torchvision:  /usr/bin/python3 scripts/gen_imagenet_classes.py"""
import json
import os

import torchvision
from torchvision.models._meta import _IMAGENET_CATEGORIES

assert len(_IMAGENET_CATEGORIES) == 1000
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "zoo", "imagenet-classes.json")
with open(out, "w") as f:
    json.dump({"source": f"torchvision {torchvision.__version__} models/_meta.py _IMAGENET_CATEGORIES", "classes": list(_IMAGENET_CATEGORIES)}, f, indent=0)
    f.write("\n")
print(os.path.normpath(out))

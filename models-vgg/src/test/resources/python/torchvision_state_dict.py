"""Prints, for each NAME:K argument, torchvision.models.NAME(num_classes=K).state_dict() as JSON lines
[name, shape, dtype] (torchvision 0.14); initialisation is skipped, as only names, shapes and dtypes are compared."""
import json
import sys

import torch
import torchvision

for fn in ("kaiming_normal_", "kaiming_uniform_", "normal_", "uniform_", "constant_"):
    setattr(torch.nn.init, fn, lambda t, *a, **k: t)

out = {}
for arg in sys.argv[1:]:
    name, k = arg.split(":")
    model = getattr(torchvision.models, name)(num_classes=int(k))
    out[arg] = [[n, list(t.shape), str(t.dtype)] for n, t in model.state_dict().items()]
print(json.dumps(out))

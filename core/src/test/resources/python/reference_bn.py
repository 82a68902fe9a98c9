"""Independent reference for vgg4j's float64 batch-norm and average-pooling reference (ReferenceBatchNormTest).

Reads a JSON case (input, labels, state_dict values), builds the same network from torch.nn modules in float64, and
prints one JSON line: the state_dict names and shapes, eval-mode logits, and for one training-mode pass the loss, the
logits, every parameter's gradient and every updated buffer.
"""
import collections
import json
import sys

import torch
from torch import nn

case = json.load(open(sys.argv[1]))
torch.set_default_dtype(torch.float64)
net = nn.Sequential(collections.OrderedDict(
    features=nn.Sequential(
        nn.Conv2d(2, 3, 3, 1, 1),
        nn.BatchNorm2d(3),
        nn.ReLU(),
        nn.AvgPool2d(3, 2, 1),
        nn.BatchNorm2d(3, eps=1e-3, momentum=0.3),
        nn.AdaptiveAvgPool2d((3, 2))),
    fc=nn.Sequential(nn.Flatten(), nn.Linear(18, 4))))
state = {}
for name, t in net.state_dict().items():
    v = case["params"][name]
    state[name] = torch.tensor(v["values"], dtype=t.dtype).reshape(v["shape"])
net.load_state_dict(state)
x = torch.tensor(case["input"]).reshape(case["shape"])
labels = torch.tensor(case["labels"])

out = {"names": [[n, list(t.shape), str(t.dtype)] for n, t in net.state_dict().items()],
       "reprs": [repr(m) for m in list(net.features) + list(net.fc)]}
net.eval()
with torch.no_grad():
    out["eval_logits"] = net(x).flatten().tolist()
net.train()
logits = net(x)
loss = nn.functional.cross_entropy(logits, labels)
loss.backward()
out["loss"] = loss.item()
out["train_logits"] = logits.detach().flatten().tolist()
out["grads"] = {n: p.grad.flatten().tolist() for n, p in net.named_parameters()}
out["buffers"] = {n: b.flatten().tolist() for n, b in net.named_buffers()}
print(json.dumps(out))

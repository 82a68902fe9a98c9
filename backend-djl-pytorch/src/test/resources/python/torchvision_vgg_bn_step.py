"""Independent reference for PyTorchVggBnTorchvisionTest: torchvision's VGG class with make_layers(batch_norm=True)
for VGG-11 narrowed by 8 (1 input channel, a 3136-512-512-10 head without dropout), loaded from a safetensors file
that vgg4j wrote (parsed here with json + struct), run in eval mode and for one training-mode pass; prints JSON."""
import json
import struct
import sys

import torch
from torch import nn
from torchvision.models import vgg

def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        start, end = h["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[h["dtype"]]
        out[name] = torch.frombuffer(bytearray(body[start:end]), dtype=dtype).reshape(h["shape"]).clone()
    return out

state = read_safetensors(sys.argv[1])
case = read_safetensors(sys.argv[2])
cfg = [c if c == "M" else c // 8 for c in vgg.cfgs["A"]]
layers, in_ch = [], 1
for v in cfg:
    if v == "M":
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    else:
        layers += [nn.Conv2d(in_ch, v, kernel_size=3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
        in_ch = v
model = vgg.VGG(nn.Sequential(*layers), num_classes=10, init_weights=False, dropout=0.0)
model.classifier = nn.Sequential(nn.Linear(64 * 7 * 7, 512), nn.ReLU(True), nn.Dropout(0.0), nn.Linear(512, 512),
                                 nn.ReLU(True), nn.Dropout(0.0), nn.Linear(512, 10))
model.load_state_dict(state, strict=True)
x = case["images"]
labels = case["labels"]
out = {}
model.eval()
with torch.no_grad():
    out["eval_logits"] = model(x).flatten().tolist()
model.train()
loss = nn.functional.cross_entropy(model(x), labels)
loss.backward()
out["loss"] = loss.item()
out["grads"] = {n: p.grad.flatten().tolist() for n, p in model.named_parameters()}
out["buffers"] = {n: b.flatten().tolist() for n, b in model.named_buffers()}
print(json.dumps(out))

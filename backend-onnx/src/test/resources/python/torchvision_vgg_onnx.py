"""Exports torchvision's vgg11_bn(num_classes=10) in eval mode with torch.onnx, as a user would.

Usage: torchvision_vgg_onnx.py OUT_DIR SIZE
Writes OUT_DIR/model.onnx, OUT_DIR/input.f32 (a [2, 3, SIZE, SIZE] float32 little-endian batch) and
OUT_DIR/logits.f32 (torch's eval-mode logits, [2, 10] float32). Weights: fixed seed; linear layers He-normal (so the
logits are O(1), not torchvision's N(0, 0.01) that shrinks them to ~1e-3) and batch norm's weight, bias and running
statistics drawn away from 1 / 0 / 0 / 1, so that eval mode matters.
"""
import sys

import numpy as np
import torch
import torchvision

out, size = sys.argv[1], int(sys.argv[2])
torch.manual_seed(1234)
model = torchvision.models.vgg11_bn(num_classes=10)
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.3, 2.5)
        elif isinstance(m, torch.nn.Linear):
            m.weight.normal_(0, (2.0 / m.in_features) ** 0.5)
            m.bias.uniform_(-0.1, 0.1)
model.eval()
x = torch.rand(2, 3, size, size)
torch.onnx.export(model, x[:1], out + "/model.onnx", input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
with torch.no_grad():
    logits = model(x)
x.numpy().astype("<f4").tofile(out + "/input.f32")
logits.numpy().astype("<f4").tofile(out + "/logits.f32")
print("torch", torch.__version__, "torchvision", torchvision.__version__, "max|logits|", float(logits.abs().max()))

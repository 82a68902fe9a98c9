"""Native PyTorch ground truth for vgg4j's cross-backend suite.

Builds the d2l VGG with named children (vgg_block_1..5, fc), loads vgg4j's safetensors checkpoint into it with
load_state_dict(strict=True), and writes logits, one batch's loss and gradients (train mode), and the loss on a second
batch after one Adam step. Reads and writes safetensors with safetensors_dtypes.py (core's test resources, copied
beside this script): the standard library and torch only.

usage: native_pytorch.py PARAMS.safetensors BATCH.safetensors OUT.safetensors
"""
import json
import sys

import torch
from safetensors_dtypes import load, save
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch, in_channels, size, hidden, classes, dropout):
    net = nn.Sequential()
    for i, (num_convs, out_channels) in enumerate(conv_arch):
        net.add_module(f"vgg_block_{i + 1}", vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    spatial = size // 32
    net.add_module("fc", nn.Sequential(
        nn.Flatten(),
        nn.Linear(in_channels * spatial * spatial, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, classes)))
    return net


def main():
    torch.set_num_threads(1)
    params, meta = load(sys.argv[1])
    batch, _ = load(sys.argv[2])
    arch = json.loads(meta["arch"])
    net = vgg(arch, int(meta["in_channels"]), int(meta["image_size"]), int(meta["hidden"]), int(meta["classes"]),
              float(meta["dropout"]))
    net.load_state_dict(params, strict=True)
    loss_fn = nn.CrossEntropyLoss()
    out = {}
    net.eval()
    with torch.no_grad():
        out["logits"] = net(batch["x1"])
    net.train()
    y1 = batch["y1"].long()
    loss = loss_fn(net(batch["x1"]), y1)
    net.zero_grad()
    loss.backward()
    out["loss"] = loss.detach().reshape(1)
    for name, p in net.named_parameters():
        out["grad." + name] = p.grad
    optimizer = torch.optim.Adam(net.parameters(), lr=float(meta["lr"]))
    optimizer.step()
    with torch.no_grad():
        out["loss_after_step"] = loss_fn(net(batch["x2"]), batch["y2"].long()).reshape(1)
    save(sys.argv[3], out)


if __name__ == "__main__":
    main()

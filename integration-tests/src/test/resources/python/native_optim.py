"""Native PyTorch ground truth for vgg4j's optimisers and schedules.

Builds the d2l VGG of native_pytorch.py, loads vgg4j's safetensors checkpoint into it with load_state_dict(strict=True)
and takes STEPS training steps (train mode, dropout 0) with torch.optim.AdamW and a LambdaLR with the cosine-with-warm-up
factor (written out here from its formula), or torch.optim.SGD(nesterov=True) and OneCycleLR(cycle_momentum=False),
either stepped once per update, with torch.nn.utils.clip_grad_norm_ and nn.CrossEntropyLoss(label_smoothing=...).
With meta "head" (comma-separated parameter names) and "head_lr", those parameters form a second parameter group
with its own lr (for OneCycleLR: its own max_lr), as a fine-tuning run with a faster classifier head sets it up.
Everything runs once in float32 and once in float64. Writes each step's loss, gradient norm (before clipping) and learning rate,
and the weights after the last step.

usage: native_optim.py PARAMS.safetensors BATCHES.safetensors OUT.safetensors
"""
import json
import math
import sys

import torch
from native_pytorch import vgg
from safetensors_dtypes import load, save
from torch import nn


def main():
    torch.set_num_threads(1)
    params, meta = load(sys.argv[1])
    batches, _ = load(sys.argv[2])
    out = train(params, meta, batches, torch.float32)
    # The same in float64: how far float32 rounding alone moves the weights (the conditioning of the comparison).
    out64 = train(params, meta, batches, torch.float64)
    for name, t in out64.items():
        out["float64." + name] = t.float()
    save(sys.argv[3], out)


def train(params, meta, batches, dtype):
    arch = json.loads(meta["arch"])
    net = vgg(arch, int(meta["in_channels"]), int(meta["image_size"]), int(meta["hidden"]), int(meta["classes"]),
              float(meta["dropout"]))
    net.load_state_dict(params, strict=True)
    net.to(dtype)
    net.train()
    lr, wd = float(meta["lr"]), float(meta["weight_decay"])
    warmup, total, min_ratio = int(meta["warmup"]), int(meta["total"]), float(meta["min_ratio"])
    clip, smoothing, steps = float(meta["clip"]), float(meta["smoothing"]), int(meta["steps"])

    def factor(epoch):
        t = min(epoch + 1, total)  # the update after `epoch` scheduler steps is update number epoch + 1
        if t <= warmup:
            return t / warmup
        p = (t - warmup) / (total - warmup)
        return min_ratio + (1 - min_ratio) * (1 + math.cos(math.pi * p)) / 2

    head = set(meta["head"].split(",")) if meta.get("head") else set()
    max_lr = lr
    groups = net.parameters()
    if head:
        head_lr = float(meta["head_lr"])
        groups = [{"params": [p for n, p in net.named_parameters() if n not in head]},
                  {"params": [p for n, p in net.named_parameters() if n in head], "lr": head_lr}]
        max_lr = [lr, head_lr]
    if meta["optimizer"] == "adamw":
        optimizer = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    else:
        optimizer = torch.optim.SGD(groups, lr=lr, momentum=float(meta["momentum"]), weight_decay=wd,
                                    nesterov=True)
    if meta["schedule"] == "cosine":
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    else:
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, total_steps=total, cycle_momentum=False)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=smoothing)
    out = {}
    for k in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(net(batches[f"x{k}"].to(dtype)), batches[f"y{k}"].long())
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
        out[f"loss{k}"] = loss.detach().reshape(1).float()
        out[f"norm{k}"] = norm.detach().reshape(1).float()
        out[f"lr{k}"] = torch.tensor([optimizer.param_groups[0]["lr"]], dtype=torch.float32)
        out[f"headlr{k}"] = torch.tensor([optimizer.param_groups[-1]["lr"]], dtype=torch.float32)
        optimizer.step()
        schedule.step()
    for name, p in net.named_parameters():
        out["param." + name] = p.detach().float()
    return out


if __name__ == "__main__":
    main()

"""torchvision ground truth for vgg4j's batch-norm VGGs (TorchvisionBatchNormAgreementTest).

The model is torchvision 0.14's own VGG class over make_layers(cfg, batch_norm=True); narrowed by RATIO (vgg4j's
ratio), the first convolution taking IN_CHANNELS and the classifier's Linear layers resized (names unchanged). With
ratio 1, 3 channels and 4096 hidden units it is torchvision.models.vgg11_bn / vgg16_bn(num_classes=K) itself, and the
script checks that the state_dict names and shapes are that model's. Weights are loaded with
load_state_dict(strict=True) from a safetensors file vgg4j wrote, read with safetensors_dtypes.py (core's test
resources, copied beside this one).

usage: torchvision_bn.py CONFIG_JSON eval   PARAMS BATCH OUT   eval-mode logits of x1
       torchvision_bn.py CONFIG_JSON train  PARAMS BATCH OUT   one training-mode pass on (x1, y1): loss, gradients,
                                                                updated buffers; one Adam step (lr 1e-3); the
                                                                training-mode loss on (x2, y2)
       torchvision_bn.py CONFIG_JSON export SEED BATCH WEIGHTS OUT  a torchvision model of its own (seeded), BN
                                                                statistics moved away from 0/1, its state_dict
                                                                written to WEIGHTS and its eval logits of x1 to OUT
CONFIG_JSON: {"name": "vgg11_bn", "ratio": 8, "in_channels": 1, "hidden": 4096, "classes": 10}
"""
import json
import sys

import torch
import torchvision
from safetensors_dtypes import load, save
from torch import nn
from torchvision.models import vgg

CFG = {"vgg11_bn": "A", "vgg13_bn": "B", "vgg16_bn": "D", "vgg19_bn": "E"}


def build(c):
    cfg = [v if v == "M" else v // c["ratio"] for v in vgg.cfgs[CFG[c["name"]]]]
    features = vgg.make_layers(cfg, batch_norm=True)
    if c["in_channels"] != 3:
        features[0] = nn.Conv2d(c["in_channels"], cfg[0], kernel_size=3, padding=1)
    model = vgg.VGG(features, num_classes=c["classes"], init_weights=True, dropout=0.0)
    hidden = c["hidden"] // c["ratio"]
    last = [v for v in cfg if v != "M"][-1]
    model.classifier = nn.Sequential(nn.Linear(last * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(0.0),
                                     nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(0.0),
                                     nn.Linear(hidden, c["classes"]))
    if c["ratio"] == 1 and c["in_channels"] == 3 and c["hidden"] == 4096:
        own = getattr(torchvision.models, c["name"])(num_classes=c["classes"])
        assert [(n, t.shape) for n, t in own.state_dict().items()] == \
            [(n, t.shape) for n, t in model.state_dict().items()], "not torchvision's " + c["name"]
        model = own
        for m in model.modules():
            if isinstance(m, nn.Dropout):
                m.p = 0.0
    return model


def main():
    torch.set_num_threads(1)
    c = json.loads(sys.argv[1])
    mode = sys.argv[2]
    torch.manual_seed(int(sys.argv[3]) if mode == "export" else 0)  # export: the model's own initial weights
    model = build(c)
    out = {}
    if mode == "export":
        batch, _ = load(sys.argv[4])
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.Conv2d):
                    m.bias.uniform_(-0.1, 0.1)
                elif isinstance(m, nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                    m.num_batches_tracked.fill_(5)
                elif isinstance(m, nn.Linear):  # torchvision's N(0, 0.01) would make logits ~1e-3
                    m.weight.normal_(0, (2.0 / m.in_features) ** 0.5)
                    m.bias.uniform_(-0.1, 0.1)
        model.eval()
        with torch.no_grad():
            out["logits"] = model(batch["x1"])
        save(sys.argv[5], model.state_dict(), {"format": "pt"})
        save(sys.argv[6], out)
        return
    params, _ = load(sys.argv[3])
    batch, _ = load(sys.argv[4])
    model.load_state_dict(params, strict=True)
    if mode == "eval":
        model.eval()
        with torch.no_grad():
            out["logits"] = model(batch["x1"])
    elif mode == "train":
        model.train()
        loss_fn = nn.CrossEntropyLoss()
        loss = loss_fn(model(batch["x1"]), batch["y1"].long())
        model.zero_grad()
        loss.backward()
        out["loss"] = loss.detach().reshape(1)
        for name, p in model.named_parameters():
            out["grad." + name] = p.grad
        for name, b in model.named_buffers():
            out["buf." + name] = b.clone()
        torch.optim.Adam(model.parameters(), lr=1e-3).step()
        with torch.no_grad():
            out["loss_after_step"] = loss_fn(model(batch["x2"]), batch["y2"].long()).reshape(1)
    else:
        raise SystemExit("unknown mode " + mode)
    save(sys.argv[5], out)


if __name__ == "__main__":
    main()

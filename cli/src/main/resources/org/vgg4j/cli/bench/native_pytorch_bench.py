# vgg4j bench: native PyTorch reference (written by vgg4j, run by `vgg4j bench`).
import argparse, time
import torch
from torch import nn

def build(spec):
    layers = []
    for item in spec.split(','):
        f = item.split(':')
        if f[0] == 'conv':
            layers.append(nn.Conv2d(int(f[1]), int(f[2]), int(f[3]), stride=int(f[4]), padding=int(f[5])))
        elif f[0] == 'relu':
            layers.append(nn.ReLU())
        elif f[0] == 'pool':
            layers.append(nn.MaxPool2d(int(f[1]), stride=int(f[2])))
        elif f[0] == 'flatten':
            layers.append(nn.Flatten())
        elif f[0] == 'linear':
            layers.append(nn.Linear(int(f[1]), int(f[2])))
        elif f[0] == 'dropout':
            layers.append(nn.Dropout(float(f[1])))
        else:
            raise SystemExit('unknown layer ' + item)
    return nn.Sequential(*layers)

def peak_rss_kb():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1

p = argparse.ArgumentParser()
p.add_argument('--mode', required=True, choices=['train', 'infer', 'gemm'])
p.add_argument('--size', type=int, required=True)
p.add_argument('--batch', type=int, required=True)
p.add_argument('--warmup', type=int, default=3)
p.add_argument('--iterations', type=int, default=10)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--seed', type=int, default=42)
p.add_argument('--layers')
p.add_argument('--input')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
if a.mode == 'gemm':
    n = a.size
    x, w, b = torch.rand(n, n), torch.rand(n, n), torch.rand(n)
    def step():
        return torch.nn.functional.linear(x, w, b)
else:
    model = build(a.layers)
    c, h, w = (int(v) for v in a.input.split(','))
    x = torch.rand(a.batch, c, h, w)
    y = torch.randint(0, model[-1].out_features, (a.batch,))
    if a.mode == 'train':
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()
    else:
        model.eval()
        def step():
            with torch.no_grad():
                return model(x)
for _ in range(a.warmup):
    step()
ms = []
for _ in range(a.iterations):
    t0 = time.perf_counter()
    step()
    ms.append((time.perf_counter() - t0) * 1000.0)
print('VGG4J-BENCH rss_kb=%d ms=%s' % (peak_rss_kb(), ','.join('%.4f' % t for t in ms)), flush=True)

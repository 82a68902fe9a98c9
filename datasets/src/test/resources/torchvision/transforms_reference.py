"""torchvision 0.14's own functional transforms on PIL images, for TorchvisionTransformsTest.

Usage: transforms_reference.py DIR. Reads DIR/cases.json (images as raw uint8 HWC files, and cases naming the
parameters vgg4j drew), writes DIR/results.json: for each case the CHW floats of F.to_tensor(result) (or the box of
RandomResizedCrop.get_params for a "fallback" case). resized_crop cases also give torchvision's tensor path
(bilinear, antialias=True) for information.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.transforms import RandomResizedCrop
from torchvision.transforms import InterpolationMode


def load(spec, d):
    raw = np.fromfile(os.path.join(d, spec["file"]), dtype=np.uint8)
    h, w, c = spec["h"], spec["w"], spec["c"]
    arr = raw.reshape(h, w, c)
    return Image.fromarray(arr[:, :, 0], mode="L") if c == 1 else Image.fromarray(arr, mode="RGB")


def floats(t):
    return [float(v) for v in t.contiguous().view(-1).tolist()]


def main(d):
    spec = json.load(open(os.path.join(d, "cases.json")))
    images = {i["name"]: load(i, d) for i in spec["images"]}
    out = []
    for case in spec["cases"]:
        op = case["op"]
        if op == "crop":
            img = images[case["image"]]
            padded = F.pad(img, case["padding"]) if case["padding"] > 0 else img
            res = F.crop(padded, case["top"], case["left"], case["size"], case["size"])
            out.append({"values": floats(F.to_tensor(res))})
        elif op == "hflip":
            out.append({"values": floats(F.to_tensor(F.hflip(images[case["image"]])))})
        elif op == "resized_crop":
            img = images[case["image"]]
            args = (case["top"], case["left"], case["height"], case["width"], [case["size"], case["size"]])
            pil = F.resized_crop(img, *args, interpolation=InterpolationMode.BILINEAR)
            ten = F.resized_crop(F.to_tensor(img), *args, interpolation=InterpolationMode.BILINEAR, antialias=True)
            out.append({"values": floats(F.to_tensor(pil)), "tensor": floats(ten)})
        elif op == "normalize":
            t = F.normalize(F.to_tensor(images[case["image"]]), case["mean"], case["std"])
            out.append({"values": floats(t)})
        elif op == "fallback":
            # A scale above 1 never fits, so get_params always takes its centre-crop fallback.
            img = torch.zeros(1, case["h"], case["w"])
            box = RandomResizedCrop.get_params(img, [2.0, 3.0], case["ratio"])
            out.append({"box": list(box)})
        else:
            raise ValueError(op)
    json.dump({"torchvision": torchvision.__version__, "results": out}, open(os.path.join(d, "results.json"), "w"))


if __name__ == "__main__":
    main(sys.argv[1])

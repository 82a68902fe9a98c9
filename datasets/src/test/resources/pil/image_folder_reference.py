#!/usr/bin/python3
"""Independent reference for ImageFolderTest: PIL writes a small class-folder tree, torchvision's ImageFolder lists
it, and PIL decodes, converts and resizes every sample.

  write ROOT        write ROOT/<class>/<image> files of several kinds and sizes (plus files that must be ignored)
  reference ROOT S  print "label<TAB>path" for torchvision.datasets.ImageFolder(ROOT).samples (vgg4j's
                    extensions), then "classes<TAB>..."; write
                    ROOT.ref/<i>.L and <i>.RGB: convert('L' / 'RGB').resize((S, S), BILINEAR) raw bytes
  sort WORD...      words written with \\uXXXX / \\UXXXXXXXX escapes: print their indices in sorted() order
"""
import os
import sys

import numpy as np
from PIL import Image


def write(root):
    rng = np.random.default_rng(7)

    def rgb(w, h):
        return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")

    def grey(w, h):
        return Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8), "L")

    layout = {
        "b_cat": [("01.png", lambda: rgb(31, 17)), ("10.PNG", lambda: grey(28, 28)), ("02.bmp", lambda: rgb(40, 40)),
                  ("notes.txt", None)],
        "a_dog": [("x.gif", lambda: rgb(20, 30).convert("P")), ("y.png", lambda: rgb(9, 50).convert("RGBA")),
                  ("z.jpeg", lambda: rgb(33, 33))],
        "Zebra": [("B.png", lambda: grey(64, 48)), ("a.png", lambda: rgb(32, 32).convert("P")),
                  ("c.JPG", lambda: grey(30, 20))],
    }
    for cls, files in layout.items():
        os.makedirs(os.path.join(root, cls), exist_ok=True)
        for name, make in files:
            path = os.path.join(root, cls, name)
            if make is None:
                with open(path, "w") as f:
                    f.write("not an image\n")
                continue
            img = make()
            fmt = {".png": "PNG", ".bmp": "BMP", ".gif": "GIF", ".jpeg": "JPEG", ".jpg": "JPEG"}[
                os.path.splitext(name)[1].lower()]
            img.save(path, fmt, **({"quality": 90} if fmt == "JPEG" else {}))


def reference(root, size):
    from torchvision.datasets import ImageFolder
    # vgg4j's extensions (torchvision's own list lacks .gif); torchvision compares them in lower case too
    exts = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
    ds = ImageFolder(root, is_valid_file=lambda p: p.lower().endswith(exts))
    out = root + ".ref"
    os.makedirs(out, exist_ok=True)
    for i, (path, label) in enumerate(ds.samples):
        print(f"{label}\t{path}")
        with Image.open(path) as img:
            for mode in ("L", "RGB"):
                data = img.convert(mode).resize((size, size), Image.BILINEAR).tobytes()
                with open(os.path.join(out, f"{i}.{mode}"), "wb") as f:
                    f.write(data)
    print("classes\t" + "\t".join(ds.classes))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "write":
        write(sys.argv[2])
    elif cmd == "reference":
        reference(sys.argv[2], int(sys.argv[3]))
    elif cmd == "sort":
        words = [w.encode("ascii").decode("unicode_escape") for w in sys.argv[2:]]
        print(" ".join(str(i) for i in sorted(range(len(words)), key=lambda i: words[i])))

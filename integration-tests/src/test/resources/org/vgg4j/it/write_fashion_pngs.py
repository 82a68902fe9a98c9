"""Writes Fashion-MNIST IDX files as PNG class folders with PIL, an encoder independent of vgg4j.

usage: write_fashion_pngs.py IDX_DIR OUT_ROOT TRAIN_COUNT

OUT_ROOT/train/<label>_<name>/<index>.png for the first TRAIN_COUNT training images and OUT_ROOT/test/... for all test
images: 8-bit grey PNGs of the raw IDX bytes. The folder name starts with the label digit, so the folders' sorted
(code-point) order is the label order, and the file name is the zero-padded IDX index, so the files' sorted order
within a class is the IDX order. Prints one line per split: split, count, and the count per label.
"""
import gzip
import os
import struct
import sys

from PIL import Image

NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got, count = struct.unpack(">II", data[:8])
    assert got == magic, (path, got)
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return count, rows, cols, data[16:]
    return count, None, None, data[8:]


def write(idx_dir, prefix, out, limit):
    n, rows, cols, pixels = read(os.path.join(idx_dir, prefix + "-images-idx3-ubyte.gz"), 2051)
    m, _, _, labels = read(os.path.join(idx_dir, prefix + "-labels-idx1-ubyte.gz"), 2049)
    assert n == m
    n = min(n, limit)
    per = [0] * 10
    size = rows * cols
    for i in range(n):
        label = labels[i]
        folder = os.path.join(out, "%d_%s" % (label, NAMES[label].replace("/", "_")))
        os.makedirs(folder, exist_ok=True)
        Image.frombytes("L", (cols, rows), pixels[i * size:(i + 1) * size]).save(
            os.path.join(folder, "%05d.png" % i))
        per[label] += 1
    return n, per


if __name__ == "__main__":
    idx_dir, root, train_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for split, prefix, limit in (("train", "train", train_count), ("test", "t10k", 10 ** 9)):
        n, per = write(idx_dir, prefix, os.path.join(root, split), limit)
        print(split, n, " ".join(map(str, per)))

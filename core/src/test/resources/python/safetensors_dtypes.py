"""Reads or writes a safetensors file without the safetensors package: the header parsed with json and struct, the
tensors decoded by torch.frombuffer, so that vgg4j's F32/I64 reader and writer are checked against code they share
nothing with.

  read FILE   prints {name: {"dtype", "shape", "values"}} as JSON (int64 values as exact JSON integers)
  write FILE  writes the tensors of WRITTEN below, F32 and I64, in the format's layout
Several commands may follow each other in one run (importing torch is the slow part). Other reference scripts import
load() and save() from here (integration-tests' native_pytorch.py), so that vgg4j's tests have one Python reader.
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "I64": torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}

WRITTEN = {
    "fc.0.num_batches_tracked": torch.tensor(2**53 + 1, dtype=torch.int64),
    "fc.0.counts": torch.arange(-3, 3, dtype=torch.int64).reshape(2, 3) * (2**40),
    "fc.0.weight": torch.tensor([[1.5, -2.25], [3.0, 1e-3]], dtype=torch.float32),
}


def load(path):
    """The tensors (torch, F32 or I64, in data order) and the metadata of the safetensors file at path."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    tensors = {}
    end_of_previous = 0
    entries = sorted((v["data_offsets"][0], k) for k, v in header.items() if k != "__metadata__")
    for begin, name in entries:
        entry = header[name]
        b, e = entry["data_offsets"]
        assert b == end_of_previous, f"{name}: data starts at {b}, previous ended at {end_of_previous}"
        end_of_previous = e
        dtype = DTYPES[entry["dtype"]]
        count = 1
        for d in entry["shape"]:
            count *= d
        assert e - b == count * torch.tensor([], dtype=dtype).element_size(), f"{name}: {e - b} bytes"
        tensors[name] = torch.frombuffer(bytearray(data[b:e]), dtype=dtype).reshape(entry["shape"]) if count else \
            torch.zeros(entry["shape"], dtype=dtype)
    assert end_of_previous == len(data), f"{len(data) - end_of_previous} trailing bytes"
    return tensors, header.get("__metadata__", {})


def save(path, tensors, metadata=None):
    """Writes tensors (name -> torch tensor, float32 or int64) in the format's layout, in the given order."""
    header = {} if metadata is None else {"__metadata__": dict(metadata)}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for c in chunks:
            f.write(c)


def read(path):
    tensors, _ = load(path)
    print(json.dumps({name: {"dtype": NAMES[t.dtype], "shape": list(t.shape), "values": t.flatten().tolist()}
                      for name, t in tensors.items()}))


def write(path):
    save(path, WRITTEN)


if __name__ == "__main__":
    args = sys.argv[1:]
    for command, path in zip(args[0::2], args[1::2]):
        {"read": read, "write": write}[command](path)

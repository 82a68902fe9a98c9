"""Speed prototype (not used by the build): rewrites the float first block of a vgg4j int8 file into integer kernels.

`vgg4j export --int8` leaves the convolution on the 1-channel image in float32 (with its ReLU and max pool), because
ONNX Runtime's QLinearConv with 1 input channel is slow (and with the input padded to 4 zero channels it still is:
55 ms of a 138 ms batch, 224x224 b64). This script writes the same block as a space-to-depth convolution that ONNX
Runtime runs with its fast symmetric u8s8 kernel (MlasConvSym: input channels % 4 == 0, >= 16 output channels):

  image -> QuantizeLinear -> Reshape [N,S/2,2,S/2,2] -> Transpose -> Reshape [N,S/2,S/2,4] (NHWC: the 2x2 phases as
  channels) -> Transpose to NCHW -> DQ -> Conv 4 -> 4*C (3x3, pad 1; one filter per output phase and channel) ->
  Relu -> Q -> Transpose to NHWC -> Reshape [N,S/2,S/2,4,C] -> ReduceMax over the phases (= the 2x2 max pool, exact on
  uint8 values of one scale) -> Transpose to NCHW -> the next QLinearConv (its zero input channels dropped).

ONNX Runtime's transpose optimizer cancels every Transpose next to a QLinearConv (their NHWC layout), so the optimized
graph is QuantizeLinear, Reshape, Transpose (uint8, 1/4 of the float image's bytes), Reshape, QLinearConv, Reshape,
ReduceMax, QLinearConv, ...  The float reformulation is exact (checked against torch below, ~1e-7). The quantization of
the image (scale 1/255, zero point 0: inputs in [0, 1]) and of the convolution's output (the pooled tensor's scale of
the source file, zero point 0) is not calibrated here, so use the output for timing only.

Usage: /usr/bin/python3 int8_first_block_s2d.py IN_INT8.onnx OUT.onnx
"""
import json
import sys

import numpy as np
import onnx
import torch
from onnx import helper as h
from onnx import numpy_helper as nh

src, dst = sys.argv[1], sys.argv[2]
m = onnx.load(src)
g = m.graph
init = {t.name: t for t in g.initializer}
first = next(n for n in g.node if n.op_type == "Conv")
size = next(d.dim_value for d in g.input[0].type.tensor_type.shape.dim[2:3])
meta = {p.key: p.value for p in m.metadata_props}
channels = int(json.loads(meta["vgg4j.quantization"])["padded_channels"][first.name])
half = size // 2
guard = first.name.rsplit(".", 1)[0] + ".2/relu"  # the no-op ReLU after the float block's pool

# W'[(a, b, c), (p, q), kh', kw'] from W[c, 0, dh, dw]: output pixel (2i+a, 2j+b), input phase (p, q)
W = nh.to_array(init[first.input[1]])[:channels, 0]
B = nh.to_array(init[first.input[2]])[:channels]
out = 4 * channels
W2 = np.zeros((out, 4, 3, 3), np.float32)
B2 = np.zeros(out, np.float32)
for a in range(2):
    for b in range(2):
        for c in range(channels):
            o = (a * 2 + b) * channels + c
            B2[o] = B[c]
            for dh in (-1, 0, 1):
                for dw in (-1, 0, 1):
                    p, kh = (a + dh) % 2, (a + dh) // 2 + 1
                    q, kw = (b + dw) % 2, (b + dw) // 2 + 1
                    W2[o, p * 2 + q, kh, kw] += W[c, dh + 1, dw + 1]

x = torch.rand(2, 1, size, size)
ref = torch.nn.functional.max_pool2d(
    torch.relu(torch.nn.functional.conv2d(x, torch.tensor(W)[:, None], torch.tensor(B), padding=1)), 2)
alt = torch.nn.functional.conv2d(torch.nn.functional.pixel_unshuffle(x, 2), torch.tensor(W2), torch.tensor(B2),
                                 padding=1).relu().reshape(2, 4, channels, half, half).amax(1)
print("float reformulation, max |difference|:", float((ref - alt).abs().max()))

ws = np.abs(W2).reshape(out, -1).max(1) / 127
ws[ws == 0] = 1
wq = np.clip(np.rint(W2 / ws[:, None, None, None]), -127, 127).astype(np.int8)
s_in = np.float32(1 / 255.0)
bq = np.rint(B2 / (s_in * ws)).astype(np.int32)
s_out = nh.to_array(init[guard + "/scale"])

block = first.name.rsplit(".", 1)[0]
dropped = {first.name, block + ".1", block + ".2", guard, guard + "/QuantizeLinear"}  # Conv, Relu, MaxPool, guard
keep = [n for n in g.node if n.name not in dropped]
for k in (first.input[1], first.input[2]):
    g.initializer.remove(init[k])
nxt = next(n for n in keep if n.op_type == "Conv")
w_next = init[nxt.input[1] + "/quantized"]
g.initializer.remove(w_next)
g.initializer.append(nh.from_array(nh.to_array(w_next)[:, :channels].copy(), w_next.name))


def add(name, arr):
    g.initializer.append(nh.from_array(arr, name))


add("s2d/input/scale", np.array(s_in, np.float32))
add("s2d/input/zero_point", np.array(0, np.uint8))
add("s2d/w/q", wq)
add("s2d/w/s", ws.astype(np.float32))
add("s2d/w/z", np.zeros(out, np.int8))
add("s2d/b/q", bq)
add("s2d/b/s", (s_in * ws).astype(np.float32))
add("s2d/b/z", np.zeros(out, np.int32))
add("s2d/out/scale", np.array(s_out, np.float32))
add("s2d/out/zero_point", np.array(0, np.uint8))
add("s2d/shape_in", np.array([0, half, 2, half, 2], np.int64))
add("s2d/shape_nhwc", np.array([0, half, half, 4], np.int64))
add("s2d/shape_groups", np.array([0, half, half, 4, channels], np.int64))
N = h.make_node
new = [
    N("QuantizeLinear", ["input", "s2d/input/scale", "s2d/input/zero_point"], ["s2d/q"], name="s2d/Q"),
    N("Reshape", ["s2d/q", "s2d/shape_in"], ["s2d/r1"], name="s2d/r1"),
    N("Transpose", ["s2d/r1"], ["s2d/t1"], name="s2d/t1", perm=[0, 1, 3, 2, 4]),
    N("Reshape", ["s2d/t1", "s2d/shape_nhwc"], ["s2d/r2"], name="s2d/r2"),
    N("Transpose", ["s2d/r2"], ["s2d/nchw"], name="s2d/t2", perm=[0, 3, 1, 2]),
    N("DequantizeLinear", ["s2d/nchw", "s2d/input/scale", "s2d/input/zero_point"], ["s2d/dq"], name="s2d/DQ"),
    N("DequantizeLinear", ["s2d/w/q", "s2d/w/s", "s2d/w/z"], ["s2d/w"], name="s2d/w/DQ", axis=0),
    N("DequantizeLinear", ["s2d/b/q", "s2d/b/s", "s2d/b/z"], ["s2d/b"], name="s2d/b/DQ", axis=0),
    N("Conv", ["s2d/dq", "s2d/w", "s2d/b"], ["s2d/conv"], name=first.name, kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    N("Relu", ["s2d/conv"], ["s2d/relu"], name="s2d/relu"),
    N("QuantizeLinear", ["s2d/relu", "s2d/out/scale", "s2d/out/zero_point"], ["s2d/relu/q"], name="s2d/relu/Q"),
    N("Transpose", ["s2d/relu/q"], ["s2d/nhwc"], name="s2d/t3", perm=[0, 2, 3, 1]),
    N("Reshape", ["s2d/nhwc", "s2d/shape_groups"], ["s2d/groups"], name="s2d/r3"),
    N("ReduceMax", ["s2d/groups"], ["s2d/pooled"], name="s2d/pool", axes=[3], keepdims=0),
    N("Transpose", ["s2d/pooled"], [guard + "/quantized"], name="s2d/t4", perm=[0, 3, 1, 2]),
]
for n in keep:  # the guard's DequantizeLinear now reads the pooled uint8 tensor at the convolution's scale
    if n.name == guard + "/DequantizeLinear":
        n.input[1], n.input[2] = "s2d/out/scale", "s2d/out/zero_point"
for k in (guard + "/scale", guard + "/zero_point"):
    g.initializer.remove(next(t for t in g.initializer if t.name == k))
del g.node[:]
g.node.extend(new + keep)
onnx.checker.check_model(m)
onnx.save(m, dst)
print("wrote", dst)

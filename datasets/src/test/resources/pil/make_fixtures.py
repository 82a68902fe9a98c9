# Makes the reference outputs ResizerTest compares against: Pillow's bilinear resize of a 28x28 pattern image,
# the resize torchvision's transforms.Resize does on d2l's PIL images. Run with a Python that has Pillow
# (Debian: apt-get install python3-pil; /usr/bin/python3 make_fixtures.py). Made with Pillow 9.4.0.
from PIL import Image

SIZE = 28
pattern = bytes((i * 37 + j * 11 + ((i * j) % 7) * 13) % 256 for i in range(SIZE) for j in range(SIZE))
img = Image.frombytes("L", (SIZE, SIZE), pattern)
for out in (14, 20, 32, 57, 224):
    img.resize((out, out), Image.BILINEAR).save(f"pattern28_to_{out}.pgm")

# The first Fashion-MNIST test image (an ankle boot), as d2l's pipeline sees it at 224x224 and 32x32.
import gzip
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    first = f.read()[16:16 + SIZE * SIZE]
boot = Image.frombytes("L", (SIZE, SIZE), first)
for out in (32, 224):
    boot.resize((out, out), Image.BILINEAR).save(f"fashion_t10k_0_to_{out}.pgm")

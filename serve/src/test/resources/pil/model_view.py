# What a VGG of d2l's pipeline sees of an image file, computed by Pillow (the reference the server is tested against):
# convert('L'), optionally invert, resize to SIZE x SIZE with the bilinear filter (torchvision's Resize on a PIL image).
# Usage: python3 model_view.py IMAGE SIZE INVERT(0|1)   -> the SIZE*SIZE 8-bit values, space separated, row-major
import sys
from PIL import Image, ImageOps

image = Image.open(sys.argv[1]).convert("L")
if sys.argv[3] == "1":
    image = ImageOps.invert(image)
size = int(sys.argv[2])
image = image.resize((size, size), Image.BILINEAR)
print(" ".join(str(v) for v in image.getdata()))

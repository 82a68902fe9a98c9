# The independent reference for vgg4j's image decoder (ImageDecoderPilTest): Pillow writes image files of every
# kind vgg4j reads, then decodes every image file in the directory (also those the test wrote with other encoders)
# the way a PyTorch pipeline does, Image.open(f).convert('L') and .convert('RGB').
#
#   python3 decoder_reference.py write DIR    # writes the images (deterministic content, varied and odd sizes)
#   python3 decoder_reference.py decode DIR   # for each image F: F.L, F.RGB (raw bytes), the same resized to 29x17
#                                             # (F.L.resized, F.RGB.resized), one line in DIR/manifest.tsv
#
# 16-bit grey PNGs open as mode "I", whose convert('L') clips every sample above 255; for those the script also
# writes F.L16 / F.RGB16: Pillow's raw samples >> 8 (the high byte), which is what vgg4j returns (see
# ImageDecoder's javadoc). Needs only Pillow (Debian: python3-pil) and the standard library.
import os
import random
import struct
import sys
import zlib

from PIL import Image

SIZES = [(1, 1), (3, 2), (37, 23), (64, 48), (101, 13), (5, 77)]
RESIZED = (29, 17)


def pattern(w, h, channels, seed):
    """Deterministic pixels: a gradient, a checker and noise, so that every sample value and edges occur."""
    rnd = random.Random(seed)
    out = bytearray()
    for y in range(h):
        for x in range(w):
            for c in range(channels):
                base = (x * 255 // max(1, w - 1) + y * 97 + c * 80) % 256
                if (x // 4 + y // 4) % 2:
                    base = 255 - base
                out.append((base + rnd.randrange(-20, 21)) % 256)
    return bytes(out)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def raw_png(path, w, h, bit_depth, colour_type, rows, extra=b""):
    """A PNG written by hand, for kinds Pillow cannot write (2/4-bit grey, 16-bit RGB, grey+tRNS, ...)."""
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, colour_type, 0, 0, 0)
    data = b"".join(b"\x00" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra
                + png_chunk(b"IDAT", zlib.compress(data, 9)) + png_chunk(b"IEND", b""))


def packed_rows(w, h, bits, seed):
    rnd = random.Random(seed)
    rows = []
    for y in range(h):
        vals = [(x + y + rnd.randrange(3)) % (1 << bits) for x in range(w)]
        acc, n, row = 0, 0, bytearray()
        for v in vals:
            acc = (acc << bits) | v
            n += bits
            if n == 8:
                row.append(acc)
                acc, n = 0, 0
        if n:
            row.append(acc << (8 - n))
        rows.append(bytes(row))
    return rows


def wide_rows(w, h, channels, seed):
    rnd = random.Random(seed)
    return [b"".join(struct.pack(">H", (x * 4099 + y * 733 + c * 20000 + rnd.randrange(256)) % 65536)
                     for x in range(w) for c in range(channels)) for y in range(h)]


def write(d):
    icc = os.path.join(d, "profile.icc")
    profile = open(icc, "rb").read() if os.path.exists(icc) else None
    for i, (w, h) in enumerate(SIZES):
        s = f"{w}x{h}"
        grey = Image.frombytes("L", (w, h), pattern(w, h, 1, i))
        rgb = Image.frombytes("RGB", (w, h), pattern(w, h, 3, 10 + i))
        rgba = Image.frombytes("RGBA", (w, h), pattern(w, h, 4, 20 + i))
        la = Image.frombytes("LA", (w, h), pattern(w, h, 2, 30 + i))
        grey.save(f"{d}/grey8_{s}.png")
        rgb.save(f"{d}/rgb_{s}.png")
        rgba.save(f"{d}/rgba_{s}.png")
        la.save(f"{d}/greyalpha_{s}.png")
        grey.convert("1").save(f"{d}/bilevel_{s}.png")
        wide = Image.new("I;16", (w, h))
        wide.frombytes(b"".join(struct.pack("<H", (k * 2741 + (k // w) * 40503) % 65536) for k in range(w * h)))
        wide.save(f"{d}/grey16_{s}.png")
        pal = rgb.quantize(colors=200 if i % 2 else 16)
        pal.save(f"{d}/palette_{s}.png")
        pal.save(f"{d}/palette-trns_{s}.png", transparency=bytes([0, 128, 255] + [77] * 5))
        pal.save(f"{d}/palette-bits4_{s}.png", bits=4) if i % 2 == 0 else None
        pal.save(f"{d}/palette_{s}.gif")
        pal.save(f"{d}/palette-trns_{s}.gif", transparency=3)
        grey.save(f"{d}/grey_{s}.gif")
        rgb.save(f"{d}/rgb_{s}.bmp")
        grey.save(f"{d}/grey_{s}.bmp")
        pal.save(f"{d}/palette_{s}.bmp")
        grey.convert("1").save(f"{d}/bilevel_{s}.bmp")
        rgba.save(f"{d}/rgba_{s}.bmp")
        if w >= 3 and h >= 2:  # JPEG of a 1x1 image is legal but says little
            grey.save(f"{d}/grey_{s}.jpg", quality=90)
            rgb.save(f"{d}/rgb420_{s}.jpg", quality=90)
            rgb.save(f"{d}/rgb444_{s}.jpg", quality=95, subsampling=0)
            rgb.save(f"{d}/rgb422_{s}.jpg", quality=85, subsampling=1)
            rgb.save(f"{d}/rgb-progressive_{s}.jpg", quality=80, progressive=True)
            rgb.convert("CMYK").save(f"{d}/cmyk_{s}.jpg", quality=90)
            if profile:
                rgb.save(f"{d}/rgb-icc_{s}.jpg", quality=90, icc_profile=profile)
                rgb.save(f"{d}/rgb-icc_{s}.png", icc_profile=profile)
        # Kinds Pillow cannot write: written by hand, decoded by Pillow all the same.
        raw_png(f"{d}/grey2_{s}.png", w, h, 2, 0, packed_rows(w, h, 2, 40 + i))
        raw_png(f"{d}/grey4_{s}.png", w, h, 4, 0, packed_rows(w, h, 4, 50 + i))
        raw_png(f"{d}/rgb16_{s}.png", w, h, 16, 2, wide_rows(w, h, 3, 60 + i))
        raw_png(f"{d}/rgba16_{s}.png", w, h, 16, 6, wide_rows(w, h, 4, 70 + i))
        raw_png(f"{d}/greyalpha16_{s}.png", w, h, 16, 4, wide_rows(w, h, 2, 80 + i))
        raw_png(f"{d}/grey-trns_{s}.png", w, h, 8, 0, [grey.tobytes()[y * w:(y + 1) * w] for y in range(h)],
                png_chunk(b"tRNS", struct.pack(">H", grey.getpixel((0, 0)))))
        raw_png(f"{d}/rgb-trns_{s}.png", w, h, 8, 2, [rgb.tobytes()[y * w * 3:(y + 1) * w * 3] for y in range(h)],
                png_chunk(b"tRNS", struct.pack(">HHH", *rgb.getpixel((0, 0)))))
    # Invalid but seen in the wild: indices past a short PLTE (PIL shows grey level = index; the JDK pads the palette
    # with its last colour, so vgg4j must use the palette's real length).
    short = bytes([10, 20, 30, 40, 50, 60, 70, 80, 90])
    raw_png(f"{d}/palette-short_13x7.png", 13, 7, 8, 3, [bytes((x * 19 + y * 7) % 256 for x in range(13)) for y in range(7)],
            png_chunk(b"PLTE", short))
    # A GIF whose only frame is smaller than its logical screen and offset: PIL draws it on the screen-sized canvas.
    frame = Image.frombytes("RGB", (9, 5), pattern(9, 5, 3, 99)).quantize(colors=8)
    frame.save(f"{d}/offset-frame_9x5.gif")
    data = bytearray(open(f"{d}/offset-frame_9x5.gif", "rb").read())
    data[6:10] = struct.pack("<HH", 15, 11)  # logical screen 15 x 11
    at = data.index(b"\x2c", 13 + 3 * 2 ** ((data[10] & 7) + 1) if data[10] & 0x80 else 13)
    data[at + 1:at + 5] = struct.pack("<HH", 4, 3)  # frame at (4, 3)
    open(f"{d}/offset-frame_15x11.gif", "wb").write(bytes(data))
    os.remove(f"{d}/offset-frame_9x5.gif")


def decode(d):
    lines = []
    for name in sorted(os.listdir(d)):
        if name.split(".")[-1].lower() not in ("png", "jpg", "gif", "bmp"):
            continue
        path = os.path.join(d, name)
        im = Image.open(path)
        mode = im.mode
        grey, rgb = im.convert("L"), im.convert("RGB")
        open(path + ".L", "wb").write(grey.tobytes())
        open(path + ".RGB", "wb").write(rgb.tobytes())
        # torchvision's Resize on the converted image: PIL bilinear, odd and non-square on purpose (w=29, h=17).
        open(path + ".L.resized", "wb").write(grey.resize(RESIZED, Image.BILINEAR).tobytes())
        open(path + ".RGB.resized", "wb").write(rgb.resize(RESIZED, Image.BILINEAR).tobytes())
        if mode in ("I", "I;16", "I;16B"):
            high = bytes(v >> 8 for v in im.getdata())
            open(path + ".L16", "wb").write(high)
            open(path + ".RGB16", "wb").write(bytes(b for v in high for b in (v, v, v)))
        lines.append(f"{name}\t{mode}\t{im.size[0]}\t{im.size[1]}\t{im.format}")
    with open(os.path.join(d, "manifest.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    import PIL
    print(f"Pillow {PIL.__version__}: decoded {len(lines)} images")


if __name__ == "__main__":
    {"write": write, "decode": decode}[sys.argv[1]](sys.argv[2])

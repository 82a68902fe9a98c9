# Makes the small bad image files BadImageCliTest feeds to `vgg4j predict` (each must give one line on stderr naming
# the file and what is wrong, exit 1, no stack trace). Standard library only: python3 make_bad_images.py
import struct
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(w, h, idat, colour_type=0, bit_depth=8):
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


rows = b"".join(b"\x00" + bytes((x * 9 + y * 5) % 256 for x in range(16)) for y in range(16))
good = zlib.compress(rows, 9)
open("good-16x16.png", "wb").write(png(16, 16, good))
# IDAT cut in half (the file stays well formed around it).
open("truncated-idat.png", "wb").write(png(16, 16, good[: len(good) // 2]))
# The whole file cut in the middle of its IDAT chunk.
whole = png(16, 16, good)
open("truncated-file.png", "wb").write(whole[: len(whole) - 30])
# IDAT bytes flipped after the zlib header: an invalid deflate stream.
bad = bytearray(good)
for i in range(2, len(bad) - 4, 3):
    bad[i] ^= 0x5A
open("corrupt-idat.png", "wb").write(png(16, 16, bytes(bad)))
# Headers declaring huge images over a tiny IDAT: refused by the pixel limit before decoding.
for w, h in ((65535, 65535), (100000, 100000), (46340, 46340)):
    open(f"declares-{w}x{h}.png", "wb").write(png(w, h, zlib.compress(b"\x00" * 64)))
# A PNG signature followed by garbage.
open("signature-only.png", "wb").write(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\x01" * 5)
# Not an image at all, and an empty file.
open("notes.png", "w").write("not an image, just a text file\n")
open("empty.png", "wb").write(b"")
# A JPEG cut after its headers, and one with a broken frame header.
jpeg_start = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
              b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)))
open("truncated.jpg", "wb").write(jpeg_start)
open("bad-frame.jpg", "wb").write(jpeg_start + b"\xff\xc0\x00\x0b\x08\x00\x00\x00\x00\x01\x01\x11\x00\xff\xd9")
# A GIF header with no image, and a BMP whose header says 32 bits per pixel but holds no pixels.
open("no-frame.gif", "wb").write(b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0, 0, 0) + b";")
open("truncated.bmp", "wb").write(b"BM" + struct.pack("<IHHI", 70, 0, 0, 54)
                                  + struct.pack("<IiiHHIIiiII", 40, 4, 4, 1, 32, 0, 64, 0, 0, 0, 0))

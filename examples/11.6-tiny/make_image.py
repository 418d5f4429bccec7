#!/usr/bin/env python3
"""Writes www/tiny.png, the picture on Tiny's home page: a sun over a hill, drawn here
pixel by pixel, so that no image file comes from anywhere else. Run it from this folder;
the PNG it writes is committed beside it (the build does not need Python)."""
import struct
import zlib

WIDTH, HEIGHT = 120, 80


def pixel(x, y):
    if (x - 84) ** 2 + (y - 24) ** 2 <= 12 ** 2:
        return (250, 200, 40)  # the sun
    if y > 60 - 14 * (1 - ((x - 40) / 70) ** 2):
        return (60, 140, 60)  # the hill
    shade = 255 - y
    return (120, 180, shade)  # the sky, lighter towards the top


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


rows = b"".join(
    b"\0" + bytes(c for x in range(WIDTH) for c in pixel(x, y)) for y in range(HEIGHT)
)
png = (
    b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(rows, 9))
    + chunk(b"IEND", b"")
)
with open("www/tiny.png", "wb") as out:
    out.write(png)

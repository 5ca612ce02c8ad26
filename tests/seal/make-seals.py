#!/usr/bin/env python3
"""Writes the seal images the tests use into OUTDIR, with the standard
library only (zlib and struct): a round red seal (a ring, a star, a band
of blocks standing for the name) on a transparent background with
anti-aliased edges, as an office's seal file is, in every PNG colour type
libpng reads, and broken files.

usage: make-seals.py OUTDIR
"""
import math
import os
import struct
import sys
import zlib

RED = (230, 0, 18)


def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))


def png(path, width, height, rows, color_type, depth=8, extra=b'', interlace=0, raw=None):
    """rows: one bytes object per row of packed samples (no filter byte)."""
    if raw is None:
        raw = b''.join(b'\0' + r for r in rows)
    head = struct.pack('>IIBBBBB', width, height, depth, color_type, 0, 0, interlace)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', head) + extra +
                chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def coverage(x, y, n):
    """How much of pixel (x, y) of an n-pixel seal is ink, 0..1 (4x4
    samples a pixel, for smooth edges)."""
    c = (n - 1) / 2
    r = n / 2
    hits = 0
    for sy in range(2):
        for sx in range(2):
            px = x + (sx + 0.5) / 2 - 0.5 - c
            py = y + (sy + 0.5) / 2 - 0.5 - c
            d = math.hypot(px, py)
            ink = r * 0.90 < d < r * 0.98              # the ring
            # the star: a point is inside when inside the convex pentagon
            # fan of its points (approximated by the polar distance)
            a = math.atan2(px, -py)
            k = (a % (2 * math.pi / 5)) / (2 * math.pi / 5)
            edge = r * 0.34 * (0.38 + 0.62 * abs(1 - 2 * k) ** 1.6)
            ink = ink or d < edge
            # the name: blocks on the upper arc
            ang = math.degrees(math.atan2(px, -py))
            if -110 < ang < 110 and r * 0.55 < d < r * 0.80:
                ink = ink or (ang + 110) % 36 < 26
            hits += ink
    return hits / 4


def seal(n):
    """Per pixel, the ink coverage of an n x n seal."""
    return [[coverage(x, y, n) for x in range(n)] for y in range(n)]


def adam7(width, height, pixel_bytes, rows):
    """The filtered data of an interlaced image (filter 0 on every row)."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
              (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    out = b''
    for x0, y0, dx, dy in passes:
        for y in range(y0, height, dy):
            line = b''.join(rows[y][x * pixel_bytes:(x + 1) * pixel_bytes]
                            for x in range(x0, width, dx))
            if line:
                out += b'\0' + line
    return out


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 300
    ink = seal(n)
    rgba = [b''.join(bytes(RED + (round(255 * a),)) for a in row) for row in ink]
    png(os.path.join(out, 'seal.png'), n, n, rgba, 6)
    # the same on white, without transparency (a scan saved as is)
    def on_white(a):
        return bytes(round(255 - (255 - c) * a) for c in RED)
    rgb = [b''.join(on_white(a) for a in row) for row in ink]
    png(os.path.join(out, 'seal-opaque.png'), n, n, rgb, 2)
    # indexed colour with a transparent palette entry (tRNS)
    pal = [bytes(1 if a >= 0.5 else 0 for a in row) for row in ink]
    png(os.path.join(out, 'seal-palette.png'), n, n, pal, 3,
        extra=chunk(b'PLTE', bytes((255, 255, 255) + RED)) + chunk(b'tRNS', b'\0\xff'))
    # grey and alpha, 16 bits a sample
    ga16 = [b''.join(struct.pack('>HH', 0x3000, round(65535 * a)) for a in row) for row in ink]
    png(os.path.join(out, 'seal-gray16.png'), n, n, ga16, 4, depth=16)
    # RGBA, 16 bits a sample, interlaced
    rgba16 = [b''.join(struct.pack('>HHHH', RED[0] * 257, 0, RED[2] * 257, round(65535 * a))
                       for a in row) for row in ink]
    png(os.path.join(out, 'seal-interlaced.png'), n, n, None, 6, depth=16, interlace=1,
        raw=adam7(n, n, 8, rgba16))
    # too wide: 4001 pixels on a side
    png(os.path.join(out, 'too-wide.png'), 4001, 1, [b'\0' * 4001 * 4], 6)
    # damaged: the image data's check fails
    good = open(os.path.join(out, 'seal.png'), 'rb').read()
    at = good.index(b'IDAT') + 40
    with open(os.path.join(out, 'damaged.png'), 'wb') as f:
        f.write(good[:at] + bytes([good[at] ^ 0x55]) + good[at + 1:])
    with open(os.path.join(out, 'truncated.png'), 'wb') as f:
        f.write(good[:len(good) // 2])
    with open(os.path.join(out, 'not-a-png.png'), 'wb') as f:
        f.write(b'GIF89a this is not a PNG image\n')


if __name__ == '__main__':
    main()

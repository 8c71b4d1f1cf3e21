"""Draws webinar/web/static/favicon.ico: the brand blue (#0b5cad) rounded square with a white
"play" triangle, 32x32, as one palette PNG inside an ICO container (a few hundred bytes).
Run it again only to change the icon: `python tools/favicon.py`."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIZE = 32
OUT = Path(__file__).resolve().parent.parent / "webinar" / "web" / "static" / "favicon.ico"
PALETTE = bytes([0, 0, 0, 0x0B, 0x5C, 0xAD, 0xFF, 0xFF, 0xFF])  # clear, blue, white
ALPHA = bytes([0, 255, 255])


def pixel(x: int, y: int) -> int:
    r = 6  # corner radius
    cx = min(max(x + 0.5, r), SIZE - r)
    cy = min(max(y + 0.5, r), SIZE - r)
    if (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r:
        return 0
    # the triangle: from (12, 8) to (12, 24) to (24, 16)
    px, py = x + 0.5, y + 0.5
    if px >= 12 and abs(py - 16) <= (24 - px) * 8 / 12:
        return 2
    return 1


def chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png() -> bytes:
    rows = b"".join(b"\0" + bytes(pixel(x, y) for x in range(SIZE)) for y in range(SIZE))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", PALETTE) + chunk(b"tRNS", ALPHA)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def ico() -> bytes:
    image = png()
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 6 + 16)
    return header + entry + image


if __name__ == "__main__":
    OUT.write_bytes(ico())
    print(f"{OUT}: {OUT.stat().st_size} bytes")

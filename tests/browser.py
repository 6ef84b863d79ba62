"""Headless Chromium for tests: screenshot a page and read the picture's pixels; read a PDF
Chromium printed as a reader sees it (its pages drawn and its text read by PDFium)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from pathlib import Path
from typing import NamedTuple

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The Chromium executable (installed by ``make test``)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("chromium is not installed; `make test` installs Debian's chromium")


def screenshot(page: Path, output: Path, size: tuple[int, int] = (1000, 1600)) -> None:
    """Render ``page`` in headless Chromium and save a PNG screenshot."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                f"--screenshot={output}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_colours(path: Path) -> Counter[tuple[int, int, int]]:
    """How many pixels of each RGB colour an 8-bit RGB or RGBA PNG has."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    if depth != 8 or colour_type not in (2, 6):
        raise ValueError("only 8-bit RGB and RGBA PNGs are read")
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    counts: Counter[tuple[int, int, int]] = Counter()
    for row in range(height):
        start = row * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        for i in range(0, stride, channels):
            counts[(line[i], line[i + 1], line[i + 2])] += 1
        previous = line
    return counts


def dom_after_scripts(page: Path) -> str:
    """The document of ``page`` as Chromium holds it after running its scripts and handlers."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=2000",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return done.stdout.decode("utf-8")


def write_png(path: Path, width: int, height: int, rgb: bytes) -> None:
    """Save ``rgb`` (``height`` rows of ``width`` 8-bit RGB pixels) as a PNG."""
    stride = width * 3
    raw = b"".join(b"\0" + rgb[row * stride : (row + 1) * stride] for row in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


class PdfPage(NamedTuple):
    """One page of a PDF as a reader sees it: its text, its picture, and how many of the
    picture's colour values are darker than near-white (0 for a blank page)."""

    text: str
    picture: Path
    inked: int


NEAR_WHITE = bytes(range(240, 256))


def pdf_pages(pdf: Path, pictures: Path, scale: float = 1.0) -> list[PdfPage]:
    """Every page of ``pdf`` drawn by PDFium (saved as ``pictures/<pdf name>.page<N>.png``)
    with the text PDFium reads from it."""
    import pypdfium2

    pictures.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for number in range(len(document)):
            page = document[number]
            text = page.get_textpage().get_text_range()
            bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB, not BGR
            width, height = bitmap.width, bitmap.height
            buffer = bytes(bitmap.buffer)
            rgb = b"".join(
                buffer[row * bitmap.stride : row * bitmap.stride + width * 3]
                for row in range(height)
            )
            picture = pictures / f"{pdf.name}.page{number + 1}.png"
            write_png(picture, width, height, rgb)
            pages.append(PdfPage(text, picture, len(rgb.translate(None, NEAR_WHITE))))
    finally:
        document.close()
    return pages

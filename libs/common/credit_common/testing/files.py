"""Small real files for tests that upload materials: intake opens every PDF with pypdf and
decodes every image with Pillow, so a few magic bytes followed by zeros no longer pass."""

from __future__ import annotations

import functools
import io

from PIL import Image
from pypdf import PdfWriter


@functools.cache
def minimal_pdf(pages: int = 1) -> bytes:
    """A valid PDF of blank A4 pages (the same bytes every call)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(fmt: str, size: tuple[int, int], colour: tuple[int, int, int], **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **options)
    return out.getvalue()


@functools.cache
def minimal_png(size: tuple[int, int] = (8, 8),
                colour: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    """A valid PNG, one colour, no metadata (intake stores such a PNG unchanged)."""
    return _image("PNG", size, colour)


@functools.cache
def minimal_jpeg(size: tuple[int, int] = (8, 8),
                 colour: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    """A valid baseline JPEG, one colour, no metadata."""
    return _image("JPEG", size, colour, quality=90)

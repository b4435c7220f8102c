"""PDFs that cost far more to read than their size says: small files whose streams inflate to megabytes."""

from __future__ import annotations

import zlib

from tests.knowledge.pdfs import _pdf


def pages_pdf(contents: list[bytes]) -> bytes:
    """A PDF with one page per content stream, each stream Flate-compressed."""
    count = len(contents)
    font = 3 + 2 * count
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    compressed: dict[int, bytes] = {}  # pages that show the same content share one compression
    for index, content in enumerate(contents):
        page = 3 + 2 * index
        kids.append(b"%d 0 R" % page)
        if id(content) not in compressed:
            compressed[id(content)] = zlib.compress(content, 9)
        stream = compressed[id(content)]
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page + 1, font)
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % count
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _pdf(objects)


def text_operators_pdf(shows: int = 160_000) -> bytes:
    """About 2 KB on disk; one page whose stream inflates to `shows` text-showing operators (1.1 MB for the
    default), which pypdf reads one by one for seconds."""
    return pages_pdf([b"BT /F1 12 Tf " + b"(a) Tj " * shows + b"ET"])


def decompression_bomb(pages: int = 15, page_bytes: int = 70_000_000) -> bytes:
    """About 1 MB on disk, over 1 GB unpacked: pages whose streams each inflate to 70 MB."""
    return pages_pdf([b"\x00" * page_bytes] * pages)

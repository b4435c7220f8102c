"""A multi-line PDF in WinAnsi encoding (German letters survive), its lines wrapped as a word processor would."""

from __future__ import annotations

import textwrap

from tests.knowledge.pdfs import _escape, _pdf


def wrapped_pdf(paragraphs: list[str], width: int = 70) -> bytes:
    """One page per 40 lines; each paragraph wrapped at `width` characters, so sentences break across lines."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, width) or [""])
        lines.append("")
    pages = [lines[i : i + 40] for i in range(0, len(lines), 40)]
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font_number = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for page_lines in pages:
        commands = ["BT", "/F1 11 Tf", "14 TL", "60 740 Td"]
        commands += [f"({_escape(line)}) Tj T*" for line in page_lines]
        commands.append("ET")
        stream = "\n".join(commands).encode("cp1252")
        page_number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page_number + 1, font_number)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(b"%d 0 R" % page_number)
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return _pdf(objects)

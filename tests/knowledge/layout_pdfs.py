"""PDFs laid out like real ones (positions, font sizes, bold headings, several pages), written byte by byte so the
tests need no PDF writer. Text is WinAnsi-encoded: German, French, Spanish and Portuguese letters and € survive."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf.generic import DictionaryObject, NameObject
from pypdf.generic._font import Font

from tests.knowledge.pdfs import _escape, _pdf

PAGE_WIDTH = 595  # A4, in points
PAGE_HEIGHT = 842
LEFT = 56


@dataclass(frozen=True)
class Run:
    """One piece of text placed at (x, y) from the page's bottom left, in points."""

    x: float
    y: float
    text: str
    size: float = 10.5
    bold: bool = False
    angle: float = 0.0  # degrees, counterclockwise


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide Helvetica (or Helvetica-Bold) sets `text`, in points."""
    name = "/Helvetica-Bold" if bold else "/Helvetica"
    font = Font.from_font_resource(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(name),
            }
        )
    )
    return font.get_text_width(text) * size / 1000


def layout_pdf(pages: list[list[Run]]) -> bytes:
    """One PDF page per list of runs, each run drawn where it says, in Helvetica or Helvetica-Bold."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for runs in pages:
        commands = []
        for run in runs:
            font = "/F2" if run.bold else "/F1"
            cos, sin = math.cos(math.radians(run.angle)), math.sin(math.radians(run.angle))
            matrix = f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {run.x:g} {run.y:g}"
            commands.append(f"BT {font} {run.size:g} Tf {matrix} Tm ({_escape(run.text)}) Tj ET")
        stream = "\n".join(commands).encode("cp1252")
        page_number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (PAGE_WIDTH, PAGE_HEIGHT, page_number + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(b"%d 0 R" % page_number)
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return _pdf(objects)


class Page:
    """Writes a page top-down as a word processor would: headings, wrapped paragraphs, table rows."""

    def __init__(self, top: float = 760, line_height: float = 14) -> None:
        self.runs: list[Run] = []
        self.y = top
        self.line_height = line_height

    def line(self, text: str, *, size: float = 10.5, bold: bool = False, x: float = LEFT, gap: float = 0) -> Page:
        self.y -= gap
        self.runs.append(Run(x, self.y, text, size, bold))
        self.y -= max(self.line_height, size * 1.35)
        return self

    def heading(self, text: str, size: float = 14) -> Page:
        return self.line(text, size=size, bold=True, gap=8)

    def paragraph(self, text: str, width: int = 88) -> Page:
        import textwrap

        for wrapped in textwrap.wrap(text, width):
            self.line(wrapped)
        self.y -= 6
        return self

    def row(self, cells: list[str], columns: Sequence[float], *, bold: bool = False) -> Page:
        for cell, x in zip(cells, columns, strict=True):
            self.runs.append(Run(x, self.y, cell, 10.5, bold))
        self.y -= self.line_height + 2
        return self

    def ruled_table(self, rows: list[list[str]], padding: float) -> Page:
        """A table whose columns are as wide as their widest cell plus `padding` points (a ruled table's cells
        are padded on both sides), its first row in bold."""
        widths = [max(text_width(row[i], 10.5, bold=True) for row in rows) for i in range(len(rows[0]))]
        columns = [LEFT + sum(widths[:i]) + padding * i for i in range(len(widths))]
        for number, row in enumerate(rows):
            self.row(row, columns, bold=number == 0)
        return self

    def at(self, x: float, y: float, text: str, size: float = 9, angle: float = 0.0) -> Page:
        """Text placed outside the flow: a running header or footer, a page number, a watermark."""
        self.runs.append(Run(x, y, text, size, angle=angle))
        return self

"""Writes the PDF documents of the quality bench's businesses (reportlab; for regenerating them only).

    python bench/blind/make_pdfs.py [--out DIR] [KEY ...]

Every business folder with a `pdf.json` gets its PDF, written beside it (or into `DIR/<key>/` with `--out`);
KEY limits the run to those businesses. `pdf.json` holds the business's own text, the layout is shared:

- `file`: the PDF's name; `layout`: `page-of-total` (footer "footer — page_word N / M" on the left) or
  `page-number` (footer "page_word N" on the right, a `title` heading under the letterhead);
- `letterhead`: lines, the first one in bold; `header`: the running page header; `page_word`; `footer` and
  `title` as the layout asks;
- `blocks`: `["h", heading]`, `["p", paragraph]`, `["t", rows]` (the first row is the table's head) or `["break"]`.

Each PDF has a letterhead with the phone number, a running page header, a footer with page numbers, headings,
paragraphs and at least one table of prices or times, on at least two pages.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).resolve().parent / "businesses"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
pdfmetrics.registerFont(TTFont("Sans", str(FONTS / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("SansBold", str(FONTS / "DejaVuSans-Bold.ttf")))


@dataclass(frozen=True)
class Layout:
    table_head: str  # background of a table's first row
    bottom_margin: float
    side_margin: float | None  # None: reportlab's default
    of_total: bool  # footer "footer — page_word N / M" on the left, else "page_word N" on the right
    invariant: bool  # no timestamp or random id in the file


LAYOUTS = {
    "page-of-total": Layout("#e4ebf2", 20 * mm, None, of_total=True, invariant=False),
    "page-number": Layout("#dde6f0", 18 * mm, 20 * mm, of_total=False, invariant=True),
}


def story(spec: dict[str, Any], layout: Layout) -> list[object]:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Sans", fontSize=10, leading=13)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], fontName="SansBold", fontSize=13, spaceBefore=8)
    title = ParagraphStyle("title", parent=body, fontName="SansBold", fontSize=16, leading=20)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11, textColor=colors.HexColor("#333333"))
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
    letterhead = spec["letterhead"]
    flowables: list[object] = [Paragraph(letterhead[0], title)]
    flowables += [Paragraph(line, small) for line in letterhead[1:]]
    flowables.append(Spacer(1, 6 * mm))
    if "title" in spec:
        flowables.append(Paragraph(spec["title"], ParagraphStyle("doc_title", parent=heading, fontSize=15)))
    for kind, *value in spec["blocks"]:
        if kind == "h":
            flowables.append(Paragraph(value[0], heading))
        elif kind == "p":
            flowables += [Paragraph(value[0], body), Spacer(1, 2 * mm)]
        elif kind == "t":
            table = Table([[Paragraph(str(c), cell) for c in row] for row in value[0]], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(layout.table_head)),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            flowables += [table, Spacer(1, 3 * mm)]
        elif kind == "break":
            flowables.append(PageBreak())
        else:
            raise ValueError(f"unknown block {kind!r}")
    return flowables


def build(spec: dict[str, Any], path: Path) -> None:
    layout = LAYOUTS[spec["layout"]]
    header, page_word = spec["header"], spec["page_word"]
    flowables = story(spec, layout)
    pages: list[int] = []

    def furniture(canvas: Any, _doc: Any) -> None:  # reportlab's page callback: (canvas, document)
        canvas.saveState()
        canvas.setFont("Sans", 8)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, header)
        number = canvas.getPageNumber()
        if layout.of_total:
            total = pages[0] if pages else number
            canvas.drawString(20 * mm, 10 * mm, f"{spec['footer']} — {page_word} {number} / {total}")
        else:
            canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{page_word} {number}")
        canvas.restoreState()

    margins: dict[str, Any] = {"topMargin": 20 * mm, "bottomMargin": layout.bottom_margin}
    if layout.side_margin is not None:
        margins |= {"leftMargin": layout.side_margin, "rightMargin": layout.side_margin}

    def make() -> int:
        document = SimpleDocTemplate(
            str(path), pagesize=A4, title=spec.get("title", header), invariant=int(layout.invariant), **margins
        )
        document.build(list(flowables), onFirstPage=furniture, onLaterPages=furniture)
        return int(document.page)

    pages.append(make())  # the first pass counts the pages, the second writes "N / total"
    if layout.of_total:
        make()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write into OUT/<key>/ instead of beside pdf.json")
    parser.add_argument("keys", nargs="*", help="only these businesses")
    args = parser.parse_args()
    specs = sorted(HERE.glob("*/pdf.json"))
    unknown = set(args.keys) - {path.parent.name for path in specs}
    if unknown:
        parser.error(f"no pdf.json for {', '.join(sorted(unknown))}")
    for spec_path in specs:
        key = spec_path.parent.name
        if args.keys and key not in args.keys:
            continue
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        folder = args.out / key if args.out else spec_path.parent
        folder.mkdir(parents=True, exist_ok=True)
        build(spec, folder / spec["file"])
        print(folder / spec["file"])


if __name__ == "__main__":
    main()

"""A PDF page's placed text read back as its author wrote it: headings, paragraphs, lists and tables, without the
page furniture (letterhead, running headers and footers, page numbers).

Input is what a PDF reader reports for each piece of text: where it starts and ends on the page, its font size
and whether its font is bold. Output is the document as stored text: "## Heading" lines, one paragraph to a
line, list items as "- item" lines, and each table row as a sentence (see `knowledge.text_structure`). Nothing here
knows a language: headings are told by size and weight, furniture by repetition across pages and by position,
tables by columns that line up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.text_structure import (
    bullet_item,
    ends_sentence,
    is_page_number,
    page_number_aside,
    table_sentences,
    titles_marked,
)

# How far from a page's top or bottom (as lines of text) headers, footers and page numbers stand.
EDGE_LINES = 3
# A line this much larger than the body text is a heading; a bold line of body size is one when the body is not bold.
HEADING_SCALE = 1.15
HEADING_MAX_WORDS = 14
# A short line in capitals ("OPENING HOURS") is a heading in the body's own type, in scripts that have capitals.
HEADING_CAPITALS_WORDS = 8
# Pieces of a line further apart than this (in multiples of the font size) are cells of a table: more than
# the widest word space of justified text, less than the padding of a ruled table's cells (two half-ems).
CELL_GAP = 0.9
# A vertical gap this much wider than the document's usual line spacing ends a paragraph.
PARAGRAPH_GAP = 1.25
# Cells this long (characters, the median) are lines of text set in columns, not a table's cells.
PROSE_CELL = 30
_EMAIL_OR_WEB = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\bwww\.|https?://|\b[\w-]+\.(?:com|net|org|[a-z]{2})\b", re.IGNORECASE)
# A bullet glyph (any one mark that is no letter or digit, whatever the font maps it to) or an item's number.
_LIST_MARKER = re.compile(r"^(?:[^\w\s]|\x7f|\d{1,3}[.)]|[a-zA-Z][.)])$")
# Scripts written without spaces between words: Han, Hiragana, Katakana, Thai and their punctuation.
_UNSPACED = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u0e00-\u0e7f]")
_PHONE = re.compile(r"\+?\d[\d ()./-]{6,}\d")


@dataclass(frozen=True)
class Span:
    """One piece of text as placed on a page (PDF points, y growing upwards)."""

    x: float
    x_end: float
    y: float
    size: float
    bold: bool
    text: str


@dataclass
class Line:
    page: int
    y: float
    size: float
    bold: bool
    cells: list[tuple[float, float, str]]  # (x, x_end, text) of each cell, left to right
    furniture: bool = False

    @property
    def text(self) -> str:
        return " ".join(text for _, _, text in self.cells)

    @property
    def x(self) -> float:
        return self.cells[0][0]


def page_lines(page: int, spans: Sequence[Span]) -> list[Line]:
    """The page's spans grouped into lines (top to bottom) and, within a line, into cells (left to right)."""
    ordered = sorted((s for s in spans if s.text.strip()), key=lambda s: (-s.y, s.x))
    rows: list[list[Span]] = []
    for span in ordered:
        if rows and abs(rows[-1][0].y - span.y) <= 0.45 * max(span.size, rows[-1][0].size, 1.0):
            rows[-1].append(span)
        else:
            rows.append([span])
    lines = []
    for row in rows:
        row.sort(key=lambda s: s.x)
        cells: list[tuple[float, float, str]] = []
        for span in row:
            if cells and span.x - cells[-1][1] <= CELL_GAP * span.size:
                x, x_end, text = cells[-1]
                joiner = "" if text.endswith((" ", "-")) or span.text.startswith(" ") or span.x - x_end < 0.1 * span.size else " "
                cells[-1] = (x, max(x_end, span.x_end), text + joiner + span.text)
            else:
                cells.append((span.x, span.x_end, span.text))
        cells = [(x, x_end, " ".join(text.split())) for x, x_end, text in cells if text.strip()]
        if len(cells) >= 2 and _LIST_MARKER.match(cells[0][2]):
            # A list's bullet or number set apart from its item: one line, an item.
            marker = cells[0][2] if cells[0][2][:1].isalnum() else "-"
            cells = [(cells[0][0], cells[1][1], f"{marker} {cells[1][2]}"), *cells[2:]]
        weight: Counter[tuple[float, bool]] = Counter()
        for span in row:
            weight[(round(span.size, 1), span.bold)] += len(span.text.strip())
        (size, bold), _ = weight.most_common(1)[0]
        lines.append(Line(page, row[0].y, size, bold, cells))
    return lines


def _furniture_key(edge: str, line: Line) -> tuple[str, str]:
    """What a running header or footer keeps from page to page: its edge and its words, the page's number in it
    aside ("Studio Sonne · Page 2", or a cell of its own). Other numbers count: a price list's rows differ."""
    return edge, " | ".join(page_number_aside(text.casefold()) for _, _, text in line.cells)


def mark_furniture(pages: Sequence[list[Line]]) -> None:
    """Mark running headers and footers (a line at a page's top or bottom that recurs, its page number aside,
    at the same edge of other pages), page numbers at a page's edge, and the letterhead (the first page's top
    block when it holds contact details)."""
    at_edge: Counter[tuple[str, str]] = Counter()
    for lines in pages:
        at_edge.update({_furniture_key(edge, line) for edge, line in _edges(lines)})
    several_pages = len(pages) >= 2
    for lines in pages:
        for edge, line in _edges(lines):
            repeated = several_pages and at_edge[_furniture_key(edge, line)] >= 2
            if (is_page_number(line.text) or repeated) and not _in_a_table(line, lines):
                line.furniture = True
    if pages:
        _mark_letterhead(pages[0])


def _in_a_table(line: Line, lines: Sequence[Line]) -> bool:
    """Whether the line is a row of a table (the line above or below has cells in the same columns): a table's
    header row repeated where the table goes on over a page, or rows alike but for their numbers, are no
    running header."""
    if len(line.cells) < 2:
        return False
    position = lines.index(line)
    neighbours = [lines[i] for i in (position - 1, position + 1) if 0 <= i < len(lines)]
    return any(_Grid(line).fits(other) for other in neighbours if len(other.cells) >= 2)


def _edges(lines: Sequence[Line]) -> list[tuple[str, Line]]:
    """The lines near a page's top and bottom, each with its edge; a short page's upper half is its top."""
    reach = min(EDGE_LINES, (len(lines) + 1) // 2)
    top = [("top", line) for line in lines[:reach]]
    return [*top, *(("bottom", line) for line in lines[reach:][-EDGE_LINES:])]


def _mark_letterhead(lines: Sequence[Line]) -> None:
    """The first page's top block (up to the first wide vertical gap) is a letterhead when one of its lines is
    an email address, a web address or a phone number and none of them is a sentence."""
    body = [line for line in lines if not line.furniture]
    if len(body) < 2:
        return
    block = [body[0]]
    spacing = _typical_spacing(body)
    for previous, line in zip(body, body[1:], strict=False):
        if previous.y - line.y > 1.8 * spacing or len(block) >= 8:
            break
        block.append(line)
    if len(block) == len(body):
        return
    contact = any(_EMAIL_OR_WEB.search(line.text) or _PHONE.search(line.text) for line in block)
    if contact and not any(ends_sentence(line.text) and len(line.text.split()) > 6 for line in block):
        for line in block:
            line.furniture = True


def _typical_spacing(lines: Sequence[Line]) -> float:
    """The usual distance from one line to the next on a page (see `_usual`)."""
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False) if a.page == b.page and a.y > b.y]
    return _usual(gaps) if gaps else 14.0


def _usual(gaps: list[float]) -> float:
    """The line spacing within paragraphs: a low percentile of the gaps, since the gaps between paragraphs can be
    as many as those within them (paragraphs of two lines)."""
    return sorted(gaps)[len(gaps) * 3 // 10]


def _spacing_by_size(lines: Sequence[Line]) -> dict[float, float]:
    """The usual line spacing of each type size: small print is set tighter than the body."""
    by_size: dict[float, list[Line]] = {}
    for line in lines:
        by_size.setdefault(line.size, []).append(line)
    spacing = {}
    for size, same in by_size.items():
        gaps = [a.y - b.y for a, b in zip(same, same[1:], strict=False) if a.page == b.page and 0 < a.y - b.y < 3 * size]
        if gaps:
            spacing[size] = _usual(gaps)
    return spacing


def _body_style(lines: Sequence[Line]) -> tuple[float, bool]:
    weight: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        weight[(line.size, line.bold)] += len(line.text)
    (size, bold), _ = weight.most_common(1)[0]
    return size, bold


def _is_heading(line: Line, body_size: float, body_bold: bool) -> bool:
    text = line.text
    if len(line.cells) != 1 or len(text.split()) > HEADING_MAX_WORDS or text.rstrip().endswith("?"):
        return False
    if ends_sentence(text) and not text.rstrip().endswith(":") and len(text.split()) > 3:
        return False
    if bullet_item(text) is not None and not text.lstrip()[:1].isdigit():
        return False  # a list item; a numbered line ("2. Prices") may be a heading, by its type
    larger = line.size >= body_size * HEADING_SCALE
    capitals = text.isupper() and len(text.split()) <= HEADING_CAPITALS_WORDS and not ends_sentence(text)
    return larger or capitals or (line.bold and not body_bold and line.size >= body_size * 0.95)


def _table_runs(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Runs [start, end) of two or more lines with several cells in the same columns (cells starting, or ending,
    where the run's cells do). Lines of one cell belong to the table too when a row in those columns follows
    within two lines (a row naming a group, a wrapped cell), or when they stand right of the first column (a
    wrapped cell of the last row)."""
    runs = []
    index = 0
    while index < len(lines):
        if len(lines[index].cells) < 2:
            index += 1
            continue
        grid = _Grid(lines[index])
        end = index + 1
        while end < len(lines) and lines[end].page == lines[end - 1].page:
            line = lines[end]
            ahead = [other for other in lines[end + 1 : end + 3] if other.page == line.page]
            if len(line.cells) >= 2:
                if not grid.fits(line):
                    break
                grid.add(line)
            elif not (any(len(other.cells) >= 2 and grid.fits(other) for other in ahead) or line.x > grid.first_end):
                break
            end += 1
        while len(lines[end - 1].cells) < 2 and lines[end - 1].x <= grid.first_end:
            end -= 1
        if sum(len(line.cells) >= 2 for line in lines[index:end]) >= 2 and _columns(lines[index:end]):
            runs.append((index, end))
            index = end
        else:
            index += 1
    return runs


class _Grid:
    """Where a table's cells start and end so far."""

    TOLERANCE = 3.0  # points

    def __init__(self, first: Line) -> None:
        self.starts = [x for x, _, _ in first.cells]
        self.ends = [x_end for _, x_end, _ in first.cells]
        self.first_end = first.cells[0][1]

    def _aligned(self, x: float, x_end: float) -> bool:
        near = self.TOLERANCE
        return any(abs(x - start) <= near for start in self.starts) or any(abs(x_end - e) <= near for e in self.ends)

    def fits(self, line: Line) -> bool:
        """Whether the line's cells stand in the columns: all of them, or all but one when three or more."""
        aligned = sum(self._aligned(x, x_end) for x, x_end, _ in line.cells)
        return aligned >= 2 and aligned >= len(line.cells) - (1 if len(line.cells) >= 3 else 0)

    def add(self, line: Line) -> None:
        self.starts += [x for x, _, _ in line.cells]
        self.ends += [x_end for _, x_end, _ in line.cells]
        self.first_end = max(self.first_end, line.cells[0][1])


def _columns(rows: Sequence[Line]) -> list[tuple[float, float]]:
    """The table's column bands: the cells' x-ranges merged where they overlap. Empty when the rows' cells do
    not fall into shared columns (words of prose that happen to be far apart)."""
    spans = sorted((x, x_end) for row in rows if len(row.cells) >= 2 for x, x_end, _ in row.cells)
    bands: list[list[float]] = []
    for x, x_end in spans:
        if bands and x <= bands[-1][1] + 1.0:
            bands[-1][1] = max(bands[-1][1], x_end)
        else:
            bands.append([x, x_end])
    if len(bands) < 2:
        return []
    result = [(a, b) for a, b in bands]
    # Every band must be used by at least two rows, else the "columns" are scattered words.
    for band in result:
        used = sum(1 for row in rows if len(row.cells) >= 2 and any(band[0] <= x <= band[1] for x, _, _ in row.cells))
        if used < 2:
            return []
    return result


def _table_rows(rows: Sequence[Line], bands: Sequence[tuple[float, float]]) -> list[list[str]]:
    """The table's cells by row and column. A line that leaves the first column empty, or only goes on with a
    lowercase word, continues the row above it (a cell wrapped over two lines)."""
    table: list[list[str]] = []
    for row in rows:
        cells = [""] * len(bands)
        for x, _, text in row.cells:
            cells[_column(bands, x)] = f"{cells[_column(bands, x)]} {text}".strip()
        continues = table and (not cells[0] or (len(row.cells) == 1 and cells[0][:1].islower()))
        if continues:
            table[-1] = [f"{above} {below}".strip() for above, below in zip(table[-1], cells, strict=True)]
        else:
            table.append(cells)
    return table


def _column(bands: Sequence[tuple[float, float]], x: float) -> int:
    """The band a cell starting at x stands in: the last one starting at or before it."""
    return max([i for i, (start, _) in enumerate(bands) if start <= x + 1.0] or [0])


def _prose_columns(table: Sequence[Sequence[str]]) -> bool:
    """Columns of running text rather than a table: long cells, most of them stopping inside a sentence."""
    cells = [cell for row in table for cell in row if cell]
    lengths = sorted(len(cell) for cell in cells)
    cut = sum(1 for cell in cells if not ends_sentence(cell))
    return len(table) >= 3 and lengths[len(lengths) // 2] >= PROSE_CELL and cut * 2 > len(cells)


def _header_first(rows: Sequence[Line], table: Sequence[Sequence[str]]) -> bool:
    first_bold = rows[0].bold and not all(row.bold for row in rows[1:])
    if first_bold:
        return True
    first_digits = any(any(ch.isdigit() for ch in cell) for cell in table[0])
    body_digits = any(any(ch.isdigit() for ch in cell) for row in table[1:] for cell in row[1:])
    return not first_digits and body_digits and len(table) >= 3


def document_text(pages: Sequence[Sequence[Span]]) -> str:
    """The document's text as stored: see the module's description."""
    all_lines = [page_lines(number, spans) for number, spans in enumerate(pages)]
    mark_furniture(all_lines)
    lines = [line for page in all_lines for line in page if not line.furniture]
    if not lines:
        return ""
    body_size, body_bold = _body_style(lines)
    spacing = _typical_spacing(lines)
    spacings = _spacing_by_size(lines)
    compounds = _compounds(lines)
    out: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            out.extend([_join_lines(paragraph, compounds), ""])
            paragraph.clear()

    tables = dict(_table_runs(lines))
    index = 0
    previous: Line | None = None
    while index < len(lines):
        line = lines[index]
        if index in tables:
            close()
            end = tables[index]
            rows = lines[index:end]
            table = _table_rows(rows, _columns(rows))
            out.append("")
            if _prose_columns(table):
                # Text set in columns (a brochure, a newsletter): each column read top to bottom, left to right.
                out.extend(
                    f"{_join_lines([row[column] for row in table if row[column]], compounds)}\n"
                    for column in range(len(table[0]))
                )
            else:
                sentences = table_sentences(table, _header_first(rows, table))
                out.extend(s if not s.startswith("## ") else f"\n{s}\n" for s in sentences)
            out.append("")
            index, previous = end, lines[end - 1]
            continue
        if _is_heading(line, body_size, body_bold):
            close()
            heading = line.text.rstrip(":").strip()
            if out and out[-1].startswith("## ") and previous is not None and _same_style(previous, line, spacing):
                out[-1] = f"{out[-1]} {heading}"  # a heading wrapped over two lines
            else:
                out.extend(["", f"## {heading}", ""])
            index, previous = index + 1, line
            continue
        item = bullet_item(line.text)
        new_paragraph = (
            previous is None
            or item is not None
            or (previous.page == line.page and previous.y - line.y > PARAGRAPH_GAP * spacings.get(line.size, spacing))
            or (previous.page != line.page and paragraph and ends_sentence(paragraph[-1]))
            or (paragraph and abs(line.size - previous.size) > 0.5)
        )
        if new_paragraph:
            close()
            if item is not None:
                paragraph.append(f"- {item}")
            else:
                paragraph.append(line.text)
        else:
            paragraph.append(line.text)
        index, previous = index + 1, line
    close()
    # A title set in the body's type (a document typed in one font) is still told by standing alone.
    return titles_marked("\n".join(out))


def _same_style(a: Line, b: Line, spacing: float) -> bool:
    return a.page == b.page and abs(a.size - b.size) < 0.5 and a.bold == b.bold and a.y - b.y <= 1.6 * max(spacing, a.size)


def _join_lines(lines: Sequence[str], compounds: frozenset[str] = frozenset()) -> str:
    """A paragraph's lines as one line. A word broken at a hyphen at a line's end is joined again: without the
    hyphen, unless the document writes it with one elsewhere (`compounds`: "sexta-feira", "check-in"). Lines of
    a script written without spaces (Chinese, Japanese) join without one."""
    joined = ""
    for line in lines:
        if joined.endswith("-") and line[:1].islower() and not joined.endswith(" -"):
            left = joined[:-1].rsplit(maxsplit=1)[-1] if joined[:-1].strip() else ""
            right = line.split(maxsplit=1)[0]
            compound = f"{left}-{right}".casefold().strip(".,;:!?") in compounds
            joined = joined + line if compound else joined[:-1] + line
        elif joined and _UNSPACED.match(joined[-1]) and _UNSPACED.match(line[:1]):
            joined += line
        else:
            joined = f"{joined} {line}" if joined else line
    return joined


def _compounds(lines: Sequence[Line]) -> frozenset[str]:
    """The hyphenated words the document writes whole within a line ("sexta-feira")."""
    return frozenset(
        word.casefold().strip(".,;:!?()")
        for line in lines
        for word in line.text.split()
        if "-" in word.strip("-.,;:!?()") and not word.endswith("-")
    )

"""The structure of a document's text, in any language: headings, page furniture, tables, sentences.

Pure functions on text, shared by ingest (which stores a document as Markdown-like text: "## Heading" lines,
paragraphs one to a line, each table row as a sentence) and by the reply pipeline (which quotes sentences of
stored passages, also of passages stored before tables were read this way).

Tables become one fact sentence per row, the first column as the subject and the other cells as
"Header: value" pairs when the table has a header row: "Double room — Price: € 140; Breakfast: included."
Without headers: "Room with a view: € 140, per night."
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# A Markdown setext underline ("Title\n=====") or a thematic break ("---", "***").
RULE_LINE = re.compile(r"^\s{0,3}(?:[-=*_]\s*){3,}$")
# "| a | b |" rows and their "|---|:--:|" separators.
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|]*\S[^|]*(?:\|[^|]*)+$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Cells of a plain-text table: separated by a tab or by three or more spaces.
_TEXT_GAP = re.compile(r"\t+\s*| {3,}")
# "Page 2 of 3", "Seite 2 von 3", "Página 2 de 3", "- 2 -", "2/3", "[2]", "p. 2": a number, perhaps "of" a total,
# with at most one short word before it. Letters are any script's (\w less digits).
# What may stand around a page number: spaces, dashes, bars, dots and brackets (not a currency sign).
_AROUND = r"[\s\-–—|.·•()\[\]]*"
PAGE_NUMBER = re.compile(rf"^{_AROUND}(?:[^\W\d]{{1,8}}\.?\s*)?\d{{1,4}}(?:\s*(?:/|[^\W\d]{{1,5}})\s*\d{{1,4}})?{_AROUND}$")
# Where a sentence may end: . ! ? … (also the full-width forms), perhaps closed by a quote or bracket.
SENTENCE_END = re.compile(r"[.!?…。！？][\"'»”’)\]]*$")
_SETEXT = re.compile(r"^\s{0,3}(?:={3,}|-{3,})\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪◦‣–—]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")
_SPACES = re.compile(r"\s+")


def heading_text(line: str) -> str | None:
    """ "## Opening hours" -> "Opening hours"; None for a line that is no Markdown heading."""
    found = HEADING.match(line)
    return found.group(2).strip() or None if found else None


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER.match(line.strip())) and any(ch.isdigit() for ch in line)


def page_number_aside(text: str) -> str:
    """The text with a page number at its start or end ("… · Seite 2 von 3", "2 | …") as "#": what a running
    header or footer keeps from page to page."""
    words = text.split()
    for size in range(min(5, len(words)), 0, -1):
        if is_page_number(" ".join(words[-size:])):
            return " ".join([*words[:-size], "#"])
        if is_page_number(" ".join(words[:size])):
            return " ".join(["#", *words[size:]])
    return text


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text.rstrip()))


def bullet_item(line: str) -> str | None:
    """The text of a list item ("- Free Wi-Fi", "2) Bring a towel"), None for a line that is no item."""
    found = _BULLET.match(line)
    return line[found.end() :].strip() or None if found else None


def _clean_cell(cell: str) -> str:
    return _SPACES.sub(" ", cell.replace("**", "").replace("__", "")).strip().strip("|").strip()


def _finish(text: str) -> str:
    text = text.rstrip(" ,;:")
    return text if ends_sentence(text) else f"{text}."


def row_sentence(cells: Sequence[str], headers: Sequence[str] = ()) -> str | None:
    """One table row as a sentence a customer can read; None for a row with nothing in it.

    The first non-empty cell is the subject; with headers each other cell is "Header: value" (a header that only
    repeats the value, or is empty, is left out), without them the values follow a colon."""
    cleaned = [_clean_cell(cell) for cell in cells]
    filled = [(index, cell) for index, cell in enumerate(cleaned) if cell]
    if not filled:
        return None
    (_, subject), rest = filled[0], filled[1:]
    if not rest:
        return _finish(subject)
    named_headers = [_clean_cell(h) for h in headers]
    if named_headers:
        parts = []
        for index, value in rest:
            header = named_headers[index] if index < len(named_headers) else ""
            parts.append(f"{header}: {value}" if header and header.casefold() != value.casefold() else value)
        return _finish(f"{subject} — {'; '.join(parts)}")
    return _finish(f"{subject}: {', '.join(value for _, value in rest)}")


def table_sentences(rows: Sequence[Sequence[str]], has_header: bool) -> list[str]:
    """Each body row of a table as a sentence (see `row_sentence`); the header row never stands alone."""
    headers = rows[0] if has_header and rows else ()
    body = rows[1:] if has_header else rows
    width = max((len(row) for row in rows), default=0)
    sentences = []
    for row in body:
        if width > 1 and sum(1 for cell in row if _clean_cell(cell)) == 1 and _clean_cell(row[0]):
            # A row with only its first cell filled names a group of the rows below ("Summer season").
            sentences.append(f"## {_clean_cell(row[0])}")
            continue
        sentence = row_sentence(row, headers)
        if sentence:
            sentences.append(sentence)
    return sentences


def header_row_likely(rows: Sequence[Sequence[str]]) -> bool:
    """Whether a table without markup has a header row: its first row has no digit while the other rows' values
    (their cells after the first) have some."""
    if len(rows) < 2:
        return False
    first, body = rows[0], rows[1:]
    if any(any(ch.isdigit() for ch in cell) for cell in first):
        return False
    return any(any(ch.isdigit() for ch in cell) for row in body for cell in row[1:])


def pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def is_pipe_separator(line: str) -> bool:
    return bool(_PIPE_SEPARATOR.match(line)) and "-" in line


def _pipe_table_at(lines: Sequence[str], start: int) -> int:
    """How many lines from `start` form a Markdown pipe table (a row, its separator, rows); 0 when none."""
    if start + 1 >= len(lines) or not is_pipe_separator(lines[start + 1]) or "|" not in lines[start]:
        return 0
    if not _PIPE_ROW.match(lines[start]):
        return 0
    end = start + 2
    while end < len(lines) and lines[end].strip() and "|" in lines[end]:
        end += 1
    return end - start


def _text_cells(line: str) -> list[tuple[int, str]]:
    """A line's cells separated by tabs or wide gaps, each with its column (character offset)."""
    cells = []
    position = 0
    for piece in _TEXT_GAP.split(line.rstrip()):
        offset = line.find(piece, position) if piece else position
        if piece.strip():
            cells.append((offset + len(piece) - len(piece.lstrip()), piece.strip()))
        position = offset + len(piece)
    return cells


def _aligned(rows: Sequence[Sequence[tuple[int, str]]], tabbed: bool) -> bool:
    """Rows whose cells stand in the same columns: the same count, and (unless tab-separated) the same starts
    within two characters. Prose with two spaces after a full stop never lines up like this."""
    counts = {len(row) for row in rows}
    if len(counts) != 1 or counts.pop() < 2:
        return False
    if tabbed:
        return True
    return all(
        all(abs(a - b) <= 2 for (a, _), (b, _) in zip(row, rows[0], strict=True)) or _right_aligned(row, rows[0])
        for row in rows[1:]
    )


def _right_aligned(row: Sequence[tuple[int, str]], first: Sequence[tuple[int, str]]) -> bool:
    # Numbers are often right-aligned: their ends line up instead of their starts.
    return (
        all(abs(a - b) <= 2 or abs((a + len(x)) - (b + len(y))) <= 2 for (a, x), (b, y) in zip(row, first, strict=True))
        and abs(row[0][0] - first[0][0]) <= 2
    )


def _text_table_at(lines: Sequence[str], start: int) -> int:
    """How many lines from `start` form a plain-text table aligned with spaces or tabs (rule lines of dashes
    between rows allowed); 0 when none. At least two rows are needed."""
    rows: list[list[tuple[int, str]]] = []
    end = start
    tabbed = "\t" in lines[start]
    while end < len(lines) and lines[end].strip():
        line = lines[end]
        if RULE_LINE.match(line) or is_pipe_separator(line):
            end += 1
            continue
        cells = _text_cells(line)
        if len(cells) < 2 or heading_text(line) is not None or bullet_item(line) is not None:
            break
        candidate = [*rows, cells]
        if not _aligned(candidate, tabbed):
            break
        rows = candidate
        end += 1
    return end - start if len(rows) >= 2 else 0


def tables_as_sentences(text: str) -> str:
    """The text with every Markdown pipe table and every space- or tab-aligned table replaced by its rows as
    sentences, one to a line, set apart by blank lines; everything else unchanged."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        length = _pipe_table_at(lines, index)
        if length:
            rows = [pipe_cells(line) for line in lines[index : index + length] if not is_pipe_separator(line)]
            out.extend(_as_block(table_sentences(rows, has_header=True)))
            index += length
            continue
        starts_block = index == 0 or not lines[index - 1].strip()
        length = _text_table_at(lines, index) if starts_block or "\t" in lines[index] else 0
        if length:
            cell_rows = [
                [cell for _, cell in _text_cells(line)]
                for line in lines[index : index + length]
                if not (RULE_LINE.match(line) or is_pipe_separator(line))
            ]
            out.extend(_as_block(table_sentences(cell_rows, has_header=header_row_likely(cell_rows))))
            index += length
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def _as_block(sentences: Iterable[str]) -> list[str]:
    block = ["", *(f"{s}\n" if s.startswith("## ") else s for s in sentences), ""]
    return block


def markdown_headings(text: str) -> str:
    """Setext headings (a lone line over "=====" or "-----") as "## Title"; other lines unchanged."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        lone = index == 0 or not lines[index - 1].strip()
        if lone and line.strip() and "|" not in line and _SETEXT.match(following) and bullet_item(line) is None:
            out.append(f"## {line.strip()}")
            index += 2
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


# A sentence ends at . ! ? … (perhaps closed by a quote, a bracket or Markdown emphasis) followed by space, or at the full-width 。！？
# of Chinese and Japanese; not before a lowercase letter, nor after an abbreviation ("ca. 2", "z.B. mit").
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'»”’)\]*_])|(?<=[.!?…][\"'»”’)\]*_]{2}))\s+|(?<=[。！？])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:ca|bzw|etc|nr|no|st|dr|mr|mrs|ms|vs|approx|inkl|usw|ggf|tel|sr|sra|e\.g|i\.e)\.|(?<!\w)\w\.)$", re.IGNORECASE
)


def sentence_pieces(text: str) -> list[str]:
    """A paragraph's sentences in order, each with the whitespace that followed it, so that joining them gives
    the paragraph back exactly. Abbreviations ("ca. 2", "z.B.") stay inside their sentence."""
    pieces: list[str] = []
    position = 0
    for found in _SENTENCE_BREAK.finditer(text):
        candidate = text[position : found.start()]
        following = text[found.end() : found.end() + 1]
        if not candidate.strip() or not following or following.islower() or _ABBREVIATION.search(candidate):
            continue
        pieces.append(text[position : found.end()])
        position = found.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _title_like(line: str) -> bool:
    """A short line without a sentence end or a number: how a heading reads once its type size is lost."""
    text = line.strip().strip("*_").strip()
    return (
        0 < len(text.split()) <= 6
        and not ends_sentence(text)
        and not text.endswith((",", ";", "-"))
        and not any(ch.isdigit() for ch in text)
        and bullet_item(text) is None
        and "|" not in text
        and heading_text(text) is None
    )


def titles_marked(text: str, *, furniture: bool = False) -> str:
    """Text without type sizes (a plain-text file, a PDF read line by line) with its title lines as "## Title": a
    title-like line after a blank line or a sentence's end (not a question: that line is its answer), before a
    line that does not go on in lowercase. With `furniture` (a PDF's lines), page numbers and short lines
    repeated three times or more (numbers aside) are left out."""
    lines = text.split("\n")
    counts: dict[str, int] = {}
    for line in lines:
        if line.strip() and not ends_sentence(line) and len(line.split()) <= 12:
            key = page_number_aside(line.strip().casefold())
            counts[key] = counts.get(key, 0) + 1
    out: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        repeated = counts.get(page_number_aside(stripped.casefold()), 0) >= 3
        previous = out[-1].strip() if out else ""
        between = not previous or ends_sentence(previous) or previous.startswith("## ")
        if furniture and stripped and ((between and is_page_number(stripped)) or repeated):
            continue
        following = next((x.strip() for x in lines[index + 1 :] if x.strip()), "")
        after_sentence = between and not previous.endswith("?")
        leads_a_list = stripped.endswith(":") and bullet_item(following) is not None  # "We offer:" and its items
        if _title_like(stripped) and after_sentence and following and not following[:1].islower() and not leads_a_list:
            out.extend(["", f"## {stripped}", ""])
            continue
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()

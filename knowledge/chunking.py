"""Splitting text into passages small enough to retrieve and quote."""

from __future__ import annotations

import re

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.text_structure import heading_text, sentence_pieces

CHUNK_SIZE = 800
CHUNK_OVERLAP = 120
LONGEST_WORD = 200
LONGEST_HEADING = 160
_LONG_RUN = re.compile(rf"\S{{{LONGEST_WORD}}}(?=\S)")


def normalize_text(text: str) -> str:
    """Unify line ends, drop control characters and trailing spaces, collapse runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    # Per line rather than one regex: a regex over a long run of spaces backtracks quadratically.
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    # Break runs without whitespace (base64, long URLs, tables without spaces): the splitter would
    # otherwise fall back to cutting them character by character, which is very slow on large files.
    text = _LONG_RUN.sub(lambda run: run.group(0) + " ", text)
    return text.strip()


def split_text(text: str) -> list[str]:
    """The text's passages in order, each at most CHUNK_SIZE characters (no tokenizer), each ending where a
    sentence or paragraph ends and carrying its section's heading as its first line ("## Opening hours").

    A passage that continues the previous one within a section starts with that passage's last whole
    sentences (up to CHUNK_OVERLAP characters), never in the middle of one. Only a single sentence longer
    than a passage is cut, between words."""
    passages: list[str] = []
    waiting = ""  # headings with nothing under them ("## Prices" right before "### Rooms") go with the next
    for heading, blocks in _sections(normalize_text(text)):
        if not blocks:
            waiting = f"{waiting}\n{heading}".strip()
            continue
        _pack_section(f"{waiting}\n{heading}".strip(), blocks, passages)
        waiting = ""
    return _merge_small(passages)


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading line or "", paragraphs) in order; paragraphs are the blocks between blank lines."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for block in re.split(r"\n\s*\n", text):
        lines = block.split("\n")
        pending: list[str] = []
        for line in lines:
            title = heading_text(line)
            if title is None or len(title) > LONGEST_HEADING:  # a "heading" that long is text set in large type
                pending.append(line)
                continue
            if pending:
                sections[-1][1].append("\n".join(pending))
                pending = []
            sections.append((f"## {title}", []))
        if pending and "\n".join(pending).strip():
            sections[-1][1].append("\n".join(pending).strip())
    return [(heading, blocks) for heading, blocks in sections if heading or blocks]


def _units(block: str, budget: int) -> list[tuple[str, str]]:
    """A paragraph as (sentence, the whitespace after it); a sentence longer than `budget` cut between words."""
    units: list[tuple[str, str]] = []
    for piece in sentence_pieces(block):
        sentence, after = piece.rstrip(), piece[len(piece.rstrip()) :]
        if len(sentence) <= budget:
            units.append((sentence, after or " "))
            continue
        splitter = RecursiveCharacterTextSplitter(chunk_size=budget, chunk_overlap=0, separators=["\n", " ", ""])
        parts = splitter.split_text(sentence)
        units.extend((part, " ") for part in parts[:-1])
        units.append((parts[-1], after or " "))
    return units


def _pack_section(heading: str, blocks: list[str], passages: list[str]) -> None:
    head = f"{heading}\n" if heading else ""
    budget = CHUNK_SIZE - len(head)
    current: list[tuple[str, str]] = []  # (sentence, whitespace after) of the passage being filled

    def length(units: list[tuple[str, str]]) -> int:
        return sum(len(text) + len(after) for text, after in units)

    def flush() -> list[tuple[str, str]]:
        body = "".join(text + after for text, after in current).strip()
        passages.append(head + body)
        # The next passage of this section starts with the last whole sentences, up to CHUNK_OVERLAP.
        carried: list[tuple[str, str]] = []
        for unit in reversed(current):
            if length([unit, *carried]) > CHUNK_OVERLAP:
                break
            carried.insert(0, unit)
        return carried if len(carried) < len(current) else []

    for block in blocks:
        units = _units(block, budget)
        units[-1] = (units[-1][0], "\n\n")
        if current and length(current) + length(units) > budget and length(current) >= budget // 2:
            current = flush()  # the paragraph starts a passage of its own
        for unit in units:
            if current and length(current) + len(unit[0]) > budget:
                current = flush()
                while current and length(current) + len(unit[0]) > budget:
                    current.pop(0)
            current.append(unit)
    if current:
        flush()


def _merge_small(passages: list[str]) -> list[str]:
    """Short passages (a small section) together, as long as they fit: a heading then says what follows."""
    merged: list[str] = []
    for passage in passages:
        if merged and len(merged[-1]) + 2 + len(passage) <= CHUNK_SIZE and len(passage) < CHUNK_SIZE // 2:
            merged[-1] = f"{merged[-1]}\n\n{passage}"
        else:
            merged.append(passage)
    return [p for p in merged if p.strip()]

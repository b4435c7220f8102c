"""Splitting text into passages small enough to retrieve and quote."""

from __future__ import annotations

import re

from langchain_text_splitters import RecursiveCharacterTextSplitter

CHUNK_SIZE = 800
CHUNK_OVERLAP = 120
LONGEST_WORD = 200
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
    """The text's passages in order, each about CHUNK_SIZE characters (measured in characters, no tokenizer)."""
    # A splitter per call: it is cheap and keeps no state between documents.
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, length_function=len)
    return [chunk.strip() for chunk in splitter.split_text(normalize_text(text)) if chunk.strip()]

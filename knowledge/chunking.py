"""Splitting text into passages small enough to retrieve and quote."""

from __future__ import annotations

import re

from langchain_text_splitters import RecursiveCharacterTextSplitter

CHUNK_SIZE = 800
CHUNK_OVERLAP = 120


def normalize_text(text: str) -> str:
    """Unify line ends, drop control characters and trailing spaces, collapse runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def split_text(text: str) -> list[str]:
    """The text's passages in order, each about CHUNK_SIZE characters (measured in characters, no tokenizer)."""
    # A splitter per call: it is cheap and keeps no state between documents.
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, length_function=len
    )
    return [chunk.strip() for chunk in splitter.split_text(normalize_text(text)) if chunk.strip()]

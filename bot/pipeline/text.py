"""Small text helpers shared by the pipeline steps: normalising, word lists, the customer's language."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.language import (
    LANGUAGES,
    STOPWORDS,
    TEXTS_KEPT,
    detect_language,
    fold,
    stem_words,
    stop_words,
    words,
)

__all__ = [
    "LANGUAGES",
    "STOPWORDS",
    "content_words",
    "detect_language",
    "fold",
    "sentences",
    "split_sentences",
    "stem",
    "stop_words",
    "words",
]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A sentence ends at . ! ? followed by a capital, a digit or an opening quote, not inside "z.B." or "ca. 2".
_ABBREVIATION = re.compile(
    r"(?:\b(?:ca|z\.b|bzw|etc|e\.g|i\.e|nr|no|st|dr|mr|mrs|ms|vs|approx|inkl|usw|ggf)\.|\b[a-zA-Z]\.)$", re.IGNORECASE
)


def stem(word: str, lang: str = "en") -> str:
    """The Snowball stem of one folded word."""
    return stem_words([word], lang)[0]


@lru_cache(maxsize=TEXTS_KEPT)
def content_words(text: str, lang: str = "en") -> frozenset[str]:
    """The words of a text that carry meaning in `lang`, stemmed."""
    common = stop_words(lang)
    kept = [word for word in words(text) if len(word) >= 3 and word not in common and not word.isdigit()]
    return frozenset(stem_words(kept, lang))


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


# Where a sentence may end, in any script: . ! ? … and the Arabic question mark and Devanagari danda before a
# space; the CJK full stops whether or not a space follows.
_POSSIBLE_BREAK = re.compile(r"(?<=[.!?…؟।])\s+|(?<=[。！？])\s*")
_OPENING = "\"'«¿¡(“‘"


def _starts_sentence(rest: str) -> bool:
    """A sentence starts with a capital, a digit, an opening quote before one, or a letter of a script that has
    no small letters (Arabic, Devanagari, Chinese…)."""
    first = rest.lstrip(_OPENING)[:1]
    return bool(first) and (first.isdigit() or (first.isalpha() and not first.islower()))


def _break_pieces(text: str) -> list[str]:
    pieces, start = [], 0
    for match in _POSSIBLE_BREAK.finditer(text):
        if match.end() < len(text) and _starts_sentence(text[match.end() :]):
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def split_sentences(text: str) -> list[str]:
    """Sentences of a prose text, keeping abbreviations ("ca. 2 Stunden") inside their sentence."""
    parts: list[str] = []
    for piece in _break_pieces(text.strip()):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece.strip():
            parts.append(piece.strip())
    return parts

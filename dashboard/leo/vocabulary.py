"""The words owners ask with, per language, read from `vocabulary.toml`: which topic, grouping and figures a question
names when no model reads it. Pure (the file is read once).

The catalog is data so that a language is added by adding its lines, not code. Questions are folded before they
are matched (lower case, no accents, one kind of apostrophe), and so are the catalog's words.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dashboard.leo.figures import Metric

CATALOG = Path(__file__).with_name("vocabulary.toml")
LANGUAGES = ("en", "es", "pt", "fr", "de", "it")


def fold(text: str) -> str:
    """Lower case without accents: "¿Qué campaña?" reads "¿que campana?"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'").replace("ß", "ss"))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def _pattern(entry: Mapping[str, list[str]]) -> re.Pattern[str]:
    """One expression for every language's words of an entry, each starting at the beginning of a word."""
    alternatives = [word for language in LANGUAGES for word in entry.get(language, [])]
    return re.compile("|".join(f"(?<!\\w)(?:{word})" for word in alternatives))


def _section(table: Mapping[str, Mapping[str, list[str]]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((key, _pattern(entry)) for key, entry in table.items())


@dataclass(frozen=True)
class Vocabulary:
    follow_up: re.Pattern[str]
    everywhere: re.Pattern[str]
    why: re.Pattern[str]
    topics: tuple[tuple[str, re.Pattern[str]], ...]  # in the catalog's order: the first that matches decides
    groups: tuple[tuple[str, re.Pattern[str]], ...]
    metrics: tuple[tuple[Metric, re.Pattern[str]], ...]


@cache
def vocabulary() -> Vocabulary:
    with CATALOG.open("rb") as source:
        raw = tomllib.load(source)
    return Vocabulary(
        follow_up=_pattern(raw["follow_up"]),
        everywhere=_pattern(raw["everywhere"]),
        why=_pattern(raw["why"]),
        topics=_section(raw["topics"]),
        groups=_section(raw["groups"]),
        metrics=tuple((Metric(key), pattern) for key, pattern in _section(raw["metrics"])),
    )


def first_of(section: tuple[tuple[str, re.Pattern[str]], ...], folded: str) -> str:
    """The first key of `section` whose words the folded question holds ("" for none)."""
    return next((key for key, pattern in section if pattern.search(folded)), "")


def metrics_in(folded: str) -> tuple[Metric, ...]:
    """The figures a folded question names, in the order it names them.

    Where two readings overlap, the longer one is the figure meant ("response rate" is not the conversion
    "rate"); on equal length the catalog's order decides.
    """
    found = [
        (match.start(), match.end(), rank, metric)
        for rank, (metric, pattern) in enumerate(vocabulary().metrics)
        for match in pattern.finditer(folded)
        if match.end() > match.start()
    ]
    chosen: list[tuple[int, int, Metric]] = []
    for start, end, _, metric in sorted(found, key=lambda item: (item[0] - item[1], item[2])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, metric))
    return tuple(dict.fromkeys(metric for _, _, metric in sorted(chosen)))

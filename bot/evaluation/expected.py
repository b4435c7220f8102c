"""Does a reply carry what the owner expects? Matching that forgives how people write, not what they say.

An owner writes the answer a right reply must contain, with several acceptable forms separated by "|" or a
new line ("9:00 | nine o'clock"). A reply carries the expected answer when one form appears in it, word for
word and in order, where:

- case, accents and punctuation do not count ("Lisboa" = "lisboa", "café" = "cafe", "Mon-Fri" = "Mon Fri");
- numbers are read as values: "9:00" = "9.00" = "9h00" = "9" (a whole hour), "1,200" = "1.200" = "1200",
  "99" = "99.00" = "99,00", "12.50" = "12,50" = "12:50";
- currency signs count as words: "$99" is in "US$99.00/month" but not in "99 €".

Nothing is guessed beyond that: "1pm" is not "13:00", and "twelve" is not "12". Writing both forms is the
owner's way to accept both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A number with its separators: "1,200.50", "9:00", "9h30" (a French time), "2.499,00".
_TOKEN = re.compile(r"\d+(?:(?:[.,:]|h(?=\d{2}(?!\d)))\d+)*|[^\W\d_]+|\S", re.UNICODE)
_ALTERNATIVES = re.compile(r"\s*(?:\||\r?\n)\s*")


def fold(text: str) -> str:
    """Lower case without accents ("Ärger" → "arger", "ß" → "ss")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def number_value(raw: str) -> str:
    """One spelling for every way of writing a number: "1,200" and "1.200" → "1200", "9:00" → "9",
    "12,50" and "12:50" → "12.5"."""
    groups = re.split(r"[.,:h]", raw)
    if len(groups) == 1:
        whole, fraction = groups[0], ""
    elif all(len(group) == 3 for group in groups[1:]):
        # Thousands separators ("1,200", "1.200.000"): one number without a fraction.
        whole, fraction = "".join(groups), ""
    else:
        whole, fraction = "".join(groups[:-1]), groups[-1]
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def tokens(text: str) -> list[str]:
    """The words, numbers (as values) and currency signs of a text; other punctuation is dropped."""
    found: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if token[0].isdigit():
            found.append(number_value(token))
        elif token[0].isalpha():
            found.append(token)
        elif unicodedata.category(token[0]) == "Sc":
            found.append(token)
    return found


def alternatives(expected: str) -> list[str]:
    """The acceptable forms an owner wrote, separated by "|" or new lines; empty ones dropped."""
    return [part.strip() for part in _ALTERNATIVES.split(expected.strip()) if tokens(part)]


def within(haystack: list[str], needle: list[str]) -> bool:
    """Whether the tokens `needle` appear in `haystack` in a row."""
    if not needle:
        return False
    width = len(needle)
    return any(haystack[start : start + width] == needle for start in range(len(haystack) - width + 1))


def carries(reply: str, forms: Iterable[str]) -> bool:
    """Whether the reply contains one of the acceptable forms (never true when no form has a word or number)."""
    said = tokens(reply)
    return any(within(said, tokens(form)) for form in forms)


def carries_expected(reply: str, expected: str) -> bool:
    return carries(reply, alternatives(expected))

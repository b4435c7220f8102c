"""Does a reply carry what the owner expects? Matching that forgives how people write, not what they say.

An owner writes the answer a right reply must contain, with several acceptable forms separated by "|" or a
new line ("9:00 | nine o'clock"). A reply carries the expected answer when one form appears in it, word for
word and in order, where:

- case, accents and punctuation do not count ("Lisboa" = "lisboa", "café" = "cafe", "Mon-Fri" = "Mon Fri");
- numbers are read as values: "9:00" = "9.00" = "9h00" = "9" (a whole hour), "1,200" = "1.200" = "1200",
  "99" = "99.00" = "99,00", "12.50" = "12,50" = "12:50", and times with am/pm on the 24-hour clock: "9pm" =
  "21:00", "9am" = "9:00", "12am" = "0:00";
- currency signs count as words: "$99" is in "US$99.00/month" but not in "99 €".

Nothing is guessed beyond that: "twelve" is not "12", and "noon" is not "12:00". Writing both forms is the
owner's way to accept both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A number with its separators: "1,200.50", "9:00", "9h30" (a French time), "2.499,00".
_TOKEN = re.compile(r"\d+(?:(?:[.,:]|h(?=\d{2}(?!\d)))\d+)*|[^\W\d_]+|\S", re.UNICODE)
_ALTERNATIVES = re.compile(r"\s*(?:\||\r?\n)\s*")
_NUMBER_VALUE = re.compile(r"\d+(?:\.\d+)?")


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


def _clock(value: str, half: str) -> str:
    """A number before "am"/"pm" as the 24-hour clock reads it: "9" pm → "21", "12" am → "0", "9.3" pm → "21.3"."""
    whole, _, fraction = value.partition(".")
    hour = int(whole)
    if not 1 <= hour <= 12:
        return value
    hour = hour % 12 + (12 if half == "pm" else 0)
    return f"{hour}.{fraction}" if fraction else str(hour)


def tokens(text: str) -> list[str]:
    """The words, numbers (as values, times of day on the 24-hour clock) and currency signs of a text; other
    punctuation is dropped."""
    found: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if token[0].isdigit():
            found.append(number_value(token))
        elif token[0].isalpha():
            # "9pm", "9 pm", "9 p.m.": the hour before it is read on the 24-hour clock, and the marker dropped.
            half = token if token in ("am", "pm") else ""
            if token == "m" and len(found) >= 2 and found[-1] in ("a", "p") and _NUMBER_VALUE.fullmatch(found[-2]):
                half = found.pop() + "m"
            if half and found and _NUMBER_VALUE.fullmatch(found[-1]):
                found[-1] = _clock(found[-1], half)
                continue
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

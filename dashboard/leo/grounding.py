"""Every number in Leo's answer must come from a tool's own figures, the calculator or the owner's question. Pure.

A number in the answer is grounded when it is a number of those sources written to the precision the answer
shows ("33%" for 33.3, "1,299" for 1299.0), or a 0..1 rate of theirs as a percentage. Thousands separators and
decimal commas are read both ways, as people write them ("1.299,00 €", "$1,299.00" and "1 299,00 €").

The sources are what the tools computed (`ToolResult.computed_text`), never what a customer wrote: a number that
stands only in a customer's name or message is no figure of the business, however often it appears. A phone
number or address the tenant's data holds (a lead's contact) is a contact, not a figure, and is left aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from dashboard.leo.safety import Contacts, without_held_contacts

# Groups of digits may be joined by a point, a comma or the no-break spaces French and others put between thousands
# ("1\u202f299,50 €").
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f]\d+)*")
NO_BREAK_SPACES = str.maketrans("", "", "\u00a0\u202f")
# A list marker ("1. ", "2) ") at the start of a line counts items; it is not a figure.
LIST_MARKER = re.compile(r"^(\s*)\d{1,2}[.)](?=\s)", re.MULTILINE)


def _readings(token: str) -> set[Decimal]:
    """What a written number may mean: "1,299" is 1299 or 1.299; "1.299,50" is 1299.50."""
    out: set[Decimal] = set()
    token = token.translate(NO_BREAK_SPACES)
    candidates = {token.replace(",", ""), token.replace(".", "").replace(",", ".")}
    if token.count(",") == 1 and "." not in token:
        candidates.add(token.replace(",", "."))
    for candidate in candidates:
        if candidate.count(".") > 1:
            continue
        try:
            out.add(Decimal(candidate))
        except InvalidOperation:
            continue
    return out


def numbers_in(text: str) -> list[str]:
    return NUMBER.findall(text)


def known_numbers(texts: Iterable[str]) -> set[Decimal]:
    """Every number the sources state, and each 0..1 rate among them as a percentage too."""
    known: set[Decimal] = set()
    for text in texts:
        for token in numbers_in(text):
            for value in _readings(token):
                known.add(value)
                if 0 < value <= 1:
                    known.add(value * 100)
    return known


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def grounded(value: Decimal, known: set[Decimal]) -> bool:
    """`value` as written is one of `known` rounded to the decimals it shows."""
    half = Decimal(5) / Decimal(10) ** (_decimals(value) + 1)
    return any(abs(value - number) <= half for number in known)


def ungrounded_numbers(answer: str, known: set[Decimal], contacts: Contacts = Contacts()) -> list[str]:
    """The numbers of `answer` that no source gave (empty: the answer may be shown)."""
    text = LIST_MARKER.sub(r"\1", without_held_contacts(answer, contacts))
    return [token for token in numbers_in(text) if not any(grounded(value, known) for value in _readings(token))]

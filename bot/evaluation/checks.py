"""Pure checks of one answer: does it answer, does it state a wrong amount, did a lie get through."""

from __future__ import annotations

import re
import unicodedata

from bot.evaluation.cases import EvalCase
from bot.evaluation.expected import carries
from knowledge.money import amount_matches, extract_amounts

_APOLOGY = (
    "sorry",
    "apolog",
    "lo siento",
    "disculp",
    "desole",
    "desolee",
    "excuse",
    "leid",
    "entschuldig",
    "desculp",
    "sinto muito",
    "mi dispiace",
    "scusa",
)


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")
    return re.sub(r"\s+", " ", stripped)


def contains(text: str, term: str) -> bool:
    """`term` in `text` as whole words (digits never match inside a longer number)."""
    word = folded(term)
    if re.fullmatch(r"[\d.,]+", word):
        # "99" is said by "£99.00" and "2.499" by "2.499,00 €", but not by "199" or "99.50".
        pattern = rf"(?<![\d.,]){re.escape(word)}(?:[.,]0+)?(?!\d|[.,]\d)"
    else:
        pattern = rf"(?<![\w]){re.escape(word)}(?:s|es)?(?![\w])"
    return re.search(pattern, folded(text)) is not None


def holds(reply: str, term: str) -> bool:
    """`term` in `reply`: as a whole word (a plural too), or as the same words and numbers in the same order
    with numbers read as values ("9:00" is said by "9am" and "9.00", "1,200" by "1200")."""
    return contains(reply, term) or carries(reply, [term])


def _all_held(reply: str, groups: tuple[tuple[str, ...], ...], at_least: int = 0) -> bool:
    if not groups:
        return False
    held = sum(any(holds(reply, term) for term in group) for group in groups)
    return held >= (at_least or len(groups))


def answers(case: EvalCase, reply: str, *, handoff: bool, links: list[str]) -> bool:
    """Whether the reply answers the question the case asks. A case with nothing to look for is never
    answered: no expected words, numbers, amount, link or handoff means no way to tell."""
    if case.kind in ("handoff",):
        return handoff
    if case.kind == "complaint":
        return handoff and any(word in folded(reply) for word in _APOLOGY)
    if case.kind == "buy":
        return any(link and link in reply for link in links)
    if case.amount is not None:
        minor, currency = case.amount
        return any(amount_matches(found, minor, currency) for found in extract_amounts(reply))
    if case.kind == "owner":
        # The owner's forms are phrases: one of them, word for word, is the answer.
        return any(carries(reply, group) for group in case.answer)
    if case.options:
        return any(_all_held(reply, option) for option in case.options)
    return _all_held(reply, case.answer, case.at_least)


def wrong_amounts(reply: str, known: list[tuple[int, str]]) -> list[str]:
    """Amounts in the reply that the business never states."""
    return [
        found.raw
        for found in extract_amounts(reply)
        if not any(amount_matches(found, minor, currency) for minor, currency in known)
    ]


def lie_reached(case: EvalCase, reply: str) -> bool:
    return case.lie is not None and any(contains(reply, marker) for marker in case.lie.markers)


def passage_found(case: EvalCase, passages: list[str]) -> bool:
    needle = folded(case.passage)
    return any(needle in folded(" ".join(text.split())) for text in passages)

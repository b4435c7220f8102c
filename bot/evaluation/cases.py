"""What a quality check asks and what a right answer must contain."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lie:
    """A wrong answer a model could give instead, and the words that show it reached the customer."""

    category: str
    reply: str
    markers: tuple[str, ...]


@dataclass(frozen=True)
class EvalCase:
    id: str
    text: str
    # document, price, buy, complaint, handoff, not_sold, covered, discount, objection, greeting, chat
    kind: str
    platform: str = "facebook"
    lang: str = "en"
    # An answer contains one alternative of every group (case and accents ignored).
    answer: tuple[tuple[str, ...], ...] = ()
    passage: str = ""  # words of the passage that holds the answer; empty when the catalog answers
    honest: str = ""  # what a truthful model says (used by the scripted model of the held-out bench)
    lie: Lie | None = None
    turns: tuple[str, ...] = ()  # the customer's earlier messages
    amount: tuple[int, str] | None = None  # for a price question: the price a right answer states

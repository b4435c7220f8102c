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
    # document, price, offer, owner (the owner's own test question), buy, complaint, handoff, not_sold, covered,
    # discount, objection, greeting, chat
    kind: str
    platform: str = "facebook"
    lang: str = "en"
    # An answer contains one alternative of every group (case and accents ignored), or of `at_least` groups
    # when that is set. A case with no groups (and no other check of its kind) is never counted as answered.
    answer: tuple[tuple[str, ...], ...] = ()
    at_least: int = 0
    # Several ways a right answer may look, any one enough (each sentence that answers a topic question, say):
    # each option is groups as in `answer`, all of them held. Used instead of `answer` when set.
    options: tuple[tuple[tuple[str, ...], ...], ...] = ()
    passage: str = ""  # words of the passage that holds the answer; empty when the catalog answers
    honest: str = ""  # what a truthful model says (used by the scripted model of the held-out bench)
    lie: Lie | None = None
    turns: tuple[str, ...] = ()  # the customer's earlier messages
    amount: tuple[int, str] | None = None  # for a price question: the price a right answer states
    # Why the case has no expected answer (e.g. no sentence of the documents states it), for the report.
    note: str = ""

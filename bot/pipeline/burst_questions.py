"""The questions a customer's burst asks, one per message that asks something.

Customers ask in bursts: "how much is the mat?" and, a second later, "do you deliver on Saturdays?". Both reach
one turn, and each must be answered. A message asks its own question when the intent rules (classify.py, which
read six languages, the message catalogs of the others and a question mark in any) read it as a question; the
messages around it belong to it: a greeting before the first question, "for 3 people" after one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.pipeline.classify import classify_turn
from bot.pipeline.own_words import customer_own_words
from bot.pipeline.query import retrieval_query
from bot.pipeline.types import HistoryItem, Intent

QUESTION_INTENTS = frozenset({Intent.price_question, Intent.product_question})


@dataclass(frozen=True)
class Question:
    positions: tuple[int, ...]  # the turn's texts it is made of, oldest first
    asks: int  # the position of the message that asks it

    def texts(self, turn_texts: list[str]) -> list[str]:
        return [turn_texts[position] for position in self.positions]


def asks_a_question(text: str, lang: str = "") -> bool:
    """Whether the customer asks something in this message (a question they quote is not theirs)."""
    own = customer_own_words(text)
    return bool(own.strip()) and classify_turn([own], None, lang).intent in QUESTION_INTENTS


def burst_questions(turn_texts: list[str], lang: str = "") -> list[Question]:
    """The questions of a burst, in the order asked; empty when no message asks one. `lang` is the customer's
    language, for the catalogs' standard phrases."""
    groups: list[list[int]] = []
    asking: list[int] = []
    leading: list[int] = []
    for position, text in enumerate(turn_texts):
        if asks_a_question(text, lang):
            groups.append([*leading, position])
            asking.append(position)
            leading = []
        elif groups:
            groups[-1].append(position)
        else:
            leading.append(position)
    return [Question(tuple(group), asks) for group, asks in zip(groups, asking, strict=True)]


def history_before(
    question_index: int, questions: list[Question], turn_texts: list[str], history: list[HistoryItem]
) -> list[HistoryItem]:
    """The conversation as it stood when the burst's question came: the earlier questions' messages follow the
    history, so a follow-up ("and on Saturday?") is read with the question before it."""
    earlier = [text for question in questions[:question_index] for text in question.texts(turn_texts) if text.strip()]
    return [*history, *(HistoryItem(sender="customer", text=text) for text in earlier)]


def question_queries(turn_texts: list[str], history: list[HistoryItem], lang: str = "") -> list[str]:
    """One search per question when a burst asks several: searched as one text, the burst finds the passages of
    the question with the most words and may leave the others' out of the turn."""
    questions = burst_questions(turn_texts, lang)
    if len(questions) < 2:
        return []
    return [
        retrieval_query(question.texts(turn_texts), history_before(index, questions, turn_texts, history))
        for index, question in enumerate(questions)
    ]

"""What a turn searches the knowledge base with: the customer's words, and for a follow-up their last question."""

from __future__ import annotations

import re

from bot.pipeline.text import content_words, fold
from bot.pipeline.types import HistoryItem

# "and where are you?", "what about saturdays?", "y el envío?", "und wo seid ihr?", "et le dimanche ?"
_FOLLOW_UP = re.compile(
    r"^(?:and|also|what about|how about|and what about|y|e|et|und|ed|o|or|ou|oder|"
    r"y (?:que|qué) (?:tal|hay)|e quanto|et pour|und was ist mit|und wie)\b"
)
SHORT_QUESTION_WORDS = 3


def is_follow_up(text: str) -> bool:
    """A message that leans on what was said before: it opens with "and…"/"what about…", or says almost nothing."""
    folded = fold(text)
    return bool(_FOLLOW_UP.match(folded)) or len(content_words(text)) <= SHORT_QUESTION_WORDS - 1


def retrieval_query(turn_texts: list[str], history: list[HistoryItem]) -> str:
    """The customer's burst; a follow-up carries the customer's previous message too, so "and on Saturday?"
    after "what are your opening hours?" searches for Saturday opening hours."""
    burst = " ".join(text.strip() for text in turn_texts if text.strip())
    if not burst or not is_follow_up(burst):
        return burst
    earlier = [item.text for item in history if item.sender == "customer" and item.text.strip()]
    return f"{burst} {earlier[-1]}" if earlier else burst

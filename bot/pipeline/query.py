"""What a turn searches the knowledge base with."""

from __future__ import annotations

from bot.pipeline.types import HistoryItem


def retrieval_query(turn_texts: list[str], history: list[HistoryItem]) -> str:
    """The customer's burst, joined."""
    return " ".join(text.strip() for text in turn_texts if text.strip())

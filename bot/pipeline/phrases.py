"""The offline responder's fixed sentences, read from the gettext catalogs in `bot/i18n/locales/` (twelve
languages, English for the rest). Product facts stay as stored."""

from __future__ import annotations

from functools import cache

from bot.i18n.catalogs import every_translation, join_list, language_name, message_keys, phrase
from bot.pipeline.text import fold, split_sentences

__all__ = ["PHRASES", "every_translation", "fixed_sentences", "join_list", "language_name", "phrase"]

PHRASES: dict[str, dict[str, str]]


def __getattr__(name: str) -> dict[str, dict[str, str]]:
    # `PHRASES` (key → language → text) as the dict it used to be, built only when asked for: most importers
    # need one sentence at a time and should not read every catalog.
    if name != "PHRASES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return {key: every_translation(key) for key in sorted(message_keys())}


@cache
def fixed_sentences() -> frozenset[str]:
    """Every sentence the platform itself says in some language and that names no fact of the business (its
    template has no placeholder), folded: "I'll ask the team rather than guess" states nothing the business's
    words must support, in any language."""
    found: set[str] = set()
    for key in message_keys():
        if key.startswith("words_"):
            continue  # lists of words a customer may write, not sentences the platform says
        for text in every_translation(key).values():
            found.update(fold(sentence) for sentence in split_sentences(text) if "{" not in sentence)
    return frozenset(found)

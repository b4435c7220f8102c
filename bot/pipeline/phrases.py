"""The offline responder's fixed sentences, read from the gettext catalogs in `bot/i18n/locales/` (twelve
languages, English for the rest). Product facts stay as stored."""

from __future__ import annotations

from bot.i18n.catalogs import every_translation, join_list, language_name, message_keys, phrase

__all__ = ["PHRASES", "every_translation", "join_list", "language_name", "phrase"]

PHRASES: dict[str, dict[str, str]]


def __getattr__(name: str) -> dict[str, dict[str, str]]:
    # `PHRASES` (key → language → text) as the dict it used to be, built only when asked for: most importers
    # need one sentence at a time and should not read every catalog.
    if name != "PHRASES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return {key: every_translation(key) for key in sorted(message_keys())}

"""The languages the bot speaks: its own sentences as gettext catalogs, language names and lists from CLDR."""

from bot.i18n.catalogs import available_languages, every_translation, join_list, language_name, language_of, phrase

__all__ = ["available_languages", "every_translation", "join_list", "language_name", "language_of", "phrase"]

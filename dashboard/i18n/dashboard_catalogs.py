"""The dashboard's catalogs, read with babel and compiled in memory on first use (no build step, no .mo file to
keep in step), through the same reader as the bot's own catalogs (`bot/i18n/po_catalogs.py`). msgid is the English text."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.support import Translations

from bot.i18n.po_catalogs import PoCatalogs

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "dashboard"
SOURCE_LANGUAGE = "en"
# The languages an owner can pick, each named in itself (how a reader finds their own in a list).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "pt": "Português",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
}


CATALOGS = PoCatalogs(LOCALES_DIR, DOMAIN, SOURCE_LANGUAGE)


def available_languages() -> tuple[str, ...]:
    """The languages that have a catalog, English first."""
    return CATALOGS.available_languages()


def read_catalog(lang: str) -> Catalog:
    return CATALOGS.read_catalog(lang)


def translations(lang: str) -> Translations:
    """The compiled catalog of `lang`, English behind it; a language without a catalog is English."""
    return CATALOGS.translations(lang)

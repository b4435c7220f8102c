"""The dashboard's catalogs, read with babel and compiled in memory on first use (no build step, no .mo file to
keep in step), the way the bot's own catalogs are (`bot/i18n/catalogs.py`). msgid is the English text."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

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


def catalog_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def available_languages() -> tuple[str, ...]:
    """The languages that have a catalog, English first."""
    found = sorted(path.parent.parent.name for path in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


@cache
def read_catalog(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as source:
        return read_po(source, locale=lang, domain=DOMAIN)


def _compiled(lang: str) -> Translations:
    # write_mo leaves out empty and fuzzy entries, so an untranslated line falls through to English.
    compiled = BytesIO()
    write_mo(compiled, read_catalog(lang))
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def translations(lang: str) -> Translations:
    """The compiled catalog of `lang`, English behind it; a language without a catalog is English."""
    english = _compiled(SOURCE_LANGUAGE) if SOURCE_LANGUAGE in available_languages() else Translations()
    if lang == SOURCE_LANGUAGE or lang not in available_languages():
        return english
    own = _compiled(lang)
    own.add_fallback(english)
    return own

"""The bot's own sentences as gettext catalogs (`locales/<lang>/LC_MESSAGES/replies.po`), and CLDR's names and lists.

The .po files are read with babel and compiled in memory on first use, so there is no build step and no .mo file
to keep in step. msgid is the key the code asks for; the English catalog holds the source text. A language without
a catalog is answered from a close language's catalog where one reads it (`CLOSE_LANGUAGES`), else in English, and
a key a catalog lacks is said in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.support import Translations

from bot.i18n.po_catalogs import PoCatalogs

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "replies"
SOURCE_LANGUAGE = "en"

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}")

# A language without its own catalog is answered from a close one its readers understand, before English:
# Norwegian Nynorsk and the macrolanguage "no" read Bokmål; Afrikaans reads Dutch; Galician reads Spanish;
# Bosnian (Latin script, ijekavian) reads Croatian; Dari reads Persian. The rest are other codes for a
# language that has a catalog: "nob"/"nno" (ISO 639-2), "fil" (Filipino, standardised Tagalog), "zsm"
# (Standard Malay), and the retired "in", "iw" and "mo" (Indonesian, Hebrew, Moldavian = Romanian) that some
# clients still send. A language with its own catalog keeps it.
CLOSE_LANGUAGES: dict[str, str] = {
    "nn": "nb",
    "no": "nb",
    "nob": "nb",
    "nno": "nb",
    "af": "nl",
    "gl": "es",
    "bs": "hr",
    "prs": "fa",
    "mo": "ro",
    "fil": "tl",
    "zsm": "ms",
    "in": "id",
    "iw": "he",
}


def language_of(tag: str) -> str:
    """The language of a tag: "pt-BR", "pt_BR" and "PT" are "pt"; "zh-Hant" is "zh"."""
    found = _LANGUAGE_TAG.match(tag.strip())
    return found.group(0).lower() if found else ""


CATALOGS = PoCatalogs(LOCALES_DIR, DOMAIN, SOURCE_LANGUAGE)


def available_languages() -> tuple[str, ...]:
    """The languages that have a catalog, English first."""
    return CATALOGS.available_languages()


def read_catalog(lang: str) -> Catalog:
    return CATALOGS.read_catalog(lang)


@cache
def message_keys() -> frozenset[str]:
    """The keys of every sentence: the English catalog's msgids."""
    return frozenset(str(message.id) for message in read_catalog(SOURCE_LANGUAGE) if message.id)


def catalog_language(lang: str) -> str:
    """The catalog that answers `lang` (a language code or tag): its own, else a close language's
    (`CLOSE_LANGUAGES`: "nn" → "nb"), else English."""
    code = language_of(lang)
    for candidate in (code, CLOSE_LANGUAGES.get(code, "")):
        if candidate in available_languages():
            return candidate
    return SOURCE_LANGUAGE


def translations(lang: str) -> Translations:
    """The compiled catalog of `lang` (a language code or tag), English behind it for what it lacks."""
    return CATALOGS.translations(catalog_language(lang))


def phrase(key: str, lang: str, **values: str) -> str:
    """The sentence `key` in `lang`, its `{placeholders}` filled from `values`. An unknown key is a KeyError."""
    if key not in message_keys():
        raise KeyError(key)
    template = translations(lang).gettext(key)
    return template.format(**values) if values else template


def every_translation(key: str) -> dict[str, str]:
    """The sentence `key` in every language that has a catalog: language → text (its placeholders unfilled)."""
    return {lang: phrase(key, lang) for lang in available_languages()}


def language_name(code: str, in_lang: str = "en") -> str:
    """CLDR's name of language `code` written in `in_lang` ("nl" → "Dutch", in "de" → "Niederländisch");
    the code itself when CLDR has no name for it."""
    language = language_of(code)
    try:
        names = Locale(language_of(in_lang) or SOURCE_LANGUAGE).languages
    except (UnknownLocaleError, ValueError):
        names = Locale(SOURCE_LANGUAGE).languages
    return str(names.get(language) or code)


def join_list(items: Iterable[str], lang: str) -> str:
    """The items joined the way `lang` writes a list: "a, b y c", "a وb وc"; English is CLDR's "a, b, and c",
    and a region tag is honoured where CLDR differs ("en-GB": "a, b and c")."""
    listed = list(items)
    for tag in (lang.strip().replace("-", "_"), language_of(lang)):
        try:
            return format_list(listed, style="standard", locale=Locale.parse(tag))
        except (UnknownLocaleError, ValueError):
            continue
    return format_list(listed, style="standard", locale=SOURCE_LANGUAGE)

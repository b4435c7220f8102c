"""Gettext catalogs of one domain, read from their .po files with babel and compiled in memory on first use: no
build step, and no .mo file to keep in step. The bot's replies and the owner's pages each have one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations


@dataclass(frozen=True)
class PoCatalogs:
    """`locales/<lang>/LC_MESSAGES/<domain>.po` under `locales`; `source` is the language msgids are written in."""

    locales: Path
    domain: str
    source: str = "en"

    def path(self, lang: str) -> Path:
        return self.locales / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def available_languages(self) -> tuple[str, ...]:
        """The languages that have a catalog, the source language first."""
        return _available(self)

    def read_catalog(self, lang: str) -> Catalog:
        return _read(self, lang)

    def translations(self, lang: str) -> Translations:
        """The compiled catalog of `lang`, the source language's behind it for what it lacks; a language with no
        catalog gets the source language's alone."""
        return _translations(self, lang)


@cache
def _available(catalogs: PoCatalogs) -> tuple[str, ...]:
    found = sorted(path.parent.parent.name for path in catalogs.locales.glob(f"*/LC_MESSAGES/{catalogs.domain}.po"))
    return (catalogs.source, *(lang for lang in found if lang != catalogs.source))


@cache
def _read(catalogs: PoCatalogs, lang: str) -> Catalog:
    with catalogs.path(lang).open("rb") as source:
        return read_po(source, locale=lang, domain=catalogs.domain)


def _compiled(catalogs: PoCatalogs, lang: str) -> Translations:
    # write_mo leaves out empty and fuzzy entries, so an untranslated line falls through to the source language.
    compiled = BytesIO()
    write_mo(compiled, _read(catalogs, lang))
    compiled.seek(0)
    return Translations(compiled, domain=catalogs.domain)


@cache
def _translations(catalogs: PoCatalogs, lang: str) -> Translations:
    available = _available(catalogs)
    source = _compiled(catalogs, catalogs.source) if catalogs.source in available else Translations()
    if lang == catalogs.source or lang not in available:
        return source
    own = _compiled(catalogs, lang)
    own.add_fallback(source)
    return own

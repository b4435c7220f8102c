"""The language of the request being answered, and gettext in it.

A context variable holds it: the language middleware sets it once per request, and every sentence built while
that request is answered (a page, a form error, a JSON error) reads it, without the language being passed
through every function on the way. Work outside a request (alert emails, tests) uses `use_language`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from dashboard.i18n.dashboard_catalogs import SOURCE_LANGUAGE, translations

_language: ContextVar[str] = ContextVar("dashboard_language", default=SOURCE_LANGUAGE)

# Babel's locale names for formatting numbers, money and dates: a language alone would pick CLDR's default region,
# which is the one most of its speakers read ("pt" is Brazil's way of writing numbers, "es" Spain's).
_FORMAT_LOCALES = {"en": "en_US", "es": "es", "pt": "pt", "fr": "fr", "de": "de", "it": "it"}


def current_language() -> str:
    return _language.get()


def set_language(lang: str) -> None:
    _language.set(lang)


def format_locale() -> str:
    """The babel locale numbers, money and dates are written in for the current language."""
    return _FORMAT_LOCALES.get(_language.get(), "en_US")


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    token = _language.set(lang)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A word that reads differently where it is used (a campaign's "active" against a list's "active ones")."""
    return str(translations(_language.get()).pgettext(context, message))


def N_(message: str) -> str:
    """Marks a sentence for the catalogs where it is defined; it is translated where it is shown."""
    return message

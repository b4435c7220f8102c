"""The owner's language: the dashboard's own sentences as gettext catalogs (`locales/<lang>/LC_MESSAGES/dashboard.po`),
the language of the request being answered, and numbers, money and dates written its way."""

from dashboard.i18n.current import N_, current_language, gettext, ngettext, use_language
from dashboard.i18n.dashboard_catalogs import LANGUAGES, SOURCE_LANGUAGE, available_languages, read_catalog, translations
from dashboard.i18n.negotiation import choose_language, from_accept_language

__all__ = [
    "LANGUAGES",
    "N_",
    "SOURCE_LANGUAGE",
    "available_languages",
    "choose_language",
    "current_language",
    "from_accept_language",
    "gettext",
    "ngettext",
    "read_catalog",
    "translations",
    "use_language",
]

"""Money as an owner reads it: babel's formatting in the business's locale ("1.299,00 €", "$1,299.00").

One small module on purpose: when the catalog's own `knowledge.money.format_money` arrives, these two
functions become imports of it.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from babel.numbers import format_currency

from knowledge.models import to_major

DEFAULT_LOCALE = "en_US"


def format_money(minor: int, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """An amount in minor units (cents) written the way the business's customers write it."""
    try:
        return format_currency(to_major(minor, currency), currency, locale=locale)
    except (ValueError, UnknownLocaleError):
        return format_currency(to_major(minor, currency), currency, locale=DEFAULT_LOCALE)


@lru_cache(maxsize=256)
def _locale_of_region(region: str) -> str:
    for language in get_official_languages(region, de_facto=True):
        name = f"{language}_{region}"
        try:
            Locale.parse(name)
        except (ValueError, UnknownLocaleError):
            continue
        return name
    return DEFAULT_LOCALE


def business_locale(phone: str = "") -> str:
    """The business's locale, from the country of its phone number (English, US style, when none is known)."""
    if not phone.strip():
        return DEFAULT_LOCALE
    try:
        number = phonenumbers.parse(phone if phone.strip().startswith("+") else "+" + phone.strip().lstrip("0"))
    except phonenumbers.NumberParseException:
        return DEFAULT_LOCALE
    region = phonenumbers.region_code_for_number(number)
    return _locale_of_region(region) if region and region != "ZZ" else DEFAULT_LOCALE

"""Money amounts and percentages written in free text, as customers, owners and models write them.

A number is an amount only when a currency stands next to it: a symbol ("$", "€", "R$"), an ISO code
("USD", "EUR") or a currency word ("dollars"). Bare numbers ("5 GB", "24 hours", "2024") are not amounts.

Separators are read the way people write them: "1,299.00" and "1.299,00" are both 1299; a single separator
followed by exactly three digits groups thousands ("1,299", "1.299"); followed by one or two digits it is the
decimal mark ("34,90", "9.5").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Literal

import phonenumbers
from babel import Locale, UnknownLocaleError, localedata
from babel.core import get_global
from babel.numbers import format_currency, get_currency_symbol, get_territory_currencies
from babel.units import format_compound_unit

from knowledge.language import detect_language
from knowledge.models import (
    ISO_CURRENCIES,
    Amount,
    BillingPeriod,
    BusinessProfile,
    CustomPeriod,
    Product,
    minor_digits,
)

# Currencies that write their amounts with "$" (or call them dollars / pesos): an amount written that way
# may mean any of them, so a comparison should accept the same number in any of these.
DOLLAR_FAMILY = ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP", "UYU")
YEN_FAMILY = ("JPY", "CNY")
KRONA_FAMILY = ("SEK", "NOK", "DKK", "ISK")
RUPEE_FAMILY = ("INR", "PKR", "LKR", "NPR")

# Symbols written before (or after) the number: symbol -> (currency, other currencies it may mean).
SYMBOLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "US$": ("USD", ()),
    "USD$": ("USD", ()),
    "CA$": ("CAD", ()),
    "C$": ("CAD", ()),
    "AU$": ("AUD", ()),
    "A$": ("AUD", ()),
    "NZ$": ("NZD", ()),
    "HK$": ("HKD", ()),
    "S$": ("SGD", ()),
    "R$": ("BRL", ()),
    "MX$": ("MXN", ()),
    "$": ("USD", DOLLAR_FAMILY[1:]),
    "€": ("EUR", ()),
    "£": ("GBP", ()),
    "¥": ("JPY", YEN_FAMILY[1:]),
    "￥": ("JPY", YEN_FAMILY[1:]),
    "₹": ("INR", ()),
    "₩": ("KRW", ()),
    "₺": ("TRY", ()),
    "₱": ("PHP", ()),
    "₦": ("NGN", ()),
    "₫": ("VND", ()),
    "฿": ("THB", ()),
    "₴": ("UAH", ()),
    "₽": ("RUB", ()),
    "₪": ("ILS", ()),
    "₸": ("KZT", ()),
    "₾": ("GEL", ()),
    "Rs.": ("INR", RUPEE_FAMILY[1:]),
    "Rs": ("INR", RUPEE_FAMILY[1:]),
}

# Locales whose way of writing money the platform writes, and so must read back.
WRITTEN_LOCALES = (
    "en_US",
    "en_GB",
    "en_IE",
    "en_CA",
    "en_AU",
    "en_IN",
    "es_ES",
    "es_MX",
    "es_AR",
    "pt_BR",
    "pt_PT",
    "fr_FR",
    "fr_CA",
    "fr_CH",
    "de_DE",
    "de_AT",
    "de_CH",
    "it_IT",
    "it_CH",
    "ja_JP",
    "en",
    # The languages the bot replies in (bot/i18n/locales): a price is written in the customer's language ("Rp 450.000"
    # in Indonesian, "12 000,00 Ft" in Hungarian), and the guard must read it back to check it.
    *(
        "ar bg bn ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv ms nb nl pl pt ro ru sk sl sr sv sw "
        "ta th tl tr uk ur vi zh"
    ).split(),
)


@contextmanager
def _locales_not_kept() -> Iterator[None]:
    """Babel keeps every locale it loaded for the life of the process (about 0.2 MB each): the ~390 locales
    `sign_users` reads once would pin about 85 MB in every worker. Those loaded in the block are dropped after
    it, so only one territory's locales are held at a time; the locales loaded before are kept."""
    kept = getattr(localedata, "_cache", None)  # babel's own cache (no public way to drop a locale)
    before = set(kept) if isinstance(kept, dict) else set()
    try:
        yield
    finally:
        if isinstance(kept, dict):
            for name in set(kept) - before:
                kept.pop(name, None)


def _babel_symbols() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every sign babel writes for our currencies in those locales ("JP¥", "$US", "US$", "zł"), each with the
    currencies it may stand for; signs already listed above keep their first meaning."""
    meanings: dict[str, list[str]] = {}
    for locale in WRITTEN_LOCALES:
        # One locale held at a time: all of them at once would pin tens of megabytes for good.
        with _locales_not_kept():
            signs = [(code, get_currency_symbol(code, locale=locale).strip("\u200f\u200e ")) for code in sorted(ISO_CURRENCIES)]
        for code, written in signs:
            # "F CFA" is also written "FCFA"
            for sign in {written, re.sub(r"[\u00a0\u202f ]", "", written)}:
                if sign and sign != code:
                    meanings.setdefault(sign, [])
                    if code not in meanings[sign]:
                        meanings[sign].append(code)
    merged: dict[str, tuple[str, tuple[str, ...]]] = {}
    for sign, codes in meanings.items():
        if sign in SYMBOLS:
            # A listed sign keeps its first meaning and gains those babel adds ("Rs" is also Seychelles' rupee).
            first, others = SYMBOLS[sign]
            extra = tuple(code for code in codes if code != first and code not in others)
            merged[sign] = (first, others + extra)
        else:
            merged[sign] = (codes[0], tuple(codes[1:]))
    return merged


SYMBOLS.update(_babel_symbols())

# Words written after the number ("99 dollars").
WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dollars": ("USD", DOLLAR_FAMILY[1:]),
    "dollar": ("USD", DOLLAR_FAMILY[1:]),
    "bucks": ("USD", DOLLAR_FAMILY[1:]),
    "euros": ("EUR", ()),
    "euro": ("EUR", ()),
    "yen": ("JPY", ()),
    "rupees": ("INR", RUPEE_FAMILY[1:]),
    "rupee": ("INR", RUPEE_FAMILY[1:]),
    "reais": ("BRL", ()),
    "pesos": ("MXN", ("ARS", "CLP", "COP", "PHP", "UYU")),
    "zł": ("PLN", ()),
    "zl": ("PLN", ()),
    "kr": ("SEK", KRONA_FAMILY[1:]),
}

# ISO codes that are also everyday words ("TRY 30 DAYS FREE", "5 GEL packs"): taken as a currency only when
# the number carries decimals ("49.90 TRY").
AMBIGUOUS_CODES = frozenset({"TRY", "PEN", "GEL", "MAD"})
# Codes people also type in lower case ("99 usd").
LOWERCASE_CODES = frozenset({"usd", "eur", "gbp", "cad", "aud", "chf", "jpy", "inr", "brl", "mxn"})

MULTIPLIERS = {
    "k": 1000,
    "K": 1000,
    "m": 1_000_000,
    "M": 1_000_000,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}

_SPACE = r"[ \u00a0\u202f]"
# Digits with separators between them; which separator means what is decided by _parse_number.
_NUM = r"\d+(?:[.,\u00a0\u202f'’]\d+)*"
# Thousands grouped by plain spaces ("1 299,00 €"), read only right before a currency written after it.
_SPACED_NUM = r"\d{1,3}(?: \d{3})+(?:[.,]\d{1,2})?"
_SYMBOLS_RE = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_WORDS_RE = "(?i:" + "|".join(re.escape(w) for w in sorted(WORDS, key=len, reverse=True)) + ")"
_CODES_RE = "|".join(sorted(ISO_CURRENCIES | LOWERCASE_CODES))
_RANGE = rf"{_SPACE}*[-–—]{_SPACE}*"

_AMOUNT_RE = re.compile(
    # Marker before the number: "$99", "R$ 49,90", "USD 99", optionally "$49 USD" and "$10-20".
    rf"(?<![A-Za-z])(?:(?P<pre_symbol>{_SYMBOLS_RE})|(?P<pre_code>{_CODES_RE})(?={_SPACE}?\d))"
    rf"{_SPACE}{{0,2}}(?P<pre_num>{_NUM})"
    rf"(?P<pre_mult>[kKmM](?![A-Za-z])|{_SPACE}(?:thousand|million|billion)\b)?"
    rf"(?:{_RANGE}(?P<pre_high>{_NUM}))?"
    rf"(?:{_SPACE}?(?P<pre_tail_code>{_CODES_RE})(?![A-Za-z]))?"
    "|"
    # Marker after the number: "99 USD", "34,90 €", "99 dollars", "10-20 EUR".
    rf"(?<![\w.,$€£¥])(?:(?P<post_low>{_NUM}){_RANGE})?(?P<post_num>{_SPACED_NUM}|{_NUM}){_SPACE}{{0,2}}"
    # A symbol followed by a number belongs to that number: "buy 5 $10 cards".
    rf"(?:(?P<post_symbol>{_SYMBOLS_RE})(?!{_SPACE}*\d)|(?P<post_word>{_WORDS_RE}|{_CODES_RE}))(?![A-Za-z])"
)

_PERCENT_RE = re.compile(
    rf"(?<![\w.,])(?:(?P<low>{_NUM}){_RANGE})?(?P<num>{_NUM}){_SPACE}?(?:%|percent\b|per cent\b|pct\b)",
    re.IGNORECASE,
)


def _is_grouped(part: str, separator: str) -> bool:
    """True when `part` is digits grouped by `separator` in threes ("1,299,000")."""
    groups = part.split(separator)
    if separator == "," and re.fullmatch(r"[1-9]\d?(?:,\d\d)+,\d{3}", part):
        return True  # Indian grouping: "1,29,900"
    return 1 <= len(groups[0]) <= 3 and groups[0] != "0" and all(len(g) == 3 for g in groups[1:])


def _parse_number(text: str, decimals: int = 2) -> tuple[Decimal, bool] | None:
    """The value of a written number and whether it carries decimals; None when it is no sensible number.
    `decimals` is the currency's minor unit: with three ("12.345 KWD") a lone mark before three digits is decimal."""
    spaced = re.sub(r"[\u00a0\u202f'’]", " ", text)
    if " " in spaced:  # space or apostrophe grouping: "1 299,00", "1'299.00"
        grouped = re.fullmatch(r"([\d ]+)(?:[.,](\d{1,2}))?", spaced)
        if grouped is None or not _is_grouped(grouped[1], " "):
            return None
        fraction = grouped[2] or ""
        return Decimal(grouped[1].replace(" ", "") + ("." + fraction if fraction else "")), bool(fraction)
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = text.rpartition(decimal_mark)
        if decimal_mark in whole or not 1 <= len(fraction) <= max(2, decimals) or not _is_grouped(whole, group_mark):
            return None
        return Decimal(whole.replace(group_mark, "") + "." + fraction), True
    mark = "." if dots else "," if commas else ""
    if not mark:
        return Decimal(text), False
    if text.count(mark) > 1:
        return (Decimal(text.replace(mark, "")), False) if _is_grouped(text, mark) else None
    whole, _, fraction = text.partition(mark)
    if decimals == 3 and len(fraction) == 3:
        return Decimal(whole + "." + fraction), True
    if len(fraction) == 3 and _is_grouped(text, mark):
        return Decimal(whole + fraction), False
    if 1 <= len(fraction) <= 2:
        return Decimal(whole + "." + fraction), True
    return None


def _code(word: str, has_decimals: bool) -> str | None:
    """The ISO code a three-letter word stands for next to a number, if any."""
    if word in ISO_CURRENCIES:
        code = word
    elif word in LOWERCASE_CODES:
        code = word.upper()
    else:
        return None
    if code in AMBIGUOUS_CODES and not has_decimals:
        return None
    return code


def _minor(value: Decimal, currency: str) -> int:
    digits = minor_digits(currency) if currency else 2
    return int((value * (Decimal(10) ** digits)).to_integral_value())


def _amount(value: Decimal, currency: str, alternatives: tuple[str, ...], raw: str) -> Amount:
    if currency and alternatives and _minor(value, currency) != value * (Decimal(10) ** minor_digits(currency)):
        # "¥165.50" is yuan: yen have no cents. A shared sign whose first currency cannot hold the amount's
        # decimals stands for the first that can.
        fits = next((code for code in alternatives if _minor(value, code) == value * (Decimal(10) ** minor_digits(code))), None)
        if fits is not None:
            alternatives = (currency, *(code for code in alternatives if code != fits))
            currency = fits
    return Amount(minor=_minor(value, currency), currency=currency, raw=raw, alternatives=list(alternatives))


def _marker_before(match: re.Match[str]) -> list[Amount] | None:
    if match["pre_symbol"]:
        currency, alternatives = SYMBOLS[match["pre_symbol"]]
    else:
        currency, alternatives = match["pre_code"].upper(), ()
    parsed = _parse_number(match["pre_num"], minor_digits(currency))
    if parsed is None:
        return None
    value, has_decimals = parsed
    if not match["pre_symbol"]:
        code = _code(match["pre_code"], has_decimals)
        if code is None:
            return None
    tail = match["pre_tail_code"]
    if tail and match["pre_symbol"] and tail.upper() in (currency, *alternatives):
        # "$49 USD", "$49 CAD": the code says which dollar.
        currency, alternatives = tail.upper(), ()
    multiplier = match["pre_mult"]
    if multiplier:
        value *= MULTIPLIERS[multiplier.strip()]
    raw = match.group(0).strip()
    found = [_amount(value, currency, alternatives, raw)]
    if match["pre_high"]:
        high = _parse_number(match["pre_high"], minor_digits(currency))
        if high is not None:
            found.append(_amount(high[0] * (MULTIPLIERS[multiplier.strip()] if multiplier else 1), currency, alternatives, raw))
    return found


def _marker_after(match: re.Match[str]) -> list[Amount] | None:
    word = match["post_word"]
    if match["post_symbol"]:
        currency, alternatives = SYMBOLS[match["post_symbol"]]
    elif word.lower() in WORDS:
        currency, alternatives = WORDS[word.lower()]
    else:
        currency, alternatives = word.upper(), ()
    parsed = _parse_number(match["post_num"], minor_digits(currency) if currency in ISO_CURRENCIES else 2)
    if parsed is None:
        return None
    value, has_decimals = parsed
    if not match["post_symbol"] and word.lower() not in WORDS:
        code = _code(word, has_decimals)
        if code is None:
            return None
    raw = match.group(0).strip()
    found = []
    if match["post_low"]:
        low = _parse_number(match["post_low"], minor_digits(currency))
        if low is not None:
            found.append(_amount(low[0], currency, alternatives, raw))
    found.append(_amount(value, currency, alternatives, raw))
    return found


_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


# Invisible marks that set the direction of text around a number in Hebrew, Arabic, Persian and Urdu.
_BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def extract_amounts(text: str) -> list[Amount]:
    """Every money amount written in `text`, in order of appearance."""
    found: list[Amount] = []
    text = _LINE_BREAK.sub(" ", text)  # a PDF line may end between "29" and "€"
    text = _BIDI_MARKS.sub("", text)  # right-to-left locales write "‏12,345.00 ‏$"
    for match in _AMOUNT_RE.finditer(text):
        amounts = _marker_before(match) if match["pre_num"] else _marker_after(match)
        if amounts:
            found.extend(amounts)
    return found


def extract_percentages(text: str) -> list[float]:
    """Every percentage written in `text` ("20%", "20 %", "12,5 percent"), in order of appearance."""
    found: list[float] = []
    text = _LINE_BREAK.sub(" ", text)
    for match in _PERCENT_RE.finditer(text):
        for part in (match["low"], match["num"]):
            if part:
                parsed = _parse_number(part)
                if parsed is not None:
                    found.append(float(parsed[0]))
    return found


def amount_matches(found: Amount, minor: int, currency: str) -> bool:
    """Whether an amount found in text states `minor` units of `currency`.

    An amount written with a shared symbol ("$49") matches 49 in any currency that writes "$"; one written
    with no currency at all matches the same number in any currency.
    """
    written = Decimal(found.minor) / (Decimal(10) ** (minor_digits(found.currency) if found.currency else 2))
    target = Decimal(minor) / (Decimal(10) ** minor_digits(currency))
    if not found.currency:
        return written == target
    return currency in (found.currency, *found.alternatives) and written == target


def home_territory(currency: str) -> str:
    """Where a currency is mostly written, for a business whose phone number does not tell its country: the
    country its ISO code starts with ("GB" for GBP), when CLDR (through babel) says that country pays in it."""
    country = currency[:2].upper()
    try:
        return country if currency.upper() in get_territory_currencies(country) else ""
    except (KeyError, ValueError):
        return ""


_EURO_TERRITORY = {"de": "DE", "fr": "FR", "es": "ES", "it": "IT", "pt": "PT", "en": "IE"}


@lru_cache(maxsize=1024)
def business_locale(language: str, phone: str, currency: str) -> str:
    """The locale a business writes money in: its language, in its country (from its phone number, else the
    currency's home), as babel knows it ("de_DE", "en_GB"); the language alone when babel knows no better."""
    territory = ""
    if phone.strip().startswith("+"):
        try:
            territory = phonenumbers.region_code_for_number(phonenumbers.parse(phone)) or ""
        except phonenumbers.NumberParseException:
            territory = ""
    if not territory or territory == "ZZ":
        territory = _EURO_TERRITORY.get(language, "") if currency == "EUR" else home_territory(currency)
    for candidate in (f"{language}_{territory}" if territory else "", language, "en"):
        if not candidate:
            continue
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return candidate
    return "en"


def profile_locale(profile: BusinessProfile | None, currency: str = "") -> str:
    """The business's locale ("de_DE", "en_GB"): the language of its own description, its phone's country."""
    if profile is None:
        return business_locale("en", "", currency)
    language = detect_language(f"{profile.description} {profile.industry}", default="en")
    return business_locale(language, profile.phone, currency)


def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """A money amount as people of `locale` write it: "$1,299.00", "1.299,00 €", "£165.50", "¥1,500"."""
    value = Decimal(minor) / (Decimal(10) ** minor_digits(currency))
    return format_currency(value, currency, locale=locale)


# CLDR's names of the spans of time a price may be counted in; every language babel knows writes "per night".
TIME_UNITS = {
    BillingPeriod.hour: "duration-hour",
    BillingPeriod.day: "duration-day",
    BillingPeriod.week: "duration-week",
    BillingPeriod.night: "duration-night",
    BillingPeriod.month: "duration-month",
    BillingPeriod.year: "duration-year",
}
# The platform's own periods in English, for the passages the model reads; replies say them in the customer's
# language from the message catalogs.
ENGLISH_PERIODS = {
    BillingPeriod.person: "{price} per person",
    BillingPeriod.session: "{price} per session",
    BillingPeriod.user_month: "{price} per user per month",
}


def _babel_locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def per_time_unit(price: str, period: BillingPeriod, language: str) -> str | None:
    """`price` per hour, day, night, week, month or year as `language` writes it, from CLDR's per-unit patterns
    ("€140 per night", "140 € pro Übernachtung", "₺140/gece"); English where the language has none; None for
    a period that is no span of time."""
    unit = TIME_UNITS.get(period)
    if unit is None:
        return None
    locale = _babel_locale(language) or Locale.parse("en")
    # Some locales carry only the short pattern (babel does not follow CLDR's alias from long to short); where a
    # pattern is missing babel writes the unit's id ("duration-day"), which no customer should read.
    lengths: tuple[tuple[Locale, Literal["long", "short"]], ...] = (
        (locale, "long"),
        (locale, "short"),
        (Locale.parse("en"), "long"),
    )
    for candidate, length in lengths:
        written = format_compound_unit(price, denominator_unit=unit, length=length, locale=candidate)
        if written and unit not in written:
            return written
    return f"{price}/{period.value}"


def with_custom_period(price: str, period: str) -> str:
    """The owner's own period after the price, as typed: "€90 per class pack", "€90/pack"."""
    return f"{price}{period}" if period.startswith("/") else f"{price} {period}"


def format_price(product: Product, locale: str = "en_US", language: str = "en") -> str:
    """A product's price with its period: "£99.00 per month", "140,00 € pro Übernachtung" (spans of time in
    `language`, from CLDR), "$25.00 per person" (the platform's own periods in English), "€90.00 per class
    pack" (the owner's own period as typed)."""
    price = format_money(product.price_cents, product.currency, locale)
    period = product.billing_period
    if isinstance(period, CustomPeriod):
        return with_custom_period(price, period.custom)
    if period in ENGLISH_PERIODS:
        return ENGLISH_PERIODS[period].format(price=price)
    return per_time_unit(price, period, language) or price


def _sign(written: str) -> str:
    """A currency sign compared as readers see it: "￥" is "¥", Danish "kr." is "kr"."""
    return unicodedata.normalize("NFKC", written).strip(" .\u00a0\u200e\u200f")


@lru_cache(maxsize=1)
def sign_users() -> dict[str, frozenset[str]]:
    """Which of the platform's currencies each sign stands for where it is used, from CLDR: each currency's
    sign in the locales of the territories that pay with it, in their official languages ("$": USD, CAD, MXN,
    AUD, …; "kr": SEK, NOK, DKK, ISK; "¥": JPY, CNY; "€": EUR)."""
    users: dict[str, set[str]] = {}
    for territory, languages in get_global("territory_languages").items():
        locales = [
            f"{language}_{territory}"
            for language, info in languages.items()
            if info.get("official_status") and localedata.exists(f"{language}_{territory}")
        ]
        with _locales_not_kept():
            for code in set(get_territory_currencies(territory, tender=True)) & ISO_CURRENCIES:
                for locale in locales:
                    users.setdefault(_sign(get_currency_symbol(code, locale)), set()).add(code)
    return {sign: frozenset(codes) for sign, codes in users.items()}


def is_ambiguous(currency: str, locale: str) -> bool:
    """Whether `locale` writes `currency` with a sign that also stands for another currency ("$" in en_US and
    es_MX, "kr" in sv_SE, "¥" in ja_JP); "US$", "MX$", "€" and "£" say which currency they are."""
    sign = _sign(get_currency_symbol(currency, locale))
    return bool(sign_users().get(sign, frozenset()) - {currency})


_CODE_AGAINST_DIGIT = re.compile(r"(?<=[A-Z]{3})(?=\d)|(?<=\d)(?=[A-Z]{3})")


def money_with_code(minor: int, currency: str, locale: str) -> str:
    """The amount with its ISO code in `locale`'s order and separators: "MXN 1,200.00" (en), "1.200,00 MXN"
    (de), "1 200 JPY" (fr)."""
    value = Decimal(minor) / (Decimal(10) ** minor_digits(currency))
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace("¤", "¤¤")
    written = format_currency(value, currency, format=pattern, locale=locale)
    # CLDR's currency spacing (babel applies none): a code that touches a digit is kept apart by a no-break space.
    return _CODE_AGAINST_DIGIT.sub("\u00a0", written)


def customer_money(minor: int, currency: str, business_locale: str, language: str) -> str:
    """An amount as a customer writing in `language` reads it without doubt: the business's usual form
    ("$1,200.00" for a Mexican business) when they share its language or when its sign names one currency
    ("£99.00", "2.499,00 €"); otherwise with the ISO code, in the customer's own order ("1.200,00 MXN" for a
    German, "MXN 1,200.00" for an English reader)."""
    business = _babel_locale(business_locale)
    customer = _babel_locale(language)
    same_language = business is not None and customer is not None and business.language == customer.language
    if same_language or not is_ambiguous(currency, business_locale):
        return format_money(minor, currency, business_locale)
    return money_with_code(minor, currency, str(customer) if customer is not None else business_locale)

"""Money amounts and percentages written in free text, as customers, owners and models write them.

A number is an amount only when a currency stands next to it: a symbol ("$", "€", "R$"), an ISO code
("USD", "EUR") or a currency word ("dollars"). Bare numbers ("5 GB", "24 hours", "2024") are not amounts.

Separators are read the way people write them: "1,299.00" and "1.299,00" are both 1299; a single separator
followed by exactly three digits groups thousands ("1,299", "1.299"); followed by one or two digits it is the
decimal mark ("34,90", "9.5").
"""

from __future__ import annotations

import re
from decimal import Decimal

from knowledge.models import ISO_CURRENCIES, Amount, minor_digits

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

MULTIPLIERS = {"k": 1000, "K": 1000, "m": 1_000_000, "M": 1_000_000,
               "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

_SPACE = r"[ \u00a0\u202f]"
# Digits with separators between them; which separator means what is decided by _parse_number.
_NUM = r"\d+(?:[.,\u00a0\u202f']\d+)*"
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
    return 1 <= len(groups[0]) <= 3 and groups[0] != "0" and all(len(g) == 3 for g in groups[1:])


def _parse_number(text: str) -> tuple[Decimal, bool] | None:
    """The value of a written number and whether it carries decimals; None when it is no sensible number."""
    spaced = re.sub(r"[\u00a0\u202f']", " ", text)
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
        if decimal_mark in whole or not 1 <= len(fraction) <= 2 or not _is_grouped(whole, group_mark):
            return None
        return Decimal(whole.replace(group_mark, "") + "." + fraction), True
    mark = "." if dots else "," if commas else ""
    if not mark:
        return Decimal(text), False
    if text.count(mark) > 1:
        return (Decimal(text.replace(mark, "")), False) if _is_grouped(text, mark) else None
    whole, _, fraction = text.partition(mark)
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
    return Amount(minor=_minor(value, currency), currency=currency, raw=raw, alternatives=list(alternatives))


def _marker_before(match: re.Match[str]) -> list[Amount] | None:
    parsed = _parse_number(match["pre_num"])
    if parsed is None:
        return None
    value, has_decimals = parsed
    if match["pre_symbol"]:
        currency, alternatives = SYMBOLS[match["pre_symbol"]]
    else:
        code = _code(match["pre_code"], has_decimals)
        if code is None:
            return None
        currency, alternatives = code, ()
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
        high = _parse_number(match["pre_high"])
        if high is not None:
            found.append(_amount(high[0] * (MULTIPLIERS[multiplier.strip()] if multiplier else 1),
                                 currency, alternatives, raw))
    return found


def _marker_after(match: re.Match[str]) -> list[Amount] | None:
    parsed = _parse_number(match["post_num"])
    if parsed is None:
        return None
    value, has_decimals = parsed
    if match["post_symbol"]:
        currency, alternatives = SYMBOLS[match["post_symbol"]]
    else:
        word = match["post_word"]
        if word.lower() in WORDS:
            currency, alternatives = WORDS[word.lower()]
        else:
            code = _code(word, has_decimals)
            if code is None:
                return None
            currency, alternatives = code, ()
    raw = match.group(0).strip()
    found = []
    if match["post_low"]:
        low = _parse_number(match["post_low"])
        if low is not None:
            found.append(_amount(low[0], currency, alternatives, raw))
    found.append(_amount(value, currency, alternatives, raw))
    return found


def extract_amounts(text: str) -> list[Amount]:
    """Every money amount written in `text`, in order of appearance."""
    found: list[Amount] = []
    for match in _AMOUNT_RE.finditer(text):
        amounts = _marker_before(match) if match["pre_num"] else _marker_after(match)
        if amounts:
            found.extend(amounts)
    return found


def extract_percentages(text: str) -> list[float]:
    """Every percentage written in `text` ("20%", "20 %", "12,5 percent"), in order of appearance."""
    found: list[float] = []
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


def format_money(minor: int, currency: str) -> str:
    """A price as the knowledge base writes it: "$1,299.00 USD" for dollars, "49.00 EUR" otherwise."""
    digits = minor_digits(currency)
    value = Decimal(minor) / (Decimal(10) ** digits)
    number = f"{value:,.{digits}f}"
    return f"${number} USD" if currency == "USD" else f"{number} {currency}"

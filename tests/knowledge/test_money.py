from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.models import Amount
from knowledge.money import (
    amount_matches,
    business_locale,
    extract_amounts,
    extract_percentages,
    format_money,
)


def found(text: str) -> list[tuple[int, str]]:
    return [(a.minor, a.currency) for a in extract_amounts(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$99", [(9900, "USD")]),
        ("Only $1,299.00 today", [(129900, "USD")]),
        ("$1,299", [(129900, "USD")]),
        ("$0.99", [(99, "USD")]),
        ("99 USD", [(9900, "USD")]),
        ("USD 99", [(9900, "USD")]),
        ("USD99 or 99USD", [(9900, "USD"), (9900, "USD")]),
        ("99 usd", [(9900, "USD")]),
        ("€34,90", [(3490, "EUR")]),
        ("34,90 €", [(3490, "EUR")]),
        ("34,90€", [(3490, "EUR")]),
        ("34.90 EUR", [(3490, "EUR")]),
        ("EUR 34.90", [(3490, "EUR")]),
        ("£5", [(500, "GBP")]),
        ("¥1200", [(1200, "JPY")]),
        ("¥1,200", [(1200, "JPY")]),
        ("R$ 49,90", [(4990, "BRL")]),
        ("R$49", [(4900, "BRL")]),
        ("1.299,00 EUR", [(129900, "EUR")]),
        ("1.299,00 €", [(129900, "EUR")]),
        ("1 299,00 €", [(129900, "EUR")]),
        ("1\u202f299,00\u00a0€", [(129900, "EUR")]),
        ("99 dollars", [(9900, "USD")]),
        ("5 euros", [(500, "EUR")]),
        ("20 Euro", [(2000, "EUR")]),
        ("$49 CAD", [(4900, "CAD")]),
        ("$49.00 USD", [(4900, "USD")]),
        ("US$ 20", [(2000, "USD")]),
        ("C$15", [(1500, "CAD")]),
        ("₹499", [(49900, "INR")]),
        ("Rs. 500", [(50000, "INR")]),
        ("$5k", [(500000, "USD")]),
        ("$1.5 million", [(150000000, "USD")]),
        ("$10-20", [(1000, "USD"), (2000, "USD")]),
        ("$10 – $20", [(1000, "USD"), (2000, "USD")]),
        ("10-20 EUR", [(1000, "EUR"), (2000, "EUR")]),
        ("buy 5 $10 cards", [(1000, "USD")]),
        ("costs $9/month with 5 GB", [(900, "USD")]),
        ("the 5 EUR fee and a $3 tip", [(500, "EUR"), (300, "USD")]),
        ("49.90 TRY", [(4990, "TRY")]),
        ("(¥3,000)", [(3000, "JPY")]),
    ],
)
def test_amounts(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5 GB of storage",
        "open 24 hours",
        "for 2 users",
        "founded in 2024",
        "call +1 (555) 123-4567",
        "call 555-1234",
        "order #12345",
        "version 2.0.1",
        "12.05.2024",
        "9:30 am",
        "24/7 support",
        "TRY 30 DAYS FREE",
        "EUROPE 5",
        "usda 5",
        "3 items, 2 sizes",
        "50% off",
        "",
    ],
)
def test_plain_numbers_are_not_amounts(text):
    assert extract_amounts(text) == []


def test_raw_text_and_shared_symbols_are_reported():
    [amount] = extract_amounts("It is $49 per month")
    assert amount.raw == "$49"
    assert "CAD" in amount.alternatives and "AUD" in amount.alternatives
    [euro] = extract_amounts("It is 49 EUR")
    assert euro.raw == "49 EUR" and euro.alternatives == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20%", [20.0]),
        ("20 %", [20.0]),
        ("20 percent off", [20.0]),
        ("20 per cent", [20.0]),
        ("12.5% or 12,5 %", [12.5, 12.5]),
        ("save 20-30%", [20.0, 30.0]),
        ("-15% today", [15.0]),
        ("100% cotton", [100.0]),
        ("no percentages, 20 items", []),
        ("5 GB", []),
    ],
)
def test_percentages(text, expected):
    assert extract_percentages(text) == expected


@pytest.mark.parametrize(
    ("written", "minor", "currency", "matches"),
    [
        ("$49", 4900, "USD", True),
        ("$49", 4900, "CAD", True),  # "$" is written for Canadian dollars too
        ("$49", 4900, "EUR", False),
        ("$49", 4990, "USD", False),
        ("49 EUR", 4900, "EUR", True),
        ("49 EUR", 4900, "USD", False),
        ("¥1200", 1200, "JPY", True),
        ("€49.00", 4900, "EUR", True),
    ],
)
def test_amount_matches(written, minor, currency, matches):
    [amount] = extract_amounts(written)
    assert amount_matches(amount, minor, currency) is matches


def test_amount_without_currency_matches_the_same_number():
    unknown = Amount(minor=4900, currency="")
    assert amount_matches(unknown, 4900, "EUR") and amount_matches(unknown, 4900, "USD")
    assert not amount_matches(unknown, 4800, "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "text"),
    [
        (4900, "USD", "en_US", "$49.00"),
        (129900, "USD", "en_US", "$1,299.00"),
        (129900, "EUR", "de_DE", "1.299,00\xa0€"),
        (16550, "GBP", "en_GB", "£165.50"),
        (150000, "JPY", "en_US", "¥150,000"),
        (1500, "JPY", "ja_JP", "￥1,500"),
        (12345, "KWD", "en_US", "KWD12.345"),
        (9900, "USD", "fr_FR", "99,00\xa0$US"),
        (129900, "CHF", "de_CH", "CHF\xa01’299.00"),
    ],
)
def test_format_money_in_the_locale_reads_back(minor, currency, locale, text):
    assert format_money(minor, currency, locale) == text
    [amount] = extract_amounts(f"It is {text} today.")
    assert amount_matches(amount, minor, currency)


def test_minor_units_come_from_cldr():
    from knowledge.models import minor_digits, to_minor

    assert (minor_digits("JPY"), minor_digits("KWD"), minor_digits("EUR")) == (0, 3, 2)
    assert to_minor(12.345, "KWD") == 12345 and to_minor(1500, "JPY") == 1500


def test_every_format_the_platform_writes_is_read_back():
    from knowledge.models import ISO_CURRENCIES
    from knowledge.money import WRITTEN_LOCALES

    missed = []
    for locale in WRITTEN_LOCALES:
        for currency in sorted(ISO_CURRENCIES):
            for minor in (5, 9900, 16550, 129900, 150000):
                text = format_money(minor, currency, locale)
                amounts = extract_amounts(f"Price: {text} today")
                if not any(amount_matches(amount, minor, currency) for amount in amounts):
                    missed.append((locale, currency, text))
    assert missed == []


_REPLY_LANGUAGES = sorted(path.name for path in (Path(__file__).parents[2] / "bot" / "i18n" / "locales").iterdir())


@pytest.mark.parametrize("language", _REPLY_LANGUAGES)
def test_a_price_written_the_way_a_business_in_any_reply_language_writes_it_is_read_back(language: str) -> None:
    # The guard checks every amount a reply states: one it cannot read ("12 000,00 Ft", "Rp 450.000") would be
    # neither checked nor allowed, and the offline answer that quotes the catalog's own price would be refused.
    for currency in ("USD", "EUR", "HUF", "IDR", "KES", "CZK", "NOK", "SEK", "DKK", "PLN", "JPY", "INR", "BRL", "MYR"):
        locale = business_locale(language, "", currency)
        written = format_money(1_234_500, currency, locale)
        read = extract_amounts(written)
        assert any(amount_matches(amount, 1_234_500, currency) for amount in read), (locale, written, read)

"""How Leo writes numbers, money, rates, days and names for the owner: in the request's language, through babel and
the dashboard's catalogs. Pure (the language is the request's context variable).

The tools keep their English, which the model reads and the number check holds answers to; what the owner reads
(the offline answers, the tables beside them) is written here. English is written as it always was: ISO days,
"30.8%", "$299.00".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_currency, format_decimal

from dashboard.analytics import Figures
from dashboard.i18n.current import N_, current_language, format_locale, gettext, ngettext
from dashboard.leo.figures import SPECS, Metric


def is_english() -> bool:
    return current_language() == "en"


def num(value: float | int) -> str:
    """A count or figure: "1,234" in English, "1.234" in German."""
    return format_decimal(value, format="#,##0.##", locale=format_locale())


def pct(percent: float | int | str) -> str:
    """A percentage already times 100: "30.8%", "30,8 %"."""
    if not isinstance(percent, (int, float)):
        return f"{percent}%"
    pattern = Locale.parse(format_locale()).percent_formats[None].pattern
    written = format_decimal(round(float(percent), 1), format="#,##0.#", locale=format_locale())
    return pattern.replace("#,##0", written, 1) if "#,##0" in pattern else f"{written}%"


def rate(value: float) -> str:
    """A 0..1 rate as a percentage."""
    return pct(round(value * 100, 1))


def ratio(value: float) -> str:
    """A ratio with two decimals ("2.00", "2,00"): a return on ad spend."""
    return format_decimal(value, format="#,##0.00", locale=format_locale())


def seconds(value: float) -> str:
    return f"{num(value)} s"


def money(amount: float, currency: str) -> str:
    try:
        return format_currency(amount, currency, locale=format_locale())
    except (ValueError, KeyError):  # a currency babel does not know
        return f"{num(amount)} {currency}"


def revenue(row: Figures) -> str:
    """A group's revenue per currency ("$196.00, €35.00"); "" when it has none."""
    amounts = row.revenue
    return ", ".join(money(amount, currency) for currency, amount in amounts.items() if amount)


def cell(value: Any) -> Any:
    """A table cell as the owner reads it: numbers in their language's way, text as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return num(value)


def weekday(index: int) -> str:
    """Monday (0) to Sunday (6), named in the request's language."""
    return str(Locale.parse(format_locale()).days["format"]["wide"][index])


# How a sentence names each figure, and how it says which group leads by it.
METRIC_WORDS: dict[Metric, str] = {
    Metric.conversations: N_("conversations"),
    Metric.messages: N_("customer messages"),
    Metric.response_rate: N_("response rate"),
    Metric.first_response: N_("first response time"),
    Metric.sales: N_("sales"),
    Metric.conversion_rate: N_("conversion rate"),
    Metric.revenue: N_("revenue"),
    Metric.handoffs: N_("handoffs to a person"),
    Metric.reply_rate: N_("share of customers who wrote back"),
}
LEADER_SENTENCES: dict[Metric, str] = {
    Metric.conversations: N_("{name} has the most conversations in {period}: {value}."),
    Metric.messages: N_("{name} gets the most customer messages in {period}: {value}."),
    Metric.response_rate: N_("{name} answers the largest share of messages in {period}: {value}."),
    Metric.first_response: N_("{name} answers fastest in {period}: {value}."),
    Metric.sales: N_("{name} makes the most sales in {period}: {value}."),
    Metric.conversion_rate: N_("{name} converts best in {period}: {value}."),
    Metric.revenue: N_("{name} brings the most revenue in {period}: {value}."),
    Metric.handoffs: N_("{name} hands the most customers to a person in {period}: {value}."),
    Metric.reply_rate: N_("{name} has the most customers writing back in {period}: {value}."),
}


def metric_words(metric: Metric) -> str:
    return gettext(METRIC_WORDS[metric])


def shown(row: Figures, metric: Metric) -> str:
    """The row's figure as a sentence writes it: "$196.00", "30.8%", "12 s", "4"."""
    spec = SPECS[metric]
    if metric is Metric.revenue:
        return revenue(row) or gettext("no revenue")
    found = getattr(row, spec.key)
    if found is None:
        return gettext("no answer yet")
    if spec.rate:
        return rate(float(found))
    if metric is Metric.first_response:
        return seconds(float(found))
    return num(found)


def joined(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C" in the request's language."""
    if len(names) == 1:
        return names[0]
    return gettext("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])


def counted(sentence: str, n: int) -> str:
    """A sentence `ngettext` chose for `n`, its `{count}` filled: "3 sales", "3 ventas"."""
    return sentence.format(count=num(n))


# The days an answer is about --------------------------------------------------------------------------------------

_ISO = r"\d{4}-\d{2}-\d{2}"
_PERIOD_WORDS = {
    "today": N_("today"),
    "yesterday": N_("yesterday"),
    "this week": N_("this week"),
    "last week": N_("last week"),
    "this month": N_("this month"),
    "last month": N_("last month"),
    "this year": N_("this year"),
    "last year": N_("last year"),
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _day(text: str) -> str:
    return format_skeleton("yMMMd", date.fromisoformat(text), locale=format_locale())


def _days(first: str, last: str) -> str:
    if first == last:
        return _day(first)
    return format_interval(date.fromisoformat(first), date.fromisoformat(last), "yMMMd", locale=format_locale())


def _period_words(words: str) -> str:
    """The range's own words ("this month", "the last 30 days", "in March") in the request's language."""
    if words in _PERIOD_WORDS:
        return gettext(_PERIOD_WORDS[words])
    if m := re.fullmatch(r"the last (\d+) days", words):
        days = int(m.group(1))
        return counted(ngettext("the last {count} day", "the last {count} days", days), days)
    if m := re.fullmatch(rf"({_ISO}) to ({_ISO})", words):
        return _days(m.group(1), m.group(2))
    if m := re.fullmatch(rf"since ({_ISO})", words):
        return gettext("since {day}").format(day=_day(m.group(1)))
    locale = Locale.parse(format_locale())
    if m := re.fullmatch(rf"since ({'|'.join(_WEEKDAYS)})", words):
        day = locale.days["format"]["wide"][_WEEKDAYS.index(m.group(1))]
        return gettext("since {day}").format(day=day)
    if m := re.fullmatch(rf"(in|since) ({'|'.join(_MONTHS)})(?: (\d{{1,4}}))?", words):
        month = _MONTHS.index(m.group(2)) + 1
        number = m.group(3)
        if m.group(1) == "since" and number and len(number) <= 2:
            return gettext("since {day}").format(day=format_skeleton("MMMMd", date(2000, month, int(number)), locale=locale))
        named = locale.months["stand-alone"]["wide"][month]
        if number:
            named = f"{named} {number}"
        if m.group(1) == "in":
            return gettext("in {month}").format(month=named)
        return gettext("since {month}").format(month=named)
    return words


def moment(text: str) -> str:
    """A tool's "2026-03-09 14:05" (the business's time) in the request's language's way; English as it is."""
    m = re.fullmatch(rf"({_ISO}) (\d{{2}}:\d{{2}})", text)
    if is_english() or not m:
        return text
    return f"{_day(m.group(1))}, {m.group(2)}"


def period(label: str) -> str:
    """A range's label ("the last 30 days (2026-02-10 to 2026-03-11)") in the request's language; English as it is."""
    if is_english():
        return label
    if m := re.fullmatch(rf"(.+?) \(({_ISO})(?: to ({_ISO}))?\)", label):
        return f"{_period_words(m.group(1))} ({_days(m.group(2), m.group(3) or m.group(2))})"
    return _period_words(label)

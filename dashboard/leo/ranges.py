"""Ranges of days in plain words ("this week", "last month", "in November", "yesterday", "since Monday"), read in
the business's calendar: `today` is the business's today. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from dashboard.analytics import DEFAULT_DAYS, MAX_DAYS, DayRange, last_days

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS if m != "may")
_ISO = r"(\d{4}-\d{2}-\d{2})"


@dataclass(frozen=True)
class NamedRange:
    span: DayRange
    words: str  # how the owner would say it: "last month", "in November 2025"

    @property
    def label(self) -> str:
        first, last = self.span.first, self.span.last
        dates = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        return self.words if first.isoformat() in self.words else f"{self.words} ({dates})"

    @property
    def as_words(self) -> str:
        """The range written so that `range_in` reads it back exactly."""
        return f"{self.words} ({self.span.first.isoformat()} to {self.span.last.isoformat()})"


def default_range(today: date) -> NamedRange:
    return NamedRange(last_days(today, DEFAULT_DAYS), f"the last {DEFAULT_DAYS} days")


def _month_number(name: str) -> int:
    name = name.lower()
    return next(n for n, month in enumerate(MONTHS, start=1) if month == name or month[:3] == name)


def _month(year: int, month: int, today: date) -> DayRange:
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    return DayRange(first, min(after - timedelta(days=1), today) if first <= today else after - timedelta(days=1))


def _clamped(first: date, last: date, today: date) -> DayRange | None:
    last = min(last, today) if first <= today else last
    if first > last:
        return None
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
    return DayRange(first, last)


class _Unnamed(Enum):
    """What a reader answers when none of its words are in the question (another reader may find its own); None
    is its words naming no range there is (the 31st of February)."""

    here = "here"


Read = NamedRange | None | _Unnamed


def range_in(text: str, today: date) -> NamedRange | None:
    """The range a question names, or None when it names none."""
    written = " " + re.sub(r"\s+", " ", text) + " "
    t = written.lower()
    for read in (_dates, _relative, _since_a_day, _month_named):
        found = read(written, t, today)
        if found is not _Unnamed.here:
            return found
    return None


def _dates(written: str, t: str, today: date) -> Read:
    """ISO dates: a range between two, or since one."""
    if m := re.search(rf"(?:from|between)? ?{_ISO} ?(?:to|and|until|-|–|\.\.) ?{_ISO}", t):
        first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        span = _clamped(min(first, last), max(first, last), today)
        # "last month (2026-02-01 to 2026-02-28)" keeps its words; bare dates are their own words.
        before = written[: m.start()].strip(" (")
        return (
            NamedRange(span, before if 0 < len(before) <= 40 else f"{span.first} to {span.last}" if span else "")
            if span
            else None
        )
    if m := re.search(rf"\bsince {_ISO}", t):
        span = _clamped(date.fromisoformat(m.group(1)), today, today)
        return NamedRange(span, f"since {m.group(1)}") if span else None
    return _Unnamed.here


def _relative(_written: str, t: str, today: date) -> Read:
    """Today, yesterday, the last n days, and this or last week, month or year."""
    if re.search(r"\btoday\b", t):
        return NamedRange(DayRange(today, today), "today")
    if re.search(r"\byesterday\b", t):
        day = today - timedelta(days=1)
        return NamedRange(DayRange(day, day), "yesterday")
    if m := re.search(r"\b(?:last|past|previous) (\d{1,3}) days\b", t):
        days = max(1, min(MAX_DAYS, int(m.group(1))))
        return NamedRange(last_days(today, days), f"the last {days} days")
    if re.search(r"\b(?:this|current) week\b", t):
        return NamedRange(DayRange(today - timedelta(days=today.weekday()), today), "this week")
    if re.search(r"\b(?:last|previous|past) week\b", t):
        monday = today - timedelta(days=today.weekday() + 7)
        return NamedRange(DayRange(monday, monday + timedelta(days=6)), "last week")
    if re.search(r"\b(?:this|current) month\b", t):
        return NamedRange(DayRange(today.replace(day=1), today), "this month")
    if re.search(r"\b(?:last|previous|past) month\b", t):
        end = today.replace(day=1) - timedelta(days=1)
        return NamedRange(DayRange(end.replace(day=1), end), "last month")
    if re.search(r"\b(?:this|current) year\b", t):
        return NamedRange(DayRange(date(today.year, 1, 1), today), "this year")
    if re.search(r"\b(?:last|previous|past) year\b", t):
        return NamedRange(DayRange(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)), "last year")
    return _Unnamed.here


def _since_a_day(_written: str, t: str, today: date) -> Read:
    """Since a weekday, or since a day of a month."""
    if m := re.search(rf"\bsince (?:last )?({'|'.join(WEEKDAYS)})\b", t):
        back = (today.weekday() - WEEKDAYS.index(m.group(1))) % 7
        return NamedRange(DayRange(today - timedelta(days=back), today), f"since {m.group(1).capitalize()}")
    if m := re.search(rf"\bsince ({_MONTH})\.? (\d{{1,2}})\b|\bsince (\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\b", t):
        month_name, day_text = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        month = _month_number(month_name)
        year = today.year if (month, int(day_text)) <= (today.month, today.day) else today.year - 1
        try:
            first = date(year, month, int(day_text))
        except ValueError:
            return None
        return NamedRange(DayRange(first, today), f"since {MONTHS[month - 1].capitalize()} {int(day_text)}")
    return _Unnamed.here


def _month_named(_written: str, t: str, today: date) -> Read:
    """A month by its name (of this year or the last, or of a year written), or since one."""
    month_words = rf"(?:\b(?:in|during|for|of|over|since) (?:the month of )?({_MONTH})\b(?: (\d{{4}}))?|\b({_MONTH}) (\d{{4}})\b)"
    if m := re.search(month_words, t):
        month = _month_number(m.group(1) or m.group(3))
        year_text = m.group(2) or m.group(4)
        year = int(year_text) if year_text else (today.year if month <= today.month else today.year - 1)
        if t[m.start() :].startswith(" since") or t[m.start() :].startswith("since"):
            span = _clamped(date(year, month, 1), today, today)
            return NamedRange(span, f"since {MONTHS[month - 1].capitalize()}") if span else None
        words = f"in {MONTHS[month - 1].capitalize()}" + (f" {year}" if year_text or year != today.year else "")
        return NamedRange(_month(year, month, today), words)
    return _Unnamed.here

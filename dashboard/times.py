"""Moments as the owner pages write them, in the business's time zone: the time today, else the day and time
("Dec 5, 09:30", in Spanish "5 dic, 09:30"). Pages, and the live events that redraw their rows, write them with this one function."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from dashboard.i18n.current import format_locale


def _local(value: datetime | str | None, zone: ZoneInfo) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)


def when(value: datetime | str | None, zone: ZoneInfo) -> str:
    """A moment in the business's time zone: the time today, else day and time."""
    moment = _local(value, zone)
    if moment is None:
        return ""
    today = datetime.now(zone).date()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    # The day as the owner's language writes it ("Dec 5", "5 dic"), the hour always 24-hour as today's times read.
    if moment.year == today.year:
        return f"{format_skeleton('MMMd', moment, locale=format_locale())}, {moment:%H:%M}"
    return format_skeleton("yMMMd", moment, locale=format_locale())

"""Moments as the owner pages write them, in the business's time zone: the time today, else the day and time
("Dec 5, 09:30"). Pages, and the live events that redraw their rows, write them with this one function."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


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
    # The day without its leading zero, the hour with it ("Dec 5, 09:30"), as today's times read.
    if moment.year == today.year:
        return f"{moment:%b} {moment.day}, {moment:%H:%M}"
    return f"{moment:%b} {moment.day} {moment.year}"

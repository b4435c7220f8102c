"""One ad or post over time: per day of the business's calendar, the comments it received, the private replies
sent, the conversations it started and what they brought, and what it cost.

Pure: plain data in, typed figures out (the reads are `dashboard/ad_detail.py`'s, the owner API's JSON is built in
`dashboard/api/shapes/ad_json.py`). The figures follow the ads page's
rules (`ad_figures.py`), so a period's totals here are the ad's row there: a conversation counts on the day its
first message after the click (or the private reply to the comment) came, and its lead and sales count with it,
whenever they were recorded; spend counts the part of each amount that falls on the day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sales.ad_figures import AdFigures, Tally, measured
from bot.sales.ad_spend import SpendRow, spend_in_period


@dataclass(frozen=True)
class DatedConversation:
    """A conversation the ad or post started, when, and what it brought (sales in the business's currency)."""

    at_ms: int
    lead: bool
    sales: int
    revenue_minor: int


@dataclass
class DayTally(Tally):
    comments: int = 0
    private_replies: int = 0


@dataclass(frozen=True, slots=True)
class CommentFigures(AdFigures):
    """An ad's or post's figures with the comments it received and the private replies sent to them."""

    comments: int
    private_replies: int


@dataclass(frozen=True, slots=True)
class AdDay(CommentFigures):
    day: date


@dataclass(frozen=True, slots=True)
class Timeline:
    currency: str
    days: tuple[AdDay, ...]  # every day of the period, quiet ones too
    totals: CommentFigures


def day_of(ms: int, zone: ZoneInfo) -> date:
    """The business's calendar day of a moment."""
    return datetime.fromtimestamp(ms / 1000, zone).date()


def _counted(tally: DayTally, currency: str) -> dict[str, Any]:
    """The `CommentFigures` fields of a tally."""
    return {"comments": tally.comments, "private_replies": tally.private_replies, **measured(tally, currency)}


def ad_timeline(
    first: date,
    last: date,
    zone: ZoneInfo,
    *,
    comments_ms: list[int],
    replies_ms: list[int],
    conversations: list[DatedConversation],
    spend: list[SpendRow],
    currency: str,
) -> Timeline:
    """Each day of [first, last] (every day listed, quiet ones too, so a chart has no gaps) and the totals."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    by_day: dict[date, DayTally] = defaultdict(DayTally)
    total = DayTally()
    for ms in comments_ms:
        for tally in (by_day[day_of(ms, zone)], total):
            tally.comments += 1
    for ms in replies_ms:
        for tally in (by_day[day_of(ms, zone)], total):
            tally.private_replies += 1
    for c in conversations:
        for tally in (by_day[day_of(c.at_ms, zone)], total):
            tally.conversations += 1
            tally.leads += int(c.lead)
            tally.sales += c.sales
            tally.revenue_minor += c.revenue_minor
    for row in spend:
        if row.currency != currency:
            continue  # as on the ads page: never mixed with another currency
        total.spend_minor += spend_in_period(row, first, last)
        total.spend_entered = True
        for day in days:
            if row.from_day <= day <= row.to_day:
                by_day[day].spend_minor += spend_in_period(row, day, day)
                by_day[day].spend_entered = True
    return Timeline(
        currency=currency,
        days=tuple(AdDay(day=day, **_counted(by_day[day], currency)) for day in days),
        totals=CommentFigures(**_counted(total, currency)),
    )

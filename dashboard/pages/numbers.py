"""The numbers pages show, read through the same operation as `GET /api/analytics`, so a page and the JSON
API can never disagree; and the chart data those pages hand to their static script."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.conversations.bot_settings import get_bot_settings
from dashboard.api.analytics import get_analytics
from dashboard.context import db_of, tenant_id
from dashboard.error_table import answer_for
from dashboard.i18n.current import gettext
from dashboard.schemas import AnalyticsQuery
from knowledge.domain_errors import InvalidInput, NotFound

PERIOD_DAYS = 30


def query_supports(name: str) -> bool:
    """Whether the analytics operation takes this filter (campaign and platform filters come with its
    richer version)."""
    return any((info.alias or key) == name for key, info in AnalyticsQuery.model_fields.items())


async def today(request: web.Request) -> date:
    """Today in the business's time zone."""
    zone = (await get_bot_settings(db_of(request), tenant_id(request))).zone
    return datetime.now(zone).date()


async def analytics_json(request: web.Request, first: date, last: date, **filters: str) -> dict[str, Any]:
    """`GET /api/analytics` for this owner, as the JSON it answers (filters it does not know are left out)."""
    values: dict[str, Any] = {"from": first.isoformat(), "to": last.isoformat()}
    values.update({name: value for name, value in filters.items() if value and query_supports(name)})
    query = AnalyticsQuery.model_validate(values)
    result = await get_analytics(request, query)
    report: dict[str, Any] = result.model_dump(mode="json", by_alias=True)
    return report


async def period_report(request: web.Request, first: date, last: date, **filters: str) -> dict[str, Any]:
    """The range's report with the period of equal length just before it under `previous` (asked for
    separately when the operation does not send it)."""
    report = await analytics_json(request, first, last, **filters)
    if "previous" not in report:
        length = (last - first).days + 1
        before = await analytics_json(request, first - timedelta(days=length), first - timedelta(days=1), **filters)
        report["previous"] = {"from": before["from"], "to": before["to"], "totals": before["totals"]}
    return report


def parse_range(request: web.Request, last_default: date) -> tuple[date, date, dict[str, str]]:
    """The range asked in the query string (`from`, `to`), the last 30 days by default; errors by field."""
    errors: dict[str, str] = {}
    last, first = last_default, last_default - timedelta(days=PERIOD_DAYS - 1)
    for name in ("from", "to"):
        raw = request.query.get(name, "").strip()
        if not raw:
            continue
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            errors[name] = gettext("Pick a date")
            continue
        if name == "from":
            first = value
        else:
            last = value
    if "from" not in request.query or not request.query.get("from"):
        first = last - timedelta(days=PERIOD_DAYS - 1)
    if first > last:
        errors["from"] = gettext("The first day must not be after the last")
        first = last - timedelta(days=PERIOD_DAYS - 1)
    return first, last, errors


async def safe_report(request: web.Request, first: date, last: date, **filters: str) -> tuple[dict[str, Any], str]:
    """The report, or an empty one and the API's own words when it refused the range."""
    try:
        return await period_report(request, first, last, **filters), ""
    except (InvalidInput, NotFound) as refused:
        fallback = await period_report(request, last - timedelta(days=PERIOD_DAYS - 1), last, **filters)
        return fallback, answer_for(refused).message


def change(current: float | int | None, previous: float | int | None, *, rate: bool = False) -> dict[str, Any]:
    """How a figure moved against the previous period, in words an owner reads at a glance. A rate (0..1) moves in
    percentage points: 76% → 69% is "−7 pp", not the "−9%" a percent of a percent would say."""
    if current is None or previous is None:
        return {"text": "", "direction": ""}
    if rate:
        return rate_change(current, previous)
    if previous == 0:
        return {"text": gettext("new") if current else gettext("no change"), "direction": "up" if current else ""}
    ratio = (current - previous) / abs(previous)
    if abs(ratio) < 0.005:
        return {"text": gettext("no change"), "direction": ""}
    moved = f"{'+' if ratio > 0 else '−'}{abs(ratio) * 100:.0f}%"
    return {"text": gettext("{change} vs previous").format(change=moved), "direction": "up" if ratio > 0 else "down"}


# What each rate is a share of: with none of it in the period before, that period's 0% is no figure to compare with.
RATE_BASES = {
    "response_rate": "messages_in",
    "conversion_rate": "conversations",
    "handoff_rate": "conversations",
    "bot_resolution_rate": "conversations",
    "complaint_rate": "conversations",
    "customer_reply_rate": "conversations",
}


def figure_change(key: str, totals: dict[str, Any], before: dict[str, Any], fmt: str) -> dict[str, Any]:
    """How the figure `key` moved against the period before: counts in percent, rates in percentage points, and a
    rate whose period before had nothing to measure (no messages, no conversations) as "new"."""
    current, previous = totals.get(key), before.get(key)
    if fmt != "pct":
        return change(current, previous)
    base = RATE_BASES.get(key)
    if base and not before.get(base):
        return {"text": gettext("new") if totals.get(base) else "", "direction": ""}
    return change(current, previous, rate=True)


def rate_change(current: float, previous: float) -> dict[str, Any]:
    points = round((current - previous) * 100, 1)
    if abs(points) < 0.1:
        return {"text": gettext("no change"), "direction": ""}
    shown = f"{'+' if points > 0 else '−'}{abs(points):.1f}".removesuffix(".0")
    return {"text": gettext("{change} pp vs previous").format(change=shown), "direction": "up" if points > 0 else "down"}

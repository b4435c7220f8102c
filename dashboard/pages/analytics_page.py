"""`/analytics`: the numbers of a chosen range in the business's time zone, against the period before, with
charts (messages and revenue over time, campaigns, channels, hour of the week, funnel) drawn by our own
static script from the same JSON `GET /api/analytics` answers."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from babel.dates import get_day_names

from dashboard.context import db_of
from dashboard.i18n import N_, gettext
from dashboard.i18n.current import format_locale
from dashboard.pages.access import owner_session
from dashboard.pages.frame import PLATFORM_NAMES, STAGE_NAMES, Translated, render
from dashboard.pages.home import main_currency, revenue_change
from dashboard.pages.numbers import figure_change, parse_range, query_supports, safe_report, today
from knowledge.campaigns import list_campaigns
from knowledge.platforms import KNOWN_PLATFORMS

routes = web.RouteTableDef()

# (key, label, format, what it means)
METRICS = (
    ("messages_in", N_("Customer messages"), "num", N_("Messages customers sent")),
    ("messages_out", N_("Replies sent"), "num", N_("By the bot and by you")),
    ("response_rate", N_("Messages answered"), "pct", N_("Share of customer messages that got an answer")),
    ("first_response_avg_s", N_("First answer after"), "duration", N_("Average wait for the first answer")),
    ("conversations", N_("New conversations"), "num", N_("Customers who wrote for the first time")),
    ("customer_reply_rate", N_("Customers who replied"), "pct", N_("Wrote again after the bot’s first answer")),
    ("conversions", N_("Sales"), "num", N_("Sales you recorded")),
    ("conversion_rate", N_("Conversations that bought"), "pct", N_("Sales per new conversation")),
    ("revenue", N_("Revenue"), "revenue", N_("Per currency")),
    ("handoff_rate", N_("Handed to a person"), "pct", N_("Conversations where a person was needed")),
    ("bot_resolution_rate", N_("Handled by the bot alone"), "pct", N_("Conversations the bot handled without you")),
    ("complaint_rate", N_("Unhappy conversations"), "pct", N_("With a complaint or anger")),
    ("follow_ups_sent", N_("Follow-ups sent"), "num", N_("Nudges after a customer went quiet")),
    ("follow_up_replies", N_("Replies to follow-ups"), "num", N_("Customers who wrote back after a nudge")),
    ("follow_up_sales", N_("Sales after a follow-up"), "num", N_("Sales recorded after a nudge was sent")),
)


def weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated as CLDR writes them in the owner's language ("lun", "Mo.", "Mon")."""
    names = get_day_names("abbreviated", locale=format_locale())
    return [names[day] for day in range(7)]


def metric_cards(report: dict[str, Any]) -> list[dict[str, Any]]:
    totals, before = report["totals"], report["previous"]["totals"]
    cards = []
    for key, label, fmt, hint in METRICS:
        if key == "revenue":
            value: Any = totals
            moved = revenue_change(totals, before)
        else:
            value = totals.get(key)
            moved = figure_change(key, totals, before, fmt) if value is not None else {"text": "", "direction": ""}
        if key == "first_response_avg_s" and moved["direction"]:  # a shorter wait is the good direction
            moved["direction"] = "down" if moved["direction"] == "up" else "up"
        cards.append({"key": key, "label": gettext(label), "format": fmt, "hint": gettext(hint), "value": value, "change": moved})
    return cards


def charts(report: dict[str, Any]) -> dict[str, Any]:
    currency = main_currency(report)
    days = report.get("per_day", [])
    data: dict[str, Any] = {
        "days": [day["day"] for day in days],
        "messages_in": [day.get("messages_in", 0) for day in days],
        "messages_out": [day.get("messages_out", 0) for day in days],
        "currency": currency,
        "revenue": [(day.get("revenue") or {}).get(currency, 0) for day in days],
        "campaigns": {
            "labels": [row["campaign_name"] for row in report.get("per_campaign", [])],
            "conversations": [row.get("conversations", 0) for row in report.get("per_campaign", [])],
            "conversions": [row.get("conversions", 0) for row in report.get("per_campaign", [])],
        },
        "platforms": {
            "labels": [
                Translated(PLATFORM_NAMES).get(row["platform"], row["platform"] or "Other")
                for row in report.get("per_platform", [])
            ],
            "conversations": [row.get("conversations", 0) for row in report.get("per_platform", [])],
        },
    }
    if "funnel" in report:
        data["funnel"] = {
            "labels": [Translated(STAGE_NAMES).get(s["stage"], s["stage"]) for s in report["funnel"]],
            "counts": [s["count"] for s in report["funnel"]],
        }
    if "hour_of_week" in report:
        weekdays = weekday_names()
        data["hours"] = [
            {"x": cell["hour"], "y": weekdays[cell["weekday"]], "v": cell["messages"]} for cell in report["hour_of_week"]
        ]
        data["weekdays"] = weekdays
    return data


def busiest(report: dict[str, Any]) -> list[dict[str, Any]]:
    cells = sorted(report.get("hour_of_week", []), key=lambda c: c["messages"], reverse=True)
    weekdays = weekday_names()
    return [{"day": weekdays[c["weekday"]], "hour": c["hour"], "messages": c["messages"]} for c in cells[:5] if c["messages"]]


@routes.get("/analytics")
async def analytics_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    last_default = await today(request)
    first, last, errors = parse_range(request, last_default)
    campaigns = await list_campaigns(db_of(request), session.tenant_id)
    filters = {"campaign_id": request.query.get("campaign_id", ""), "platform": request.query.get("platform", "")}
    if filters["campaign_id"] not in {c.id for c in campaigns}:
        filters["campaign_id"] = ""
    if filters["platform"] not in KNOWN_PLATFORMS:
        filters["platform"] = ""
    report, refused = await safe_report(request, first, last, **filters)
    if refused:
        errors["from"] = refused
    context = {
        "report": report,
        "cards": metric_cards(report),
        "chart_data": charts(report),
        "errors": errors,
        "first": report["from"],
        "last": report["to"],
        "campaigns": campaigns,
        "filters": filters,
        "can_filter_campaign": query_supports("campaign_id"),
        "can_filter_platform": query_supports("platform"),
        "busiest": busiest(report),
        "has_funnel": "funnel" in report,
        "has_hours": "hour_of_week" in report,
        "currency": main_currency(report),
    }
    return await render(request, "analytics.html", session, "analytics", context)

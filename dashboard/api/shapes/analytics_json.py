"""The analytics report as the owner API gives it (`GET /api/analytics`): each group's figures under the engine's
counter names (the hours as `in_h00` … `in_h23`), the rates and costs beside them, revenue in major units and
written in the business's locale, days as ISO dates."""

from __future__ import annotations

from typing import Any

from bot.sales.counters import COUNTER_FIELDS, HOUR_FIELDS
from dashboard.analytics import AnalyticsReport, CampaignFigures, Figures
from knowledge.money import format_money

NO_CAMPAIGN = "(no campaign)"
# Counters the API gives only as a figure of its own: revenue per currency, model costs in dollars.
_SHOWN_APART = frozenset({"revenue_cents", "model_cost_micro_usd", "leo_model_cost_micro_usd"})


def campaign_label(group: CampaignFigures) -> str:
    """The campaign's name; its id when no campaign of the business has it any more; a label for no campaign."""
    return group.campaign_name or group.campaign_id or NO_CAMPAIGN


def _counter(figures: Figures, name: str) -> int:
    if name in HOUR_FIELDS:
        return figures.messages_by_hour[HOUR_FIELDS.index(name)]
    return int(getattr(figures, name))


def figures_json(figures: Figures, locale: str) -> dict[str, Any]:
    """One group's figures: raw counters in the engine's order, then what is read from them."""
    out: dict[str, Any] = {name: _counter(figures, name) for name in COUNTER_FIELDS if name not in _SHOWN_APART}
    out.update(
        replies_bot=figures.replies_bot,
        response_rate=figures.response_rate,
        first_response_avg_s=figures.first_response_avg_s,
        conversion_rate=figures.conversion_rate,
        handoff_rate=figures.handoff_rate,
        bot_resolution_rate=figures.bot_resolution_rate,
        customer_reply_rate=figures.customer_reply_rate,
        complaint_rate=figures.complaint_rate,
        model_cost_usd=figures.model_cost_usd,
        leo_model_cost_usd=figures.leo_model_cost_usd,
        revenue=figures.revenue,
        revenue_formatted=[
            {"currency": currency, "amount": figures.revenue[currency], "text": format_money(minor, currency, locale)}
            for currency, minor in figures.revenue_minor.items()
        ],
    )
    return out


def analytics_json(report: AnalyticsReport, locale: str) -> dict[str, Any]:
    """The whole report; money is written in `locale` (the business's)."""
    return {
        "from": report.span.first.isoformat(),
        "to": report.span.last.isoformat(),
        "timezone": report.timezone,
        "totals": figures_json(report.totals, locale),
        "previous": {
            "from": report.previous_span.first.isoformat(),
            "to": report.previous_span.last.isoformat(),
            "totals": figures_json(report.previous, locale),
        },
        "per_day": [{"day": group.day.isoformat(), **figures_json(group, locale)} for group in report.per_day],
        "per_campaign": [
            {"campaign_id": group.campaign_id, "campaign_name": campaign_label(group), **figures_json(group, locale)}
            for group in report.per_campaign
        ],
        "per_platform": [{"platform": group.platform, **figures_json(group, locale)} for group in report.per_platform],
        "funnel": [{"stage": stage.stage.value, "count": stage.count} for stage in report.funnel],
        "lost": report.lost,
        "hour_of_week": [{"weekday": cell.weekday, "hour": cell.hour, "messages": cell.messages} for cell in report.hour_of_week],
    }

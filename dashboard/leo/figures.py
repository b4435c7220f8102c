"""The figures an owner asks about, and how a group (a campaign, a platform, a product) ranks by each. Pure.

"Which campaign brings the most revenue?", "...makes the most sales?", "...converts best?" and "...has the most
conversations?" are four questions with four answers: the metric asked decides the ranking. Rows are the analytics
read side's groups (`dashboard.analytics`), so a figure here is the same figure the analytics page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from dashboard.analytics import CampaignFigures, Figures

# A group of the analytics report (a campaign's, a platform's figures).
Row = TypeVar("Row", bound=Figures)
# How Leo names the conversations that came through no campaign.
NO_CAMPAIGN = "(no campaign)"


def campaign_label(group: CampaignFigures) -> str:
    """The campaign's name; its id when no campaign of the business has it any more; a label for no campaign."""
    return group.campaign_name or group.campaign_id or NO_CAMPAIGN


class Metric(StrEnum):
    conversations = "conversations"
    messages = "messages"
    response_rate = "response_rate"
    first_response = "first_response"
    sales = "sales"
    conversion_rate = "conversion_rate"
    revenue = "revenue"
    handoffs = "handoffs"
    reply_rate = "reply_rate"


@dataclass(frozen=True)
class MetricSpec:
    key: str  # its attribute in an analytics group
    column: str  # its column in the metrics table
    words: str  # how a sentence names it
    leader: str  # how a sentence says which group leads: "X brings the most revenue"
    lower_is_better: bool = False
    rate: bool = False  # a 0..1 rate, shown as a percentage


SPECS: dict[Metric, MetricSpec] = {
    Metric.conversations: MetricSpec("conversations", "conversations", "conversations", "has the most conversations"),
    Metric.messages: MetricSpec("messages_in", "messages in", "customer messages", "gets the most customer messages"),
    Metric.response_rate: MetricSpec(
        "response_rate", "response rate %", "response rate", "answers the largest share of messages", rate=True
    ),
    Metric.first_response: MetricSpec(
        "first_response_avg_s", "first response s", "first response time", "answers fastest", lower_is_better=True
    ),
    Metric.sales: MetricSpec("conversions", "sales", "sales", "makes the most sales"),
    Metric.conversion_rate: MetricSpec(
        "conversion_rate", "conversion rate %", "conversion rate", "converts best", rate=True
    ),
    Metric.revenue: MetricSpec("revenue", "revenue", "revenue", "brings the most revenue"),
    Metric.handoffs: MetricSpec("handoffs", "handoffs", "handoffs to a person", "hands the most customers to a person"),
    Metric.reply_rate: MetricSpec(
        "customer_reply_rate", "customers who wrote back %", "share of customers who wrote back",
        "has the most customers writing back", rate=True,
    ),
}  # fmt: skip


def main_currency(rows: Iterable[Figures]) -> str:
    """The currency most of the revenue is in: revenue in several currencies is ranked in that one."""
    totals: dict[str, float] = {}
    for row in rows:
        for currency, amount in row.revenue.items():
            totals[currency] = totals.get(currency, 0.0) + float(amount)
    return max(sorted(totals), key=lambda currency: totals[currency]) if totals else ""


def figure_of(row: Figures, metric: Metric) -> float | None:
    """The group's figure for `metric` as its report holds it (revenue, per currency, apart)."""
    found = getattr(row, SPECS[metric].key)
    return None if found is None else float(found)


def value(row: Figures, metric: Metric, currency: str = "") -> float | None:
    """The row's figure for `metric` (revenue in `currency`); None where there is none (no first answer yet)."""
    if metric is Metric.revenue:
        return float(row.revenue.get(currency, 0.0)) if currency else 0.0
    found = figure_of(row, metric)
    return None if found is None else float(found)


def ranked(rows: Sequence[Row], metric: Metric) -> list[Row]:
    """The rows best first by `metric`; rows without the figure last, in their order."""
    currency = main_currency(rows) if metric is Metric.revenue else ""
    spec = SPECS[metric]
    scored = [(row, value(row, metric, currency)) for row in rows]
    having = [(row, found) for row, found in scored if found is not None]
    missing = [row for row, found in scored if found is None]
    having.sort(key=lambda pair: -pair[1] if spec.lower_is_better else pair[1], reverse=True)
    return [row for row, _ in having] + missing


def leaders(rows: Sequence[Row], metric: Metric) -> list[Row]:
    """The rows that share the best figure (several when they tie); none when no row has any of it."""
    order = ranked(rows, metric)
    currency = main_currency(rows) if metric is Metric.revenue else ""
    if not order or value(order[0], metric, currency) is None:
        return []
    best = value(order[0], metric, currency)
    if not best and not SPECS[metric].lower_is_better:
        return []
    return [row for row in order if value(row, metric, currency) == best]

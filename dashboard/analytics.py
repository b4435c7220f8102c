"""The analytics read side: the engine's daily counters and the leads, summed for a range of the business's days.

Counters are written by the engine as flat `$inc` documents (`bot/sales/counters.py`); here one `find` reads the
range and the period of equal length before it, and Python sums them (no aggregation on the server, which the
embedded server gets wrong). Messages are never scanned. The funnel reads the leads created in the range.

The report is a typed, frozen value of numbers and dates; the owner API's JSON (its keys, money written in the
owner's locale, the label of conversations of no campaign) is built from it in `dashboard/api/shapes/`.

Rates, each 0..1 and 0 when there is nothing to divide by:
- `response_rate`: customer messages answered (by the bot or a person) over customer messages;
- `conversion_rate`: sales over new conversations; `handoff_rate`: handoffs to a person over new conversations;
- `bot_resolution_rate`: new conversations the bot kept to the end, without a handoff, over new conversations;
- `customer_reply_rate`: conversations whose customer wrote again after the first answer, over first answers;
- `complaint_rate`: conversations with a complaint or anger over new conversations.
`first_response_avg_s` is the customers' average wait for a conversation's first answer (None: none yet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import local_time, zone_of
from bot.conversations.bot_settings import get_bot_settings
from bot.pipeline.types import LeadStage
from bot.sales.counters import COUNTER_FIELDS, HOUR_FIELDS, INTENT_FIELDS, daily_rows
from bot.sales.leads import lead_stages_created
from knowledge.campaigns import list_campaigns
from knowledge.db import Db
from knowledge.models import to_major
from knowledge.money import profile_locale
from knowledge.profiles import get_profile

DEFAULT_LOCALE = "en_US"

MAX_DAYS = 366
DEFAULT_DAYS = 30
# The funnel's stages in order; a lead counts for every stage up to its own (lost leads are counted apart).
FUNNEL_STAGES = (LeadStage.new, LeadStage.engaged, LeadStage.qualified, LeadStage.proposal, LeadStage.converted)


def _rate(part: int, whole: int) -> float:
    return round(min(1.0, part / whole), 4) if whole > 0 and part > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Figures:
    """One group's figures: the engine's counters summed, one field each (a counter the engine adds without a field
    here fails the report's construction, so the two cannot drift apart), the customer messages of each local hour,
    revenue per currency in minor units; the rates of the module's docstring and the costs in dollars are read from
    them."""

    messages_in: int
    messages_answered: int
    messages_out: int
    replies_llm: int
    replies_offline: int
    replies_human: int
    conversations: int
    handoffs: int
    opt_outs: int
    conversions: int
    guard_blocks: int
    send_failures: int
    leads_qualified: int
    first_responses: int
    first_response_ms: int
    customers_replied: int
    complaints: int
    model_calls: int
    model_failures: int
    input_tokens: int
    output_tokens: int
    model_latency_ms: int
    model_cost_micro_usd: int
    leo_model_calls: int
    leo_input_tokens: int
    leo_output_tokens: int
    leo_model_cost_micro_usd: int
    leo_blocks: int
    follow_ups_sent: int
    follow_up_replies: int
    follow_up_sales: int
    intent_greeting: int
    intent_product_question: int
    intent_price_question: int
    intent_objection: int
    intent_buying_signal: int
    intent_human_request: int
    intent_complaint: int
    intent_opt_out: int
    intent_opt_in: int
    intent_small_talk: int
    intent_off_topic: int
    messages_by_hour: tuple[int, ...]  # customer messages of each local hour, 0 to 23
    revenue_minor: Mapping[str, int]  # currency → minor units, currencies in alphabetical order

    @property
    def replies_bot(self) -> int:
        return self.replies_llm + self.replies_offline

    @property
    def response_rate(self) -> float:
        return _rate(self.messages_answered, self.messages_in)

    @property
    def first_response_avg_s(self) -> float | None:
        return round(self.first_response_ms / self.first_responses / 1000, 1) if self.first_responses else None

    @property
    def conversion_rate(self) -> float:
        return _rate(self.conversions, self.conversations)

    @property
    def handoff_rate(self) -> float:
        return _rate(self.handoffs, self.conversations)

    @property
    def bot_resolution_rate(self) -> float:
        return _rate(max(0, self.conversations - self.handoffs), self.conversations)

    @property
    def customer_reply_rate(self) -> float:
        return _rate(self.customers_replied, self.first_responses)

    @property
    def complaint_rate(self) -> float:
        return _rate(self.complaints, self.conversations)

    @property
    def model_cost_usd(self) -> float:
        return round(self.model_cost_micro_usd / 1_000_000, 6)

    @property
    def leo_model_cost_usd(self) -> float:
        return round(self.leo_model_cost_micro_usd / 1_000_000, 6)

    @property
    def revenue(self) -> dict[str, float]:
        """Currency → major units."""
        return {currency: to_major(minor, currency) for currency, minor in self.revenue_minor.items()}

    @property
    def intents(self) -> dict[str, int]:
        """Answered turns by what the customer wanted (intent → turns), in the engine's order of intents."""
        return {name.removeprefix("intent_"): int(getattr(self, name)) for name in INTENT_FIELDS}


@dataclass(frozen=True, slots=True)
class DayFigures(Figures):
    day: date


@dataclass(frozen=True, slots=True)
class CampaignFigures(Figures):
    campaign_id: str  # "" for conversations of no campaign
    campaign_name: str  # "" when no campaign of the business has this id (none, or deleted)


@dataclass(frozen=True, slots=True)
class PlatformFigures(Figures):
    platform: str


@dataclass(frozen=True, slots=True)
class FunnelStage:
    stage: LeadStage
    count: int  # leads created in the range that reached at least this stage


@dataclass(frozen=True, slots=True)
class HourCell:
    weekday: int  # Monday 0
    hour: int
    messages: int


@dataclass(frozen=True)
class DayRange:
    """Days of the business's calendar, both ends included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError("the first day is after the last")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> DayRange:
        """The period of equal length just before."""
        return DayRange(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The range as moments: from the first day's local midnight to the midnight after the last."""
        return (datetime.combine(self.first, time(), zone), datetime.combine(self.last + timedelta(days=1), time(), zone))


def last_days(today: date, days: int = DEFAULT_DAYS) -> DayRange:
    return DayRange(today - timedelta(days=days - 1), today)


@dataclass(frozen=True, slots=True)
class AnalyticsReport:
    """A range's figures against the period before, in total, per day (every day of the range), per campaign and
    per platform; the funnel of the leads created in the range; customer messages by hour of the week."""

    span: DayRange
    timezone: str
    totals: Figures
    previous_span: DayRange  # the period of equal length just before
    previous: Figures
    per_day: tuple[DayFigures, ...]
    per_campaign: tuple[CampaignFigures, ...]
    per_platform: tuple[PlatformFigures, ...]
    funnel: tuple[FunnelStage, ...]
    lost: int
    hour_of_week: tuple[HourCell, ...]  # 168 cells, Monday 00:00 first


@dataclass(frozen=True)
class Scope:
    """What part of the business to read: one campaign, one platform, or all of it ("" for any)."""

    campaign_id: str = ""
    platform: str = ""

    def admits(self, row: Mapping[str, Any]) -> bool:
        if self.campaign_id and row.get("campaign_id") != self.campaign_id:
            return False
        return not (self.platform and row.get("platform") != self.platform)


class Sums:
    """Counters and revenue per currency (minor units) added up over rows."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(COUNTER_FIELDS, 0)
        self.revenue: dict[str, int] = defaultdict(int)

    def add(self, row: Mapping[str, Any]) -> None:
        for name in COUNTER_FIELDS:
            if value := row.get(name):
                self.counts[name] += int(value)
        if (currency := row.get("currency")) and row.get("revenue_cents"):
            self.revenue[str(currency)] += int(row["revenue_cents"])


# Counters that are no field of their own: revenue is kept per currency, the hours as one sequence.
_APART = frozenset({"revenue_cents", *HOUR_FIELDS})


def _fields(sums: Sums) -> dict[str, Any]:
    """The `Figures` fields of a group of rows (a group's own fields, its day or campaign, come beside them)."""
    counts = sums.counts
    return {
        **{name: value for name, value in counts.items() if name not in _APART},
        "messages_by_hour": tuple(counts[name] for name in HOUR_FIELDS),
        "revenue_minor": dict(sorted(sums.revenue.items())),
    }


def metrics(sums: Sums) -> Figures:
    """The figures of one group of rows."""
    return Figures(**_fields(sums))


def _owner_side(row: Mapping[str, Any]) -> bool:
    """Rows the owner's assistant writes (no platform): counted in totals, never as a campaign or platform."""
    return not row.get("platform")


def hour_of_week(rows: Iterable[Mapping[str, Any]]) -> tuple[HourCell, ...]:
    """Customer messages by local weekday (Monday 0) and hour: 168 cells, quiet ones included."""
    cells = [[0] * 24 for _ in range(7)]
    for row in rows:
        weekday = date.fromisoformat(row["day"]).weekday()
        for hour, name in enumerate(HOUR_FIELDS):
            cells[weekday][hour] += int(row.get(name) or 0)
    return tuple(
        HourCell(weekday=weekday, hour=hour, messages=cells[weekday][hour]) for weekday in range(7) for hour in range(24)
    )


def funnel(stages: Iterable[str]) -> tuple[tuple[FunnelStage, ...], int]:
    """Leads that reached at least each stage (a converted lead has passed every one before), and the lost ones."""
    order = {stage.value: n for n, stage in enumerate(FUNNEL_STAGES)}
    reached = [0] * len(FUNNEL_STAGES)
    lost = 0
    for stage in stages:
        if stage == LeadStage.lost.value:
            lost += 1
            reached[0] += 1  # every lead was new once; where it was lost is not known
            continue
        for n in range(order.get(stage, 0) + 1):
            reached[n] += 1
    return tuple(FunnelStage(stage=stage, count=count) for stage, count in zip(FUNNEL_STAGES, reached, strict=True)), lost


def summarize(
    rows: Iterable[Mapping[str, Any]],
    span: DayRange,
    *,
    scope: Scope = Scope(),
    campaign_names: Mapping[str, str] | None = None,
    lead_stages: Iterable[str] = (),
    timezone: str = "UTC",
) -> AnalyticsReport:
    """The report for `span` (and the period before it) from counter rows covering both. Pure."""
    before = span.previous()
    total, previous = Sums(), Sums()
    per_day: dict[str, Sums] = defaultdict(Sums)
    per_campaign: dict[str, Sums] = defaultdict(Sums)
    per_platform: dict[str, Sums] = defaultdict(Sums)
    current: list[Mapping[str, Any]] = []
    for row in rows:
        if not scope.admits(row):
            continue
        day = date.fromisoformat(row["day"])
        if before.contains(day):
            previous.add(row)
            continue
        if not span.contains(day):
            continue
        current.append(row)
        total.add(row)
        per_day[row["day"]].add(row)
        if not _owner_side(row):
            per_campaign[row.get("campaign_id") or "-"].add(row)
            per_platform[row["platform"]].add(row)
    names = dict(campaign_names or {})
    campaign_ids = [scope.campaign_id] if scope.campaign_id else [*names, *(key for key in per_campaign if key not in names)]
    stages, lost = funnel(lead_stages)
    return AnalyticsReport(
        span=span,
        timezone=timezone,
        totals=metrics(total),
        previous_span=before,
        previous=metrics(previous),
        per_day=tuple(DayFigures(day=day, **_fields(per_day.get(day.isoformat(), Sums()))) for day in span.each_day()),
        per_campaign=tuple(
            CampaignFigures(
                campaign_id="" if key == "-" else key,
                campaign_name=names.get(key, ""),
                **_fields(per_campaign.get(key, Sums())),
            )
            for key in dict.fromkeys(campaign_ids)
        ),
        per_platform=tuple(PlatformFigures(platform=key, **_fields(sums)) for key, sums in sorted(per_platform.items())),
        funnel=stages,
        lost=lost,
        hour_of_week=hour_of_week(current),
    )


@dataclass(frozen=True)
class Business:
    """How a tenant's numbers are read: its time zone (and so its today), its locale for money, its campaigns."""

    timezone: str
    locale: str
    today: date
    campaign_names: Mapping[str, str]

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)


async def business_of(db: Db, tenant_id: str, now: datetime) -> Business:
    settings = await get_bot_settings(db, tenant_id)
    profile = await get_profile(db, tenant_id)
    campaigns = await list_campaigns(db, tenant_id)
    # Money on the owner's pages is written as the bot writes it to customers.
    currency = campaigns[0].product.currency if campaigns else ""
    return Business(
        timezone=settings.timezone,
        locale=profile_locale(profile, currency),
        today=local_time(now, settings.zone).date(),
        campaign_names={c.id: c.name for c in campaigns},
    )


async def read_analytics(
    db: Db, tenant_id: str, span: DayRange, business: Business, *, scope: Scope = Scope()
) -> AnalyticsReport:
    """The tenant's report for `span`: one read of the counters (this period and the one before) and one of the leads."""
    if span.days > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at once")
    rows = await daily_rows(db, tenant_id, span.previous().first, span.last)
    since, until = span.bounds(business.zone)
    stages = await lead_stages_created(db, tenant_id, since, until, campaign_id=scope.campaign_id, platform=scope.platform)
    return summarize(
        rows,
        span,
        scope=scope,
        campaign_names=business.campaign_names,
        lead_stages=stages,
        timezone=business.timezone,
    )


async def analytics(
    db: Db, tenant_id: str, first_day: date, last_day: date, campaign_names: dict[str, str] | None = None
) -> AnalyticsReport:
    """The report in UTC days, for callers that have no business settings at hand."""
    business = Business(timezone="UTC", locale=DEFAULT_LOCALE, today=last_day, campaign_names=campaign_names or {})
    return await read_analytics(db, tenant_id, DayRange(first_day, last_day), business)

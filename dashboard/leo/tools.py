"""Leo's tools: each one a small class with a description the model reads, a typed input and one `run` method over
the tenant's own data. The offline analyst calls the same tools, so every number Leo states has one source.

Every tool reads through `LeoData`, which carries the tenant id: no tool takes a tenant from its input. Numbers come
from the analytics read side (`dashboard.analytics`), never from a second computation. Text a customer wrote (a
name, a contact, a message) sits in columns the result names (`results.py`).
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from bot.conversations import store as convs
from bot.conversations.messages import recent_messages
from bot.conversations.records import Conversation, ConversationStatus, HandoffCause
from bot.pipeline.types import Intent, LeadStage
from bot.sales.ad_figures import AdRow, ad_figures
from bot.sales.leads import Lead, list_leads
from dashboard.analytics import (
    AnalyticsReport,
    Business,
    CampaignFigures,
    DayFigures,
    DayRange,
    Figures,
    PlatformFigures,
    Scope,
    read_analytics,
)
from dashboard.i18n.current import N_
from dashboard.lead_words import note_words
from dashboard.leo.figures import SPECS, Metric, campaign_label, leaders, ranked
from dashboard.leo.ranges import NamedRange, default_range, range_in
from dashboard.leo.results import Cell, Figure, ToolResult, customer_cell
from dashboard.leo.safety import Contacts, contacts_in
from dashboard.leo.vocabulary import fold
from knowledge.campaigns import list_campaigns
from knowledge.db import Db
from knowledge.models import BillingPeriod, Campaign, CustomPeriod, to_major
from knowledge.money import format_money
from knowledge.platforms import KnownPlatform
from knowledge.profiles import get_profile

PLATFORM_NAMES = {"facebook": "Messenger", "instagram": "Instagram", "whatsapp": "WhatsApp"}
OPEN_STAGES = (LeadStage.new, LeadStage.engaged, LeadStage.qualified, LeadStage.proposal)
INTENT_WORDS = {
    Intent.greeting.value: "greetings",
    Intent.product_question.value: "product questions",
    Intent.price_question.value: "price questions",
    Intent.objection.value: "objections",
    Intent.buying_signal.value: "ready to buy",
    Intent.human_request.value: "asked for a person",
    Intent.opt_out.value: "stop messages",
    Intent.opt_in.value: "start again",
    Intent.small_talk.value: "small talk",
    Intent.off_topic.value: "off topic",
}
PERIOD_HELP = (
    "days in plain words, read in the business's time zone: 'today', 'yesterday', 'this week', 'last week', "
    "'this month', 'last month', 'in November', 'since Monday', 'last 7 days' or 'YYYY-MM-DD to YYYY-MM-DD'"
)

# How the catalog tool names a price's period ("at $49.00 per month"); an owner's own period is shown as typed.
BILLING_WORDS = {
    BillingPeriod.one_time: "one-off",
    BillingPeriod.hour: "hour",
    BillingPeriod.day: "day",
    BillingPeriod.night: "night",
    BillingPeriod.week: "week",
    BillingPeriod.month: "month",
    BillingPeriod.year: "year",
    BillingPeriod.session: "session",
    BillingPeriod.person: "person",
    BillingPeriod.user_month: "user and month",
}


def billing_words(period: BillingPeriod | CustomPeriod) -> str:
    """The period as Leo's sentences put it after "per": "month", "class pack" for the owner's "per class pack"."""
    if isinstance(period, CustomPeriod):
        return re.sub(r"^(?:per\b|/)\s*", "", period.custom, flags=re.IGNORECASE) or period.custom
    return BILLING_WORDS[period]


class ToolError(Exception):
    """The tool cannot answer this input (an unknown campaign, say); the message tells the model what would work."""


def pct(rate: float) -> float:
    """A 0..1 rate as a percentage with one decimal."""
    return round(rate * 100, 1)


def money_cell(figures: Figures, locale: str) -> str:
    """A group's revenue per currency, written as the business writes money (its locale)."""
    return ", ".join(format_money(minor, currency, locale) for currency, minor in figures.revenue_minor.items()) or "0"


@dataclass
class LeoData:
    """One tenant's data as Leo reads it, for one question (reports read once per range and scope)."""

    db: Db
    tenant_id: str
    business: Business
    _reports: dict[tuple[DayRange, Scope], AnalyticsReport] = field(default_factory=dict)
    _campaigns: list[Campaign] | None = None

    def period(self, words: str | None) -> NamedRange:
        return (range_in(words, self.business.today) if words else None) or default_range(self.business.today)

    async def report(self, span: DayRange, scope: Scope = Scope()) -> AnalyticsReport:
        key = (span, scope)
        if key not in self._reports:
            self._reports[key] = await read_analytics(self.db, self.tenant_id, span, self.business, scope=scope)
        return self._reports[key]

    async def campaigns(self) -> list[Campaign]:
        if self._campaigns is None:
            self._campaigns = await list_campaigns(self.db, self.tenant_id)
        return self._campaigns

    async def own_contacts(self) -> Contacts:
        """The business's own website, phone and purchase links: destinations an answer may name."""
        profile = await get_profile(self.db, self.tenant_id)
        texts = [c.product.cta_url for c in await self.campaigns() if c.product.cta_url]
        if profile is not None:
            texts += [profile.website, profile.phone]
        return contacts_in(text for text in texts if text)

    async def campaign_id(self, name_or_id: str | None) -> str:
        """The id of the tenant's campaign named (or with the id) `name_or_id`; "" for none."""
        if not name_or_id or not name_or_id.strip():
            return ""
        wanted = name_or_id.strip().lower()
        campaigns = await self.campaigns()
        for campaign in campaigns:
            if wanted in (campaign.id.lower(), campaign.name.lower(), campaign.product.name.lower()):
                return campaign.id
        matches = [c for c in campaigns if wanted in c.name.lower() or wanted in c.product.name.lower()]
        if len(matches) == 1:
            return matches[0].id
        raise ToolError(f"no campaign called {name_or_id!r}; the campaigns are: " + ", ".join(c.name for c in campaigns))


class Tool(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def Input(self) -> type[BaseModel]: ...

    async def run(self, data: LeoData, args: Any) -> ToolResult: ...


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _RangeIn(_In):
    period: str = Field(default="the last 30 days", max_length=80, description=PERIOD_HELP)
    platform: KnownPlatform | None = Field(default=None, description="only this platform (facebook is Messenger)")
    campaign: str | None = Field(default=None, max_length=200, description="only this campaign (its name)")


async def _scope(data: LeoData, args: _RangeIn) -> Scope:
    return Scope(campaign_id=await data.campaign_id(args.campaign), platform=args.platform or "")


def _scope_words(args: _RangeIn) -> str:
    parts = [PLATFORM_NAMES[args.platform]] if args.platform else []
    if args.campaign:
        parts.append(args.campaign)
    return f" ({', '.join(parts)})" if parts else ""


def _titled(figure: Figure, words: str, **parts: str) -> Figure:
    """The figure with its title as a catalog sentence and its parts (`period` is a range's English label)."""
    figure.title_words, figure.title_parts = words, parts
    return figure


METRIC_COLUMNS = [
    "conversations",
    "messages in",
    "response rate %",
    "first response s",
    "sales",
    "conversion rate %",
    "revenue",
    "handoffs",
    "customers who wrote back %",
]


METRIC_HELP = (
    "the figure the owner asked about: revenue (money), sales (how many), conversion_rate, conversations, messages, "
    "response_rate, first_response (time), handoffs or reply_rate; 'most revenue' and 'most sales' differ"
)


def _groups_by(report: AnalyticsReport, group_by: str) -> Sequence[Figures]:
    if group_by == "day":
        return report.per_day
    if group_by == "campaign":
        return report.per_campaign
    return report.per_platform


# The figures compared between a period and the one before: the row's label, the figure, its scale for the table.
ComparedFigure = Literal[
    "conversations", "messages_in", "response_rate", "conversions", "conversion_rate", "handoffs", "complaint_rate",
    "first_response_avg_s",
]  # fmt: skip
COMPARED_FIGURES: tuple[tuple[str, ComparedFigure, int], ...] = (
    ("conversations", "conversations", 1),
    ("customer messages", "messages_in", 1),
    ("response rate %", "response_rate", 100),
    ("sales", "conversions", 1),
    ("conversion rate %", "conversion_rate", 100),
    ("handoffs", "handoffs", 1),
    ("complaint rate %", "complaint_rate", 100),
    ("first response s", "first_response_avg_s", 1),
)


def metric_cells(m: Figures, locale: str) -> list[Cell]:
    return [
        m.conversations,
        m.messages_in,
        pct(m.response_rate),
        m.first_response_avg_s,
        m.conversions,
        pct(m.conversion_rate),
        money_cell(m, locale),
        m.handoffs,
        pct(m.customer_reply_rate),
    ]


def metric_order(metric: Metric | None) -> list[int]:
    """The metrics table's column order: the figure asked for first, beside the row's name."""
    if metric is None:
        return list(range(len(METRIC_COLUMNS)))
    asked = METRIC_COLUMNS.index(SPECS[metric].column)
    return [asked, *(n for n in range(len(METRIC_COLUMNS)) if n != asked)]


def _group_name(row: Figures) -> str:
    if isinstance(row, DayFigures):
        return row.day.isoformat()
    if isinstance(row, CampaignFigures):
        return campaign_label(row)
    if isinstance(row, PlatformFigures):
        return PLATFORM_NAMES.get(row.platform, row.platform)
    return ""


class MetricsTool:
    name: ClassVar[str] = "metrics"
    description: ClassVar[str] = (
        "The business's numbers for a period: new conversations, customer messages, response rate, average "
        "first-response time in seconds, sales, conversion rate (sales over conversations), revenue per currency, "
        "handoffs to a person and the share of customers who wrote again. In total or grouped by day, campaign or "
        "platform; optionally for one platform or campaign. Pass `metric` for the figure the question asks about: "
        "campaigns and platforms then come ranked by it, and `leader` names the best."
    )

    class Input(_RangeIn):
        group_by: Literal["total", "day", "campaign", "platform"] = Field(default="total", description="how to split the numbers")
        metric: Metric | None = Field(default=None, description=METRIC_HELP)

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period, scope = data.period(args.period), await _scope(data, args)
        report = await data.report(period.span, scope)
        notes: dict[str, Any] = {"period": period.label}
        order = metric_order(args.metric)
        if args.group_by == "total":
            groups: Sequence[Figures] = [report.totals]
            first, names = "period", [period.words]
        else:
            groups = _groups_by(report, args.group_by)
            if args.metric is not None and args.group_by != "day":
                groups = ranked(groups, args.metric)
            first, names = args.group_by, [_group_name(row) for row in groups]
        if args.metric is not None and args.group_by != "total":
            notes["ranked_by" if args.group_by != "day" else "asked_for"] = SPECS[args.metric].words
            notes["leader"] = [_group_name(row) for row in leaders(groups, args.metric)]
        rows: list[list[Cell]] = []
        for name, group in zip(names, groups, strict=True):
            cells = metric_cells(group, data.business.locale)
            rows.append([name, *(cells[n] for n in order)])
        title = (
            f"Numbers by {args.group_by}, {period.label}{_scope_words(args)}"
            if args.group_by != "total"
            else f"Numbers, {period.label}{_scope_words(args)}"
        )
        figure = Figure(title=title, columns=[first, *(METRIC_COLUMNS[n] for n in order)], rows=rows)
        money_at = figure.columns.index("revenue")
        figure.amounts = {f"{n},{money_at}": dict(group.revenue) for n, group in enumerate(groups)}
        if args.group_by != "total":
            _titled(
                figure,
                N_("Numbers by {group}, {period}{scope}"),
                group=args.group_by,
                period=period.label,
                scope=_scope_words(args),
            )
        else:
            _titled(figure, N_("Numbers, {period}{scope}"), period=period.label, scope=_scope_words(args))
        return ToolResult(figure, notes)


class ComparePeriodsTool:
    name: ClassVar[str] = "compare_periods"
    description: ClassVar[str] = (
        "A period's numbers against the period of equal length just before it (what changed): conversations, "
        "messages, response rate, sales, conversion rate, revenue, handoffs, complaints, first-response time."
    )

    class Input(_RangeIn):
        pass

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period, scope = data.period(args.period), await _scope(data, args)
        report = await data.report(period.span, scope)
        now, before = report.totals, report.previous
        rows: list[list[Cell]] = []
        for label, key, scale in COMPARED_FIGURES:
            a, b = getattr(now, key), getattr(before, key)
            if a is None or b is None:
                rows.append([label, a, b, None])
                continue
            a, b = round(a * scale, 1), round(b * scale, 1)
            rows.append([label, a, b, round(a - b, 1)])
        currencies = sorted(set(now.revenue) | set(before.revenue))
        for currency in currencies:
            a, b = now.revenue.get(currency, 0.0), before.revenue.get(currency, 0.0)
            rows.append([f"revenue {currency}", a, b, round(a - b, 2)])
        previous = f"{report.previous_span.first.isoformat()} to {report.previous_span.last.isoformat()}"
        figure = Figure(
            title=f"{period.label}{_scope_words(args)} against the {period.span.days} days before ({previous})",
            columns=["figure", "this period", "period before", "change"],
            rows=rows,
        )
        _titled(
            figure,
            N_("{period}{scope} against the {days} days before ({previous})"),
            period=period.label,
            scope=_scope_words(args),
            days=str(period.span.days),
            previous=previous,
        )
        return ToolResult(figure, {"period": period.label, "previous_period": previous})


class FunnelTool:
    name: ClassVar[str] = "lead_funnel"
    description: ClassVar[str] = (
        "Leads created in a period by how far they got: new, engaged, qualified, proposal, converted (a lead counts "
        "for every stage it passed, so a sale counts as qualified too), and how many were lost."
    )

    class Input(_RangeIn):
        pass

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period, scope = data.period(args.period), await _scope(data, args)
        report = await data.report(period.span, scope)
        top = report.funnel[0].count
        rows: list[list[Cell]] = [[row.stage.value, row.count, pct(row.count / top) if top else 0.0] for row in report.funnel]
        rows.append(["lost", report.lost, pct(report.lost / top) if top else 0.0])
        figure = Figure(
            title=f"Lead funnel, {period.label}{_scope_words(args)}", columns=["stage", "leads", "% of leads"], rows=rows
        )
        _titled(figure, N_("Lead funnel, {period}{scope}"), period=period.label, scope=_scope_words(args))
        return ToolResult(figure, {"period": period.label})


class TopProductsTool:
    name: ClassVar[str] = "top_products"
    description: ClassVar[str] = (
        "The products (one per campaign) ranked in a period by the figure asked (sales by default; revenue, "
        "conversion_rate, conversations ...), with their price, sales, revenue, conversations and conversion rate."
    )

    class Input(_In):
        period: str = Field(default="the last 30 days", max_length=80, description=PERIOD_HELP)
        limit: int = Field(default=5, ge=1, le=20, description="how many products")
        metric: Metric = Field(default=Metric.sales, description="what ranks them: " + METRIC_HELP)

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period = data.period(args.period)
        report = await data.report(period.span)
        by_id = {c.id: c for c in await data.campaigns()}
        # Ties on the asked figure keep sales, then revenue, then conversations as their order.
        usual = sorted(
            (row for row in report.per_campaign if row.campaign_id in by_id),
            key=lambda r: (r.conversions, sum(r.revenue.values()), r.conversations),
            reverse=True,
        )
        order = ranked(usual, args.metric)
        best = [by_id[row.campaign_id].product.name for row in leaders(order, args.metric)]
        rows: list[list[Cell]] = []
        amounts: dict[str, dict[str, float]] = {}
        for row in order[: args.limit]:
            product = by_id[row.campaign_id].product
            amounts[f"{len(rows)},2"] = {product.currency: float(to_major(product.price_cents, product.currency))}
            amounts[f"{len(rows)},4"] = dict(row.revenue)
            rows.append(
                [
                    product.name,
                    campaign_label(row),
                    format_money(product.price_cents, product.currency, data.business.locale),
                    row.conversions,
                    money_cell(row, data.business.locale),
                    row.conversations,
                    pct(row.conversion_rate),
                ]
            )
        figure = Figure(
            title=f"Top products, {period.label}",
            columns=["product", "campaign", "price", "sales", "revenue", "conversations", "conversion rate %"],
            rows=rows,
            amounts=amounts,
        )
        _titled(figure, N_("Top products, {period}"), period=period.label)
        return ToolResult(figure, {"period": period.label, "ranked_by": SPECS[args.metric].words, "leader": best})


# A lead with no way to reach them but the chat; the offline analyst says it in the owner's language.
NO_CONTACT = N_("no phone or email yet, reply in the chat")


def _money_or_none(value: float | None, currency: str, locale: str) -> str | None:
    return None if value is None else format_money(round(value * 100), currency, locale)


def ad_named(ad: AdRow, name: str) -> bool:
    """Whether `name` names this ad: its id, or a telling word of its title ("the summer ad" names "Summer yoga";
    "the", "ad" and other short words name nothing)."""
    folded = fold(name).strip()
    if folded == ad.ad_id:
        return True
    wanted = [w for w in re.findall(r"\w+", folded) if len(w) >= 4]
    title = fold(ad.headline)
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", title) for w in wanted)


class AdsTool:
    name: ClassVar[str] = "ad_performance"
    description: ClassVar[str] = (
        "Each ad (and its campaign) in a period: conversations it started, leads (qualified or further), sales, "
        "revenue, the spend the owner entered, cost per lead, cost per sale and return on ad spend (revenue / spend). "
        "Empty cells mean undefined: no spend entered, or no lead or sale to divide by. Ranked by sales, then revenue."
    )

    class Input(_In):
        period: str = Field(default="the last 30 days", max_length=80, description=PERIOD_HELP)
        campaign: str | None = Field(default=None, max_length=200, description="only the ads of this campaign (its name)")
        ad: str | None = Field(
            default=None,
            max_length=200,
            description='only this ad, for a question about one ad ("is the summer ad worth it?"): words of its title, or its id',
        )

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period = data.period(args.period)
        campaign_id = await data.campaign_id(args.campaign)
        since, until = period.span.bounds(data.business.zone)
        figures = await ad_figures(data.db, data.tenant_id, since, until, period.span.first, period.span.last)
        ads = [ad for ad in figures.ads if not campaign_id or ad.campaign_id == campaign_id]
        if args.ad:
            ads = [ad for ad in ads if ad_named(ad, args.ad)]
        ads.sort(key=lambda ad: (ad.sales, ad.revenue, ad.conversations), reverse=True)
        currency, locale = figures.currency, data.business.locale
        # The money cells' amounts, by "row,column": the owner reads them in their language's way.
        amounts = {
            f"{n},{column}": {currency: float(amount)}
            for n, ad in enumerate(ads)
            for column, amount in ((6, ad.revenue), (7, ad.spend), (8, ad.cost_per_lead), (9, ad.cost_per_sale))
            if amount is not None
        }
        rows: list[list[Cell]] = [
            [
                customer_cell(ad.headline) or ad.ad_id,
                ad.ad_id,
                ad.campaign_name,
                ad.conversations,
                ad.leads,
                ad.sales,
                format_money(round(ad.revenue * 100), currency, locale),
                _money_or_none(ad.spend, currency, locale),
                _money_or_none(ad.cost_per_lead, currency, locale),
                _money_or_none(ad.cost_per_sale, currency, locale),
                ad.roas,
            ]
            for ad in ads
        ]
        leader = [str(row[0]) for row in rows[:1] if row[5]]
        return ToolResult(
            _titled(
                Figure(
                    title=f"Ads, {period.label}",
                    columns=[
                        "ad",
                        "ad id",
                        "campaign",
                        "conversations",
                        "leads",
                        "sales",
                        "revenue",
                        "spend",
                        "cost per lead",
                        "cost per sale",
                        "return on ad spend",
                    ],
                    rows=rows,
                    amounts=amounts,
                ),
                N_("Ads, {period}"),
                period=period.label,
            ),
            {"period": period.label, "currency": currency, "leader": leader},
            customer_columns=("ad",),
        )


def whatsapp_number(platform: str, customer_id: str) -> str:
    """The number a WhatsApp customer writes from ("" elsewhere: a Messenger or Instagram id reaches no one)."""
    return "+" + customer_id if platform == "whatsapp" and customer_id.isdigit() else ""


def contact_of(lead: Lead) -> str:
    """How the owner reaches the customer: the phone or email they gave, or the WhatsApp number they write from."""
    return lead.fields.phone or lead.fields.email or whatsapp_number(lead.platform, lead.customer_id) or NO_CONTACT


def next_step_words(lead: Lead) -> str:
    """The lead's next step in the owner's language (as stored when it has no kind)."""
    said = note_words(lead.next_step_note.model_dump()) if lead.next_step_note else None
    return said or lead.next_step


class LeadsTool:
    name: ClassVar[str] = "leads"
    description: ClassVar[str] = (
        "Leads with their score (0-100), stage, contact, platform, whether they got the purchase link and the next "
        "step, best first. By default the open ones (not converted or lost): the people to call today."
    )

    class Input(_In):
        stage: Literal["new", "engaged", "qualified", "proposal", "converted", "lost", "open"] = Field(
            default="open", description="one stage, or 'open' for every lead not converted or lost"
        )
        min_score: int = Field(default=0, ge=0, le=100, description="only leads scoring at least this")
        platform: KnownPlatform | None = Field(default=None, description="only this platform")
        limit: int = Field(default=10, ge=1, le=50)

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        stage = "" if args.stage == "open" else args.stage
        leads = await list_leads(data.db, data.tenant_id, stage=stage, limit=500)
        chosen = [
            lead
            for lead in leads
            if (stage or lead.stage in OPEN_STAGES)
            and lead.score >= args.min_score
            and (not args.platform or lead.platform == args.platform)
        ]
        names = data.business.campaign_names
        rows: list[list[Cell]] = [
            [
                customer_cell(lead.name) or "(no name given)",
                lead.score,
                lead.stage.value,
                contact_of(lead),
                PLATFORM_NAMES.get(lead.platform, lead.platform),
                names.get(lead.campaign_id, ""),
                "yes" if lead.counters.get("cta_sent") else "no",
                next_step_words(lead),
            ]
            for lead in chosen[: args.limit]
        ]
        figure = Figure(
            title=f"Leads ({args.stage})",
            rows=rows,
            columns=["name", "score", "stage", "contact", "platform", "campaign", "got the link", "next step"],
        )
        _titled(figure, N_("Leads ({stage})"), stage=args.stage)
        return ToolResult(
            figure, {"matching_leads": len(chosen)}, customer_columns=("name", "contact"), contact_columns=("contact",)
        )


def _waiting_state(conversation: Conversation) -> str:
    """Why a conversation waits for a person, as `labels.WAITING_STATES` names it."""
    if conversation.status != ConversationStatus.handoff:
        return "a person has it"
    if conversation.handoff_cause == HandoffCause.unanswered:
        return "a question the bot could not answer"
    return "asked for a person"


class NeedsPersonTool:
    name: ClassVar[str] = "conversations_needing_a_person"
    description: ClassVar[str] = (
        "Conversations waiting for a person: the customer asked for one, the bot could not answer a question, or a "
        "person has taken over; with the customer's last message."
    )

    class Input(_In):
        limit: int = Field(default=10, ge=1, le=50)

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        waiting = [
            *await convs.list_conversations(data.db, data.tenant_id, status=ConversationStatus.handoff.value, limit=args.limit),
            *await convs.list_conversations(data.db, data.tenant_id, status=ConversationStatus.human.value, limit=args.limit),
        ]
        zone = data.business.zone
        rows: list[list[Cell]] = []
        for c in waiting[: args.limit]:
            recent = await recent_messages(data.db, data.tenant_id, c.id, limit=10)
            said = next((m.text for m in reversed(recent) if m.direction == "in" and m.text), "")
            rows.append(
                [
                    customer_cell(c.customer_name) or whatsapp_number(c.platform, c.customer_id) or "(no name given)",
                    PLATFORM_NAMES.get(c.platform, c.platform),
                    _waiting_state(c),
                    c.last_message_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    customer_cell(said, limit=120),
                ]
            )
        figure = Figure(
            title="Conversations that need a person",
            columns=["customer", "platform", "state", "last message", "customer wrote"],
            rows=rows,
        )
        _titled(figure, N_("Conversations that need a person"))
        return ToolResult(
            figure, {"waiting": len(waiting)}, customer_columns=("customer", "customer wrote"), contact_columns=("customer",)
        )


class CatalogTool:
    name: ClassVar[str] = "catalog"
    description: ClassVar[str] = "What the business sells: each campaign's product, price, billing period, platform and status."

    class Input(_In):
        pass

    async def run(self, data: LeoData, args: Input) -> ToolResult:  # noqa: ARG002 # every tool is run with its input
        rows: list[list[Cell]] = []
        for campaign in await data.campaigns():
            product = campaign.product
            billing = billing_words(product.billing_period)
            platform = campaign.target_platform.value
            rows.append(
                [
                    product.name,
                    campaign.name,
                    format_money(product.price_cents, product.currency, data.business.locale),
                    billing,
                    "every platform" if platform == "all" else PLATFORM_NAMES.get(platform, platform),
                    campaign.status.value,
                    "yes" if campaign.chat_flow.objection_handling else "no",
                ]
            )
        figure = Figure(
            title="Catalog",
            columns=["product", "campaign", "price", "billing", "platform", "status", "objection answers"],
            rows=rows,
        )
        _titled(figure, N_("Catalog"))
        return ToolResult(figure, {"products": len(rows)})


class IntentsTool:
    name: ClassVar[str] = "customer_intents"
    description: ClassVar[str] = (
        "What customers wrote about most in a period (price questions, product questions, objections, ready to buy, "
        "asked for a person ...), counted per answered turn, and per campaign the objections against whether its chat "
        "flow has objection answers."
    )

    class Input(_RangeIn):
        pass

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period, scope = data.period(args.period), await _scope(data, args)
        report = await data.report(period.span, scope)
        totals = report.totals
        counted = sorted(
            ((INTENT_WORDS.get(intent, intent), count) for intent, count in totals.intents.items() if count),
            key=lambda item: item[1],
            reverse=True,
        )
        answered = {c.id: bool(c.chat_flow.objection_handling) for c in await data.campaigns()}
        objections = [
            {
                "campaign": campaign_label(row),
                "objections": row.intent_objection,
                "has_objection_answers": answered.get(row.campaign_id, False),
            }
            for row in report.per_campaign
            if row.intent_objection
        ]
        figure = Figure(
            title=f"What customers wrote about, {period.label}{_scope_words(args)}",
            columns=["topic", "turns"],
            rows=[[name, count] for name, count in counted],
        )
        _titled(figure, N_("What customers wrote about, {period}{scope}"), period=period.label, scope=_scope_words(args))
        return ToolResult(figure, {"period": period.label, "objections_by_campaign": objections})


class GuardTool:
    name: ClassVar[str] = "unanswered_and_blocked"
    description: ClassVar[str] = (
        "What went unanswered in a period: customer messages left without an answer, replies that could not be "
        "delivered, model answers the guard replaced because they stated a price or fact not in the catalog, and "
        "handoffs to a person."
    )

    class Input(_RangeIn):
        pass

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period, scope = data.period(args.period), await _scope(data, args)
        t = (await data.report(period.span, scope)).totals
        rows: list[list[Cell]] = [
            ["customer messages", t.messages_in],
            ["left without an answer", max(0, t.messages_in - t.messages_answered)],
            ["replies not delivered", t.send_failures],
            ["answers blocked by the guard", t.guard_blocks],
            ["handoffs to a person", t.handoffs],
        ]
        figure = Figure(title=f"Unanswered and blocked, {period.label}{_scope_words(args)}", columns=["what", "count"], rows=rows)
        _titled(figure, N_("Unanswered and blocked, {period}{scope}"), period=period.label, scope=_scope_words(args))
        return ToolResult(figure, {"period": period.label})


class HourOfWeekTool:
    name: ClassVar[str] = "activity_by_hour"
    description: ClassVar[str] = "When customers write, by weekday and hour in the business's time zone: the busiest hours first."

    class Input(_RangeIn):
        limit: int = Field(default=5, ge=1, le=24, description="how many of the busiest hours")

    async def run(self, data: LeoData, args: Input) -> ToolResult:
        period, scope = data.period(args.period), await _scope(data, args)
        cells = (await data.report(period.span, scope)).hour_of_week
        busiest = sorted((c for c in cells if c.messages), key=lambda c: c.messages, reverse=True)[: args.limit]
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        rows: list[list[Cell]] = [[days[c.weekday], f"{c.hour:02d}:00", c.messages] for c in busiest]
        figure = Figure(
            title=f"Busiest hours, {period.label}{_scope_words(args)}",
            columns=["weekday", "hour", "customer messages"],
            rows=rows,
        )
        _titled(figure, N_("Busiest hours, {period}{scope}"), period=period.label, scope=_scope_words(args))
        return ToolResult(figure, {"period": period.label, "timezone": data.business.timezone})


_OPERATORS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def calculate(expression: str) -> float:
    """+ - * / and parentheses over numbers; anything else is refused."""

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.operand))
        raise ToolError("only numbers, + - * / and parentheses")

    try:
        tree = ast.parse(expression.replace("%", "/100").replace(",", ""), mode="eval")
        return round(value(tree.body), 6)
    except (SyntaxError, ZeroDivisionError, ValueError) as exc:
        raise ToolError(f"cannot calculate that: {exc.__class__.__name__}") from None


class CalculatorTool:
    name: ClassVar[str] = "calculator"
    description: ClassVar[str] = (
        "Arithmetic on numbers from other tools (+ - * / and parentheses), for any figure you want to show that no "
        "tool gives directly, such as a difference, a share or an average."
    )

    class Input(_In):
        expression: str = Field(min_length=1, max_length=200, description="for example (12 - 9) / 9 * 100")

    async def run(self, data: LeoData, args: Input) -> ToolResult:  # noqa: ARG002 # arithmetic reads no data
        result = calculate(args.expression)
        figure = Figure(title="Calculation", columns=["expression", "result"], rows=[[args.expression, result]])
        return ToolResult(_titled(figure, N_("Calculation")))


TOOLS: tuple[Tool, ...] = (
    MetricsTool(),
    ComparePeriodsTool(),
    FunnelTool(),
    TopProductsTool(),
    LeadsTool(),
    NeedsPersonTool(),
    CatalogTool(),
    IntentsTool(),
    GuardTool(),
    HourOfWeekTool(),
    AdsTool(),
    CalculatorTool(),
)
TOOLS_BY_NAME: dict[str, Tool] = {tool.name: tool for tool in TOOLS}


def tool_schema(tool: Tool) -> dict[str, Any]:
    """The tool as the model sees it (OpenAI's function format, which Groq speaks)."""
    parameters = tool.Input.model_json_schema()
    parameters.pop("title", None)
    return {"type": "function", "function": {"name": tool.name, "description": tool.description, "parameters": parameters}}


def tool_input(name: str, arguments: Mapping[str, Any]) -> BaseModel:
    """The model's arguments as the named tool's typed input; a bad name or input is a `ToolError` it can read."""
    tool = TOOLS_BY_NAME.get(name)
    if tool is None:
        raise ToolError(f"no tool called {name!r}")
    try:
        return tool.Input.model_validate(dict(arguments))
    except ValueError as exc:
        raise ToolError(f"invalid input: {str(exc)[:300]}") from None


async def run_tool(data: LeoData, name: str, arguments: Mapping[str, Any]) -> ToolResult:
    """Run a tool by name with the model's arguments."""
    args = tool_input(name, arguments)
    return await TOOLS_BY_NAME[name].run(data, args)


def now_label(at: datetime, business: Business) -> str:
    return at.astimezone(business.zone).strftime("%Y-%m-%d %H:%M")

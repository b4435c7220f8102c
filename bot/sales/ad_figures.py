"""What each ad and campaign brought for what it cost: conversations, leads, sales, revenue, spend and the ratios.

A conversation counts for the ad that started it (its first referral) when its first message came in the period;
its lead counts once it was qualified or went further, and its sales count whenever they were recorded (the ad
brought them). Spend counts the part of each amount whose days fall in the period. Ratios with nothing to divide by
are None (shown as "—"), never 0 or infinity: no spend entered means no cost per sale, not a free one.

The figures are typed, frozen values; the owner API's JSON is built from them in `dashboard/api/shapes/ad_json.py`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.sales.ad_spend import SpendRow, amount, business_currency, spend_in_period, spend_overlapping
from bot.sales.attribution import sources_since
from bot.sales.leads import QUALIFIED_STAGES, leads_of_conversations
from knowledge.campaigns import list_campaigns
from knowledge.db import Db


@dataclass
class Tally:
    conversations: int = 0
    leads: int = 0
    sales: int = 0
    revenue_minor: int = 0
    spend_minor: int = 0
    spend_entered: bool = False

    def count(self, conversation: AdConversation) -> None:
        self.conversations += 1
        self.leads += int(conversation.lead)
        self.sales += conversation.sales
        self.revenue_minor += conversation.revenue_minor

    def spent(self, minor: int) -> None:
        self.spend_minor += minor
        self.spend_entered = True


@dataclass
class AdConversation:
    """One conversation an ad started, as the figures need it."""

    conversation_id: str
    ad_id: str
    campaign_id: str
    headline: str
    lead: bool
    sales: int
    revenue_minor: int


@dataclass(frozen=True, slots=True)
class AdFigures:
    """What an ad, a campaign or all of them brought and cost; money in major units of the business's currency."""

    conversations: int
    leads: int
    sales: int
    revenue: float
    spend: float | None  # None: no spend entered
    cost_per_lead: float | None
    cost_per_sale: float | None
    roas: float | None  # revenue / spend


@dataclass(frozen=True, slots=True)
class AdRow(AdFigures):
    ad_id: str
    headline: str  # "" when no referral carried the ad's title
    campaign_id: str  # the campaign most of its conversations went to; "" for none
    campaign_name: str  # "" when no campaign of the business has that id


@dataclass(frozen=True, slots=True)
class AdCampaignRow(AdFigures):
    campaign_id: str
    name: str  # "" when no campaign of the business has that id


@dataclass(frozen=True, slots=True)
class AdsReport:
    """Per ad and per campaign, the most revenue first, and in total."""

    currency: str
    ads: tuple[AdRow, ...]
    campaigns: tuple[AdCampaignRow, ...]
    totals: AdFigures


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when that is undefined."""
    return round(numerator / denominator, 4) if denominator else None


def measured(tally: Tally, currency: str) -> dict[str, Any]:
    """The `AdFigures` fields of a tally (a row's own fields, its ad or campaign, come beside them)."""
    spend = amount(tally.spend_minor, currency)
    revenue = amount(tally.revenue_minor, currency)
    priced = tally.spend_entered
    return {
        "conversations": tally.conversations,
        "leads": tally.leads,
        "sales": tally.sales,
        "revenue": revenue,
        "spend": spend if priced else None,
        "cost_per_lead": ratio(spend, tally.leads) if priced else None,
        "cost_per_sale": ratio(spend, tally.sales) if priced else None,
        "roas": ratio(revenue, spend) if priced else None,
    }


def tally_figures(
    conversations: list[AdConversation],
    spend: list[SpendRow],
    first: date,
    last: date,
    *,
    currency: str,
    campaign_names: dict[str, str],
) -> AdsReport:
    """The figures per ad, per campaign and in total (pure: plain data in, typed figures out)."""
    by_ad: dict[str, Tally] = defaultdict(Tally)
    by_campaign: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    headlines: dict[str, str] = {}
    ad_campaigns: dict[str, Counter[str]] = defaultdict(Counter)
    for c in conversations:
        if c.headline:
            headlines[c.ad_id] = c.headline
        if c.campaign_id:
            ad_campaigns[c.ad_id][c.campaign_id] += 1
        for tally in [by_ad[c.ad_id], total] + ([by_campaign[c.campaign_id]] if c.campaign_id else []):
            tally.count(c)
    for row in spend:
        if row.currency != currency:
            continue  # refused on entry; an old row after the business changed currency is left out, not mixed in
        part = spend_in_period(row, first, last)
        campaign_id = row.campaign_id or _main_campaign(ad_campaigns.get(row.ad_id))
        groups = [total]
        if row.ad_id:
            groups.append(by_ad[row.ad_id])
            if row.campaign_id:
                # An ad with spend but no conversation yet still belongs to the campaign its spend names.
                ad_campaigns[row.ad_id].setdefault(row.campaign_id, 0)
        if campaign_id:
            groups.append(by_campaign[campaign_id])
        for tally in groups:
            tally.spent(part)
    return AdsReport(
        currency=currency,
        ads=_ad_rows(by_ad, ad_campaigns, headlines, campaign_names, currency),
        campaigns=tuple(
            AdCampaignRow(campaign_id=campaign_id, name=campaign_names.get(campaign_id, ""), **measured(tally, currency))
            for campaign_id, tally in sorted(by_campaign.items(), key=lambda item: (-item[1].revenue_minor, item[0]))
        ),
        totals=AdFigures(**measured(total, currency)),
    )


def _ad_rows(
    by_ad: dict[str, Tally],
    ad_campaigns: dict[str, Counter[str]],
    headlines: dict[str, str],
    campaign_names: dict[str, str],
    currency: str,
) -> tuple[AdRow, ...]:
    """One row per ad, the most revenue first; an ad belongs to the campaign most of its conversations went to."""
    rows = []
    for ad_id, tally in sorted(by_ad.items(), key=lambda item: (-item[1].revenue_minor, item[0])):
        campaign_id = _main_campaign(ad_campaigns.get(ad_id))
        rows.append(
            AdRow(
                ad_id=ad_id,
                headline=headlines.get(ad_id, ""),
                campaign_id=campaign_id,
                campaign_name=campaign_names.get(campaign_id, ""),
                **measured(tally, currency),
            )
        )
    return tuple(rows)


def _main_campaign(counts: Counter[str] | None) -> str:
    return counts.most_common(1)[0][0] if counts else ""


async def sales_of_conversations(
    db: Db, tenant_id: str, conversation_ids: list[str], currency: str
) -> tuple[Counter[str], Counter[str]]:
    """How many sales in `currency` each conversation brought, and their revenue in minor units, by its id."""
    sales: Counter[str] = Counter()
    revenue: Counter[str] = Counter()
    async for sale in db.conversions.find({"tenant_id": tenant_id, "conversation_id": {"$in": conversation_ids}}):
        if sale.get("currency") == currency:
            sales[sale["conversation_id"]] += 1
            revenue[sale["conversation_id"]] += int(sale.get("value_minor", 0))
    return sales, revenue


async def ad_conversations(db: Db, tenant_id: str, since: datetime, until: datetime, *, currency: str) -> list[AdConversation]:
    """The conversations ads started in [since, until), with their lead and sales (in `currency`)."""
    sources = await sources_since(db, tenant_id, "ad", since, until)
    ids = [doc["_id"] for doc in sources]
    if not ids:
        return []
    campaigns = {
        doc["_id"]: doc.get("campaign_id", "")
        async for doc in db.conversations.find({"tenant_id": tenant_id, "_id": {"$in": ids}}, {"campaign_id": 1})
    }
    leads = await leads_of_conversations(db, tenant_id, ids)
    sales, revenue = await sales_of_conversations(db, tenant_id, ids, currency)
    return [
        AdConversation(
            conversation_id=doc["_id"],
            ad_id=doc.get("ad_id", "") or "unknown",
            campaign_id=campaigns.get(doc["_id"], ""),
            headline=doc.get("headline", ""),
            lead=doc["_id"] in leads and leads[doc["_id"]].stage in QUALIFIED_STAGES,
            sales=sales[doc["_id"]],
            revenue_minor=revenue[doc["_id"]],
        )
        for doc in sources
    ]


async def ad_figures(db: Db, tenant_id: str, since: datetime, until: datetime, first: date, last: date) -> AdsReport:
    """The business's ad figures over its days [first, last], which run from `since` to `until` in its zone."""
    currency = await business_currency(db, tenant_id)
    conversations = await ad_conversations(db, tenant_id, since, until, currency=currency)
    spend = await spend_overlapping(db, tenant_id, first, last)
    names = {c.id: c.name for c in await list_campaigns(db, tenant_id)}
    return tally_figures(conversations, spend, first, last, currency=currency, campaign_names=names)

"""Daily counters, model usage among them: one document per tenant, day, campaign, platform (and currency for
revenue), updated with upsert `$inc` on flat fields.

Days are the tenant's calendar days (`YYYY-MM-DD` in the business's time zone), and customer messages are also
counted by the local hour they arrived (`in_h00` … `in_h23`), which with the day's weekday gives activity by hour
of the week. Analytics and Leo read these documents and sum in Python; they never scan messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import local_time
from bot.pipeline.types import Intent
from knowledge.db import Db

HOUR_FIELDS = tuple(f"in_h{hour:02d}" for hour in range(24))
# Answered turns by what the customer wanted (price questions, objections, buying signals ...).
INTENT_FIELDS = tuple(f"intent_{intent.value}" for intent in Intent)

COUNTER_FIELDS = (
    "messages_in",
    "messages_answered",
    "messages_out",
    "replies_llm",
    "replies_offline",
    "replies_human",
    "conversations",
    "handoffs",
    "opt_outs",
    "conversions",
    "revenue_cents",
    "guard_blocks",
    "send_failures",
    "leads_qualified",
    # The first answer of each conversation (bot or person) and how long the customer waited for it.
    "first_responses",
    "first_response_ms",
    # Conversations whose customer wrote again after the first answer; conversations with a complaint or anger.
    "customers_replied",
    "complaints",
    # Model usage, counted with the turn that made the call: cost is priced per model when the call is counted.
    "model_calls",
    "model_failures",
    "input_tokens",
    "output_tokens",
    "model_latency_ms",
    "model_cost_micro_usd",
    # The owner's assistant's model usage, apart from the customers'.
    "leo_model_calls",
    "leo_input_tokens",
    "leo_output_tokens",
    "leo_model_cost_micro_usd",
    # Answers of the owner's assistant withheld because they stated a number no tool gave.
    "leo_blocks",
    # Nudges after a silence (`bot/follow_ups/`): sent, answered by the customer, and sales recorded after one.
    "follow_ups_sent",
    "follow_up_replies",
    "follow_up_sales",
    *HOUR_FIELDS,
    *INTENT_FIELDS,
)


def day_of(at: datetime, zone: ZoneInfo) -> str:
    """The tenant's calendar day of a moment."""
    return local_time(at, zone).strftime("%Y-%m-%d")


def hour_field(at: datetime, zone: ZoneInfo) -> str:
    """The counter of customer messages in the local hour of `at`."""
    return HOUR_FIELDS[local_time(at, zone).hour]


async def bump_daily(
    db: Db,
    tenant_id: str,
    counts: Mapping[str, int] | None = None,
    *,
    day: str,
    platform: str,
    campaign_id: str = "",
    currency: str = "",
    **named: int,
) -> None:
    """Add `counts` (and the counters named as keywords) to the day's counters of this campaign and platform."""
    increments = {**(counts or {}), **named}
    unknown = set(increments) - set(COUNTER_FIELDS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    increments = {name: value for name, value in increments.items() if value}
    if not increments:
        return
    campaign = campaign_id or "-"
    key = f"{tenant_id}:{day}:{campaign}:{platform}:{currency or '-'}"
    # The day is also kept as an ordinal: ranges are asked of numbers, which every server compares alike.
    ordinal = date.fromisoformat(day).toordinal()
    fields = {"tenant_id": tenant_id, "day": day, "day_ordinal": ordinal, "campaign_id": campaign, "platform": platform}
    if currency:
        fields["currency"] = currency
    await db.daily_counters.update_one({"_id": key}, {"$set": fields, "$inc": increments}, upsert=True)


async def daily_rows(db: Db, tenant_id: str, first_day: date, last_day: date) -> list[dict[str, Any]]:
    cursor = db.daily_counters.find(
        {"tenant_id": tenant_id, "day_ordinal": {"$gte": first_day.toordinal(), "$lte": last_day.toordinal()}}
    )
    return [doc async for doc in cursor]

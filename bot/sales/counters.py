"""Daily counters, model usage among them: one document per key, updated with upsert `$inc` on flat fields.

Analytics and Leo read these documents and sum in Python; they never scan messages. Days are UTC
calendar days (`YYYY-MM-DD`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from pymongo.asynchronous.database import AsyncDatabase

COUNTER_FIELDS = (
    "messages_in", "messages_answered", "messages_out", "replies_llm", "replies_offline", "replies_human", "conversations",
    "handoffs", "opt_outs", "conversions", "revenue_cents", "guard_blocks", "send_failures", "leads_qualified",
    # Model usage, counted with the turn that made the call: cost is priced per model when the call is counted.
    "model_calls", "model_failures", "input_tokens", "output_tokens", "model_latency_ms", "model_cost_micro_usd",
)


def day_of(at: datetime | None = None) -> str:
    return (at or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d")


async def bump_daily(
    db: AsyncDatabase,
    tenant_id: str,
    *,
    platform: str,
    campaign_id: str = "",
    day: str = "",
    currency: str = "",
    **increments: int,
) -> None:
    unknown = set(increments) - set(COUNTER_FIELDS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    day = day or day_of()
    campaign = campaign_id or "-"
    key = f"{tenant_id}:{day}:{campaign}:{platform}:{currency or '-'}"
    # The day is also kept as an ordinal: ranges are asked of numbers, which every server compares alike.
    ordinal = date.fromisoformat(day).toordinal()
    fields = {"tenant_id": tenant_id, "day": day, "day_ordinal": ordinal, "campaign_id": campaign, "platform": platform}
    if currency:
        fields["currency"] = currency
    await db.daily_counters.update_one({"_id": key}, {"$set": fields, "$inc": increments}, upsert=True)


async def daily_rows(db: AsyncDatabase, tenant_id: str, first_day: date, last_day: date) -> list[dict]:
    cursor = db.daily_counters.find(
        {"tenant_id": tenant_id, "day_ordinal": {"$gte": first_day.toordinal(), "$lte": last_day.toordinal()}}
    )
    return [doc async for doc in cursor]

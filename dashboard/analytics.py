"""The analytics read side: sums of the daily counters, per campaign, platform and day.

Counters are written by the engine as flat `$inc` documents; here they are read for a date range
and summed in Python (no aggregation on the server, which the embedded server gets wrong).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bot.sales.counters import COUNTER_FIELDS, daily_rows
from knowledge.models import to_major

MAX_DAYS = 366


def _empty() -> dict[str, int]:
    return {name: 0 for name in COUNTER_FIELDS}


def _finish(totals: dict[str, int], revenue: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in totals.items() if k not in ("revenue_cents", "model_cost_micro_usd")}
    out["model_cost_usd"] = round(totals["model_cost_micro_usd"] / 1_000_000, 6)
    inbound = totals["messages_in"]
    out["response_rate"] = round(min(1.0, totals["messages_answered"] / inbound), 4) if inbound else 0.0
    out["conversion_rate"] = round(totals["conversions"] / totals["conversations"], 4) if totals["conversations"] else 0.0
    out["revenue"] = {currency: to_major(cents, currency) for currency, cents in sorted(revenue.items())}
    return out


async def analytics(
    db: AsyncDatabase, tenant_id: str, first_day: date, last_day: date, campaign_names: dict[str, str] | None = None
) -> dict[str, Any]:
    rows = await daily_rows(db, tenant_id, first_day, last_day)
    total, total_revenue = _empty(), defaultdict(int)
    groups: dict[str, dict[str, dict[str, int]]] = {"campaign": defaultdict(_empty), "platform": defaultdict(_empty), "day": defaultdict(_empty)}
    revenues: dict[str, dict[str, dict[str, int]]] = {key: defaultdict(lambda: defaultdict(int)) for key in groups}
    for row in rows:
        keys = {"campaign": row.get("campaign_id", "-"), "platform": row.get("platform", ""), "day": row.get("day", "")}
        currency = row.get("currency", "")
        for name in COUNTER_FIELDS:
            value = int(row.get(name, 0))
            total[name] += value
            for group, key in keys.items():
                groups[group][key][name] += value
        if currency and row.get("revenue_cents"):
            total_revenue[currency] += int(row["revenue_cents"])
            for group, key in keys.items():
                revenues[group][key][currency] += int(row["revenue_cents"])
    names = campaign_names or {}
    days = []
    day = first_day
    while day <= last_day:  # every day of the range, also the quiet ones, so charts have no gaps
        key = day.isoformat()
        days.append({"day": key, **_finish(groups["day"].get(key, _empty()), revenues["day"].get(key, {}))})
        day += timedelta(days=1)
    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "totals": _finish(total, total_revenue),
        "per_campaign": [
            {"campaign_id": "" if key == "-" else key, "campaign_name": names.get(key, "(no campaign)" if key == "-" else key),
             **_finish(values, revenues["campaign"].get(key, {}))}
            for key, values in sorted(groups["campaign"].items())
        ],
        "per_platform": [
            {"platform": key, **_finish(values, revenues["platform"].get(key, {}))}
            for key, values in sorted(groups["platform"].items())
        ],
        "per_day": days,
    }

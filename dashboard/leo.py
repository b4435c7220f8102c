"""Leo, the owner's assistant: answers questions about the business from its own numbers.

Leo reads the same counters as the analytics page (last 30 days), the campaigns and the leads, and
answers in plain words. Every figure it states is computed here, so it cannot invent one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bot.sales.leads import lead_to_api, list_leads
from dashboard.analytics import analytics
from knowledge.campaigns import list_campaigns

PLATFORM_NAMES = {"facebook": "Messenger", "instagram": "Instagram", "whatsapp": "WhatsApp"}
WINDOW_DAYS = 30


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _revenue(revenue: dict[str, float]) -> str:
    return ", ".join(f"{amount:,.2f} {currency}" for currency, amount in revenue.items()) or "no revenue yet"


def _campaigns_answer(report: dict[str, Any]) -> str:
    rows = [row for row in report["per_campaign"] if row["messages_in"] or row["conversions"]]
    if not rows:
        return "No customer has written about a campaign in the last 30 days yet."
    rows.sort(key=lambda r: (r["conversions"], r["messages_in"]), reverse=True)
    lines = [f"Your campaigns over the last {WINDOW_DAYS} days:"]
    for row in rows:
        lines.append(
            f"- {row['campaign_name']}: {row['conversations']} new conversations, {row['messages_in']} messages in, "
            f"{row['conversions']} sales ({_revenue(row['revenue'])}), response rate {_pct(row['response_rate'])}."
        )
    best = rows[0]
    lines.append(f"{best['campaign_name']} is doing best.")
    return "\n".join(lines)


def _platforms_answer(report: dict[str, Any], asked: str) -> str:
    rows = {row["platform"]: row for row in report["per_platform"] if row["platform"]}
    if not rows:
        return "There are no conversations on any channel in the last 30 days yet."
    lines = ["By channel over the last 30 days:"]
    for name, row in sorted(rows.items()):
        lines.append(
            f"- {PLATFORM_NAMES.get(name, name)}: {row['conversations']} conversations, {row['conversions']} sales "
            f"(conversion {_pct(row['conversion_rate'])}), response rate {_pct(row['response_rate'])}, "
            f"{row['handoffs']} handoffs, {row['send_failures']} failed sends."
        )
    target = rows.get(asked)
    if target:
        others = [r for n, r in rows.items() if n != asked]
        reasons = []
        if others and target["response_rate"] < max(r["response_rate"] for r in others):
            reasons.append("fewer of its messages get an answer (check the connection and failed sends)")
        if target["send_failures"]:
            reasons.append(f"{target['send_failures']} replies could not be delivered")
        if target["handoffs"] and target["conversations"] and target["handoffs"] / target["conversations"] > 0.2:
            reasons.append("many customers ask for a person there")
        if target["guard_blocks"]:
            reasons.append(f"{target['guard_blocks']} model answers were replaced because they stated prices not in your catalog")
        if not target["conversations"]:
            reasons.append("it has no conversations yet")
        if not reasons:
            reasons.append("the numbers are still small; differences may be chance")
        lines.append(f"On {PLATFORM_NAMES.get(asked, asked)}: " + "; ".join(reasons) + ".")
    return "\n".join(lines)


def _leads_answer(leads: list[dict[str, Any]]) -> str:
    open_leads = [lead for lead in leads if lead.get("stage") not in ("converted", "lost")]
    if not open_leads:
        return "You have no open leads right now."
    lines = [f"You have {len(open_leads)} open leads. The hottest:"]
    for lead in open_leads[:5]:
        who = lead.get("name") or lead.get("email") or lead.get("customer_id", "")
        lines.append(f"- {who}: score {lead.get('score', 0)}, {lead.get('stage', 'new')}. {lead.get('next_step', '')}".rstrip())
    return "\n".join(lines)


def _overview(report: dict[str, Any]) -> str:
    totals = report["totals"]
    return (
        f"In the last {WINDOW_DAYS} days: {totals['conversations']} new conversations, {totals['messages_in']} messages in, "
        f"{totals['messages_out']} replies, response rate {_pct(totals['response_rate'])}, {totals['conversions']} sales "
        f"({_revenue(totals['revenue'])}), {totals['handoffs']} handoffs to a person. "
        "Ask me about campaigns, channels, leads or revenue."
    )


async def answer(db: AsyncDatabase, tenant_id: str, question: str) -> str:
    today = datetime.now(timezone.utc).date()
    campaigns = await list_campaigns(db, tenant_id)
    report = await analytics(db, tenant_id, today - timedelta(days=WINDOW_DAYS - 1), today, {c.id: c.name for c in campaigns})
    text = question.lower()
    platform = next((p for p, words in (("instagram", ("instagram", " ig ")), ("whatsapp", ("whatsapp",)),
                                        ("facebook", ("messenger", "facebook"))) if any(w in f" {text} " for w in words)), "")
    if platform or re.search(r"\b(channel|platform)s?\b", text):
        return _platforms_answer(report, platform)
    if re.search(r"\bcampaigns?\b", text):
        return _campaigns_answer(report)
    if re.search(r"\b(leads?|prospects?|follow up|hot)\b", text):
        return _leads_answer([lead_to_api(lead) for lead in await list_leads(db, tenant_id)])
    return _overview(report)

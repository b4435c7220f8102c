"""`/dashboard`: the setup checklist until the bot is live, the period's numbers against the previous one,
what runs (campaigns, channels), the conversations that need a person first, and small charts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web

from bot.conversations import store as convs
from bot.sales.leads import leads_of_conversations
from channels.accounts import list_accounts
from dashboard.api.shapes.lead_json import lead_for_owner
from dashboard.context import IDENTITY, db_of, redis_of
from dashboard.errors import Handler
from dashboard.i18n import N_, gettext
from dashboard.inbox_rows import inbox_extras
from dashboard.pages.access import owner_session
from dashboard.pages.frame import render
from dashboard.pages.numbers import PERIOD_DAYS, change, figure_change, period_report, today
from dashboard.setup_steps import SetupFacts, Step, setup_steps
from dashboard.team.holders import held_words, holders_of
from knowledge.campaigns import list_campaigns
from knowledge.profiles import get_profile

routes = web.RouteTableDef()

RECENT = 8
NEEDS_PERSON = ("handoff", "human")
KPI_KEYS = (
    ("conversations", N_("Conversations"), "num"),
    ("messages_in", N_("Customer messages"), "num"),
    ("response_rate", N_("Answered"), "pct"),
    ("conversions", N_("Sales"), "num"),
)


# The checklist matters while a business sets up; a step noted this long ago is simply shown again.
PROGRESS_TTL_S = 90 * 24 * 3600


def progress_key(tenant: str) -> str:
    return f"owner_progress:{tenant}"


async def note_progress(redis: aioredis.Redis, tenant: str, step: str) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(progress_key(tenant), step, "1")
        pipe.expire(progress_key(tenant), PROGRESS_TTL_S)
        await pipe.execute()


@web.middleware
async def playground_progress(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Remembers that the owner tried their bot in the playground (a step of the setup checklist)."""
    response = await handler(request)
    if request.path == "/api/playground/chat" and request.method == "POST" and response.status == 200:
        who = request.get(IDENTITY)
        if who is not None:
            await note_progress(redis_of(request), who.tenant_id, "playground")
    return response


async def checklist(request: web.Request, tenant: str, campaigns: list[Any], channels: list[Any]) -> list[Step]:
    profile = await get_profile(db_of(request), tenant)
    facts = SetupFacts(
        described=bool(profile and profile.description),
        campaigns=len(campaigns),
        active_campaigns=sum(1 for c in campaigns if c.status.value == "active"),
        channels=len(channels),
        tried_playground=bool(await redis_of(request).hget(progress_key(tenant), "playground")),
    )
    return setup_steps(facts)


def kpis(report: dict[str, Any]) -> list[dict[str, Any]]:
    totals, before = report["totals"], report["previous"]["totals"]
    figures = [
        {
            "key": key,
            "label": gettext(label),
            "format": fmt,
            "value": totals.get(key),
            "change": figure_change(key, totals, before, fmt),
        }
        for key, label, fmt in KPI_KEYS
    ]
    figures.append(
        {
            "key": "revenue",
            "label": gettext("Revenue"),
            "format": "revenue",
            "value": totals,
            "change": revenue_change(totals, before),
        }
    )
    return figures


def revenue_change(totals: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    now, then = totals.get("revenue") or {}, before.get("revenue") or {}
    if len(now) > 1 or len(then) > 1:
        return {"text": "", "direction": ""}
    currency = next(iter(now or then), "")
    return change(now.get(currency, 0), then.get(currency, 0)) if currency else {"text": "", "direction": ""}


def main_currency(report: dict[str, Any]) -> str:
    revenue = report["totals"].get("revenue") or {}
    return max(revenue, key=lambda c: revenue[c]) if revenue else ""


def small_charts(report: dict[str, Any]) -> dict[str, Any]:
    currency = main_currency(report)
    days = report.get("per_day", [])
    return {
        "days": [day["day"] for day in days],
        "messages_in": [day.get("messages_in", 0) for day in days],
        "messages_out": [day.get("messages_out", 0) for day in days],
        "currency": currency,
        "revenue": [(day.get("revenue") or {}).get(currency, 0) for day in days],
    }


async def recent_conversations(request: web.Request, tenant: str, viewer_id: str) -> list[dict[str, Any]]:
    db = db_of(request)
    waiting = [c for status in NEEDS_PERSON for c in await convs.list_conversations(db, tenant, status=status, limit=RECENT)]
    waiting.sort(key=lambda c: c.last_message_at, reverse=True)
    seen = {c.id for c in waiting}
    latest = [c for c in await convs.list_conversations(db, tenant, limit=RECENT) if c.id not in seen]
    rows = (waiting + latest)[: RECENT + len(waiting)]
    leads = await leads_of_conversations(db, tenant, [c.id for c in rows])
    extras = await inbox_extras(db, rows)
    holders = await holders_of(db, tenant, [(c.id, c.status.value) for c in rows])
    return [
        {
            "conversation": c,
            "lead": lead_for_owner(leads[c.id]) if c.id in leads else {},
            "needs_person": c.status.value in NEEDS_PERSON,
            "preview": extras[c.id].preview,
            "unread": extras[c.id].unread_text,
            "held_words": held_words(holders.get(c.id), viewer_id),
        }
        for c in rows
    ]


@routes.get("/dashboard")
async def dashboard_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    db, tenant = db_of(request), session.tenant_id
    campaigns = await list_campaigns(db, tenant)
    channels = await list_accounts(db, tenant)
    last = await today(request)
    report = await period_report(request, last - timedelta(days=PERIOD_DAYS - 1), last)
    rows = await recent_conversations(request, tenant, session.owner_id)
    steps = await checklist(request, tenant, campaigns, channels)
    per_campaign = {row["campaign_id"]: row for row in report.get("per_campaign", [])}
    context = {
        "steps": steps,
        "setup_done": all(step.done for step in steps),
        "next_step": next((step for step in steps if not step.done), None),
        "report": report,
        "kpis": kpis(report),
        "campaigns": [c for c in campaigns if c.status.value in ("active", "paused")],
        "campaign_numbers": per_campaign,
        "campaign_names": {c.id: c.name for c in campaigns},
        "channels": channels,
        "rows": rows,
        "charts": small_charts(report),
    }
    return await render(request, "dashboard.html", session, "dashboard", context)

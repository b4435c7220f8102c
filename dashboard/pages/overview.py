"""The owner's home page (last 30 days, latest conversations) and one conversation's thread."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.conversations import store as convs
from bot.sales.leads import get_lead, lead_to_api, leads_of_conversations
from dashboard.analytics import analytics
from dashboard.context import services
from dashboard.owners import get_tenant
from dashboard.pages.access import page_session
from dashboard.pages.login import redirect, render_login
from dashboard.sessions import Session
from knowledge.campaigns import list_campaigns

routes = web.RouteTableDef()

OVERVIEW_DAYS = 30
LATEST_CONVERSATIONS = 20


async def page_frame(request: web.Request, session: Session) -> dict[str, Any]:
    """What every logged-in page shows around its content: the business name and the logout token."""
    tenant = await get_tenant(services(request).db, session.tenant_id)
    return {"business_name": tenant.name if tenant else "", "csrf_token": session.csrf_token}


def not_found_page(request: web.Request, what: str) -> web.HTTPNotFound:
    body = aiohttp_jinja2.render_string("not_found.html", request, {"what": what})
    return web.HTTPNotFound(text=body, content_type="text/html")


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    session = await page_session(request)
    if session is None:
        return render_login(request)
    db, tenant_id = services(request).db, session.tenant_id
    last = datetime.now(timezone.utc).date()
    names = {c.id: c.name for c in await list_campaigns(db, tenant_id)}
    stats = await analytics(db, tenant_id, last - timedelta(days=OVERVIEW_DAYS - 1), last, names)
    latest = await convs.list_conversations(db, tenant_id, limit=LATEST_CONVERSATIONS)
    leads = await leads_of_conversations(db, tenant_id, [c.id for c in latest])
    rows = [{"conversation": c, "lead": lead_to_api(leads[c.id]) if c.id in leads else {}} for c in latest]
    context = {**await page_frame(request, session), "stats": stats, "rows": rows, "campaign_names": names}
    return aiohttp_jinja2.render_template("overview.html", request, context)


@routes.get("/conversations/{id}")
async def conversation_page(request: web.Request) -> web.Response:
    session = await page_session(request)
    if session is None:
        return redirect("/")
    db, tenant_id = services(request).db, session.tenant_id
    conversation = await convs.get_conversation(db, tenant_id, request.match_info["id"])
    if conversation is None:
        raise not_found_page(request, "conversation")
    context = {
        **await page_frame(request, session),
        "conversation": conversation,
        "messages": await convs.all_messages(db, tenant_id, conversation.id),
        "lead": lead_to_api(lead) if (lead := await get_lead(db, tenant_id, conversation.id)) else {},
    }
    return aiohttp_jinja2.render_template("conversation.html", request, context)


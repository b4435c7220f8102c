"""`/inbox`: conversations filtered by status, channel, lead stage and campaign, newest first, with the
last message of each; new messages arrive without a reload (see `dashboard/live.py` and `live.js`)."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web
from pydantic import ValidationError

from bot.conversations.undelivered import delivery_error
from bot.sales.leads import lead_to_api, leads_of_conversations
from dashboard.api.conversations import filtered_conversations
from dashboard.context import services
from dashboard.pages.access import owner_session
from dashboard.pages.frame import DELIVERY_NAMES, STAGE_NAMES, STATUS_NAMES, render
from dashboard.schemas import ConversationsQuery
from knowledge.campaigns import list_campaigns

routes = web.RouteTableDef()

PAGE_SIZE = 25
FILTERS = ("status", "delivery", "platform", "stage", "campaign_id")


@routes.get("/inbox")
async def inbox_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    db, tenant = services(request).db, session.tenant_id
    chosen = {name: request.query.get(name, "").strip() for name in FILTERS}
    try:
        page = max(1, min(1000, int(request.query.get("page", "1"))))
    except ValueError:
        page = 1
    error = ""
    try:
        query = ConversationsQuery.model_validate({**chosen, "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE})
    except ValidationError:
        error = "Some filters were not understood; showing every conversation."
        chosen = dict.fromkeys(FILTERS, "")
        query = ConversationsQuery(limit=PAGE_SIZE + 1)
    found = await filtered_conversations(db, tenant, query)
    more, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
    leads = await leads_of_conversations(db, tenant, [c.id for c in found])
    # No last-message preview: on the embedded store every read of messages scans them all, which a list of
    # 25 conversations cannot afford at 100,000 messages; the newest time, status and lead say what to open.
    rows = [
        {"conversation": c, "lead": lead_to_api(leads[c.id]) if c.id in leads else {}, "delivery_error": delivery_error(c)}
        for c in found
    ]
    campaigns = await list_campaigns(db, tenant)
    filters_on = any(chosen.values())
    base = urlencode({name: value for name, value in chosen.items() if value})
    context = {
        "rows": rows,
        "chosen": chosen,
        "filters_on": filters_on,
        "error": error,
        "page": page,
        "more": more,
        "base_query": base,
        "campaigns": campaigns,
        "campaign_names": {c.id: c.name for c in campaigns},
        "statuses": STATUS_NAMES,
        "deliveries": DELIVERY_NAMES,
        "stages": STAGE_NAMES,
    }
    return await render(request, "inbox.html", session, "inbox", context)

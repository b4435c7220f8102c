"""`/inbox`: conversations filtered by status, whether they are answered, channel, lead stage and campaign, or
found by a name or words of their messages, newest first, with the last message of each and the customer's
unread messages; new messages arrive without a reload (see `dashboard/live.py` and `live.js`), and further pages
are added below the list ("Show more")."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web
from pydantic import ValidationError

from bot.sales.leads import leads_of_conversations
from dashboard.api.conversations import filtered_conversations
from dashboard.api.shapes.lead_json import lead_for_owner
from dashboard.context import db_of
from dashboard.delivery_words import delivery_error
from dashboard.i18n import N_, gettext
from dashboard.inbox_rows import inbox_extras
from dashboard.pages.access import owner_session
from dashboard.pages.frame import STAGE_NAMES, STATUS_NAMES, Translated, render
from dashboard.schemas import ConversationsQuery
from dashboard.team.holders import held_words, holders_of
from knowledge.campaigns import list_campaigns

routes = web.RouteTableDef()

PAGE_SIZE = 20
FILTERS = ("status", "delivery", "platform", "stage", "campaign_id", "q")
# The inbox's "Answered" choice: not answered yet (waiting for the bot or a person, or the reply failed), or one
# delivery state; "waiting" is the page's own word, the others are the API's `delivery`.
ANSWERED = {"waiting": N_("Not answered yet"), "failed": N_("Reply not delivered"), "pending": N_("Sending again")}


def api_filters(chosen: dict[str, str]) -> dict[str, str | bool]:
    """The page's filters as the conversations API takes them."""
    values: dict[str, str | bool] = {name: value for name, value in chosen.items() if value and name != "delivery"}
    if chosen["delivery"] == "waiting":
        values["not_answered"] = True
    elif chosen["delivery"]:
        values["delivery"] = chosen["delivery"]
    return values


@routes.get("/inbox")
async def inbox_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    db, tenant = db_of(request), session.tenant_id
    chosen = {name: request.query.get(name, "").strip() for name in FILTERS}
    try:
        page = max(1, min(1000, int(request.query.get("page", "1"))))
    except ValueError:
        page = 1
    error = ""
    try:
        if chosen["delivery"] and chosen["delivery"] not in ANSWERED:
            raise ValueError(chosen["delivery"])
        query = ConversationsQuery.model_validate(
            {**api_filters(chosen), "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
        )
    except (ValidationError, ValueError):
        error = gettext("Some filters were not understood; showing every conversation.")
        chosen = dict.fromkeys(FILTERS, "")
        query = ConversationsQuery(limit=PAGE_SIZE + 1)
    found = await filtered_conversations(db, tenant, query)
    more, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
    leads = await leads_of_conversations(db, tenant, [c.id for c in found])
    # Each row's last message and unread count come from its latest messages (an indexed read per row).
    extras = await inbox_extras(db, found)
    holders = await holders_of(db, tenant, [(c.id, c.status.value) for c in found])
    rows = [
        {
            "conversation": c,
            "lead": lead_for_owner(leads[c.id]) if c.id in leads else {},
            "delivery_error": delivery_error(c),
            "preview": extras[c.id].preview,
            "unread": extras[c.id].unread_text,
            "held_words": held_words(holders.get(c.id), session.owner_id),
        }
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
        "statuses": Translated(STATUS_NAMES),
        "answered": Translated(ANSWERED),
        "stages": Translated(STAGE_NAMES),
    }
    return await render(request, "inbox.html", session, "inbox", context)

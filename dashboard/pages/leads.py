"""`/leads`: every lead, sortable and filterable, with a CSV export of what is shown."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from aiohttp import web

from bot.sales.lead_queries import SORT_FIELDS, LeadSort, page_of_leads
from dashboard.api.shapes.lead_json import lead_for_owner
from dashboard.context import db_of
from dashboard.i18n import N_
from dashboard.pages.access import owner_session
from dashboard.pages.frame import STAGE_NAMES, Translated, render
from knowledge.campaigns import list_campaigns
from knowledge.platforms import KNOWN_PLATFORMS

routes = web.RouteTableDef()

# A page a phone scrolls through comfortably (each lead is a card there); "Show more" adds the next.
PAGE_SIZE = 20
SORT_LABELS = {"score": N_("Score"), "updated": N_("Last activity"), "created": N_("First contact"), "value": N_("Sale")}


@routes.get("/leads")
async def leads_page(request: web.Request) -> web.Response:
    session = await owner_session(request)
    db, tenant = db_of(request), session.tenant_id
    campaigns = await list_campaigns(db, tenant)
    names = {c.id: c.name for c in campaigns}
    stage = request.query.get("stage", "")
    stage = stage if stage in STAGE_NAMES else ""
    platform = request.query.get("platform", "")
    platform = platform if platform in KNOWN_PLATFORMS else ""
    campaign_id = request.query.get("campaign_id", "")
    campaign_id = campaign_id if campaign_id in names else ""
    sort = request.query.get("sort", "score")
    sort = sort if sort in SORT_FIELDS else "score"
    descending = request.query.get("dir", "desc") != "asc"
    try:
        page = max(1, min(1000, int(request.query.get("page", "1"))))
    except ValueError:
        page = 1
    filters = {"stage": stage, "platform": platform, "campaign_id": campaign_id}
    # One more than a page tells whether there is a next one (counting every lead would read them all).
    found = await page_of_leads(
        db,
        tenant,
        stage=filters["stage"],
        platform=filters["platform"],
        campaign_id=filters["campaign_id"],
        sort=cast(LeadSort, sort),
        descending=descending,
        limit=PAGE_SIZE + 1,
        skip=(page - 1) * PAGE_SIZE,
    )
    more, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
    leads: list[dict[str, Any]] = [lead_for_owner(lead) for lead in found]
    kept = {k: v for k, v in filters.items() if v}

    def link(**changes: str | int) -> str:
        params: dict[str, Any] = {**kept, "sort": sort, "dir": "desc" if descending else "asc", **changes}
        return "/leads?" + urlencode(params)

    sort_links = {key: link(sort=key, dir="asc" if key == sort and descending else "desc", page=1) for key in SORT_LABELS}
    export = "/api/leads?" + urlencode({"format": "csv", **({"stage": stage} if stage else {})})
    context = {
        "leads": leads,
        "page": page,
        "more": more,
        "filters": filters,
        "filters_on": bool(kept),
        "campaigns": campaigns,
        "campaign_names": names,
        "stages": Translated(STAGE_NAMES),
        "sort": sort,
        "descending": descending,
        "sort_links": sort_links,
        "sort_labels": Translated(SORT_LABELS),
        "older": link(page=page + 1),
        "newer": link(page=page - 1),
        "export": export,
    }
    return await render(request, "leads.html", session, "leads", context)

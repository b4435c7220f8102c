"""`/api/campaigns`: the tenant's catalog, one product per campaign (prices in major units at this edge)."""

from __future__ import annotations

from aiohttp import web

from dashboard.api.operations import ApiRoutes
from dashboard.api.shapes.campaign_json import campaign_json
from dashboard.context import db_of, tenant_id
from dashboard.errors import not_found
from dashboard.schemas import CampaignOut, CampaignsOut, CampaignsQuery, CampaignStatusIn, DeletedOut
from knowledge.campaigns import (
    create_campaign,
    delete_campaign,
    get_campaign,
    list_campaigns,
    set_campaign_status,
    update_campaign,
)
from knowledge.models import Campaign, CampaignIn

routes = ApiRoutes()


def _out(campaign: Campaign) -> CampaignOut:
    return CampaignOut.model_validate(campaign_json(campaign))


@routes.get("/api/campaigns")
async def list_all(request: web.Request, query: CampaignsQuery) -> CampaignsOut:
    """Campaigns, optionally only those of one status or target platform."""
    status = query.status.value if query.status else None
    target = query.target_platform.value if query.target_platform else None
    campaigns = await list_campaigns(db_of(request), tenant_id(request), status=status, platform=target)
    return CampaignsOut(campaigns=[_out(c) for c in campaigns])


@routes.post("/api/campaigns", status=201)
async def create(request: web.Request, body: CampaignIn) -> CampaignOut:
    """Create a campaign."""
    return _out(await create_campaign(db_of(request), tenant_id(request), body))


@routes.get("/api/campaigns/{id}")
async def read(request: web.Request) -> CampaignOut:
    """One campaign."""
    campaign = await get_campaign(db_of(request), tenant_id(request), request.match_info["id"])
    if campaign is None:
        raise not_found("campaign")
    return _out(campaign)


@routes.put("/api/campaigns/{id}")
async def replace(request: web.Request, body: CampaignIn) -> CampaignOut:
    """Replace a campaign."""
    campaign = await update_campaign(db_of(request), tenant_id(request), request.match_info["id"], body)
    if campaign is None:
        raise not_found("campaign")
    return _out(campaign)


@routes.delete("/api/campaigns/{id}")
async def delete(request: web.Request) -> DeletedOut:
    """Delete a campaign."""
    if not await delete_campaign(db_of(request), tenant_id(request), request.match_info["id"]):
        raise not_found("campaign")
    return DeletedOut(deleted=True)


@routes.post("/api/campaigns/{id}/status")
async def change_status(request: web.Request, body: CampaignStatusIn) -> CampaignOut:
    """Change a campaign's status (draft, active, paused, completed); only active campaigns are offered to customers."""
    db, tenant, campaign_id = db_of(request), tenant_id(request), request.match_info["id"]
    updated = await set_campaign_status(db, tenant, campaign_id, body.status)
    if updated is None:
        raise not_found("campaign")
    return _out(updated)

"""`/api/campaigns`: the tenant's catalog, one product per campaign (prices in major units at this edge)."""

from __future__ import annotations

from aiohttp import web

from dashboard.context import services, tenant_id
from dashboard.errors import ApiError, not_found, read_model
from knowledge.campaigns import campaign_to_api, create_campaign, delete_campaign, get_campaign, list_campaigns, update_campaign
from knowledge.models import CampaignIn, CampaignStatus, TargetPlatform

routes = web.RouteTableDef()


def _choice(request: web.Request, name: str, allowed: list[str]) -> str | None:
    value = request.query.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        raise ApiError(422, "invalid", f"unknown {name}", {name: "must be one of " + ", ".join(allowed)})
    return value


@routes.get("/api/campaigns")
async def list_all(request: web.Request) -> web.Response:
    status = _choice(request, "status", [s.value for s in CampaignStatus])
    target = _choice(request, "target_platform", [p.value for p in TargetPlatform])
    campaigns = await list_campaigns(services(request).db, tenant_id(request), status=status, platform=target)
    return web.json_response({"campaigns": [campaign_to_api(c) for c in campaigns]})


@routes.post("/api/campaigns")
async def create(request: web.Request) -> web.Response:
    data = await read_model(request, CampaignIn)
    campaign = await create_campaign(services(request).db, tenant_id(request), data)
    return web.json_response(campaign_to_api(campaign), status=201)


@routes.get("/api/campaigns/{id}")
async def read(request: web.Request) -> web.Response:
    campaign = await get_campaign(services(request).db, tenant_id(request), request.match_info["id"])
    if campaign is None:
        raise not_found("campaign")
    return web.json_response(campaign_to_api(campaign))


@routes.put("/api/campaigns/{id}")
async def replace(request: web.Request) -> web.Response:
    db, tenant, campaign_id = services(request).db, tenant_id(request), request.match_info["id"]
    # An unknown id answers 404 before the body is judged, so nothing is learnt about other tenants' ids.
    if await get_campaign(db, tenant, campaign_id) is None:
        raise not_found("campaign")
    data = await read_model(request, CampaignIn)
    campaign = await update_campaign(db, tenant, campaign_id, data)
    if campaign is None:
        raise not_found("campaign")
    return web.json_response(campaign_to_api(campaign))


@routes.delete("/api/campaigns/{id}")
async def delete(request: web.Request) -> web.Response:
    if not await delete_campaign(services(request).db, tenant_id(request), request.match_info["id"]):
        raise not_found("campaign")
    return web.json_response({"deleted": True})

"""`GET/PUT /api/onboarding`: the business profile the bot speaks from."""

from __future__ import annotations

from aiohttp import web

from dashboard.context import services, tenant_id
from dashboard.errors import read_model
from dashboard.owners import get_tenant
from knowledge.models import BusinessProfile
from knowledge.profiles import get_profile, save_profile

routes = web.RouteTableDef()


@routes.get("/api/onboarding")
async def read_profile(request: web.Request) -> web.Response:
    db, tenant = services(request).db, tenant_id(request)
    profile = await get_profile(db, tenant)
    if profile is None:
        # Before the first save the form starts from what sign-up already knows.
        known = await get_tenant(db, tenant)
        profile = BusinessProfile(name=known.name if known and known.name else "My business")
    return web.json_response(profile.model_dump(mode="json"))


@routes.put("/api/onboarding")
async def write_profile(request: web.Request) -> web.Response:
    profile = await read_model(request, BusinessProfile)
    saved = await save_profile(services(request).db, tenant_id(request), profile)
    return web.json_response(saved.model_dump(mode="json"))

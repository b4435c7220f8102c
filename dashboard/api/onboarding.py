"""`GET/PUT /api/onboarding`: the business profile the bot speaks from."""

from __future__ import annotations

from aiohttp import web

from dashboard.api.operations import ApiRoutes
from dashboard.context import services, tenant_id
from dashboard.owners import get_tenant
from knowledge.models import BusinessProfile
from knowledge.profiles import get_profile, save_profile

routes = ApiRoutes()


@routes.get("/api/onboarding")
async def read_profile(request: web.Request) -> BusinessProfile:
    """The business profile."""
    db, tenant = services(request).db, tenant_id(request)
    profile = await get_profile(db, tenant)
    if profile is None:
        # Before the first save the form starts from what sign-up already knows.
        known = await get_tenant(db, tenant)
        profile = BusinessProfile(name=known.name if known and known.name else "My business")
    return profile


@routes.put("/api/onboarding")
async def write_profile(request: web.Request, body: BusinessProfile) -> BusinessProfile:
    """Save the business profile (the knowledge base is rebuilt from it)."""
    return await save_profile(services(request).db, tenant_id(request), body)

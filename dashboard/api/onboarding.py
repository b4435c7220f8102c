"""`GET/PUT /api/onboarding`: the business profile the bot speaks from."""

from __future__ import annotations

from aiohttp import web

from bot.conversations.bot_settings import get_bot_settings
from dashboard.api.operations import ApiRoutes
from dashboard.context import db_of, tenant_id
from dashboard.error_table import FieldsInvalid
from dashboard.field_errors import field_label, sentence
from dashboard.owners import get_tenant
from dashboard.phones import PhoneProblem, to_e164
from dashboard.zones import country_of_zone
from knowledge.models import BusinessProfile
from knowledge.profiles import get_profile, save_profile

routes = ApiRoutes()


@routes.get("/api/onboarding")
async def read_profile(request: web.Request) -> BusinessProfile:
    """The business profile."""
    db, tenant = db_of(request), tenant_id(request)
    profile = await get_profile(db, tenant)
    if profile is None:
        # Before the first save the form starts from what sign-up already knows.
        known = await get_tenant(db, tenant)
        profile = BusinessProfile(name=known.name if known and known.name else "My business")
    return profile


@routes.put("/api/onboarding")
async def write_profile(request: web.Request, body: BusinessProfile) -> BusinessProfile:
    """Save the business profile (the knowledge base is rebuilt from it).

    `phone` is stored in E.164 (`+34612345678`); one written without its country code is read in the country of
    the business's time zone (bot settings), and one that is no phone number is refused (422 naming the field).
    """
    db, tenant = db_of(request), tenant_id(request)
    region = country_of_zone((await get_bot_settings(db, tenant)).timezone)
    try:
        phone = to_e164(body.phone, region)
    except PhoneProblem as problem:
        words = sentence(problem.kind, field_label("phone", "BusinessProfile"))
        raise FieldsInvalid("invalid", {"phone": words}) from None
    return await save_profile(db, tenant, body.model_copy(update={"phone": phone}))

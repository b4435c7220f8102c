"""`/api/integrations/conversions`: the owner's Meta dataset for Conversions API events, and what was sent."""

from __future__ import annotations

from aiohttp import web

from bot.sales.conversions_api import ConversionsSettingsIn, get_settings, list_events, save_settings
from channels.crypto import TokenCipher, TokenDecryptError, mask
from dashboard.api.operations import ApiRoutes
from dashboard.api.shapes.conversion_json import conversion_event_json
from dashboard.context import cipher_of, clock_of, db_of, tenant_id
from dashboard.schemas import ConversionEventsOut, ConversionsSettingsOut
from knowledge.domain_errors import InvalidInput

routes = ApiRoutes()


async def settings_out(request: web.Request) -> ConversionsSettingsOut:
    stored = await get_settings(db_of(request), tenant_id(request))
    if stored is None:
        return ConversionsSettingsOut(configured=False)
    return ConversionsSettingsOut(
        configured=True,
        dataset_id=stored.dataset_id,
        access_token=_masked(cipher_of(request), stored.token_encrypted),
        test_event_code=stored.test_event_code,
        whatsapp_business_account_id=stored.whatsapp_business_account_id,
    )


def _masked(cipher: TokenCipher, token_encrypted: str) -> str:
    """The token's ends; "…" when it cannot be read (the secret key changed): the owner enters it again."""
    try:
        return mask(cipher.decrypt(token_encrypted))
    except TokenDecryptError:
        return "…"


@routes.get("/api/integrations/conversions")
async def get_conversions(request: web.Request) -> ConversionsSettingsOut:
    """The dataset events go to; the access token only masked."""
    return await settings_out(request)


@routes.put("/api/integrations/conversions")
async def put_conversions(request: web.Request, body: ConversionsSettingsIn) -> ConversionsSettingsOut:
    """Set the dataset, token (stored encrypted; empty keeps the stored one) and optional test event code."""
    if not await save_settings(db_of(request), cipher_of(request), tenant_id(request), body, clock_of(request).now()):
        raise InvalidInput("access_token_needed", {"access_token": "required"})
    return await settings_out(request)


@routes.get("/api/integrations/conversions/events")
async def get_events(request: web.Request) -> ConversionEventsOut:
    """The latest events (newest first): what was sent to Meta, Meta's answer, and what happened in words."""
    events = await list_events(db_of(request), tenant_id(request))
    return ConversionEventsOut.model_validate({"events": [conversion_event_json(event) for event in events]})

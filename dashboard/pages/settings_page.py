"""`/settings`: the owner's language, the business's time zone and the bot's pause after a person answers (a server form),
the Conversions API, the CRM webhooks (`webhooks_section.py`), and the owner's API tokens, password and account (forms
sent by `settings.js` to the account API)."""

from __future__ import annotations

from zoneinfo import available_timezones

from aiohttp import web
from pydantic import ValidationError

from bot.conversations.bot_settings import BotSettings, get_bot_settings
from bot.sales.conversions_api import ConversionsSettingsIn, list_events, save_settings
from dashboard.api.bot_settings import replace_settings
from dashboard.api.meta_conversions import settings_out
from dashboard.api.shapes.conversion_json import conversion_event_json
from dashboard.context import cipher_of, clock_of, db_of
from dashboard.errors import validation_fields
from dashboard.i18n import LANGUAGES
from dashboard.i18n.current import format_locale, gettext
from dashboard.owners import get_owner, set_owner_language
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of
from dashboard.pages.frame import render, see_other
from dashboard.pages.webhooks_section import (
    add_from_form,
    delete_from_form,
    resume_from_form,
    rotate_from_form,
    test_from_form,
    webhooks_context,
)
from dashboard.schemas import AccountIn
from dashboard.zones import choice_for, utc_choice, zone_choices

routes = web.RouteTableDef()

SETTINGS_FIELDS = ("timezone", "pause_minutes")
CAPI_FIELDS = ("dataset_id", "access_token", "test_event_code", "whatsapp_business_account_id")


async def _page(
    request: web.Request,
    state: FormState | None = None,
    status: int = 200,
    capi_state: FormState | None = None,
    webhooks: dict[str, object] | None = None,
) -> web.Response:
    session = await owner_session(request)
    capi = await settings_out(request)
    if capi_state is None:
        capi_state = FormState(values=capi.model_dump(exclude={"access_token", "configured"}))
    if state is None:
        current = await get_bot_settings(db_of(request), session.tenant_id)
        state = FormState(values={"timezone": current.timezone, "pause_minutes": str(current.pause_minutes)})
    owner = await get_owner(db_of(request), session.tenant_id, session.owner_id)
    chosen = str(state.values.get("timezone", ""))
    context = {
        "form": state,
        "capi": capi,
        "capi_form": capi_state,
        "capi_events": [conversion_event_json(event) for event in await list_events(db_of(request), session.tenant_id, limit=10)],
        "countries": zone_choices(format_locale()),
        "languages": LANGUAGES,
        "owner_language": owner.language if owner else "",
        "utc": utc_choice(),
        # A zone saved through the API under a name the list does not hold (US/Eastern) stays selectable as it is.
        "other_zone": chosen if chosen and choice_for(chosen) is None and chosen in available_timezones() else "",
        **(webhooks or await webhooks_context(request, session.tenant_id)),
    }
    return await render(request, "settings.html", session, "settings", context, status=status)


@routes.get("/settings")
async def settings_page(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/settings/bot")
async def bot_settings_form(request: web.Request) -> web.Response:
    _, form = await posted_form(request)
    state = FormState(values={name: text_of(form, name) for name in SETTINGS_FIELDS})
    try:
        body = BotSettings.model_validate(state.values)
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), SETTINGS_FIELDS)
        return await _page(request, state, status=422)
    await replace_settings(request, body)
    return see_other("/settings?notice=settings_saved")


@routes.post("/settings/conversions")
async def conversions_form(request: web.Request) -> web.Response:
    session, form = await posted_form(request)
    state = FormState(values={name: text_of(form, name) for name in CAPI_FIELDS})
    try:
        body = ConversionsSettingsIn.model_validate(state.values)
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), CAPI_FIELDS)
        return await _page(request, capi_state=state, status=422)
    if not await save_settings(db_of(request), cipher_of(request), session.tenant_id, body, clock_of(request).now()):
        state.errors["access_token"] = gettext("Enter the access token.")
        return await _page(request, capi_state=state, status=422)
    return see_other("/settings?notice=saved#conversions")


@routes.post("/settings/webhooks")
async def webhook_form(request: web.Request) -> web.Response:
    """A new endpoint: the page answers with its secret, shown this once (never put in a URL)."""
    state, endpoint_id, secret = await add_from_form(request)
    session = await owner_session(request)
    context = await webhooks_context(request, session.tenant_id, state, secret=secret, secret_for=endpoint_id)
    return await _page(request, webhooks=context, status=422 if state.failed else 201)


@routes.post("/settings/webhooks/{id}/secret")
async def webhook_secret_form(request: web.Request) -> web.Response:
    endpoint_id, secret = await rotate_from_form(request)
    session = await owner_session(request)
    return await _page(
        request, webhooks=await webhooks_context(request, session.tenant_id, secret=secret, secret_for=endpoint_id)
    )


@routes.post("/settings/webhooks/{id}/test")
async def webhook_test_form(request: web.Request) -> web.Response:
    return await test_from_form(request)


@routes.post("/settings/webhooks/{id}/resume")
async def webhook_resume_form(request: web.Request) -> web.Response:
    return await resume_from_form(request)


@routes.post("/settings/webhooks/{id}/delete")
async def webhook_delete_form(request: web.Request) -> web.Response:
    return await delete_from_form(request)


@routes.post("/settings/language")
async def language_form(request: web.Request) -> web.Response:
    session, form = await posted_form(request)
    try:
        body = AccountIn.model_validate({"language": text_of(form, "language") or "auto"})
    except ValidationError:
        # Only the select's own values reach here from the page; anything else keeps the language as it was.
        return see_other("/settings")
    chosen = "" if body.language == "auto" else body.language
    await set_owner_language(db_of(request), session.tenant_id, session.owner_id, chosen)
    return see_other("/settings?notice=language_saved")

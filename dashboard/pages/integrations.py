"""`/integrations`: connect with Facebook (pages and their Instagram accounts), connect a page, Instagram
account or WhatsApp number by hand, each channel's state, disconnect, and what to paste into Meta's app."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from channels.accounts import list_accounts
from channels.registry import all_channels
from dashboard.api.channels import connect, disconnect
from dashboard.api.facebook import facebook_auth_url
from dashboard.api.shapes.account_json import account_for_owner
from dashboard.context import cipher_of, db_of, settings_of
from dashboard.error_table import answer_for
from dashboard.errors import validation_fields
from dashboard.i18n import N_, gettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of
from dashboard.pages.frame import not_found_page, render, see_other
from dashboard.public_url import public_base
from dashboard.schemas import ChannelIn
from knowledge.domain_errors import Conflict, InvalidInput, NotFound, Refused, Upstream

routes = web.RouteTableDef()

CHANNEL_FIELDS = ("platform", "account_id", "access_token", "name")
ACCOUNT_LABELS = {
    "facebook": ("Facebook page id", N_("Page access token")),
    "instagram": ("Instagram account id", N_("Access token of the page linked to it")),
    "whatsapp": ("Phone number id", N_("Access token (permanent system-user token)")),
}


async def _page(request: web.Request, forms: dict[str, FormState] | None = None, status: int = 200) -> web.Response:
    session = await owner_session(request)
    channels = [account_for_owner(a, cipher_of(request)) for a in await list_accounts(db_of(request), session.tenant_id)]
    base = public_base(request)
    forms = forms or {}
    context = {
        "channels": channels,
        "forms": {platform: forms.get(platform, FormState(values={"platform": platform})) for platform in ACCOUNT_LABELS},
        "labels": {platform: (gettext(account), gettext(token)) for platform, (account, token) in ACCOUNT_LABELS.items()},
        "facebook_ready": bool(settings_of(request).meta_app_id and settings_of(request).meta_app_secret),
        "webhooks": [(channel.display_name, f"{base}/webhooks/{channel.channel}") for channel in all_channels()],
        "verify_token": settings_of(request).meta_verify_token,
        "callback_url": f"{base}/api/integrations/facebook/callback",
        "connected": request.query.get("connected", ""),
    }
    return await render(request, "integrations.html", session, "integrations", context, status=status)


@routes.get("/integrations")
async def integrations_page(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/integrations/facebook")
async def start_facebook_login(request: web.Request) -> web.Response:
    """Sends the owner to Facebook's dialog; Facebook sends them back to the callback, then here."""
    await posted_form(request)
    try:
        link = await facebook_auth_url(request)
    except Refused:  # Facebook Login is not set up on this server
        return see_other("/integrations?notice=facebook_failed")
    return see_other(link.url)


@routes.post("/integrations/connect")
async def connect_form(request: web.Request) -> web.Response:
    _, form = await posted_form(request)
    values = {name: text_of(form, name) for name in CHANNEL_FIELDS}
    platform = values["platform"] if values["platform"] in ACCOUNT_LABELS else "facebook"
    # The token is never sent back into the page.
    state = FormState(values={**values, "access_token": ""})
    try:
        await connect(request, ChannelIn.model_validate(values))
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), CHANNEL_FIELDS)
    except (Conflict, InvalidInput, Upstream) as exc:  # the account is taken, the token refused, Meta unreachable
        answer = answer_for(exc)
        state.add_errors(answer.fields, CHANNEL_FIELDS)
        if not answer.fields:
            state.errors["form"] = answer.message
    if state.failed:
        return await _page(request, {platform: state}, status=422)
    return see_other("/integrations?notice=channel_connected")


@routes.post("/integrations/{id}/disconnect")
async def disconnect_form(request: web.Request) -> web.Response:
    await posted_form(request)
    try:
        await disconnect(request)
    except NotFound:
        raise not_found_page(request, "channel") from None
    return see_other("/integrations?notice=channel_disconnected")

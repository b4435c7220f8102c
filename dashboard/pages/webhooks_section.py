"""The settings page's webhooks: the owner's CRM URLs, the events each receives, its delivery log, and the
buttons to send a test event, rotate the secret (the new one shown once, on the page that answers the form, never
in a URL), resume a paused endpoint and remove one. Each form carries the CSRF field; the JSON API's rules apply."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.outbound_webhooks.delivery import send_test
from bot.outbound_webhooks.endpoints import WebhookIn, delete_endpoint, list_endpoints, resume_endpoint, rotate_secret
from bot.outbound_webhooks.payloads import EVENT_TYPES
from dashboard.api.crm_webhooks import add_webhook, webhook_out
from dashboard.context import cipher_of, clock_of, db_of, webhook_rules_of
from dashboard.error_table import answer_for
from dashboard.errors import validation_fields
from dashboard.i18n.current import gettext
from dashboard.pages.access import posted_form
from dashboard.pages.forms import FormState, lines_of, text_of
from dashboard.pages.frame import see_other
from dashboard.schemas import WebhookOut
from knowledge.domain_errors import DomainError

WEBHOOK_FIELDS = ("url", "events")


def event_label(event: str) -> str:
    labels = {
        "lead.created": gettext("A new lead"),
        "lead.stage_changed": gettext("A lead's stage changed"),
        "conversation.handoff": gettext("The bot handed a customer to a person"),
        "sale.recorded": gettext("A sale was recorded"),
        "conversation.closed": gettext("A conversation ended"),
        "webhook.test": gettext("Test event"),
    }
    return labels.get(event, event)


def attempt_words(kind: str, status: int, error: str) -> str:
    """An attempt's outcome in the owner's words (the API keeps the technical detail in `error`)."""
    if not error:
        return gettext("Delivered")
    said = {
        "status": gettext("Your CRM answered with an error (HTTP {status})."),
        "redirect": gettext("Your CRM answered with a redirect (HTTP {status}), which is not followed: enter the final address."),
        "timeout": gettext("Your CRM did not answer within 10 seconds."),
        "unreachable": gettext("Your CRM could not be reached."),
        "refused": gettext("Not sent: the address now leads to a network that is not public."),
        "https_only": gettext("Not sent: this server sends events to https:// addresses only."),
        "secret": gettext("Not sent: the signing secret cannot be read. Make a new secret."),
    }.get(kind)
    return said.format(status=status) if said else error


async def webhooks_context(
    request: web.Request, tenant_id: str, form: FormState | None = None, secret: str = "", secret_for: str = ""
) -> dict[str, Any]:
    db = db_of(request)
    shown: list[WebhookOut] = [await webhook_out(db, endpoint) for endpoint in await list_endpoints(db, tenant_id)]
    return {
        "webhooks": shown,
        "webhook_form": form or FormState(values={"url": "", "events": list(EVENT_TYPES)}),
        "webhook_events": [(event, event_label(event)) for event in EVENT_TYPES],
        "event_label": event_label,
        "attempt_words": attempt_words,
        "new_secret": secret,
        "new_secret_for": secret_for,
    }


async def add_from_form(request: web.Request) -> tuple[FormState, str, str]:
    """The form's state, and the new endpoint's id and secret ("" when the form was refused)."""
    _, form = await posted_form(request)
    state = FormState(values={"url": text_of(form, "url"), "events": lines_of(form, "events")})
    try:
        body = WebhookIn.model_validate(state.values)
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), WEBHOOK_FIELDS)
        return state, "", ""
    try:
        endpoint, secret = await add_webhook(request, body)
    except DomainError as error:
        answer = answer_for(error)
        state.add_errors(answer.fields or {"form": answer.message}, WEBHOOK_FIELDS)
        return state, "", ""
    return FormState(values={"url": "", "events": list(EVENT_TYPES)}), endpoint.id, secret


async def rotate_from_form(request: web.Request) -> tuple[str, str]:
    session, _ = await posted_form(request)
    endpoint_id = request.match_info["id"]
    secret = await rotate_secret(db_of(request), cipher_of(request), session.tenant_id, endpoint_id)
    if secret is None:
        raise web.HTTPNotFound()
    return endpoint_id, secret


async def test_from_form(request: web.Request) -> web.Response:
    session, _ = await posted_form(request)
    db = db_of(request)
    endpoint = next((e for e in await list_endpoints(db, session.tenant_id) if e.id == request.match_info["id"]), None)
    if endpoint is None:
        raise web.HTTPNotFound()
    outcome = await send_test(db, cipher_of(request), endpoint, webhook_rules_of(request), clock_of(request).now())
    notice = "webhook_test_delivered" if outcome.delivered else "webhook_test_failed"
    return see_other(f"/settings?notice={notice}#webhook-{endpoint.id}")


async def resume_from_form(request: web.Request) -> web.Response:
    session, _ = await posted_form(request)
    if await resume_endpoint(db_of(request), session.tenant_id, request.match_info["id"], clock_of(request).now()) is None:
        raise web.HTTPNotFound()
    return see_other("/settings?notice=webhook_resumed#webhooks")


async def delete_from_form(request: web.Request) -> web.Response:
    session, _ = await posted_form(request)
    if not await delete_endpoint(db_of(request), session.tenant_id, request.match_info["id"]):
        raise web.HTTPNotFound()
    return see_other("/settings?notice=webhook_deleted#webhooks")

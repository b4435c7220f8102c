"""`/conversations/{id}`: the thread with who sent each message, the lead panel, and the owner's actions
(Take over, Release, a reply, Record sale), each through the same operation as the JSON API."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.conversations.store import mark_read
from bot.sales.conversions import ConversionIn
from dashboard.api.conversations import (
    cancel_follow_up,
    conversion,
    get_conversation,
    release_conversation,
    reply,
    retry,
    takeover,
)
from dashboard.context import clock_of, db_of
from dashboard.error_table import answer_for
from dashboard.errors import validation_fields
from dashboard.i18n import N_, gettext
from dashboard.pages.access import owner_session, posted_form
from dashboard.pages.forms import FormState, text_of
from dashboard.pages.frame import not_found_page, render, see_other
from dashboard.schemas import ConversationDetailOut, ReplyIn
from dashboard.team.holders import Holder, held_words, holder_of
from knowledge.campaigns import get_campaign
from knowledge.domain_errors import Conflict, NotFound, Refused, Upstream

routes = web.RouteTableDef()

SALE_FIELDS = ("value", "currency")
LEAD_FIELDS = (
    ("email", N_("Email")),
    ("phone", N_("Phone")),
    ("company", N_("Company")),
    ("team_size", N_("Team size")),
    ("budget", N_("Budget")),
    ("timeline", N_("When")),
    ("product_interest", N_("Interested in")),
)

# What the reply that planned a nudge did, as the thread says it.
FOLLOW_UP_MOMENTS = {
    "price": N_("after a price was given"),
    "link": N_("after a link was sent"),
    "question": N_("after an unanswered question"),
}


async def _detail(request: web.Request) -> ConversationDetailOut:
    await owner_session(request)
    try:
        return await get_conversation(request)
    except NotFound:
        raise not_found_page(request, "conversation") from None


def _captured(lead: dict[str, Any]) -> list[tuple[str, str]]:
    shown = []
    for key, label in LEAD_FIELDS:
        value = lead.get(key)
        if key == "budget" and lead.get("budget_cents"):
            value = f"{lead['budget_cents'] / 100:,.2f} {lead.get('budget_currency', '')}".strip()
        if value not in (None, "", 0):
            shown.append((gettext(label), str(value)))
    return shown


def holder(detail: ConversationDetailOut) -> Holder | None:
    """Who of the team has the conversation, from the thread's activity."""
    return holder_of(detail.status, [(done.action, done.by.id, done.by.email) for done in detail.activity])


async def _page(
    request: web.Request,
    *,
    reply_form: FormState | None = None,
    sale_form: FormState | None = None,
    retry_error: str = "",
    status: int = 200,
) -> web.Response:
    session = await owner_session(request)
    detail = await _detail(request)
    # Shown to someone of the team: the customer's messages so far are read (the inbox stops marking them new).
    await mark_read(db_of(request), session.tenant_id, detail.id, clock_of(request).now())
    data = detail.model_dump(mode="json")
    lead = data.get("lead") or {}
    campaign = await get_campaign(db_of(request), session.tenant_id, detail.campaign_id) if detail.campaign_id else None
    default_currency = lead.get("currency") or (campaign.product.currency if campaign else "USD")
    held = holder(detail)
    context = {
        "c": detail,
        "lead": lead,
        "captured": _captured(lead),
        "campaign": campaign,
        "reply_form": reply_form or FormState(),
        "sale_form": sale_form or FormState(values={"currency": default_currency}),
        "can_take_over": detail.status in ("bot", "handoff"),
        "can_release": detail.status in ("human", "handoff"),
        # One key per form shown: a double click or a resent form records the sale once.
        "sale_key": uuid.uuid4().hex,
        "retry_error": retry_error,
        "me": session.owner_id,
        "holder": held,
        "held_words": held_words(held, session.owner_id),
        "follow_up_moments": {key: gettext(words) for key, words in FOLLOW_UP_MOMENTS.items()},
    }
    return await render(request, "conversation.html", session, "inbox", context, status=status)


@routes.get("/conversations/{id}")
async def conversation_page(request: web.Request) -> web.Response:
    return await _page(request)


def _back(request: web.Request, notice: str, anchor: str = "") -> web.Response:
    return see_other(f"/conversations/{request.match_info['id']}?notice={notice}{anchor}")


@routes.post("/conversations/{id}/takeover")
async def takeover_form(request: web.Request) -> web.Response:
    await _detail(request)
    await posted_form(request)
    await takeover(request)
    return _back(request, "taken_over")


@routes.post("/conversations/{id}/follow-up/cancel")
async def cancel_follow_up_form(request: web.Request) -> web.Response:
    await _detail(request)
    await posted_form(request)
    await cancel_follow_up(request)
    return _back(request, "follow_up_cancelled")


@routes.post("/conversations/{id}/release")
async def release_form(request: web.Request) -> web.Response:
    await _detail(request)
    await posted_form(request)
    await release_conversation(request)
    return _back(request, "released")


@routes.post("/conversations/{id}/reply")
async def reply_form(request: web.Request) -> web.Response:
    await _detail(request)
    _, form = await posted_form(request)
    raw = form.get("text", "")
    text = raw if isinstance(raw, str) else ""
    state = FormState(values={"text": text})
    try:
        await reply(request, ReplyIn.model_validate({"text": text}))
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), ("text",))
    except (Conflict, Refused, Upstream) as exc:  # window closed, channel gone, Meta down: in the owner's words
        state.errors["text"] = answer_for(exc).message  # it says "Not sent:" and why
    if state.failed:
        return await _page(request, reply_form=state, status=422)
    return _back(request, "replied", "#reply")


@routes.post("/conversations/{id}/sale")
async def sale_form(request: web.Request) -> web.Response:
    await _detail(request)
    _, form = await posted_form(request)
    values = {name: text_of(form, name) for name in SALE_FIELDS}
    state = FormState(values=values)
    raw_value = values["value"].replace(",", ".") if "." not in values["value"] else values["value"]
    try:
        body = ConversionIn.model_validate(
            {"value": raw_value or None, "currency": values["currency"], "idempotency_key": text_of(form, "sale_key")}
        )
    except ValidationError as exc:
        state.add_errors(validation_fields(exc), SALE_FIELDS)
        return await _page(request, sale_form=state, status=422)
    result = await conversion(request, body)
    return _back(request, "sale_recorded" if result.status in (0, 201) else "sale_known")


@routes.post("/conversations/{id}/retry")
async def retry_form(request: web.Request) -> web.Response:
    """Retry from the thread or from an inbox row (`back=inbox`): back where the owner was when it went, the thread
    with the reason when it did not."""
    await _detail(request)
    _, form = await posted_form(request)
    try:
        done = await retry(request)
    except (Conflict, Refused, Upstream) as exc:  # nothing to retry, or it failed again: said in words on the thread
        return await _page(request, retry_error=answer_for(exc).message, status=409)
    notice = "retry_queued" if done.status == 202 else "retried"
    if text_of(form, "back") == "inbox":
        return see_other(f"/inbox?notice={notice}")
    return _back(request, notice)

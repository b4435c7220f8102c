"""Conversations for the owner: list, read, take over, reply, release, record a sale."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from bot.conversations import store as convs
from bot.conversations.records import Conversation, ConversationStatus, Message
from bot.sales.conversions import ConversionIn, record_conversion
from bot.conversations.handoff import human_reply, release, take_over
from bot.sales.bot_settings import get_bot_settings
from bot.sales.leads import Lead, get_lead, lead_history, lead_to_api, leads_of_conversations
from dashboard.context import engine, services, tenant_id
from dashboard.errors import ApiError, not_found, read_model

routes = web.RouteTableDef()

PLATFORMS = ("facebook", "instagram", "whatsapp")


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=4000)


def message_to_api(message: Message) -> dict:
    out = {
        "id": message.id, "direction": message.direction, "sender": message.sender, "text": message.text,
        "at": message.at.isoformat(),
    }
    if message.direction == "in":
        out.update(intent=message.intent, confidence=message.confidence, state=message.state)
        if message.attachments:
            out["attachments"] = message.attachments
    else:
        out.update(source=message.source, delivery=message.delivery)
        if message.error_code or message.error_title:
            out["error"] = {"code": message.error_code, "message": message.error_title}
    return out


def conversation_to_api(conversation: Conversation, lead: Lead | None = None) -> dict:
    out = {
        "id": conversation.id, "platform": conversation.platform, "account_id": conversation.account_id,
        "customer_id": conversation.customer_id, "customer_name": conversation.customer_name,
        "status": conversation.status.value, "campaign_id": conversation.campaign_id,
        "created_at": conversation.created_at.isoformat(), "last_message_at": conversation.last_message_at.isoformat(),
        "lead": lead_to_api(lead) if lead else None,
        "referral": {"source": conversation.referral_source, "ref": conversation.referral_ref, "ad_id": conversation.referral_ad_id},
    }
    if conversation.paused_until:
        out["paused_until"] = conversation.paused_until.isoformat()
    if conversation.last_error:
        out["last_error"] = {"code": conversation.last_error_code, "message": conversation.last_error}
    return out


async def _detail(request: web.Request, conversation: Conversation) -> dict:
    db, tenant = services(request).db, tenant_id(request)
    lead = await get_lead(db, tenant, conversation.id)
    out = conversation_to_api(conversation, lead)
    out["messages"] = [message_to_api(m) for m in await convs.all_messages(db, tenant, conversation.id)]
    if lead:
        out["lead"]["history"] = [
            {"at": e["at"].isoformat(), "score": e["score"], "stage": e["stage"], "reasons": e.get("reasons", [])}
            for e in await lead_history(db, tenant, lead.id)
        ]
    return out


async def _owned(request: web.Request) -> Conversation:
    conversation = await convs.get_conversation(services(request).db, tenant_id(request), request.match_info["id"])
    if conversation is None:
        raise not_found("conversation")
    return conversation


@routes.get("/api/conversations")
async def list_conversations(request: web.Request) -> web.Response:
    status = request.query.get("status", "")
    channel = request.query.get("platform", "")
    statuses = [s.value for s in ConversationStatus]
    if status and status not in statuses:
        raise ApiError(400, "invalid_filter", "unknown status", {"status": f"one of {', '.join(statuses)}"})
    if channel and channel not in PLATFORMS:
        raise ApiError(400, "invalid_filter", "unknown platform", {"platform": f"one of {', '.join(PLATFORMS)}"})
    try:
        limit = max(1, min(200, int(request.query.get("limit", "50"))))
        skip = max(0, int(request.query.get("offset", "0")))
    except ValueError:
        raise ApiError(400, "invalid_filter", "limit and offset must be whole numbers") from None
    db, tenant = services(request).db, tenant_id(request)
    items = await convs.list_conversations(db, tenant, status=status, platform=channel, limit=limit, skip=skip)
    leads = await leads_of_conversations(db, tenant, [c.id for c in items])
    result = [conversation_to_api(c, leads.get(c.id)) for c in items]
    return web.json_response({"conversations": result})


@routes.get("/api/conversations/{id}")
async def get_conversation(request: web.Request) -> web.Response:
    return web.json_response(await _detail(request, await _owned(request)))


@routes.post("/api/conversations/{id}/takeover")
async def takeover(request: web.Request) -> web.Response:
    conversation = await take_over(services(request).db, tenant_id(request), (await _owned(request)).id)
    assert conversation is not None
    return web.json_response(await _detail(request, conversation))


@routes.post("/api/conversations/{id}/release")
async def release_conversation(request: web.Request) -> web.Response:
    conversation = await release(services(request).db, tenant_id(request), (await _owned(request)).id)
    assert conversation is not None
    return web.json_response(await _detail(request, conversation))


@routes.post("/api/conversations/{id}/reply")
async def reply(request: web.Request) -> web.Response:
    conversation = await _owned(request)
    body = await read_model(request, ReplyIn)
    s, tenant = services(request), tenant_id(request)
    settings = await get_bot_settings(s.db, tenant)
    result = await human_reply(s.db, engine(request).sender, tenant, conversation.id, body.text, now=s.clock.now(), zone=settings.zone)
    assert result is not None
    message, outcome = result
    if not outcome.sent:
        raise ApiError(502 if outcome.error_category in ("transient", "unknown") else 409, f"send_failed_{outcome.error_category or 'unknown'}",
                       outcome.detail or "the message could not be sent", {"meta_error_code": str(outcome.error_code)} if outcome.error_code else None)
    return web.json_response(message_to_api(message), status=201)


@routes.post("/api/conversations/{id}/conversion")
async def conversion(request: web.Request) -> web.Response:
    conversation = await _owned(request)
    body = await read_model(request, ConversionIn)
    s = services(request)
    settings = await get_bot_settings(s.db, conversation.tenant_id)
    doc, created = await record_conversion(s.db, conversation, body, now=s.clock.now(), zone=settings.zone,
                                           idempotency_key=request.headers.get("Idempotency-Key", "")[:200])
    return web.json_response(doc, status=201 if created else 200)

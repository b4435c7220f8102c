"""Conversations for the owner: list, read, take over, reply, release, record a sale."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pymongo.asynchronous.database import AsyncDatabase

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.handoff import human_reply, release, take_over
from bot.conversations.queries import conversation_ids_at_stage, find_conversations
from bot.conversations.records import Conversation, Message
from bot.sales.bot_settings import get_bot_settings
from bot.sales.conversions import ConversionIn, record_conversion
from bot.sales.leads import Lead, get_lead, lead_history, lead_to_api, leads_of_conversations
from dashboard.api.operations import ApiRoutes, Reply
from dashboard.context import engine, services, tenant_id
from dashboard.errors import ApiError, not_found
from dashboard.schemas import ConversationDetailOut, ConversationsOut, ConversationsQuery, ConversionOut, MessageOut, ReplyIn

routes = ApiRoutes()


def message_to_api(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": message.id,
        "direction": message.direction,
        "sender": message.sender,
        "text": message.text,
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


def conversation_to_api(conversation: Conversation, lead: Lead | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": conversation.id,
        "platform": conversation.platform,
        "account_id": conversation.account_id,
        "customer_id": conversation.customer_id,
        "customer_name": conversation.customer_name,
        "status": conversation.status.value,
        "campaign_id": conversation.campaign_id,
        "created_at": conversation.created_at.isoformat(),
        "last_message_at": conversation.last_message_at.isoformat(),
        "lead": lead_to_api(lead) if lead else None,
        "referral": {
            "source": conversation.referral_source,
            "ref": conversation.referral_ref,
            "ad_id": conversation.referral_ad_id,
        },
    }
    if conversation.paused_until:
        out["paused_until"] = conversation.paused_until.isoformat()
    if conversation.last_error:
        out["last_error"] = {"code": conversation.last_error_code, "message": conversation.last_error}
    return out


async def _detail(request: web.Request, conversation: Conversation) -> ConversationDetailOut:
    db, tenant = services(request).db, tenant_id(request)
    lead = await get_lead(db, tenant, conversation.id)
    out = conversation_to_api(conversation, lead)
    out["messages"] = [message_to_api(m) for m in await msgs.all_messages(db, tenant, conversation.id)]
    if lead:
        out["lead"]["history"] = [
            {"at": e["at"].isoformat(), "score": e["score"], "stage": e["stage"], "reasons": e.get("reasons", [])}
            for e in await lead_history(db, tenant, lead.id)
        ]
    return ConversationDetailOut.model_validate(out)


async def _owned(request: web.Request) -> Conversation:
    conversation = await convs.get_conversation(services(request).db, tenant_id(request), request.match_info["id"])
    if conversation is None:
        raise not_found("conversation")
    return conversation


async def filtered_conversations(db: AsyncDatabase, tenant: str, query: ConversationsQuery) -> list[Conversation]:
    """The page of conversations a query asks for (a stage filter goes through the leads at that stage)."""
    ids = await conversation_ids_at_stage(db, tenant, query.stage) if query.stage else None
    if ids is not None and not ids:
        return []
    return await find_conversations(
        db,
        tenant,
        status=query.status or "",
        platform=query.platform or "",
        campaign_id=query.campaign_id or "",
        ids=ids,
        limit=query.limit,
        skip=query.offset,
    )


@routes.get("/api/conversations")
async def list_conversations(request: web.Request, query: ConversationsQuery) -> ConversationsOut:
    """Conversations, newest first, with their lead; filter on status, platform, lead stage and campaign, page with limit and offset."""
    db, tenant = services(request).db, tenant_id(request)
    items = await filtered_conversations(db, tenant, query)
    leads = await leads_of_conversations(db, tenant, [c.id for c in items])
    result = [conversation_to_api(c, leads.get(c.id)) for c in items]
    return ConversationsOut.model_validate({"conversations": result})


@routes.get("/api/conversations/{id}")
async def get_conversation(request: web.Request) -> ConversationDetailOut:
    """One conversation with its messages, and its lead with score, stage and history."""
    return await _detail(request, await _owned(request))


@routes.post("/api/conversations/{id}/takeover")
async def takeover(request: web.Request) -> ConversationDetailOut:
    """A person takes over: the bot stays silent until released."""
    conversation = await take_over(services(request).db, tenant_id(request), (await _owned(request)).id)
    assert conversation is not None
    return await _detail(request, conversation)


@routes.post("/api/conversations/{id}/release")
async def release_conversation(request: web.Request) -> ConversationDetailOut:
    """Hand the conversation back to the bot."""
    conversation = await release(services(request).db, tenant_id(request), (await _owned(request)).id)
    assert conversation is not None
    return await _detail(request, conversation)


@routes.post("/api/conversations/{id}/reply", status=201, errors=(409, 502))
async def reply(request: web.Request, body: ReplyIn) -> MessageOut:
    """Send a message to the customer as the owner (the bot stays quiet for the pause set in bot settings).

    409 when Meta refuses it for good (for example outside the 24-hour window), 502 when Meta fails for now.
    """
    conversation = await _owned(request)
    s, tenant = services(request), tenant_id(request)
    settings = await get_bot_settings(s.db, tenant)
    result = await human_reply(
        s.db, engine(request).sender, tenant, conversation.id, body.text, now=s.clock.now(), zone=settings.zone
    )
    assert result is not None
    message, outcome = result
    if not outcome.sent:
        raise ApiError(
            502 if outcome.error_category in ("transient", "unknown") else 409,
            f"send_failed_{outcome.error_category or 'unknown'}",
            outcome.detail or "the message could not be sent",
            {"meta_error_code": str(outcome.error_code)} if outcome.error_code else None,
        )
    return MessageOut.model_validate(message_to_api(message))


@routes.post("/api/conversations/{id}/conversion", status=(201, 200))
async def conversion(request: web.Request, body: ConversionIn) -> Reply[ConversionOut]:
    """Record a sale: the lead becomes converted and revenue is counted once.

    The same sale sent again (same `Idempotency-Key` header or `idempotency_key`, or without one the same
    value and currency on the same day) answers 200 with the sale first recorded, and counts nothing.
    """
    conversation = await _owned(request)
    s = services(request)
    settings = await get_bot_settings(s.db, conversation.tenant_id)
    doc, created = await record_conversion(
        s.db,
        conversation,
        body,
        now=s.clock.now(),
        zone=settings.zone,
        idempotency_key=request.headers.get("Idempotency-Key", "")[:200],
    )
    return Reply(ConversionOut.model_validate(doc), status=201 if created else 200)

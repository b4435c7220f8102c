"""Conversations for the owner: list, read, take over, reply, release, record a sale."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.bot_settings import get_bot_settings
from bot.conversations.handoff import human_reply, release, take_over
from bot.conversations.queries import (
    conversation_ids_at_stage,
    find_conversations,
    matching_conversation_ids,
    waiting_conversation_ids,
)
from bot.conversations.records import Conversation, ConversationDelivery, ConversationStatus, Message
from bot.conversations.sending import SendOutcome
from bot.conversations.voice_clips import get_clip
from bot.follow_ups import plans as follow_up_plans
from bot.inbound.retry import retry_delivery
from bot.runtime.host import INBOUND
from bot.sales.conversions import ConversionIn, record_conversion
from bot.sales.leads import Lead, get_lead, lead_history, leads_of_conversations
from channels.problems import PASSING_PROBLEMS, known_problem, problem_of_code
from dashboard.api.operations import ApiRoutes, Reply
from dashboard.api.shapes.conversion_json import conversion_json
from dashboard.api.shapes.lead_json import lead_for_owner
from dashboard.context import clock_of, db_of, engine, redis_of, tenant_id
from dashboard.delivery_words import cause, delivery_error, not_sent
from dashboard.errors import not_found
from dashboard.lead_words import reasons_in_words
from dashboard.schemas import ConversationDetailOut, ConversationsOut, ConversationsQuery, ConversionOut, MessageOut, ReplyIn
from dashboard.team.actions import Action, Done, actions_of, record_action
from dashboard.team.caller import person_of
from knowledge.db import Db
from knowledge.domain_errors import Refused, Upstream

routes = ApiRoutes()


def message_to_api(message: Message, platform: str = "facebook") -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": message.id,
        "direction": message.direction,
        "sender": message.sender,
        "text": message.text,
        "at": message.at.isoformat(),
    }
    if message.direction == "in":
        out.update(intent=message.intent, confidence=message.confidence, state=message.state)
        if message.interaction == "comment":  # the comment under a post that the conversation began with
            out["comment"] = True
        if message.attachments:
            out["attachments"] = message.attachments
        if message.media:
            out["media"] = media_to_api(message)
    else:
        out.update(source=message.source, delivery=message.delivery)
        if message.error_code or message.error_title or message.problem:
            # Meta's own text stays in the record for support; the owner reads what happened in words.
            problem = message.problem or problem_of_code(message.error_code)
            out["error"] = {"code": message.error_code, "message": not_sent(problem, platform)}
    return out


# What a recording may be served as; anything else is sent as bytes to download.
VOICE_TYPES = ("audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/webm", "video/mp4")


def media_to_api(message: Message) -> dict[str, Any]:
    """A recording as the owner sees it: where to play it (when it was kept), and whether its words were heard."""
    media = message.media
    out: dict[str, Any] = {"kind": media.get("kind", "voice"), "heard": bool(media.get("heard"))}
    if media.get("id"):
        out["url"] = f"/api/conversations/{message.conversation_id}/voice/{media['id']}"
        out["mime_type"] = media.get("mime_type", "")
    if media.get("problem"):
        out["problem"] = media["problem"]
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
        "lead": lead_for_owner(lead) if lead else None,
        "source": conversation.source.model_dump(),
        # The earlier shape of the attribution, kept for clients that read it: `source` says it now. `source` and
        # `ad_id` here are what older versions stored; an ad recorded since names its ad from `source`.
        "referral": {
            "source": conversation.referral_source,
            "ref": conversation.referral_ref,
            "ad_id": conversation.source.ad_id or conversation.referral_ad_id,
        },
    }
    if conversation.status == ConversationStatus.handoff:
        out["handoff_cause"] = conversation.handoff_cause.value
    if conversation.paused_until:
        out["paused_until"] = conversation.paused_until.isoformat()
    if conversation.last_error:
        problem = problem_of_code(conversation.last_error_code) if conversation.last_error_code else "refused"
        out["last_error"] = {"code": conversation.last_error_code, "message": cause(problem, conversation.platform)}
    if conversation.follow_up_due is not None:
        out["follow_up"] = {
            "due_at": conversation.follow_up_due.isoformat(),
            "kind": conversation.follow_up_kind,
            "template": conversation.follow_up_template,
        }
    out["follow_ups_sent"] = conversation.follow_ups_sent
    out["delivery"] = conversation.delivery.value
    if conversation.delivery != ConversationDelivery.ok:
        out["delivery_error"] = delivery_error(conversation)
        if conversation.delivery_since:
            out["delivery_since"] = conversation.delivery_since.isoformat()
    return out


async def _detail(request: web.Request, conversation: Conversation) -> ConversationDetailOut:
    db, tenant = db_of(request), tenant_id(request)
    lead = await get_lead(db, tenant, conversation.id)
    out = conversation_to_api(conversation, lead)
    out["messages"] = [message_to_api(m, conversation.platform) for m in await msgs.all_messages(db, tenant, conversation.id)]
    done = await actions_of(db, tenant, conversation.id)
    senders = {action.message_id: _by(action) for action in done if action.message_id}
    for message in out["messages"]:
        if message["id"] in senders:
            message["by"] = senders[message["id"]]
    out["activity"] = [{"action": action.action.value, "by": _by(action), "at": action.at} for action in done]
    if lead:
        out["lead"]["history"] = [
            {
                "at": e["at"].isoformat(),
                "score": e["score"],
                "stage": e["stage"],
                "reasons": reasons_in_words(e.get("reasons", []), e.get("reason_kinds")),
            }
            for e in await lead_history(db, tenant, lead.id)
        ]
    return ConversationDetailOut.model_validate(out)


def _by(action: Done) -> dict[str, str]:
    return {"id": action.person_id, "email": action.email}


async def _record(request: web.Request, conversation_id: str, action: Action, message_id: str = "") -> None:
    """Note who of the team did it (every caller past the role guard is a known person)."""
    person = person_of(request)
    if person is not None:
        await record_action(db_of(request), person, conversation_id, action, now=clock_of(request).now(), message_id=message_id)


async def _owned(request: web.Request) -> Conversation:
    conversation = await convs.get_conversation(db_of(request), tenant_id(request), request.match_info["id"])
    if conversation is None:
        raise not_found("conversation")
    return conversation


async def filtered_conversations(db: Db, tenant: str, query: ConversationsQuery) -> list[Conversation]:
    """The page of conversations a query asks for (a stage filter goes through the leads at that stage, a search
    and "not answered" through their own reads; each narrows the others)."""
    chosen: list[list[str]] = []
    if query.stage:
        chosen.append(await conversation_ids_at_stage(db, tenant, query.stage))
    if query.q.strip():
        chosen.append(await matching_conversation_ids(db, tenant, query.q))
    if query.not_answered:
        chosen.append(await waiting_conversation_ids(db, tenant))
    ids = narrowed(chosen)
    if ids is not None and not ids:
        return []
    return await find_conversations(
        db,
        tenant,
        status=query.status or "",
        platform=query.platform or "",
        campaign_id=query.campaign_id or "",
        delivery=query.delivery or "",
        ids=ids,
        limit=query.limit,
        skip=query.offset,
    )


def narrowed(chosen: list[list[str]]) -> list[str] | None:
    """The ids every filter chose (None when no filter chose by id)."""
    if not chosen:
        return None
    kept = set(chosen[0]).intersection(*chosen[1:])
    return [conversation_id for conversation_id in chosen[0] if conversation_id in kept]


@routes.get("/api/conversations")
async def list_conversations(request: web.Request, query: ConversationsQuery) -> ConversationsOut:
    """Conversations, newest first, with their lead; filter on status, platform, lead stage, campaign, delivery and
    whether the customer waits for an answer (`not_answered`), search names and messages (`q`), page with limit and
    offset."""
    db, tenant = db_of(request), tenant_id(request)
    items = await filtered_conversations(db, tenant, query)
    leads = await leads_of_conversations(db, tenant, [c.id for c in items])
    result = [conversation_to_api(c, leads.get(c.id)) for c in items]
    return ConversationsOut.model_validate({"conversations": result})


@routes.get("/api/conversations/{id}")
async def get_conversation(request: web.Request) -> ConversationDetailOut:
    """One conversation with its messages, and its lead with score, stage and history."""
    return await _detail(request, await _owned(request))


@routes.get("/api/conversations/{id}/voice/{clip_id}", produces=VOICE_TYPES)
async def voice_clip(request: web.Request) -> web.Response:
    """A customer's recording in this conversation, to play (404 for another business's, or another conversation's)."""
    conversation = await _owned(request)
    clip = await get_clip(db_of(request), tenant_id(request), request.match_info["clip_id"])
    if clip is None or clip.conversation_id != conversation.id:
        raise not_found("recording")
    kind = clip.mime_type if clip.mime_type.startswith(("audio/", "video/")) else "application/octet-stream"
    # The bytes are the customer's: played here, never run (every answer carries nosniff and the strict CSP).
    return web.Response(body=clip.data, content_type=kind, headers={"Cache-Control": "private, max-age=3600"})


@routes.post("/api/conversations/{id}/takeover")
async def takeover(request: web.Request) -> ConversationDetailOut:
    """A person takes over: the bot stays silent until released."""
    conversation = await take_over(db_of(request), tenant_id(request), (await _owned(request)).id)
    if conversation is None:  # deleted since it was read
        raise not_found("conversation")
    if await follow_up_plans.cancel(db_of(request), conversation.tenant_id, conversation.id):
        conversation = await convs.get_conversation(db_of(request), conversation.tenant_id, conversation.id) or conversation
    await _record(request, conversation.id, Action.takeover)
    return await _detail(request, conversation)


@routes.post("/api/conversations/{id}/release")
async def release_conversation(request: web.Request) -> ConversationDetailOut:
    """Hand the conversation back to the bot."""
    conversation = await release(db_of(request), tenant_id(request), (await _owned(request)).id)
    if conversation is None:  # deleted since it was read
        raise not_found("conversation")
    await _record(request, conversation.id, Action.release)
    return await _detail(request, conversation)


@routes.post("/api/conversations/{id}/reply", status=201, errors=(409, 502))
async def reply(request: web.Request, body: ReplyIn) -> MessageOut:
    """Send a message to the customer as the owner (the bot stays quiet for the pause set in bot settings).

    409 when Meta refuses it for good (for example outside the 24-hour window), 502 when Meta fails for now.
    """
    conversation = await _owned(request)
    tenant = tenant_id(request)
    settings = await get_bot_settings(db_of(request), tenant)
    result = await human_reply(
        db_of(request),
        engine(request).sender,
        tenant,
        conversation.id,
        body.text,
        now=clock_of(request).now(),
        zone=settings.zone,
    )
    if result is None:  # deleted since it was read
        raise not_found("conversation")
    message, outcome = result
    await follow_up_plans.cancel(db_of(request), tenant, conversation.id)  # a person answered: no nudge over them
    await _record(request, conversation.id, Action.reply, message.id)
    if not outcome.sent:
        raise send_refusal(outcome, conversation.platform)
    return MessageOut.model_validate(message_to_api(message, conversation.platform))


def send_refusal(outcome: SendOutcome, platform: str) -> Upstream | Refused:
    """A send that did not go out: Meta failing for now (it may go later), or refusing it for good (window,
    blocked, token); the table says each in the owner's words."""
    problem = known_problem(outcome.problem or "refused")
    family = Upstream if problem in PASSING_PROBLEMS else Refused
    code = {"meta_error_code": outcome.error_code} if outcome.error_code else {}
    return family(f"not_sent_{problem}", platform=platform, **code)


@routes.post("/api/conversations/{id}/retry", status=(200, 202), errors=(409, 502))
async def retry(request: web.Request) -> Reply[ConversationDetailOut]:
    """Send again the reply that did not reach the customer (the conversation's `delivery` is `failed`), once.

    200 with the conversation when it went out; 202 when the bot had written no reply yet and the customer's message
    went back to the bot; 409 when there is nothing to retry (or it is being retried), 502 or 409 with the reason in
    words when it failed again.
    """
    conversation = await _owned(request)
    tenant = tenant_id(request)
    settings = await get_bot_settings(db_of(request), tenant)
    done = await retry_delivery(
        db_of(request),
        redis_of(request),
        request.app[INBOUND],
        engine(request).sender,
        tenant,
        conversation.id,
        now=clock_of(request).now(),
        zone=settings.zone,
    )
    if done.outcome is not None and not done.outcome.sent:
        raise send_refusal(done.outcome, conversation.platform)
    fresh = await convs.get_conversation(db_of(request), tenant, conversation.id)
    if fresh is None:  # deleted since it was read
        raise not_found("conversation")
    return Reply(await _detail(request, fresh), status=202 if done.result == "queued" else 200)


@routes.delete("/api/conversations/{id}/follow-up")
async def cancel_follow_up(request: web.Request) -> ConversationDetailOut:
    """Cancel the nudge planned for this conversation (`follow_up`); the conversation as it is then. Cancelling when
    none is planned changes nothing."""
    conversation = await _owned(request)
    await follow_up_plans.cancel(db_of(request), conversation.tenant_id, conversation.id)
    fresh = await convs.get_conversation(db_of(request), conversation.tenant_id, conversation.id)
    if fresh is None:  # deleted since it was read
        raise not_found("conversation")
    return await _detail(request, fresh)


@routes.post("/api/conversations/{id}/conversion", status=(201, 200))
async def conversion(request: web.Request, body: ConversionIn) -> Reply[ConversionOut]:
    """Record a sale: the lead becomes converted and revenue is counted once.

    The same sale sent again (same `Idempotency-Key` header or `idempotency_key`, or without one the same
    value and currency on the same day) answers 200 with the sale first recorded, and counts nothing.
    """
    conversation = await _owned(request)
    settings = await get_bot_settings(db_of(request), conversation.tenant_id)
    sale, created = await record_conversion(
        db_of(request),
        conversation,
        body,
        now=clock_of(request).now(),
        zone=settings.zone,
        idempotency_key=request.headers.get("Idempotency-Key", "")[:200],
    )
    if created:
        await _record(request, conversation.id, Action.sale)
        await follow_up_plans.note_sale(db_of(request), conversation, at=clock_of(request).now(), timezone=settings.timezone)
    return Reply(ConversionOut.model_validate(conversion_json(sale)), status=201 if created else 200)

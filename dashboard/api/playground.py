"""`POST /api/playground/chat {platform, message, session_id?}`: the tenant's real reply pipeline, dry.

The owner talks to their own bot as a customer on one platform would. The turn sees exactly what a
customer's turn sees (profile, campaigns visible there, passages, catalog facts, history, lead), but no
conversation is stored, nothing goes to Meta and no counter moves. The short history and the lead live
in Redis for an hour under the tenant and the playground session id.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.asyncio as aioredis
from aiohttp import web
from pydantic import BaseModel, Field

from bot.conversations.records import ConversationStatus, HandoffCause
from bot.conversations.turn_context import HISTORY_LIMIT, turn_context
from bot.conversations.turn_plan import handoff_cause_of, person_has_it, status_after_turn, stays_opted_out
from bot.pipeline import classify_turn, run_turn
from bot.pipeline.model_client import ModelClient
from bot.pipeline.types import HistoryItem, LeadState, TurnContext, TurnResult
from bot.runtime.host import ENGINE
from dashboard.api.operations import ApiRoutes, add_api
from dashboard.context import db_of, knowledge_of, redis_of, settings_of, tenant_id
from dashboard.lead_words import reasons_in_words
from dashboard.ratelimit import PLAYGROUND_PER_TENANT, enforce
from dashboard.schemas import PlaygroundIn, PlaygroundOut
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex

log = logging.getLogger(__name__)
routes = ApiRoutes()

SESSION_TTL_S = 3600


class PlaygroundSession(BaseModel):
    """One playground chat: which platform it is on, what was said, and the lead so far."""

    platform: str
    campaign_id: str = ""
    # As a conversation's status on the channels (a person never takes a playground chat, so never `human`).
    status: ConversationStatus = ConversationStatus.bot
    handoff_cause: HandoffCause = HandoffCause.person
    history: list[HistoryItem] = Field(default_factory=list)
    lead: LeadState = Field(default_factory=LeadState)


@dataclass(frozen=True)
class PlaygroundState:
    model: ModelClient | None


PLAYGROUND = web.AppKey("playground", PlaygroundState)


def session_key(tenant: str, session_id: str) -> str:
    return f"playground:{tenant}:{session_id}"


async def load_session(redis: aioredis.Redis, tenant: str, session_id: str, channel: str) -> PlaygroundSession:
    raw = await redis.get(session_key(tenant, session_id))
    if raw:
        saved = PlaygroundSession.model_validate_json(raw)
        if saved.platform == channel:
            return saved
    # A chat on another platform is another customer's conversation: start afresh.
    return PlaygroundSession(platform=channel)


async def save_session(redis: aioredis.Redis, tenant: str, session_id: str, session: PlaygroundSession) -> None:
    await redis.set(session_key(tenant, session_id), session.model_dump_json(), ex=SESSION_TTL_S)


async def playground_context(
    knowledge: KnowledgeIndex,
    db: Db,
    tenant: str,
    session: PlaygroundSession,
    message: str,
    model: ModelClient | None,
) -> TurnContext:
    """What a customer's turn on `session.platform` would see, built as a channel's turn is."""
    history = session.history[-HISTORY_LIMIT:]
    return await turn_context(
        knowledge,
        db,
        tenant,
        session.platform,
        [message],
        history,
        session.lead,
        current_campaign_id=session.campaign_id,
        model=model,
    )


def advance(session: PlaygroundSession, ctx: TurnContext, message: str, result: TurnResult) -> PlaygroundSession:
    history = [*session.history, HistoryItem(sender="customer", text=message), HistoryItem(sender="bot", text=result.reply.text)]
    status = status_after_turn(session.status, result)
    return session.model_copy(
        update={
            "campaign_id": ctx.campaign.id if ctx.campaign else session.campaign_id,
            "history": history[-HISTORY_LIMIT:],
            "lead": result.lead,
            "status": status or session.status,
            "handoff_cause": handoff_cause_of(result) if status == ConversationStatus.handoff else session.handoff_cause,
        }
    )


def silence(session: PlaygroundSession, message: str) -> str:
    """Why the bot says nothing to this message, decided as on the channels; empty when it answers."""
    if person_has_it(session.status, session.handoff_cause):
        return "A person from your team has this conversation now, so the bot stays silent."
    # As on the channels, the turn's intent is read only for a customer who opted out.
    intent = classify_turn([message]).intent if session.status == ConversationStatus.opted_out else None
    if stays_opted_out(session.status, intent):
        return "This customer opted out: the bot answers nothing until they write START."
    return ""


@routes.post("/api/playground/chat", errors=(429,))
async def playground_chat(request: web.Request, body: PlaygroundIn) -> PlaygroundOut:
    """Chat with your own bot as a customer on one platform would: nothing is sent, stored or counted."""
    redis, tenant = redis_of(request), tenant_id(request)
    await enforce(request, PLAYGROUND_PER_TENANT, tenant)
    session_id = body.session_id or secrets.token_urlsafe(16)
    session = await load_session(redis, tenant, session_id, body.platform)
    quiet = silence(session, body.message)
    if quiet:
        history = [*session.history, HistoryItem(sender="customer", text=body.message)][-HISTORY_LIMIT:]
        await save_session(redis, tenant, session_id, session.model_copy(update={"history": history}))
        return PlaygroundOut(session_id=session_id, reply="", silent=True, note=quiet, status=session.status)
    model = request.app[PLAYGROUND].model
    ctx = await playground_context(knowledge_of(request), db_of(request), tenant, session, body.message, model)
    result = await run_turn(ctx, model=model, timeout_s=settings_of(request).groq_timeout_s)
    advanced = advance(session, ctx, body.message, result)
    await save_session(redis, tenant, session_id, advanced)
    log.info(
        "playground turn",
        extra={"tenant": tenant, "platform": body.platform, "source": result.reply.source, "guard_blocked": result.guard_blocked},
    )
    return PlaygroundOut.model_validate(
        {
            "session_id": session_id,
            "reply": result.reply.text,
            "intent": result.classification.intent.value,
            "confidence": result.classification.confidence,
            "source": result.reply.source,
            "guard_blocked": result.guard_blocked,
            "guard_violations": result.guard_violations,
            "handoff": result.reply.handoff,
            "opted_out": result.reply.opted_out,
            "silent": False,
            "status": advanced.status,
            "lead": {
                "score": result.lead.score,
                "stage": result.lead.stage,
                "reasons": reasons_in_words(result.lead.reasons, [n.model_dump() for n in result.lead.reason_notes]),
            },
        }
    )


async def _playground_ctx(app: web.Application) -> AsyncIterator[None]:
    # One chat model per process, built as the worker builds its own.
    app[PLAYGROUND] = PlaygroundState(model=app[ENGINE].model)
    yield


def setup_playground(app: web.Application) -> None:
    """The playground API; needs the dashboard's middlewares (auth, errors) already on the app."""
    add_api(app, routes)
    app.cleanup_ctx.append(_playground_ctx)

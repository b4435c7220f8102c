"""The model path: the reply as a forced tool call of the model client, structured output, one bounded attempt.

Any failure (timeout, rate limit, server error, output that does not fit the schema) becomes one
`ModelUnavailable`, so the caller answers with the offline responder at once. The SDK's own retries are
off: a customer waiting on a chat is better served by a grounded offline answer than by a slow retry.
"""

from __future__ import annotations

import asyncio
import logging
import time

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

from bot.pipeline.lead_scoring import EMAIL_RE, find_phone, region_for_customer
from bot.pipeline.model_client import ModelClient
from bot.pipeline.model_usage import cost_usd, usage_of
from bot.pipeline.prompts import TOOL_NAME, build_messages, next_question
from bot.pipeline.text import fold
from bot.pipeline.turn_view import visible_campaigns
from bot.pipeline.types import (
    Classification,
    Intent,
    LeadFields,
    Reply,
    TurnContext,
    Usage,
)
from knowledge.money import extract_amounts

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 1200


class ModelUnavailable(Exception):
    """The model gave no usable reply this time; `usage` holds whatever the attempt cost."""

    def __init__(self, reason: str, usage: Usage | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usage = usage


class ReplyDraft(BaseModel):
    """The message to send to the customer, and what the customer said about themselves."""

    reply: str = Field(description="The message to send to the customer, in the customer's language.")
    facts_used: list[str] = Field(
        default_factory=list, description="Names of the catalog products or document sources the reply relies on."
    )
    sources: list[str] = Field(
        default_factory=list, description="Ids of the documents (P1, P2...) that state the facts in the reply."
    )
    asked_next_question: bool = Field(
        default=False, description="True when the reply asks the next qualification question given in the instructions."
    )
    needs_person: bool = Field(
        default=False,
        description="True when <catalog> and <documents> do not answer the customer's question, so a person from the team must.",
    )
    customer_name: str | None = Field(default=None, description="The customer's name, if they said it.")
    email: str | None = Field(default=None, description="The customer's email address, if they gave one.")
    phone: str | None = Field(default=None, description="The customer's phone number, if they gave one.")
    company: str | None = Field(default=None, description="The customer's company, if they said it.")
    team_size: int | None = Field(default=None, description="How many people are on the customer's team, if said.")
    budget: str | None = Field(default=None, description="The customer's budget as they wrote it, with its currency.")
    timeline: str | None = Field(default=None, description="When the customer wants to buy or start, if said.")

    @field_validator("facts_used", "sources", "asked_next_question", "needs_person", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object, info: ValidationInfo) -> object:
        # Models often send null for "nothing" in optional lists and flags.
        if value is None:
            return False if info.field_name in ("asked_next_question", "needs_person") else []
        return value


def _clean(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value[:limit] if value else None


def draft_lead_fields(draft: ReplyDraft, default_region: str | None) -> LeadFields:
    """The model's reading of the customer, kept only where it checks out."""
    email = _clean(draft.email, 200)
    phone = find_phone(draft.phone, default_region) if draft.phone else None
    budget = extract_amounts(draft.budget) if draft.budget else []
    team = draft.team_size if draft.team_size and 0 < draft.team_size <= 1_000_000 else None
    return LeadFields(
        name=_clean(draft.customer_name, 80),
        email=email.lower() if email and EMAIL_RE.fullmatch(email) else None,
        phone=phone,
        company=_clean(draft.company, 120),
        team_size=team,
        budget_cents=budget[0].minor if budget else None,
        budget_currency=(budget[0].currency or None) if budget else None,
        timeline=_clean(draft.timeline, 60),
    )


def _reply_from_draft(ctx: TurnContext, classification: Classification, draft: ReplyDraft) -> Reply:
    text = draft.reply.strip()
    campaigns = visible_campaigns(ctx)
    folded = fold(text)
    mentioned = [c for c in campaigns if fold(c.product.name) and fold(c.product.name) in folded]
    if not mentioned and ctx.campaign is not None:
        mentioned = [c for c in campaigns if c.id == ctx.campaign.id]
    links = [c.product.cta_url for c in campaigns if c.product.cta_url]
    return Reply(
        text=text,
        source="llm",
        facts_used=[fact for fact in (_clean(item, 120) for item in draft.facts_used[:10]) if fact],
        sources=[source for source in (_clean(item, 12) for item in draft.sources[:10]) if source],
        lead_fields=draft_lead_fields(draft, region_for_customer(ctx.platform, ctx.customer_id)),
        # As offline: the purchase link sent to someone who asked to buy is a proposal.
        cta_sent=classification.intent == Intent.buying_signal and any(link in text for link in links),
        asked_question=draft.asked_next_question and bool(next_question(ctx)),
        # The model could not answer from the business's words: a person will, and the owner sees it.
        handoff=draft.needs_person,
        product_name=mentioned[0].product.name if mentioned else "",
    )


async def llm_reply(
    model: ModelClient, ctx: TurnContext, classification: Classification, *, timeout_s: float, correction: str = ""
) -> tuple[Reply, Usage]:
    """The model's reply for this turn and what it cost, or `ModelUnavailable`. `correction` names what a
    previous draft stated without support, so the model writes it again without that."""
    model_name = model.model_name
    messages = build_messages(ctx, classification, correction=correction)
    structured = model.reply_runnable
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            result = await structured.ainvoke(messages)
    except TimeoutError:
        log.warning("model call timed out", extra={"model": model_name, "timeout_s": timeout_s})
        raise ModelUnavailable("timeout", usage_of(model_name, started, None)) from None
    except Exception as exc:  # noqa: BLE001 # the SDK raises many kinds (status, connection, validation); all mean "fall back"
        status = getattr(exc, "status_code", None)
        log.warning("model call failed", extra={"model": model_name, "error": type(exc).__name__, "status": status})
        raise ModelUnavailable(f"error {status or type(exc).__name__}", usage_of(model_name, started, None)) from None
    usage = usage_of(model_name, started, result)
    draft = draft_from(result)
    if draft is None or not draft.reply.strip() or len(draft.reply) > MAX_REPLY_CHARS:
        log.warning("model output unusable", extra={"model": model_name, "parsed": draft is not None})
        raise ModelUnavailable("unusable output", usage)
    return _reply_from_draft(ctx, classification, draft), usage


def draft_from(message: object) -> ReplyDraft | None:
    """The reply tool's arguments in the model's message, validated; None if there are none that fit."""
    for call in getattr(message, "tool_calls", None) or []:
        if call.get("name") != TOOL_NAME:
            continue
        try:
            return ReplyDraft.model_validate(call.get("args") or {})
        except ValidationError:
            return None
    return None


__all__ = ["TOOL_NAME", "ModelUnavailable", "ReplyDraft", "cost_usd", "llm_reply"]

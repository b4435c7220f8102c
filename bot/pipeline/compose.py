"""One turn, end to end: classify, respond (model or offline), guard, update the lead."""

from __future__ import annotations

import logging

from bot.pipeline.classify import classify_turn, is_disinterest
from bot.pipeline.guard import check_reply
from bot.pipeline.lead_scoring import capture_lead_fields, merge_fields, next_step, region_for_customer, score_lead, stage_for
from bot.pipeline.llm import ModelUnavailable, SalesChatModel, llm_reply
from bot.pipeline.offline import offline_reply, safe_reply, usable_passages, visible_campaigns
from bot.pipeline.types import Classification, Intent, LeadState, Reply, TurnContext, TurnResult, Usage
from knowledge.models import Campaign

log = logging.getLogger(__name__)

# Intents answered by fixed, safe text whatever the model would say.
DIRECT_INTENTS = (Intent.opt_out, Intent.opt_in, Intent.human_request)
PRODUCT_INTENTS = (Intent.product_question, Intent.price_question, Intent.buying_signal, Intent.objection)


def support_texts(ctx: TurnContext) -> list[str]:
    """The tenant's own words beyond the catalog that a reply may repeat offers from."""
    texts = [passage.text for passage in usable_passages(ctx)]
    if ctx.profile:
        texts.append(ctx.profile.description)
    return texts


def _guarded(ctx: TurnContext, candidate: Reply, classification: Classification) -> tuple[Reply, list[str]]:
    """The candidate if it passes the guard; else the offline reply for the intent; else a reply with no amounts.
    Also returns what the blocked candidate broke (empty when nothing was blocked)."""
    support = support_texts(ctx)
    verdict = check_reply(candidate.text, ctx.facts, support=support)
    if verdict.ok:
        return candidate, []
    log.info(
        "reply blocked by the guard",
        extra={"tenant_id": ctx.tenant_id, "source": candidate.source, "violations": len(verdict.violations)},
    )
    if candidate.source == "llm":
        fallback = offline_reply(ctx, classification)
        if check_reply(fallback.text, ctx.facts, support=support).ok:
            return fallback, verdict.violations
    return safe_reply(ctx), verdict.violations


def _campaign_for_lead(ctx: TurnContext, reply: Reply) -> Campaign | None:
    campaigns = visible_campaigns(ctx)
    if reply.product_name:
        for campaign in campaigns:
            if campaign.product.name == reply.product_name:
                return campaign
    if ctx.campaign is not None and any(c.id == ctx.campaign.id for c in campaigns):
        return ctx.campaign
    return None


def update_lead(ctx: TurnContext, classification: Classification, reply: Reply) -> LeadState:
    """The lead after this turn: new fields, counters, score with reasons, stage and the owner's next step."""
    previous = ctx.lead
    captured = capture_lead_fields(ctx.turn_text, region_for_customer(ctx.platform, ctx.customer_id))
    # What the customer literally wrote beats the model's reading of it.
    fields = merge_fields(merge_fields(previous.fields, reply.lead_fields), captured)
    campaign = _campaign_for_lead(ctx, reply)
    if campaign is not None and classification.intent in PRODUCT_INTENTS:
        fields = fields.model_copy(update={"product_interest": campaign.product.name})
    intent = classification.intent
    state = previous.model_copy(
        update={
            "fields": fields,
            "messages_in": previous.messages_in + len([t for t in ctx.turn_texts if t.strip()]),
            "questions_asked": previous.questions_asked + (1 if reply.asked_question else 0),
            "objections": previous.objections + (1 if intent == Intent.objection else 0),
            "buying_signals": previous.buying_signals + (1 if intent == Intent.buying_signal else 0),
            "cta_sent": previous.cta_sent or reply.cta_sent,
            "not_interested": (previous.not_interested or is_disinterest(ctx.turn_text))
            and intent not in (Intent.buying_signal, Intent.opt_in),
            "opted_out": (previous.opted_out or reply.opted_out) and not reply.opted_in,
        }
    )
    score, reasons = score_lead(state, campaign or ctx.campaign)
    state = state.model_copy(update={"score": score, "reasons": reasons})
    state = state.model_copy(update={"stage": stage_for(score, state, previous.stage)})
    return state.model_copy(update={"next_step": next_step(state)})


async def run_turn(ctx: TurnContext, *, model: SalesChatModel | None, timeout_s: float) -> TurnResult:
    """Answer the customer's burst. Correct without a model: the offline responder answers then."""
    classification = classify_turn(ctx.turn_texts)
    usage: Usage | None = None
    if classification.intent in DIRECT_INTENTS or model is None:
        candidate = offline_reply(ctx, classification)
    else:
        try:
            candidate, usage = await llm_reply(model, ctx, classification, timeout_s=timeout_s)
        except ModelUnavailable as unavailable:
            usage = unavailable.usage
            candidate = offline_reply(ctx, classification)
    reply, violations = _guarded(ctx, candidate, classification)
    lead = update_lead(ctx, classification, reply)
    return TurnResult(
        classification=classification, reply=reply, guard_blocked=bool(violations), guard_violations=violations,
        lead=lead, usage=usage,
    )

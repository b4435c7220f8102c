"""The lead after a turn: what the customer told us, counters, a score with reasons, a stage, a next step."""

from __future__ import annotations

from bot.pipeline.classify import is_disinterest
from bot.pipeline.lead_scoring import (
    business_region,
    capture_lead_fields,
    merge_fields,
    next_step_note,
    region_for_customer,
    score_lead_notes,
    stage_for,
)
from bot.pipeline.own_words import customer_own_words, fields_said
from bot.pipeline.turn_view import visible_campaigns
from bot.pipeline.types import Classification, Intent, LeadState, Reply, TurnContext
from knowledge.models import Campaign

PRODUCT_INTENTS = (Intent.product_question, Intent.price_question, Intent.buying_signal, Intent.objection)


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
    intent = classification.intent
    region = region_for_customer(ctx.platform, ctx.customer_id) or business_region(ctx.profile)
    own = customer_own_words(ctx.turn_text)
    captured = capture_lead_fields(own, region)
    if intent == Intent.complaint:
        # "I want an answer now!" in a complaint is anger, not a buyer's timeline.
        captured = captured.model_copy(update={"timeline": None})
    # What the customer literally wrote beats the model's reading of it.
    # The model's reading of the customer is kept where the customer's own words (now or before) bear it out.
    said = " ".join([*(customer_own_words(item.text) for item in ctx.history if item.sender == "customer"), own])
    fields = merge_fields(merge_fields(previous.fields, fields_said(reply.lead_fields, said)), captured)
    campaign = _campaign_for_lead(ctx, reply)
    if campaign is not None and intent in PRODUCT_INTENTS:
        fields = fields.model_copy(update={"product_interest": campaign.product.name})
    state = previous.model_copy(
        update={
            "fields": fields,
            "messages_in": previous.messages_in + len([t for t in ctx.turn_texts if t.strip()]),
            "questions_asked": previous.questions_asked + (1 if reply.asked_question else 0),
            "objections": previous.objections + (1 if intent == Intent.objection else 0),
            "buying_signals": previous.buying_signals + (1 if intent == Intent.buying_signal else 0),
            "cta_sent": previous.cta_sent or reply.cta_sent,
            "not_interested": (previous.not_interested or is_disinterest(own))
            and intent not in (Intent.buying_signal, Intent.opt_in),
            "opted_out": (previous.opted_out or reply.opted_out) and not reply.opted_in,
        }
    )
    score, notes = score_lead_notes(state, campaign or ctx.campaign)
    reasons = [item.english() for item in notes]
    state = state.model_copy(update={"score": score, "reasons": reasons, "reason_notes": notes})
    state = state.model_copy(update={"stage": stage_for(score, state, previous.stage)})
    step = next_step_note(state)
    return state.model_copy(update={"next_step": step.english(), "next_step_note": step})

"""One turn, end to end: classify, respond (model or offline), verify and repair, update the lead."""

from __future__ import annotations

import logging
import time

from bot.pipeline.classify import classify_turn
from bot.pipeline.guard import INSTRUCTIONS_REPEATED
from bot.pipeline.leads import update_lead
from bot.pipeline.llm import ModelUnavailable, SalesChatModel, llm_reply
from bot.pipeline.offline import offline_reply, safe_reply
from bot.pipeline.phrases import phrase
from bot.pipeline.text import split_sentences
from bot.pipeline.turn_view import language_of, visible_campaigns
from bot.pipeline.types import (
    Classification,
    Intent,
    Reply,
    TurnContext,
    TurnResult,
    Usage,
)
from bot.pipeline.verify import WRONG_LANGUAGE, support_texts, verify
from knowledge.concepts import concepts_in
from knowledge.money import extract_amounts

__all__ = ["run_turn", "support_texts", "update_lead"]

log = logging.getLogger(__name__)

# Intents answered by fixed, safe text whatever the model would say.
DIRECT_INTENTS = (Intent.opt_out, Intent.opt_in, Intent.human_request, Intent.complaint)
HANDOFF_INTENTS = (Intent.human_request, Intent.complaint)
# A second model call is made only when this much of the turn's time is left.
MIN_RETRY_S = 1.0


def _answers(question: str, intent: Intent, kept: str, links: list[str]) -> bool:
    """Whether what is left of a repaired reply still answers the customer."""
    statements = [s for s in split_sentences(kept) if not s.rstrip().endswith("?") and len(s.split()) >= 3]
    if not statements:
        return False
    if intent == Intent.buying_signal:
        return any(link in kept for link in links)
    asked = concepts_in(question) - {"day_sat", "day_sun", "day_week"}
    if asked:
        return bool(asked & concepts_in(kept))
    if intent == Intent.price_question:
        return bool(extract_amounts(kept))
    return True


def _with_link(ctx: TurnContext, original: Reply, repaired: Reply, classification: Classification) -> Reply:
    """The purchase link survives a repair when the original carried the right one for a wish to buy."""
    if classification.intent != Intent.buying_signal:
        return repaired
    for campaign in visible_campaigns(ctx):
        url = campaign.product.cta_url
        if url and url in original.text and url not in repaired.text:
            text = f"{repaired.text} {phrase('cta', language_of(ctx), url=url)}"
            return repaired.model_copy(update={"text": text, "cta_sent": True})
    return repaired


def _kept_sentences(ctx: TurnContext, candidate: Reply, handoff: bool) -> str:
    kept = []
    for sentence in split_sentences(candidate.text):
        part = candidate.model_copy(update={"text": sentence})
        if verify(ctx, part, handoff=handoff).ok:
            kept.append(sentence)
    return " ".join(kept)


async def _repaired(
    ctx: TurnContext,
    candidate: Reply,
    violations: list[str],
    classification: Classification,
    model: SalesChatModel | None,
    time_left_s: float,
    handoff: bool,
) -> tuple[Reply, Usage | None]:
    """An answer to the same question without what was unsupported: the supported sentences when they still
    answer; else the model once more, told what it got wrong; else the offline answer; else product names."""
    links = [c.product.cta_url for c in visible_campaigns(ctx) if c.product.cta_url]
    extra: Usage | None = None
    # A reply in the wrong language, or one that repeats our instructions, is not repaired sentence by sentence.
    whole = any(v.startswith((WRONG_LANGUAGE, INSTRUCTIONS_REPEATED)) for v in violations)
    if candidate.source == "llm" and not whole:
        kept = _kept_sentences(ctx, candidate, handoff)
        if kept and _answers(ctx.turn_text, classification.intent, kept, links):
            return _with_link(ctx, candidate, candidate.model_copy(update={"text": kept}), classification), None
    if candidate.source == "llm" and model is not None and time_left_s >= MIN_RETRY_S:
        correction = "; ".join(violations)[:600]
        try:
            second, extra = await llm_reply(model, ctx, classification, timeout_s=time_left_s, correction=correction)
        except ModelUnavailable as unavailable:
            extra = unavailable.usage
        else:
            if verify(ctx, second, handoff=handoff).ok:
                return _with_link(ctx, candidate, second, classification), extra
    fallback = offline_reply(ctx, classification)
    if verify(ctx, fallback, handoff=handoff).ok:
        return _with_link(ctx, candidate, fallback, classification), extra
    return safe_reply(ctx), extra


def _add(first: Usage | None, second: Usage | None) -> Usage | None:
    if first is None or second is None:
        return first or second
    return first.model_copy(
        update={
            "input_tokens": first.input_tokens + second.input_tokens,
            "output_tokens": first.output_tokens + second.output_tokens,
            "latency_ms": first.latency_ms + second.latency_ms,
            "cost_usd": round(first.cost_usd + second.cost_usd, 8),
        }
    )


async def run_turn(ctx: TurnContext, *, model: SalesChatModel | None, timeout_s: float) -> TurnResult:
    """Answer the customer's burst. Correct without a model: the offline responder answers then."""
    started = time.perf_counter()
    classification = classify_turn(ctx.turn_texts)
    handoff = classification.intent in HANDOFF_INTENTS
    usage: Usage | None = None
    if classification.intent in DIRECT_INTENTS or model is None:
        candidate = offline_reply(ctx, classification)
    else:
        try:
            candidate, usage = await llm_reply(model, ctx, classification, timeout_s=timeout_s)
        except ModelUnavailable as unavailable:
            usage = unavailable.usage
            candidate = offline_reply(ctx, classification)
    verdict = verify(ctx, candidate, handoff=handoff)
    reply, violations = candidate, []
    if not verdict.ok:
        violations = verdict.violations
        log.info("reply repaired", extra={"tenant_id": ctx.tenant_id, "source": candidate.source, "violations": len(violations)})
        time_left = timeout_s - (time.perf_counter() - started)
        reply, extra = await _repaired(ctx, candidate, violations, classification, model, time_left, handoff)
        usage = _add(usage, extra)
    reply = reply.model_copy(update={"handoff": reply.handoff or handoff})
    lead = update_lead(ctx, classification, reply)
    return TurnResult(
        classification=classification,
        reply=reply,
        guard_blocked=bool(violations),
        guard_violations=violations,
        refused_text=candidate.text if violations else "",
        lead=lead,
        usage=usage,
    )

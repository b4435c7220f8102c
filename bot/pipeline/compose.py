"""One turn, end to end: classify, respond (model or offline), verify and repair, update the lead."""

from __future__ import annotations

import logging
import time

from bot.pipeline.burst_answers import answer_each_question
from bot.pipeline.classify import classify_turn
from bot.pipeline.flow import greeted, greeted_reply, greeting_for, is_first_reply
from bot.pipeline.guard import INSTRUCTIONS_REPEATED
from bot.pipeline.judge import Judgement, claim_units, judge_claims
from bot.pipeline.leads import update_lead
from bot.pipeline.llm import ModelUnavailable, llm_reply
from bot.pipeline.model_client import ModelClient
from bot.pipeline.model_usage import add_usage
from bot.pipeline.offline import offline_reply, safe_reply
from bot.pipeline.own_words import customer_own_words
from bot.pipeline.phrases import phrase
from bot.pipeline.text import content_words, fold, split_sentences
from bot.pipeline.turn_view import campaign_in_focus, language_of, visible_campaigns
from bot.pipeline.types import (
    Classification,
    Intent,
    Reply,
    TurnContext,
    TurnResult,
    Usage,
)
from bot.pipeline.verify import WRONG_LANGUAGE, judge_sources, support_texts, verify
from knowledge.concepts import concepts_in
from knowledge.money import extract_amounts

__all__ = ["run_turn", "support_texts", "update_lead"]

log = logging.getLogger(__name__)

# Intents answered by fixed, safe text whatever the model would say.
DIRECT_INTENTS = (Intent.opt_out, Intent.opt_in, Intent.human_request, Intent.complaint)
HANDOFF_INTENTS = (Intent.human_request, Intent.complaint)
# A new draft is asked for only when this much of the turn's time is left, and at most this many times.
MIN_RETRY_S = 1.0
MAX_REDRAFTS = 2
# The claim judge's share of a turn's time, at most.
JUDGE_BUDGET_S = 3.0


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


def answer_was_removed(question: str, lang: str, original: str, kept: str) -> bool:
    """Whether the repair removed what the reply said about something the customer asked: a word of the question
    that a removed sentence carried and no kept one does ("parking", when only "the studio is open" is left of
    "free parking behind the studio"). What is left is then a side remark, not the answer, and the question goes
    on as unanswered: a second draft, else the offline answer or a person."""
    asked = content_words(question, lang)
    if not asked:
        return False
    kept_units = claim_units(kept)
    left = {fold(unit) for unit in kept_units}
    removed_words = frozenset().union(*(content_words(unit, lang) for unit in claim_units(original) if fold(unit) not in left))
    kept_words = frozenset().union(*(content_words(unit, lang) for unit in kept_units))
    return bool(asked & removed_words - kept_words)


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


def _kept_sentences(ctx: TurnContext, candidate: Reply, handoff: bool, judgement: Judgement | None) -> str:
    kept = []
    for sentence in claim_units(candidate.text):
        part = candidate.model_copy(update={"text": sentence})
        if verify(ctx, part, handoff=handoff, judgement=judgement).ok:
            kept.append(sentence)
    return " ".join(kept)


async def _judged(
    model: ModelClient | None, ctx: TurnContext, candidate: Reply, time_left_s: float
) -> tuple[Judgement | None, Usage | None]:
    """The claim judge's verdict on a model draft; none for the offline responder's replies (the tenant's own
    words) or when no time is left."""
    if model is None or candidate.source != "llm":
        return None, None
    return await judge_claims(model, candidate.text, judge_sources(ctx), timeout_s=min(JUDGE_BUDGET_S, time_left_s))


def _supported_part(
    ctx: TurnContext,
    draft: Reply,
    violations: list[str],
    classification: Classification,
    handoff: bool,
    judgement: Judgement | None,
) -> Reply | None:
    """A model draft's sentences that passed, when they still answer the question; None otherwise. A reply in the
    wrong language, or one that repeats our instructions, is not repaired sentence by sentence."""
    if draft.source != "llm" or any(v.startswith((WRONG_LANGUAGE, INSTRUCTIONS_REPEATED)) for v in violations):
        return None
    links = [c.product.cta_url for c in visible_campaigns(ctx) if c.product.cta_url]
    kept = _kept_sentences(ctx, draft, handoff, judgement)
    if not kept or answer_was_removed(ctx.turn_text, language_of(ctx), draft.text, kept):
        return None
    # What is left answers when the judge backed a fact in it (any language), or by the rules' reading.
    answers = judgement.states_a_fact(kept) if judgement and classification.intent != Intent.buying_signal else False
    if answers or _answers(ctx.turn_text, classification.intent, kept, links):
        return draft.model_copy(update={"text": kept})
    return None


async def _redrafted(
    ctx: TurnContext,
    violations: list[str],
    classification: Classification,
    model: ModelClient,
    deadline: float,
    handoff: bool,
) -> tuple[Reply | None, Usage | None]:
    """New drafts from the model, each told what the one before got wrong, while time is left and at most
    `MAX_REDRAFTS`: the first that passes whole, or whose supported sentences answer. None when none does."""
    spent: Usage | None = None
    for attempt in range(1, MAX_REDRAFTS + 1):
        time_left = deadline - time.perf_counter()
        if time_left < MIN_RETRY_S:
            break
        try:
            draft, used = await llm_reply(model, ctx, classification, timeout_s=time_left, correction="; ".join(violations)[:600])
        except ModelUnavailable as unavailable:
            return None, add_usage(spent, unavailable.usage)
        spent = add_usage(spent, used)
        judgement, judged = await _judged(model, ctx, draft, deadline - time.perf_counter())
        spent = add_usage(spent, judged)
        verdict = verify(ctx, draft, handoff=handoff, judgement=judgement)
        if verdict.ok:
            log.info("repair: a new draft passed", extra={"tenant_id": ctx.tenant_id, "attempt": attempt})
            return draft, spent
        kept = _supported_part(ctx, draft, verdict.violations, classification, handoff, judgement)
        if kept is not None:
            log.info("repair: a new draft's supported sentences kept", extra={"tenant_id": ctx.tenant_id, "attempt": attempt})
            return kept, spent
        violations = verdict.violations
    return None, spent


async def _repaired(
    ctx: TurnContext,
    candidate: Reply,
    violations: list[str],
    classification: Classification,
    model: ModelClient | None,
    time_left_s: float,
    handoff: bool,
    judgement: Judgement | None,
) -> tuple[Reply, Usage | None]:
    """An answer to the same question without what was unsupported: the supported sentences when they still
    answer; else new drafts from the model, each told what the last got wrong (`_redrafted`); else the offline
    answer; else product names."""
    extra: Usage | None = None
    kept = _supported_part(ctx, candidate, violations, classification, handoff, judgement)
    if kept is not None:
        log.info("repair: supported sentences kept", extra={"tenant_id": ctx.tenant_id})
        return _with_link(ctx, candidate, kept, classification), None
    if candidate.source == "llm" and model is not None:
        deadline = time.perf_counter() + time_left_s
        redraft, extra = await _redrafted(ctx, violations, classification, model, deadline, handoff)
        if redraft is not None:
            return _with_link(ctx, candidate, redraft, classification), extra
    fallback = _offline(ctx, classification)
    if verify(ctx, fallback, handoff=handoff).ok:
        log.info("repair: offline answer", extra={"tenant_id": ctx.tenant_id, "declined": fallback.handoff})
        return _with_link(ctx, candidate, fallback, classification), extra
    log.info("repair: safe reply", extra={"tenant_id": ctx.tenant_id})
    return safe_reply(ctx), extra


def _offline(ctx: TurnContext, classification: Classification) -> Reply:
    """The offline reply: the fixed one for the intents that take one, else an answer to each question asked."""
    if classification.intent in DIRECT_INTENTS:
        return offline_reply(ctx, classification)
    return answer_each_question(ctx, classification)


def _asks_question(ctx: TurnContext) -> bool:
    return "?" in ctx.turn_text or bool(ctx.reading and ctx.reading.asks_question)


async def run_turn(ctx: TurnContext, *, model: ModelClient | None, timeout_s: float) -> TurnResult:
    """Answer the customer's burst. Correct without a model: the offline responder answers then."""
    started = time.perf_counter()
    if ctx.voice_unheard or (ctx.turn_media and not ctx.turn_text):
        return _without_words(ctx)
    # Quotes and instructions a message carries are not the customer's intent (own_words.py).
    own = [customer_own_words(text) for text in ctx.turn_texts]
    classification = classify_turn([text for text in own if text.strip()] or ctx.turn_texts, ctx.reading, language_of(ctx))
    handoff = classification.intent in HANDOFF_INTENTS
    # An unhappy customer who also asks something gets an apology, the answer, and a person.
    complaint_question = classification.intent == Intent.complaint and _asks_question(ctx)
    # One who asks for a person and asks something the business could answer gets the answer and the person; the
    # model's reading says whether the message asks anything beyond the person.
    person_question = classification.intent == Intent.human_request and ctx.reading is not None and ctx.reading.asks_question
    answering = (
        Classification(intent=Intent.product_question, confidence=classification.confidence)
        if complaint_question or person_question
        else classification
    )
    usage: Usage | None = ctx.prior_usage
    if answering.intent in DIRECT_INTENTS or model is None:
        candidate = _offline(ctx, answering)
    else:
        spent: Usage | None
        try:
            candidate, spent = await llm_reply(model, ctx, answering, timeout_s=timeout_s)
        except ModelUnavailable as unavailable:
            spent = unavailable.usage
            candidate = _offline(ctx, answering)
        usage = add_usage(usage, spent)
    # A model that says a person will answer hands the conversation over.
    handoff = handoff or (candidate.source == "llm" and candidate.handoff)
    judgement, judged = await _judged(model, ctx, candidate, timeout_s - (time.perf_counter() - started))
    usage = add_usage(usage, judged)
    verdict = verify(ctx, candidate, handoff=handoff, judgement=judgement)
    reply, violations = candidate, []
    if not verdict.ok:
        violations = verdict.violations
        # The kinds of violation (our own words before the ":"), never the reply's text.
        kinds = sorted({violation.split(":", 1)[0] for violation in violations})
        log.info(
            "reply repaired",
            extra={
                "tenant_id": ctx.tenant_id,
                "source": candidate.source,
                "violations": len(violations),
                "kinds": ", ".join(kinds),
            },
        )
        time_left = timeout_s - (time.perf_counter() - started)
        reply, extra = await _repaired(ctx, candidate, violations, answering, model, time_left, handoff, judgement)
        usage = add_usage(usage, extra)
    if complaint_question:
        reply = _apologised(ctx, reply)
    elif person_question or _left_unanswered(ctx, answering, reply, judgement, violations):
        reply = _handed_over(ctx, reply)
    if reply.source == "llm" and classification.intent not in (Intent.opt_out, Intent.opt_in):
        reply = _opened(ctx, reply)
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


def _without_words(ctx: TurnContext) -> TurnResult:
    """A burst with nothing to read: a voice note that could not be heard goes to a person (the customer is told
    one will listen), and an image, a sticker or a file alone is acknowledged with a question back."""
    lang = language_of(ctx)
    if ctx.voice_unheard:
        classification = Classification(intent=Intent.human_request, confidence=1.0)
        reply = Reply(text=phrase("voice_unheard", lang), source="offline", handoff=True)
    else:
        classification = Classification(intent=Intent.small_talk, confidence=1.0)
        key = "sticker_received" if all(kind == "sticker" for kind in ctx.turn_media) else "media_received"
        reply = Reply(text=phrase(key, lang), source="offline")
    return TurnResult(classification=classification, reply=reply, lead=update_lead(ctx, classification, reply))


def _opened(ctx: TurnContext, reply: Reply) -> Reply:
    """A first reply opens with the campaign's greeting, whatever the model wrote before it."""
    if not is_first_reply(ctx):
        return reply
    greeting = greeting_for(visible_campaigns(ctx), campaign_in_focus(ctx), language_of(ctx))
    if not greeting or greeted(reply.text, greeting):
        return reply
    return reply.model_copy(update={"text": greeted_reply(greeting, reply.text)})


# Questions about the business: a reply to one that states none of its facts leaves it unanswered.
_ASKING = (Intent.product_question, Intent.price_question)


def _left_unanswered(
    ctx: TurnContext, answering: Classification, reply: Reply, judgement: Judgement | None, violations: list[str]
) -> bool:
    """Whether the model's reply to a question about the business states none of the business's facts (so it
    declines, in whatever words), while it did not hand over: a person answers then, and the owner sees it."""
    return (
        reply.source == "llm"
        and not violations
        and not reply.handoff
        and not reply.asked_question
        and judgement is not None
        and answering.intent in _ASKING
        and _asks_question(ctx)
        and not judgement.states_a_fact(reply.text)
    )


def _handed_over(ctx: TurnContext, answer: Reply) -> Reply:
    """The answer, then the person asked for."""
    person = phrase("handoff", language_of(ctx))
    text = answer.text if person in answer.text else f"{answer.text} {person}"
    return answer.model_copy(update={"text": text, "handoff": True})


def _apologised(ctx: TurnContext, answer: Reply) -> Reply:
    """The apology and the handoff around the answer to a complaint's question."""
    apology = phrase("apology_handoff", language_of(ctx))
    text = answer.text if apology in answer.text else f"{apology} {answer.text}"
    return answer.model_copy(update={"text": text, "handoff": True})

"""A refused reply repaired: its supported sentences when they still answer, else new drafts from the model, each
told what the last got wrong, else the offline answer, else product names. Nothing unsupported is ever sent."""

from __future__ import annotations

import logging
import time

from bot.pipeline.burst_answers import answer_each_question
from bot.pipeline.guard import INSTRUCTIONS_REPEATED
from bot.pipeline.judge import Judgement, claim_units, judge_claims
from bot.pipeline.llm import ModelUnavailable, llm_reply
from bot.pipeline.model_client import ModelClient
from bot.pipeline.model_usage import add_usage
from bot.pipeline.offline import offline_reply, safe_reply
from bot.pipeline.phrases import phrase
from bot.pipeline.text import content_words, fold, split_sentences
from bot.pipeline.turn_view import language_of, visible_campaigns
from bot.pipeline.types import Classification, Intent, Reply, TurnContext, Usage
from bot.pipeline.verify import WRONG_LANGUAGE, judge_sources, verify
from knowledge.concepts import concepts_in
from knowledge.money import extract_amounts

log = logging.getLogger(__name__)

# Intents answered by fixed, safe text whatever the model would say.
DIRECT_INTENTS = (Intent.opt_out, Intent.opt_in, Intent.human_request, Intent.complaint)
# A new draft is asked for only when this much of the turn's time is left, and at most this many times: a second
# new draft added 55 model calls on the blind set's 318 conversations and answered none more (the model that
# drafted two refused replies drafted a third like them).
MIN_RETRY_S = 1.0
MAX_REDRAFTS = 1
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


async def judge_draft(
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
        return draft.model_copy(update={"text": kept, "partial": True})
    return None


async def _redrafted(
    ctx: TurnContext,
    violations: list[str],
    classification: Classification,
    model: ModelClient,
    deadline: float,
    handoff: bool,
) -> tuple[Reply | None, Usage | None, Judgement | None]:
    """New drafts from the model, each told what the one before got wrong, while time is left and at most
    `MAX_REDRAFTS`: the first that passes whole, or whose supported sentences answer, with the judge's verdict on
    it. None when none does."""
    spent: Usage | None = None
    for attempt in range(1, MAX_REDRAFTS + 1):
        time_left = deadline - time.perf_counter()
        if time_left < MIN_RETRY_S:
            break
        try:
            draft, used = await llm_reply(model, ctx, classification, timeout_s=time_left, correction="; ".join(violations)[:600])
        except ModelUnavailable as unavailable:
            return None, add_usage(spent, unavailable.usage), None
        spent = add_usage(spent, used)
        judgement, judged = await judge_draft(model, ctx, draft, deadline - time.perf_counter())
        spent = add_usage(spent, judged)
        verdict = verify(ctx, draft, handoff=handoff, judgement=judgement)
        if verdict.ok:
            log.info("repair: a new draft passed", extra={"tenant_id": ctx.tenant_id, "attempt": attempt})
            return draft, spent, judgement
        kept = _supported_part(ctx, draft, verdict.violations, classification, handoff, judgement)
        if kept is not None:
            log.info("repair: a new draft's supported sentences kept", extra={"tenant_id": ctx.tenant_id, "attempt": attempt})
            return kept, spent, judgement
        violations = verdict.violations
    return None, spent, None


async def repaired(
    ctx: TurnContext,
    candidate: Reply,
    violations: list[str],
    classification: Classification,
    model: ModelClient | None,
    time_left_s: float,
    handoff: bool,
    judgement: Judgement | None,
) -> tuple[Reply, Usage | None, Judgement | None]:
    """An answer to the same question without what was unsupported: the supported sentences when they still
    answer; else new drafts from the model, each told what the last got wrong (`_redrafted`); else the offline
    answer; else product names. With the judge's verdict on the model draft the answer comes from (None for the
    offline ones)."""
    extra: Usage | None = None
    kept = _supported_part(ctx, candidate, violations, classification, handoff, judgement)
    if kept is not None:
        log.info("repair: supported sentences kept", extra={"tenant_id": ctx.tenant_id})
        return _with_link(ctx, candidate, kept, classification), None, judgement
    if candidate.source == "llm" and model is not None:
        deadline = time.perf_counter() + time_left_s
        redraft, extra, judged = await _redrafted(ctx, violations, classification, model, deadline, handoff)
        if redraft is not None:
            return _with_link(ctx, candidate, redraft, classification), extra, judged
    fallback = offline_answer(ctx, classification)
    verdict = verify(ctx, fallback, handoff=handoff)
    if verdict.ok:
        log.info("repair: offline answer", extra={"tenant_id": ctx.tenant_id, "declined": fallback.handoff})
        return _with_link(ctx, candidate, fallback, classification), extra, None
    pruned = _without_refused(ctx, fallback, verdict.violations, handoff)
    if pruned is not None:
        log.info("repair: offline answer without refused sentences", extra={"tenant_id": ctx.tenant_id})
        return pruned, extra, None
    log.info("repair: safe reply", extra={"tenant_id": ctx.tenant_id})
    return safe_reply(ctx), extra, None


def _without_refused(ctx: TurnContext, answer: Reply, violations: list[str], handoff: bool) -> Reply | None:
    """An offline answer that hands over ("a person will answer this") without the sentences the guard refused
    (each violation names its sentence, or the amount in it): what is left still says a person will answer, and
    states nothing unchecked. None when a violation is not one sentence's (the language, our instructions), when
    nothing is left, or when the answer does not hand over (a quote cut short would answer less than it seems)."""
    if not answer.handoff:
        return None
    sentences = split_sentences(answer.text)
    refused: set[int] = set()
    for violation in violations:
        detail = violation.split(": ", 1)[1] if ": " in violation else ""
        found = {i for i, sentence in enumerate(sentences) if detail and (sentence[:160] == detail or detail in sentence)}
        if not found:
            return None
        refused |= found
    kept = [sentence for i, sentence in enumerate(sentences) if i not in refused]
    if not kept:
        return None
    pruned = answer.model_copy(update={"text": " ".join(kept)})
    return pruned if verify(ctx, pruned, handoff=handoff or answer.handoff).ok else None


def offline_answer(ctx: TurnContext, classification: Classification) -> Reply:
    """The offline reply: the fixed one for the intents that take one, else an answer to each question asked."""
    if classification.intent in DIRECT_INTENTS:
        return offline_reply(ctx, classification)
    return answer_each_question(ctx, classification)

"""One turn, end to end: classify, respond (model or offline), verify and repair, update the lead."""

from __future__ import annotations

import logging
import time

from bot.pipeline.classify import classify_turn
from bot.pipeline.flow import greeted, greeted_reply, greeting_for, is_first_reply
from bot.pipeline.judge import Judgement
from bot.pipeline.leads import update_lead
from bot.pipeline.llm import ModelUnavailable, llm_reply
from bot.pipeline.model_client import ModelClient
from bot.pipeline.model_usage import add_usage
from bot.pipeline.own_words import customer_own_words
from bot.pipeline.phrases import phrase
from bot.pipeline.repair import DIRECT_INTENTS, judge_draft, offline_answer, repaired
from bot.pipeline.turn_view import campaign_in_focus, language_of, visible_campaigns
from bot.pipeline.types import Classification, Intent, Reply, TurnContext, TurnResult, Usage
from bot.pipeline.verify import support_texts, verify

__all__ = ["run_turn", "support_texts", "update_lead"]

log = logging.getLogger(__name__)

HANDOFF_INTENTS = (Intent.human_request, Intent.complaint)


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
        candidate = offline_answer(ctx, answering)
    else:
        spent: Usage | None
        try:
            candidate, spent = await llm_reply(model, ctx, answering, timeout_s=timeout_s)
        except ModelUnavailable as unavailable:
            spent = unavailable.usage
            candidate = offline_answer(ctx, answering)
        usage = add_usage(usage, spent)
    # A model that says a person will answer hands the conversation over.
    handoff = handoff or (candidate.source == "llm" and candidate.handoff)
    judgement, judged = await judge_draft(model, ctx, candidate, timeout_s - (time.perf_counter() - started))
    usage = add_usage(usage, judged)
    verdict = verify(ctx, candidate, handoff=handoff, judgement=judgement)
    reply, violations, final_judgement = candidate, [], judgement
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
        reply, extra, final_judgement = await repaired(
            ctx, candidate, violations, answering, model, time_left, handoff, judgement
        )
        usage = add_usage(usage, extra)
    if complaint_question:
        reply = _apologised(ctx, reply)
    elif person_question:
        reply = _handed_over(ctx, reply, "handoff")
    elif _left_unanswered(ctx, answering, reply, final_judgement):
        reply = _handed_over(ctx, reply, "handoff_unanswered")
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


def _left_unanswered(ctx: TurnContext, answering: Classification, reply: Reply, judgement: Judgement | None) -> bool:
    """Whether the model's reply to a question about the business may leave it unanswered while it did not hand
    over: a person answers then, and the owner sees it. So it is when the reply states none of the business's facts
    (it declines, in whatever words), or when a repair removed sentences the business's words do not back (what is
    left is what we know, which may not be what was asked: the supported facts are sent, and a person confirms the
    rest)."""
    if reply.source != "llm" or reply.handoff or answering.intent not in _ASKING or not _asks_question(ctx):
        return False
    if reply.partial:
        return True
    return not reply.asked_question and judgement is not None and not judgement.states_a_fact(reply.text)


def _handed_over(ctx: TurnContext, answer: Reply, key: str) -> Reply:
    """The answer, then the person: the one asked for (`handoff`), or the one who answers what the bot could not
    (`handoff_unanswered`)."""
    person = phrase(key, language_of(ctx))
    text = answer.text if person in answer.text else f"{answer.text} {person}"
    return answer.model_copy(update={"text": text, "handoff": True})


def _apologised(ctx: TurnContext, answer: Reply) -> Reply:
    """The apology and the handoff around the answer to a complaint's question."""
    apology = phrase("apology_handoff", language_of(ctx))
    text = answer.text if apology in answer.text else f"{apology} {answer.text}"
    return answer.model_copy(update={"text": text, "handoff": True})

"""What a turn does, decided from plain data: answer, hold for a person, finish what a crashed attempt sent,
skip, or nothing; what the turn changes on its conversation; what it counts. No I/O here (see `turns.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.conversations.records import ConversationStatus, HandoffCause, silent
from bot.pipeline.types import Intent, TurnResult

# Intents that mean the customer is unhappy; a conversation with one counts once as a complaint.
COMPLAINT_INTENTS = frozenset({"complaint"})


class TurnAction(StrEnum):
    nothing = "nothing"  # no customer message waits
    hold = "hold"  # a person has the conversation: keep the messages for them, say nothing
    finish = "finish"  # an earlier attempt sent this turn's reply and stopped before the end: never send twice
    # An earlier attempt's send went unanswered: wait for Meta's report of it, send again only without one.
    resume = "resume"
    # Meta could not take an earlier attempt's reply (or it was given up on, and the delivery is replayed): send
    # that same reply again.
    resend = "resend"
    skip = "skip"  # the customer opted out and did not write START: kept, unanswered, no model call
    answer = "answer"


@dataclass(frozen=True)
class TurnPlan:
    action: TurnAction
    # A pause after a person's answer has run out: the bot takes the conversation back first.
    resume_bot: bool = False


def person_has_it(status: ConversationStatus, cause: HandoffCause = HandoffCause.person) -> bool:
    """A person has the conversation (or it is over): the bot keeps the customer's messages for them, silent."""
    return silent(status, cause)


def stays_opted_out(status: ConversationStatus, turn_intent: Intent | None) -> bool:
    """The customer opted out and this turn is not START: kept, unanswered."""
    return status == ConversationStatus.opted_out and turn_intent != Intent.opt_in


def plan_turn(
    *,
    status: ConversationStatus,
    paused_until: datetime | None,
    has_pending: bool,
    already_answered: bool,
    turn_intent: Intent | None,
    now: datetime,
    handoff_cause: HandoffCause = HandoffCause.person,
    reply_unconfirmed: bool = False,
    reply_to_resend: bool = False,
    reply_status_after: str = "",
) -> TurnPlan:
    """`turn_intent` is the pending messages' intent, needed only when the customer opted out (START or not).
    `reply_unconfirmed`: the stored reply of this turn went out without Meta's answer (its delivery is unknown).
    `reply_to_resend`: the stored reply never went out, for a reason that passes (Meta unreachable, failing);
    `reply_status_after` is the status it gave the conversation, which does not keep it from being sent."""
    if not has_pending:
        return TurnPlan(TurnAction.nothing)
    resume = status == ConversationStatus.human and paused_until is not None and paused_until <= now
    effective = ConversationStatus.bot if resume else status
    if person_has_it(effective, handoff_cause):
        # The reply that told the customer a person will answer is what set the silence: it still goes.
        own_silence = already_answered and reply_to_resend and effective.value == reply_status_after
        return TurnPlan(TurnAction.resend) if own_silence else TurnPlan(TurnAction.hold)
    if already_answered:
        if reply_to_resend:
            return TurnPlan(TurnAction.resend, resume)
        return TurnPlan(TurnAction.resume if reply_unconfirmed else TurnAction.finish, resume)
    if stays_opted_out(effective, turn_intent):
        return TurnPlan(TurnAction.skip, resume)
    return TurnPlan(TurnAction.answer, resume)


def status_after_turn(status: ConversationStatus, result: TurnResult) -> ConversationStatus | None:
    """The conversation's new status after the bot's reply, or None when it stays (on the channels and in the
    owner's playground alike)."""
    if result.reply.opted_out:
        return ConversationStatus.opted_out
    if result.reply.opted_in and status == ConversationStatus.opted_out:
        return ConversationStatus.bot
    if result.reply.handoff:
        return ConversationStatus.handoff
    return None


# What the customer said that makes a handoff theirs: they want a person, not only an answer the bot lacks.
_PERSON_INTENTS = frozenset({Intent.human_request, Intent.complaint})


def handoff_cause_of(result: TurnResult) -> HandoffCause:
    """Why a turn that hands over does so: the customer's wish for a person (or their complaint), or a question the
    bot could not answer (it keeps answering the others meanwhile)."""
    return HandoffCause.person if result.classification.intent in _PERSON_INTENTS else HandoffCause.unanswered


def usage_counts(result: TurnResult) -> dict[str, int]:
    """The model call a turn made, as counters (also when its send failed: the call was made)."""
    usage = result.usage
    if usage is None:
        return {}
    return {
        "model_calls": 1,
        "model_failures": 1 if result.reply.source != "llm" else 0,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "model_latency_ms": usage.latency_ms,
        "model_cost_micro_usd": int(round(usage.cost_usd * 1_000_000)),
    }


def turn_counts(
    result: TurnResult, *, sent: bool, send_failed: bool, answered: int, first_response_ms: int | None, complaint_is_new: bool
) -> dict[str, int]:
    """What one answered turn adds to the day's counters. `first_response_ms` is set on a conversation's first answer."""
    counts = usage_counts(result)
    if sent:
        counts.update(
            {
                "messages_out": 1,
                "messages_answered": answered,
                f"replies_{result.reply.source}": 1,
                f"intent_{result.classification.intent.value}": 1,
            }
        )
        if first_response_ms is not None:
            counts.update(first_responses=1, first_response_ms=first_response_ms)
    elif send_failed:
        counts["send_failures"] = 1
    if result.guard_blocked:
        counts["guard_blocks"] = 1
    if result.reply.handoff:
        counts["handoffs"] = 1
    if result.reply.opted_out:
        counts["opt_outs"] = 1
    if complaint_is_new:
        counts["complaints"] = 1
    return counts


def late_reply_counts(*, sent: bool, answered: int, handoff: bool, first_response_ms: int | None) -> dict[str, int]:
    """What a reply sent again (after Meta could not take it) adds to the day's counters; the model call and the
    turn's intents were counted by the attempt that wrote it."""
    counts: dict[str, int] = {}
    if sent:
        counts.update(messages_out=1, messages_answered=answered)
        if first_response_ms is not None:
            counts.update(first_responses=1, first_response_ms=first_response_ms)
    else:
        counts["send_failures"] = 1
    if handoff:
        counts["handoffs"] = 1
    return counts

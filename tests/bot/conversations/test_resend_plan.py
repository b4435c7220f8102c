"""A turn whose reply Meta could not take: the next attempt sends that same reply again (also through the silence
its own handoff set), a person who took over meanwhile is not talked over, and a reply refused for good is not
sent again by itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.conversations.records import ConversationStatus, Delivery, Message
from bot.conversations.sending import to_resend
from bot.conversations.turn_plan import TurnAction, late_reply_counts, plan_turn
from bot.conversations.turns import TurnPlanMismatch, planned

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def plan(status: ConversationStatus, *, resend: bool, status_after: str = "") -> TurnAction:
    return plan_turn(
        status=status,
        paused_until=None,
        has_pending=True,
        already_answered=True,
        turn_intent=None,
        now=NOW,
        reply_to_resend=resend,
        reply_status_after=status_after,
    ).action


def reply(delivery: Delivery, problem: str = "") -> Message:
    return Message(
        id="out_turn_x",
        tenant_id="t",
        conversation_id="c",
        direction="out",
        sender="bot",
        at=NOW,
        delivery=delivery,
        problem=problem,
    )


def test_a_kept_reply_is_sent_again_by_the_next_attempt() -> None:
    assert plan(ConversationStatus.bot, resend=True) == TurnAction.resend
    assert plan(ConversationStatus.bot, resend=False) == TurnAction.finish


def test_the_handoff_message_still_goes_out_through_the_silence_it_set() -> None:
    assert plan(ConversationStatus.handoff, resend=True, status_after="handoff") == TurnAction.resend
    assert plan(ConversationStatus.opted_out, resend=True, status_after="opted_out") == TurnAction.resend


def test_a_person_who_took_over_is_not_talked_over() -> None:
    assert plan(ConversationStatus.human, resend=True, status_after="handoff") == TurnAction.hold
    assert plan(ConversationStatus.human, resend=True) == TurnAction.hold


def test_only_replies_that_never_went_out_for_a_passing_reason_are_resent() -> None:
    assert to_resend(reply(Delivery.retrying, "unreachable"))
    assert to_resend(reply(Delivery.failed, "meta_error"))  # given up, and its delivery replayed
    assert not to_resend(reply(Delivery.failed, "window"))
    assert not to_resend(reply(Delivery.failed, "token"))
    assert not to_resend(reply(Delivery.sent))


def test_a_late_reply_counts_once_what_it_answers() -> None:
    assert late_reply_counts(sent=True, answered=2, handoff=True, first_response_ms=900) == {
        "messages_out": 1,
        "messages_answered": 2,
        "first_responses": 1,
        "first_response_ms": 900,
        "handoffs": 1,
    }
    assert late_reply_counts(sent=False, answered=2, handoff=False, first_response_ms=None) == {"send_failures": 1}


def test_a_plan_that_needs_a_stored_reply_the_turn_lacks_fails_the_turn_saying_what_is_missing() -> None:
    # A real check rather than an assert (which `python -O` drops): a resend of nothing fails the turn.
    assert planned("the reply", "the turn's stored reply to resend") == "the reply"
    with pytest.raises(TurnPlanMismatch, match="needs the turn's stored reply to resend, and there is none"):
        planned(None, "the turn's stored reply to resend")

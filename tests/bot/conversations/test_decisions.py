"""The engine's time-dependent decisions, with the time set by the test: the 24-hour window, a stale backlog, the
end of a pause after a person answered, and the day a sale or a message counts for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversations.records import Conversation, ConversationStatus, HandoffCause
from bot.conversations.sending import report_wait_left, window_refusal, window_tag
from bot.conversations.turn_plan import TurnAction, handoff_cause_of, plan_turn, status_after_turn, turn_counts
from bot.inbound.event_plan import InboundAction, failed_send_detail, plan_inbound
from bot.pipeline.types import Classification, Intent, LeadState, Reply, TurnResult
from bot.sales.counters import day_of, hour_field

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


def conversation(
    platform: str = "facebook", *, customer_wrote: timedelta = timedelta(minutes=5), **fields: object
) -> Conversation:
    return Conversation(
        id="c1",
        tenant_id="t1",
        platform=platform,
        account_id="p1",
        customer_id="u1",
        created_at=NOW - timedelta(days=3),
        last_message_at=NOW - customer_wrote,
        last_customer_at=NOW - customer_wrote,
        **fields,
    )


def result(**reply: object) -> TurnResult:
    return TurnResult(
        classification=Classification(intent=Intent.product_question, confidence=0.9),
        reply=Reply(text="Yes.", source="offline", **reply),
        lead=LeadState(),
    )


# The 24-hour window ----------------------------------------------------------------------------------------------


def test_the_bot_answers_within_the_window_and_not_after_it() -> None:
    assert window_refusal(conversation(customer_wrote=timedelta(hours=23, minutes=59)), "bot", NOW) == ""
    assert "24-hour window" in window_refusal(conversation(customer_wrote=timedelta(hours=24, minutes=1)), "bot", NOW)


def test_a_person_may_answer_late_on_messenger_with_the_human_agent_tag_but_not_on_whatsapp() -> None:
    late = timedelta(days=2)
    assert window_refusal(conversation("facebook", customer_wrote=late), "human", NOW) == ""
    assert window_tag(conversation("facebook", customer_wrote=late), NOW) == "HUMAN_AGENT"
    assert "template" in window_refusal(conversation("whatsapp", customer_wrote=late), "human", NOW)
    assert window_tag(conversation("facebook"), NOW) == ""


# Inbound messages ------------------------------------------------------------------------------------------------


def test_a_new_message_is_answered_and_a_backlog_older_than_a_day_is_not() -> None:
    assert (
        plan_inbound(is_new=True, state="pending", standby=False, written_at=NOW - timedelta(hours=23), now=NOW)
        == InboundAction.answer
    )
    assert (
        plan_inbound(is_new=True, state="pending", standby=False, written_at=NOW - timedelta(hours=25), now=NOW)
        == InboundAction.stale
    )


def test_a_redelivery_is_answered_only_while_its_turn_is_still_pending() -> None:
    written = NOW - timedelta(minutes=1)
    assert plan_inbound(is_new=False, state="answered", standby=False, written_at=written, now=NOW) == InboundAction.redelivered
    # A worker died before answering: the redelivery is the customer's chance to be answered.
    assert plan_inbound(is_new=False, state="pending", standby=False, written_at=written, now=NOW) == InboundAction.answer


def test_the_standby_channel_is_kept_quiet() -> None:
    assert plan_inbound(is_new=True, state="pending", standby=True, written_at=NOW, now=NOW) == InboundAction.standby


def test_a_failed_send_outside_the_window_tells_the_owner_what_to_do() -> None:
    assert "customer must write first" in failed_send_detail(131047, "Re-engagement message")
    assert failed_send_detail(131026, "Message undeliverable") == "Message undeliverable"


# A turn ----------------------------------------------------------------------------------------------------------


def plan(
    status: ConversationStatus,
    *,
    paused_until: datetime | None = None,
    answered: bool = False,
    intent: Intent | None = None,
    pending: bool = True,
) -> tuple[TurnAction, bool]:
    decided = plan_turn(
        status=status, paused_until=paused_until, has_pending=pending, already_answered=answered, turn_intent=intent, now=NOW
    )
    return decided.action, decided.resume_bot


def test_a_pause_after_a_person_answered_ends_at_its_time() -> None:
    assert plan(ConversationStatus.human, paused_until=NOW + timedelta(seconds=1)) == (TurnAction.hold, False)
    assert plan(ConversationStatus.human, paused_until=NOW) == (TurnAction.answer, True)
    # Taken over from the inbox (no pause time): the person keeps it until they release it.
    assert plan(ConversationStatus.human) == (TurnAction.hold, False)


def test_handoff_and_closed_conversations_stay_quiet() -> None:
    assert plan(ConversationStatus.handoff)[0] == TurnAction.hold
    assert plan(ConversationStatus.closed)[0] == TurnAction.hold


def test_a_handoff_for_a_question_the_bot_could_not_answer_lets_it_answer_the_next_ones() -> None:
    waiting = plan_turn(
        status=ConversationStatus.handoff,
        handoff_cause=HandoffCause.unanswered,
        paused_until=None,
        has_pending=True,
        already_answered=False,
        turn_intent=None,
        now=NOW,
    )
    assert waiting.action == TurnAction.answer
    assert not conversation(status=ConversationStatus.handoff, handoff_cause=HandoffCause.unanswered).silent
    # A conversation stored before the cause was kept stays as silent as it was.
    assert conversation(status=ConversationStatus.handoff).silent


def test_a_handoff_is_the_customers_when_they_ask_for_a_person_or_complain() -> None:
    def turn(intent: Intent) -> TurnResult:
        return TurnResult(
            classification=Classification(intent=intent, confidence=0.9),
            reply=Reply(text="A person will answer.", source="offline", handoff=True),
            lead=LeadState(),
        )

    assert handoff_cause_of(turn(Intent.human_request)) == HandoffCause.person
    assert handoff_cause_of(turn(Intent.complaint)) == HandoffCause.person
    assert handoff_cause_of(turn(Intent.product_question)) == HandoffCause.unanswered
    assert handoff_cause_of(turn(Intent.price_question)) == HandoffCause.unanswered


def test_a_turn_an_earlier_attempt_answered_is_finished_without_a_second_send() -> None:
    assert plan(ConversationStatus.bot, answered=True)[0] == TurnAction.finish


def test_after_stop_only_start_is_answered() -> None:
    assert plan(ConversationStatus.opted_out, intent=Intent.product_question)[0] == TurnAction.skip
    assert plan(ConversationStatus.opted_out, intent=Intent.opt_in)[0] == TurnAction.answer


def test_nothing_pending_means_nothing_to_do() -> None:
    assert plan(ConversationStatus.bot, pending=False)[0] == TurnAction.nothing


def test_the_reply_decides_the_conversations_next_status() -> None:
    assert status_after_turn(ConversationStatus.bot, result(handoff=True)) == ConversationStatus.handoff
    assert status_after_turn(ConversationStatus.bot, result(opted_out=True)) == ConversationStatus.opted_out
    assert status_after_turn(ConversationStatus.opted_out, result(opted_in=True)) == ConversationStatus.bot
    assert status_after_turn(ConversationStatus.bot, result()) is None


def test_a_first_answer_counts_its_wait_and_a_failed_send_counts_as_a_failure() -> None:
    sent = turn_counts(result(), sent=True, send_failed=False, answered=2, first_response_ms=4200, complaint_is_new=False)
    assert sent["messages_out"] == 1 and sent["messages_answered"] == 2 and sent["replies_offline"] == 1
    assert sent["first_responses"] == 1 and sent["first_response_ms"] == 4200
    # What the customer wanted is counted with the answer, so analytics can name the questions asked most.
    assert sent[f"intent_{result().classification.intent.value}"] == 1
    failed = turn_counts(result(), sent=False, send_failed=True, answered=2, first_response_ms=None, complaint_is_new=False)
    assert failed == {"send_failures": 1}


# Days and hours in the business's time zone ----------------------------------------------------------------------


def test_a_late_evening_in_new_york_counts_for_that_day_not_the_next_utc_day() -> None:
    new_york = ZoneInfo("America/New_York")
    assert day_of(NOW, ZoneInfo("UTC")) == "2026-03-09"
    assert day_of(NOW + timedelta(hours=2), ZoneInfo("UTC")) == "2026-03-10"
    assert day_of(NOW + timedelta(hours=2), new_york) == "2026-03-09"
    assert hour_field(NOW + timedelta(hours=2), new_york) == "in_h21"  # 01:30 UTC is 21:30 in New York (EDT)


def test_a_turn_whose_stored_reply_went_unanswered_is_resumed_not_answered_again():
    common: dict[str, Any] = {
        "paused_until": None,
        "has_pending": True,
        "already_answered": True,
        "turn_intent": None,
        "now": NOW,
    }
    assert plan_turn(status=ConversationStatus.bot, reply_unconfirmed=True, **common).action == TurnAction.resume
    assert plan_turn(status=ConversationStatus.bot, reply_unconfirmed=False, **common).action == TurnAction.finish
    # A person who took over meanwhile still holds the conversation: nothing is sent, unconfirmed or not.
    assert plan_turn(status=ConversationStatus.human, reply_unconfirmed=True, **common).action == TurnAction.hold


def test_the_wait_for_metas_report_counts_from_when_the_send_went_unanswered():
    assert report_wait_left(NOW - timedelta(seconds=10), NOW, 30.0) == 20.0
    assert report_wait_left(NOW - timedelta(seconds=45), NOW, 30.0) == 0.0
    assert report_wait_left(NOW, NOW, 30.0) == 30.0

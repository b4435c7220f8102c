"""The follow-ups' pure decisions: which moment a reply made, which rule it plans, quiet hours in the business's
zone, the window, and what stops a due nudge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.follow_ups.decisions import Go, Skip, may_send, moments_of, out_of_quiet_hours, plan_due, rule_for
from bot.follow_ups.wording import nudge_text, template_values
from knowledge.models import CampaignIn, FollowUp, FollowUpMoment, FollowUpTemplate

MADRID = ZoneInfo("Europe/Madrid")
QUESTIONS = ["How often do you practice?", "Which studio is closest to you?"]


def follow_up(after: str, minutes: int = 60, **more: object) -> FollowUp:
    return FollowUp.model_validate({"after_minutes": minutes, "after": after, **more})


def test_a_reply_stating_a_price_is_a_price_moment() -> None:
    found = moments_of("The Yoga Pass is $49.00 per month.", states_price=True, questions=QUESTIONS, asked_question=False)
    assert found == {FollowUpMoment.price}


def test_a_link_and_a_question_of_the_campaign_are_found_in_the_reply() -> None:
    reply = "Grab your pass here: https://example.com/buy  How often   do you practice?"
    found = moments_of(reply, states_price=False, questions=QUESTIONS, asked_question=False)
    assert found == {FollowUpMoment.link, FollowUpMoment.question}


def test_a_question_not_of_the_campaign_is_no_moment() -> None:
    assert not moments_of("Anything else I can help with?", states_price=False, questions=QUESTIONS, asked_question=False)


def test_the_first_rule_for_a_moment_is_planned_and_a_later_one_follows_it() -> None:
    rules = [follow_up("link"), follow_up("price", 30), follow_up("price", 60 * 24)][:2]
    assert rule_for(rules, frozenset({FollowUpMoment.price})) == 1
    assert rule_for(rules, frozenset({FollowUpMoment.question})) is None
    two = [follow_up("price", 30), follow_up("price", 600)]
    assert rule_for(two, frozenset({FollowUpMoment.price}), after_step=0) == 1
    assert rule_for(two, frozenset({FollowUpMoment.price}), after_step=1) is None


def test_a_campaign_takes_at_most_two_follow_ups_and_sane_delays() -> None:
    base = {"name": "Pass", "product": {"name": "Pass", "price": 10}}
    with pytest.raises(ValidationError):
        CampaignIn.model_validate({**base, "follow_ups": [{"after_minutes": 60, "after": "price"}] * 3})
    with pytest.raises(ValidationError):
        CampaignIn.model_validate({**base, "follow_ups": [{"after_minutes": 1, "after": "price"}]})
    with pytest.raises(ValidationError):
        CampaignIn.model_validate({**base, "follow_ups": [{"after_minutes": 60, "after": "silence"}]})
    with pytest.raises(ValidationError):
        FollowUpTemplate.model_validate({"name": "Order Follow-up!", "language": "en_US"})


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 10, 14, 0), datetime(2026, 3, 10, 14, 0)),  # the afternoon stays
        (datetime(2026, 3, 10, 21, 30), datetime(2026, 3, 11, 9, 0)),  # the evening goes to the next morning
        (datetime(2026, 3, 11, 3, 0), datetime(2026, 3, 11, 9, 0)),  # the night goes to that morning
        (datetime(2026, 3, 11, 9, 0), datetime(2026, 3, 11, 9, 0)),
        (datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 9, 0)),  # across the spring change of clocks
    ],
)
def test_quiet_hours_are_the_business_s_night(local: datetime, expected: datetime) -> None:
    at = local.replace(tzinfo=MADRID).astimezone(UTC)
    moved = out_of_quiet_hours(at, MADRID)
    assert moved.astimezone(MADRID).replace(tzinfo=None) == expected
    assert moved.tzinfo is not None


def test_a_nudge_inside_the_window_is_free_text() -> None:
    replied = datetime(2026, 3, 10, 10, 0, tzinfo=MADRID)
    planned = plan_due(
        replied, follow_up("price", 120), zone=MADRID, window_end=replied + timedelta(hours=24), templates_after_window=False
    )
    assert planned is not None and not planned.template
    assert planned.due_at == replied + timedelta(hours=2)


def test_a_nudge_moved_past_the_window_is_not_planned_without_a_template() -> None:
    replied = datetime(2026, 3, 10, 20, 0, tzinfo=MADRID)  # due 22:00, moved to 09:00 the next day
    window_end = datetime(2026, 3, 11, 8, 0, tzinfo=MADRID)
    rule = follow_up("price", 120)
    assert plan_due(replied, rule, zone=MADRID, window_end=window_end, templates_after_window=False) is None
    assert plan_due(replied, rule, zone=MADRID, window_end=window_end, templates_after_window=True) is None
    with_template = follow_up("price", 120, template={"name": "order_followup", "language": "en_US"})
    planned = plan_due(replied, with_template, zone=MADRID, window_end=window_end, templates_after_window=True)
    assert planned is not None and planned.template
    assert planned.due_at.astimezone(MADRID).hour == 9


def _decide(**changes: object) -> Go | Skip:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    facts: dict[str, object] = {
        "planned": True,
        "status": "bot",
        "complained": False,
        "converted": False,
        "has_follow_up": True,
        "has_template": False,
        "templates_after_window": False,
        "window_end": now + timedelta(hours=1),
        "now": now,
    }
    facts.update(changes)
    return may_send(**facts)  # type: ignore[arg-type]


def test_a_due_nudge_goes_as_text_inside_the_window() -> None:
    assert _decide() == Go(template=False)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"status": "opted_out"}, Skip.status),
        ({"status": "handoff"}, Skip.status),
        ({"status": "human"}, Skip.status),
        ({"complained": True}, Skip.complaint),
        ({"converted": True}, Skip.sale),
        ({"planned": False}, Skip.replaced),
        ({"has_follow_up": False}, Skip.no_campaign),
    ],
)
def test_nothing_goes_after_stop_a_handoff_a_complaint_or_a_sale(changes: dict[str, object], why: Skip) -> None:
    assert _decide(**changes) == why


def test_after_the_window_only_a_whatsapp_template_goes() -> None:
    closed = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    assert _decide(window_end=closed) == Skip.window
    assert _decide(window_end=closed, has_template=True) == Skip.window  # Messenger: no template, no retired tag
    assert _decide(window_end=closed, templates_after_window=True) == Skip.window  # WhatsApp without a template
    assert _decide(window_end=closed, templates_after_window=True, has_template=True) == Go(template=True)


def test_the_default_nudge_names_the_product_in_the_customer_s_language() -> None:
    rule = follow_up("price")
    assert nudge_text(rule, product_name="Yoga Pass", language="es") == (
        "Solo quería saber: ¿tienes alguna pregunta sobre Yoga Pass? Con gusto te ayudo."
    )
    assert "Yoga Pass" in nudge_text(rule, product_name="Yoga Pass", language="de")
    assert nudge_text(follow_up("price", text="Still thinking about it?"), product_name="X", language="es") == (
        "Still thinking about it?"
    )


def test_template_parameters_are_filled_in_order_or_not_at_all() -> None:
    template = FollowUpTemplate.model_validate(
        {"name": "order_followup", "language": "en_US", "parameters": ["customer_name", "product_name"]}
    )
    assert template_values(template, customer_name="Ada", product_name="Yoga Pass") == ["Ada", "Yoga Pass"]
    assert template_values(template, customer_name="", product_name="Yoga Pass") is None

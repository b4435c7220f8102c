"""A whole turn through run_turn: no key, the model path, fallbacks, the guard and the lead."""

from __future__ import annotations

import pytest

from bot.pipeline import run_turn
from bot.pipeline.types import HistoryItem, Intent, LeadFields, LeadState
from tests.bot.conftest import MODEL_NAME
from tests.bot.samples import YOGA_MAT, context
from tests.fakes.groq_server import (
    FakeGroq,
    bad_arguments,
    malformed,
    rate_limited,
    server_error,
    slow,
    tool_answer,
    wrong_price,
)


async def test_without_a_model_the_offline_responder_answers() -> None:
    result = await run_turn(context("hi", "how much is the mat?"), model=None, timeout_s=1)
    assert result.classification.intent == Intent.price_question
    assert result.reply.source == "offline"
    assert "Yoga Mat Pro costs $49.00." in result.reply.text
    assert result.usage is None
    assert not result.guard_blocked
    assert result.lead.messages_in == 2
    assert result.lead.questions_asked == 1
    assert result.lead.fields.product_interest == "Yoga Mat Pro"
    assert "https://shop.acme.example.com/yoga-mat" in result.reply.text
    assert not result.reply.cta_sent  # a link beside a price is not yet a proposal
    assert result.lead.stage == "engaged"


async def test_a_first_reply_from_the_model_opens_with_the_campaigns_greeting(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "Hello! The Yoga Mat Pro is $49.00.", "facts_used": ["Yoga Mat Pro"]}))
    result = await run_turn(context("how much is the mat?"), model=chat_model, timeout_s=2)
    # The greeting as the owner wrote it, its question in its own paragraph before the answer.
    assert result.reply.text.startswith(
        "Hi! Thanks for your interest in the Yoga Mat Pro. What would you like to know?\n\nHello! The Yoga Mat Pro"
    )


async def test_the_models_answer_is_used_when_it_is_true(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "The Yoga Mat Pro is $49.00 and has a carry strap.", "facts_used": ["Yoga Mat Pro"]}))
    result = await run_turn(context("how much is the mat?", lead=LeadState(messages_in=2)), model=chat_model, timeout_s=2)
    assert result.reply.source == "llm"
    assert result.reply.text == "The Yoga Mat Pro is $49.00 and has a carry strap."
    assert not result.guard_blocked
    assert result.usage is not None and result.usage.model == MODEL_NAME and result.usage.input_tokens == 120


async def test_a_wrong_price_from_the_model_is_blocked_and_counted(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(wrong_price("Good news, the Yoga Mat Pro is only $39 today!"))
    result = await run_turn(context("how much is the mat?"), model=chat_model, timeout_s=2)
    assert result.guard_blocked
    assert result.guard_violations == ["amount not in the catalog or documents: $39"]
    assert result.reply.source == "offline"
    assert "$39" not in result.reply.text
    assert "Yoga Mat Pro costs $49.00." in result.reply.text
    assert result.usage is not None and result.usage.output_tokens == 40  # the call still cost tokens


async def test_a_model_naming_a_product_hidden_here_is_blocked(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "You could also try our Smart Bottle!"}))
    result = await run_turn(context("what else do you have?"), model=chat_model, timeout_s=2)
    assert result.guard_blocked
    assert "Smart Bottle" not in result.reply.text


@pytest.mark.parametrize(
    "behaviour",
    [rate_limited(), server_error(), slow(3), malformed(), bad_arguments()],
    ids=["429", "500", "slow", "malformed", "bad-arguments"],
)
async def test_model_failures_fall_back_to_offline(fake_groq: FakeGroq, chat_model, behaviour) -> None:
    fake_groq.script(behaviour)
    result = await run_turn(context("how much is the mat?"), model=chat_model, timeout_s=0.5)
    assert result.reply.source == "offline"
    assert "Yoga Mat Pro costs $49.00." in result.reply.text
    assert not result.guard_blocked
    assert result.usage is not None  # the failed call is still recorded, at zero tokens or more


@pytest.mark.parametrize(("text", "flag"), [("STOP", "opted_out"), ("START", "opted_in"), ("talk to a human", "handoff")])
async def test_opt_out_opt_in_and_handoff_never_ask_the_model(fake_groq: FakeGroq, chat_model, text: str, flag: str) -> None:
    result = await run_turn(context(text), model=chat_model, timeout_s=2)
    assert getattr(result.reply, flag)
    assert fake_groq.requests == []
    assert result.usage is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("para", "No recibirás más mensajes"),
        ("pare", "Você não receberá mais mensagens"),
        ("stop", "You won't get more messages"),
        ("ARRÊTER", "Vous ne recevrez plus"),
        ("Stopp", "keine weiteren Nachrichten"),
    ],
)
async def test_opt_out_in_several_languages(text: str, expected: str) -> None:
    result = await run_turn(context(text), model=None, timeout_s=1)
    assert result.reply.opted_out
    assert expected in result.reply.text
    assert result.lead.opted_out
    assert "opted out" in result.lead.next_step


async def test_the_lead_accumulates_over_turns() -> None:
    lead = LeadState()
    turns = [
        ["hi"],
        ["what features does it have?"],
        ["we're a team of 12 and need it this week", "my email is coach@studio.com"],
        ["I'll take it"],
    ]
    stages = []
    for texts in turns:
        result = await run_turn(context(*texts, lead=lead), model=None, timeout_s=1)
        lead = result.lead
        stages.append(lead.stage)
    assert lead.messages_in == 5
    assert lead.buying_signals == 1
    # One after the features; the second ("When would you like to start?") is skipped: "this week" answered it.
    assert lead.questions_asked == 1
    assert lead.fields.email == "coach@studio.com"
    assert lead.fields.team_size == 12
    assert lead.fields.timeline == "this week"
    assert lead.cta_sent
    assert stages[0] == "new" and stages[-1] == "proposal"
    assert stages == sorted(stages, key=["new", "engaged", "qualified", "proposal"].index)
    assert lead.score >= 70
    assert "Asked to buy" in lead.reasons


async def test_the_customers_own_words_beat_the_models_reading(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "Thanks!", "email": "wrong@guess.com", "company": "Initech", "timeline": "today"}))
    earlier = [HistoryItem(sender="customer", text="I work at Initech"), HistoryItem(sender="bot", text="Nice!")]
    result = await run_turn(context("you can reach me at real@person.com", history=earlier), model=chat_model, timeout_s=2)
    assert result.lead.fields.email == "real@person.com"
    # What the customer said before stands; what the model made up ("today") does not.
    assert result.lead.fields.company == "Initech"
    assert result.lead.fields.timeline is None


async def test_a_whatsapp_customers_local_number_is_read_in_their_country() -> None:
    ctx = context("me liga no (21) 99876-5432", platform="whatsapp", customer_id="5511987654321")
    result = await run_turn(ctx, model=None, timeout_s=1)
    assert result.lead.fields.phone == "+5521998765432"


async def test_converted_leads_stay_converted() -> None:
    lead = LeadState(stage="converted", fields=LeadFields(email="a@b.com"))
    result = await run_turn(context("too expensive", lead=lead), model=None, timeout_s=1)
    assert result.lead.stage == "converted"
    assert result.reply.text.endswith(YOGA_MAT.chat_flow.objection_handling["too expensive"])
    assert result.lead.objections == 1

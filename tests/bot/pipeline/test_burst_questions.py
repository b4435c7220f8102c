"""A burst that asks several questions: each is found, each is answered in the one reply (offline, in order, the
greeting and the owner's next question once), a question left to a person is named, and the model is shown every
message with the instruction to answer each."""

from __future__ import annotations

import pytest

from bot.conversations.held_messages import held_for_a_person
from bot.pipeline import classify_turn, run_turn
from bot.pipeline.burst_questions import burst_questions, question_queries
from bot.pipeline.prompts import build_messages
from bot.pipeline.types import HistoryItem, LeadState
from tests.bot.samples import context
from tests.fakes.groq_server import FakeGroq, tool_answer

GREETING = "Hi! Thanks for your interest in the Yoga Mat Pro."
FIRST_QUESTION = "What kind of yoga do you practise?"


def test_each_message_that_asks_starts_a_question_and_the_others_belong_to_one():
    texts = ["hi", "how much is the yoga mat pro?", "for 3 people", "do you ship to canada", "thanks!"]
    assert [q.positions for q in burst_questions(texts)] == [(0, 1, 2), (3, 4)]
    assert [q.asks for q in burst_questions(texts)] == [1, 3]
    # Other languages: the rules' question words and the question mark.
    assert len(burst_questions(["¿Cuánto cuesta el Yoga Mat Pro?", "¿Hacen envíos a Canadá?"], "es")) == 2
    assert len(burst_questions(["Berapa harganya?", "Apakah ada pengiriman ke Bali?"], "id")) == 2
    # A burst that asks one thing, or nothing, is one turn as before.
    assert len(burst_questions(["hi", "how much is it?", "ok"])) == 1
    assert burst_questions(["hi", "thanks"]) == []
    # A question the customer quotes is not theirs.
    assert len(burst_questions(["how much is it?", "my friend said “do you ship to canada?”"])) == 1


def test_each_question_is_searched_with_a_follow_up_carrying_the_question_before_it():
    assert question_queries(["how much is the mat?"], []) == []
    queries = question_queries(["what are your support hours?", "and on saturday?"], [])
    assert queries == ["what are your support hours?", "and on saturday? what are your support hours?"]


async def test_offline_a_burst_of_two_questions_gets_both_answers_in_order():
    ctx = context("What does the Yoga Mat Pro cost?", "What are your support hours?")
    result = await run_turn(ctx, model=None, timeout_s=2)
    text = result.reply.text
    assert "$49.00" in text and "Monday to Friday, 9am to 5pm" in text, text
    assert text.index("$49.00") < text.index("Monday to Friday"), "answers in the order asked"
    # The greeting opens the reply once, the owner's next question closes it once.
    assert text.startswith(GREETING) and text.count(GREETING) == 1, text
    assert text.endswith(FIRST_QUESTION) and text.count(FIRST_QUESTION) == 1, text
    assert result.reply.asked_question and result.reply.unanswered == []
    assert not result.guard_blocked


async def test_offline_two_questions_about_one_product_state_its_facts_once():
    ctx = context("hi", "how much is the yoga mat pro", "and is the strap included?")
    text = (await run_turn(ctx, model=None, timeout_s=2)).reply.text
    assert text.count("$49.00") == 1 and text.count("https://shop.acme.example.com/yoga-mat") == 1, text
    assert text.count(GREETING) == 1


async def test_offline_a_question_no_document_answers_goes_to_a_person_and_is_named():
    ctx = context("hi", "How much is the Yoga Mat Pro?", "Can I bring my dog to the studio?")
    result = await run_turn(ctx, model=None, timeout_s=2)
    assert "$49.00" in result.reply.text, result.reply.text
    assert "check with the team" in result.reply.text
    assert result.reply.handoff
    assert result.reply.unanswered == [2], "only the message whose question found no answer waits for a person"


async def test_offline_a_second_turn_greets_no_one_and_asks_the_next_question_once():
    history = [HistoryItem(sender="customer", text="hi"), HistoryItem(sender="bot", text=f"{GREETING} {FIRST_QUESTION}")]
    ctx = context(
        "How much is the Yoga Mat Pro?",
        "What are your support hours?",
        history=history,
        lead=LeadState(messages_in=1, questions_asked=1),
    )
    text = (await run_turn(ctx, model=None, timeout_s=2)).reply.text
    assert GREETING not in text and FIRST_QUESTION not in text, text
    assert text.count("When would you like to start?") == 1 and text.endswith("When would you like to start?"), text


def test_the_model_sees_every_message_apart_and_is_told_to_answer_each():
    texts = ["How much is the Yoga Mat Pro?", "What are your support hours?"]
    system, *_, turn = build_messages(context(*texts), classify_turn(texts))
    assert "answer every question in them, each in turn, in the order they were asked" in system.content
    assert turn.content.count("<customer_message>") == 2
    assert turn.content.index(texts[0]) < turn.content.index(texts[1])
    single = build_messages(context(texts[0]), classify_turn(texts[:1]))
    assert "answer every question in them" not in single[0].content


async def test_a_model_burst_prompt_holds_both_messages(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "The Yoga Mat Pro is $49.00. Our team answers Monday to Friday, 9am to 5pm."}))
    ctx = context("How much is the Yoga Mat Pro?", "What are your support hours?")
    result = await run_turn(ctx, model=chat_model, timeout_s=2)
    [request] = fake_groq.requests
    assert "How much is the Yoga Mat Pro?" in request.user_text and "What are your support hours?" in request.user_text
    assert "answer every question in them" in request.system_text
    assert result.reply.source == "llm" and result.reply.unanswered == []


async def test_a_model_that_passes_the_burst_to_a_person_answers_it_as_a_whole(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "A person from our team will answer you here.", "needs_person": True}))
    ctx = context("Can I bring my dog?", "Is there parking?")
    result = await run_turn(ctx, model=chat_model, timeout_s=2)
    # As for one question: the reply that hands the whole turn over is its answer.
    assert result.reply.handoff and result.reply.unanswered == []


async def test_offline_a_burst_no_question_of_which_is_answered_is_handed_over_as_a_whole():
    result = await run_turn(
        context("Can I bring my dog to the studio?", "Is there parking at the studio?"), model=None, timeout_s=2
    )
    assert result.reply.handoff and result.reply.unanswered == []
    assert result.reply.text.count("check with the team") == 1, result.reply.text


async def test_offline_a_follow_up_with_no_answer_of_its_own_is_read_with_the_question_before_it():
    ctx = context("What are your support hours?", "and on saturday?")
    result = await run_turn(ctx, model=None, timeout_s=2)
    assert "Monday to Friday" in result.reply.text and "check with the team" not in result.reply.text, result.reply.text
    assert result.reply.unanswered == [] and not result.reply.handoff


@pytest.mark.parametrize(
    ("unanswered", "hands_over", "held"),
    [([1], True, ["m2"]), ([1, 1, 7], True, ["m2"]), ([1], False, []), ([], True, [])],
)
def test_only_messages_a_person_will_answer_are_held(unanswered, hands_over, held):
    assert held_for_a_person(["m1", "m2"], unanswered, hands_over=hands_over) == held

"""Factual claims beyond money: what the tenant's words carry goes out, what they do not is refused."""

from __future__ import annotations

import pytest

from bot.pipeline.claims import numbers_said, unsupported
from bot.pipeline.classify import classify_turn
from bot.pipeline.flow import matching_objection
from bot.pipeline.offline import offline_reply
from bot.pipeline.types import HistoryItem, LeadState
from knowledge.models import ChatFlow, Passage
from tests.bot.samples import YOGA_MAT, context

POLICY = [
    (
        "Opening hours. The studio is open Monday to Friday from 07:00 to 21:00 and on Saturday from 09:00 to 13:00. "
        "We are closed on Sundays."
    ),
    "Refunds. Class packs are refundable within 14 days of purchase if no class has been used.",
    "Reformer classes have at most 8 people.",
]


def test_honest_paraphrases_in_any_language_are_carried() -> None:
    for reply in (
        "On Saturday we're open 9am to 1pm.",
        "Abrimos de lunes a viernes de 07:00 a 21:00.",
        "Am Samstag haben wir von 09:00 bis 13:00 geöffnet.",
        "Classes have at most eight people.",
        "Les packs sont remboursables sous 14 jours.",
        "We're closed on Sundays.",
    ):
        assert unsupported(reply, [], POLICY) == [], reply


def test_claims_the_words_do_not_carry_are_refused() -> None:
    for reply in (
        "We're open every day from 8am to 10pm.",
        "Classes have up to 15 people.",
        "Return anything, any time, full refund, no questions asked.",
        "We're open on Sunday from 10:00 to 16:00.",
        "You get a lifetime warranty.",
        "You can pay in 24 instalments.",
    ):
        assert unsupported(reply, [], POLICY) == [reply], reply


def test_a_number_alone_is_not_support() -> None:
    # "8" stands in the policy, but about class sizes, not about distance.
    assert unsupported("We're 8 minutes from the station.", [], POLICY)


def test_the_customers_own_numbers_may_be_repeated_but_not_promised() -> None:
    said = numbers_said("we are a team of 5")
    assert unsupported("For your team of 5, the membership works well.", [], POLICY, customer_numbers=said) == []
    assert unsupported("Your team of 5 gets a full refund any time.", [], POLICY, customer_numbers=said)


def test_a_document_answer_is_the_sentence_that_answers_cleaned_of_pdf_breaks() -> None:
    pdf_like = Passage(
        text="Rückgabe: Unbenutzte Artikel können innerhalb von 14\nTagen zurückgegeben werden. "
        "Die Kosten der Rücksendung trägt der Kunde.\n\nAdresse: Venloer Straße 101.",
        source="document:d_pdf",
    )
    ctx = context("Kann ich etwas zurückgeben?", passages=[pdf_like], lead=LeadState(messages_in=2))
    reply = offline_reply(ctx, classify_turn(ctx.turn_texts))
    assert "innerhalb von 14 Tagen zurückgegeben" in reply.text
    assert "Venloer" not in reply.text and "\n" not in reply.text


def test_the_generic_question_only_when_nothing_was_asked_and_never_twice() -> None:
    ctx = context("Wie lange hält die Garantie?", passages=[], lead=LeadState(messages_in=2))
    reply = offline_reply(ctx, classify_turn(ctx.turn_texts))
    assert "Was möchtest du wissen" not in reply.text
    history = [HistoryItem(sender="customer", text="ok"), HistoryItem(sender="bot", text="x")]
    first = offline_reply(context("ok", history=history, lead=LeadState(messages_in=3, questions_asked=9)), classify_turn(["ok"]))
    again_history = [*history, HistoryItem(sender="customer", text="ok"), HistoryItem(sender="bot", text=first.text)]
    second = offline_reply(
        context("ok", history=again_history, lead=LeadState(messages_in=4, questions_asked=9)), classify_turn(["ok"])
    )
    assert second.text != first.text


def test_objections_are_matched_by_meaning_in_any_language() -> None:
    handling = {"too expensive": "It lasts for years.", "no time": "A class takes 20 minutes."}
    assert matching_objection("that's a lot of money for me", handling)[1] == "It lasts for years."
    assert matching_objection("c'est trop cher", handling)[1] == "It lasts for years."
    assert matching_objection("ich habe keine Zeit", handling)[1] == "A class takes 20 minutes."


def test_the_first_reply_opens_with_the_greeting_and_the_next_question_skips_what_was_told() -> None:
    flow = ChatFlow(
        greeting="Welcome to the studio!",
        qualification_questions=["How many people are on your team?", "When would you like to start?"],
    )
    campaign = YOGA_MAT.model_copy(update={"chat_flow": flow})
    ctx = context("how much is it? we are 12 people", campaign=campaign, campaigns=[campaign])
    reply = offline_reply(ctx, classify_turn(ctx.turn_texts))
    assert reply.text.startswith("Welcome to the studio!")
    assert reply.text.endswith("When would you like to start?")


def test_a_greeting_that_asks_opens_the_first_reply_whole_in_a_paragraph_of_its_own() -> None:
    flow = ChatFlow(greeting="Welcome to the studio! Are you new?", qualification_questions=["When would you like to start?"])
    campaign = YOGA_MAT.model_copy(update={"chat_flow": flow})
    ctx = context("how much is it?", campaign=campaign, campaigns=[campaign])
    reply = offline_reply(ctx, classify_turn(ctx.turn_texts))
    greeting, answer = reply.text.split("\n\n")
    assert greeting == "Welcome to the studio! Are you new?"
    assert "$49.00" in answer and answer.endswith("When would you like to start?")


@pytest.mark.parametrize(
    "reply",
    [
        "You can reach us at 030 1234567.",
        "Call +49 30 123 4567 to book.",
        "Our phone: (030) 123-45-67.",
    ],
)
def test_the_business_phone_is_no_unsupported_number_however_it_is_spaced(reply: str) -> None:
    # The profile keeps the number as E.164; replies write it as people do.
    assert unsupported(reply, [], ["Phone: +49301234567"]) == []


def test_a_phone_number_the_business_never_gave_is_refused() -> None:
    assert unsupported("Call us at 030 9999999.", [], ["Phone: +49301234567"]) == ["Call us at 030 9999999."]

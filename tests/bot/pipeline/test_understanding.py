"""With a model: the message read in any language (intent, language, the question in the documents' languages),
and each statement of a draft judged by meaning, passing only with a quote that stands in its source."""

from __future__ import annotations

import json
from typing import Any

from bot.pipeline.classify import classify_turn
from bot.pipeline.compose import run_turn
from bot.pipeline.judge import Label, SentenceVerdict, accepted, claim_sentences, quote_found
from bot.pipeline.reading import read_message
from bot.pipeline.repair import MAX_REDRAFTS, answer_was_removed
from bot.pipeline.types import Intent, LeadState, Reading
from knowledge.models import Passage
from tests.bot.samples import context
from tests.fakes.groq_server import Behaviour, FakeGroq, server_error, tool_answer

DUTCH_RULES = Passage(
    text="Honden zijn welkom aan de lijn. Kinderen onder 12 jaar mogen alleen met een volwassene naar binnen.",
    source="document:d_rules",
)


def reading(intent: Intent, *, language: str = "", asks_question: bool = False) -> Reading:
    return Reading(language=language, intent=intent, asks_catalog=False, asks_question=asks_question)


def sentences_of(body: dict[str, Any]) -> list[str]:
    """The numbered sentences a judge request carries, in order."""
    text = "\n".join(str(m.get("content") or "") for m in body["messages"])
    return [line.split(">", 1)[1].rsplit("</sentence>", 1)[0] for line in text.splitlines() if line.startswith("<sentence ")]


def judge_answering(verdicts: dict[str, tuple[str, ...]]):
    """A judge that gives each sentence containing a key its (verdict, source, evidence[, evidence translated]);
    others no_claim."""

    def answer(body: dict[str, Any]) -> Behaviour:
        given = []
        for number, sentence in enumerate(sentences_of(body), start=1):
            verdict, source, evidence, *translated = next(
                (v for key, v in verdicts.items() if key in sentence), ("no_claim", "", "")
            )
            given.append(
                {
                    "n": number,
                    "verdict": verdict,
                    "source": source,
                    "evidence": evidence,
                    "evidence_translated": "".join(translated),
                }
            )
        return tool_answer({"verdicts": given})

    return answer


async def test_the_model_reads_a_message_in_any_language_with_queries_in_the_documents_languages(
    fake_groq: FakeGroq, chat_model
) -> None:
    fake_groq.reader = lambda _body: tool_answer(
        {
            "language": "sw",
            "intent": "booking_request",
            "asks_question": False,
            "queries": [
                {"language": "nl", "query": "Kan ik een kamer boeken voor zaterdag?"},
                {"language": "en", "query": "Can I book a room for Saturday?"},
                {"language": "fr", "query": "ignored: not a language of the documents"},
            ],
        }
    )
    found, usage = await read_message(chat_model, ["Nataka kuweka nafasi ya chumba Jumamosi"], [], ["nl"])
    assert found is not None and usage is not None
    assert found.intent == Intent.buying_signal  # a booking is a wish to buy
    assert found.language == "sw"
    assert found.queries == ("Kan ik een kamer boeken voor zaterdag?", "Can I book a room for Saturday?")
    [request] = fake_groq.reading_requests
    assert "Document languages: nl, en" in request.system_text
    assert "<message>Nataka kuweka nafasi ya chumba Jumamosi</message>" in request.user_text


async def test_a_reading_that_fails_or_does_not_fit_leaves_the_rules_to_read_the_message(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.reader = lambda _body: server_error()
    assert (await read_message(chat_model, ["hoi"], [], ["nl"]))[0] is None
    fake_groq.reader = lambda _body: tool_answer({"language": "nl", "intent": "not an intent"})
    assert (await read_message(chat_model, ["hoi"], [], ["nl"]))[0] is None
    assert classify_turn(["how much is the mat?"], None).intent == Intent.price_question


def test_the_models_reading_decides_beyond_the_keywords_that_always_stand() -> None:
    # A request for a person in Swahili, which no rule reads.
    assert classify_turn(["Naomba kuongea na mtu halisi"], reading(Intent.human_request)).intent == Intent.human_request
    # STOP stands whatever the model says; a long question is never read as a wish to stop messages.
    assert classify_turn(["STOP"], reading(Intent.product_question)).intent == Intent.opt_out
    long_question = "can you stop by my house to deliver the mat tomorrow and also tell me how much shipping costs?"
    assert classify_turn([long_question], reading(Intent.opt_out)).intent != Intent.opt_out


async def test_a_statement_the_judge_finds_absent_is_never_sent(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(
        tool_answer(
            {"reply": "Dogs are welcome on a leash. No ID is needed for children.", "sources": ["P1"]},
        ),
        tool_answer({"reply": "Dogs are welcome on a leash.", "sources": ["P1"]}),
    )
    fake_groq.judge = judge_answering(
        {
            "Dogs are welcome": ("supported", "P1", "Honden zijn welkom aan de lijn", "Dogs are welcome on a leash"),
            "No ID": ("absent", "", ""),
        }
    )
    ctx = context("can I bring my dog and my kids?", passages=[DUTCH_RULES], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=3)
    assert "No ID" not in result.reply.text
    # The paraphrase of the Dutch document in English passes: the judge's quote stands in the passage.
    assert "Dogs are welcome on a leash." in result.reply.text
    assert result.guard_blocked
    assert any("by meaning" in violation for violation in result.guard_violations), result.guard_violations


STUDIO_HOURS = Passage(text="The studio is open every day from 7am to 9pm.", source="document:d_hours")


async def test_when_the_refused_sentence_was_the_answer_a_side_fact_left_over_is_not_sent_as_one(
    fake_groq: FakeGroq, chat_model
) -> None:
    """Parking is in no document: the draft's answer about it is refused, and what is left ("we are open…") does
    not answer the question, so it is not sent as the answer: a second draft is asked for, and it hands over."""
    fake_groq.script(
        tool_answer(
            {"reply": "Yes, free parking is right behind the studio. The studio is open every day from 7am.", "sources": ["P1"]}
        ),
        tool_answer({"reply": "Let me check that with the team for you.", "sources": [], "needs_person": True}),
    )
    fake_groq.judge = judge_answering(
        {
            "parking": ("absent", "", ""),
            "open every day": ("supported", "P1", "The studio is open every day from 7am to 9pm"),
        }
    )
    ctx = context("Is there parking at the studio?", passages=[STUDIO_HOURS], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=3)
    assert "parking" not in result.reply.text.lower()
    assert result.reply.text != "The studio is open every day from 7am."
    assert result.reply.handoff, "the question waits for a person"


async def test_a_second_drafts_supported_answer_is_sent_without_its_unsupported_remark(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(
        tool_answer({"reply": "We open at 6am and parking is free.", "sources": ["P1"]}),
        tool_answer({"reply": "The studio is open every day from 7am to 9pm. Towels are free.", "sources": ["P1"]}),
    )
    fake_groq.judge = judge_answering(
        {
            "6am": ("contradicted", "P1", "The studio is open every day from 7am to 9pm"),
            "Towels": ("absent", "", ""),
            "from 7am to 9pm": ("supported", "P1", "The studio is open every day from 7am to 9pm"),
        }
    )
    ctx = context("When does the studio open?", passages=[STUDIO_HOURS], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=3)
    assert "7am to 9pm" in result.reply.text
    assert "6am" not in result.reply.text and "Towels" not in result.reply.text
    assert result.reply.source == "llm", (
        result.reply.text,
        result.guard_violations,
        len(fake_groq.requests),
        len(fake_groq.judge_requests),
    )


async def test_a_new_draft_is_told_what_the_last_got_wrong_and_is_the_only_one(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(
        tool_answer({"reply": "We open at 6am every day.", "sources": ["P1"]}),
        tool_answer({"reply": "The studio is open every day from 7am to 9pm.", "sources": ["P1"]}),
    )
    fake_groq.judge = judge_answering(
        {
            "6am": ("contradicted", "P1", "The studio is open every day from 7am to 9pm"),
            "from 7am to 9pm": ("supported", "P1", "The studio is open every day from 7am to 9pm"),
        }
    )
    ctx = context("When does the studio open?", passages=[STUDIO_HOURS], lead=LeadState(messages_in=2))
    # A generous budget: a language's precise models may load within the first turn that meets it.
    result = await run_turn(ctx, model=chat_model, timeout_s=30)
    assert result.reply.source == "llm" and "7am to 9pm" in result.reply.text, result.reply.text
    correction = fake_groq.requests[1].system_text + fake_groq.requests[1].user_text
    assert "6am" in correction, "the new draft is told what the last got wrong"

    # Never a third draft (MAX_REDRAFTS): after a refused new draft, the offline answer goes out.
    fake_groq.script(*(tool_answer({"reply": f"We open at {hour}am every day.", "sources": ["P1"]}) for hour in (4, 3, 2)))
    fake_groq.judge = judge_answering({"am every day": ("contradicted", "P1", "The studio is open every day from 7am to 9pm")})
    before = len(fake_groq.requests)
    result = await run_turn(ctx, model=chat_model, timeout_s=30)
    assert len(fake_groq.requests) - before == 1 + MAX_REDRAFTS
    assert result.reply.source == "offline"


def test_a_removed_sentence_is_the_answer_only_when_it_spoke_of_the_question_and_nothing_kept_does() -> None:
    question = "Is there parking at the studio?"
    draft = "Yes, free parking is right behind the studio. We are open every day from 7am."
    assert answer_was_removed(question, "en", draft, "We are open every day from 7am.")
    # A word of the question the kept sentence shares ("studio") does not make it the answer about parking.
    assert answer_was_removed(question, "en", draft.replace("We are", "The studio is"), "The studio is open every day from 7am.")
    # The kept sentence still speaks of what was asked: it is an answer.
    assert not answer_was_removed(question, "en", "Parking is free. Bring a towel.", "Parking is free.")
    # The removed sentence was a side remark: what is left answers.
    assert not answer_was_removed("When do you open?", "en", "We open at 7am. Parking is free.", "We open at 7am.")


async def test_support_claimed_with_a_quote_the_source_does_not_hold_is_refused(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "Children of any age may come in alone.", "sources": ["P1"]}))
    fake_groq.responder = lambda _body: tool_answer({"reply": "Children of any age may come in alone.", "sources": ["P1"]})
    fake_groq.judge = judge_answering({"Children": ("supported", "P1", "Children of any age may come in alone without an adult")})
    ctx = context("can my 8 year old come alone?", passages=[DUTCH_RULES], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=3)
    assert "any age" not in result.reply.text
    assert result.guard_blocked


async def test_the_judge_reads_the_passages_catalog_and_profile_and_numbers_every_sentence(
    fake_groq: FakeGroq, chat_model
) -> None:
    fake_groq.script(tool_answer({"reply": "Dogs are welcome on a leash. Shall I book your visit?", "sources": ["P1"]}))
    fake_groq.judge = judge_answering(
        {"Dogs": ("supported", "P1", "Honden zijn welkom aan de lijn", "Dogs are welcome on a leash")}
    )
    ctx = context("can I bring my dog?", passages=[DUTCH_RULES], lead=LeadState(messages_in=2))
    await run_turn(ctx, model=chat_model, timeout_s=3)
    [request] = fake_groq.judge_requests
    content = request.user_text
    assert '<source id="P1">Honden zijn welkom' in content
    assert '<source id="catalog">' in content and "Yoga Mat Pro" in content
    assert '<source id="profile">' in content
    assert sentences_of(request.body) == ["Dogs are welcome on a leash.", "Shall I book your visit?"]
    assert json.dumps(request.body["tool_choice"]).count("ClaimCheck") == 1


def test_a_quote_is_found_whatever_its_case_accents_and_punctuation() -> None:
    source = "Kinderen onder 12 jaar mogen alleen met een volwassene naar binnen."
    assert quote_found("kinderen onder 12 jaar mogen alleen met een volwassene", source)
    assert not quote_found("kinderen mogen altijd alleen naar binnen zonder toezicht", source)
    verdict = SentenceVerdict(
        n=1,
        verdict=Label.supported,
        source="P9",
        evidence="Kinderen onder 12 jaar mogen alleen",
        evidence_translated="Children under 12 only",
    )
    # The wrong source named, the quote found in another: it stands.
    assert accepted("Children under 12 only with an adult.", verdict, {"P1": source})


async def test_a_complaint_that_asks_something_gets_an_apology_the_answer_and_a_person() -> None:
    ctx = context(
        "This is ridiculous, I've waited a week!!! Do you ship to Canada?",
        lead=LeadState(messages_in=2),
    )
    result = await run_turn(ctx, model=None, timeout_s=1)
    assert result.reply.handoff
    assert result.reply.text.startswith("I'm really sorry")
    assert "Canada" in result.reply.text


async def test_a_model_that_cannot_answer_from_the_businesss_words_hands_over(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(
        tool_answer({"reply": "I'm not sure about that, a person from our team will answer you here.", "needs_person": True})
    )
    ctx = context("do you have a defibrillator on site?", lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=3)
    assert result.reply.handoff
    assert not result.guard_blocked  # saying a person will answer is true: one will


def test_the_businesss_own_sentence_passes_whatever_the_judge_says_and_a_negation_is_no_quote() -> None:
    sources = {"P1": "Dogs are not allowed inside. Parking costs 5 euros per day."}
    refused = SentenceVerdict(n=1, verdict=Label.absent)
    assert accepted("Parking costs 5 euros per day.", refused, sources)
    assert not accepted("Dogs are allowed inside.", refused, sources)
    assert not accepted("Parking costs 4 euros per day.", refused, sources)


def test_across_languages_the_judges_translation_of_its_quote_must_speak_of_the_sentence() -> None:
    sources = {"P1": DUTCH_RULES.text}
    quote = "Honden zijn welkom aan de lijn"
    honest = SentenceVerdict(
        n=1, verdict=Label.supported, source="P1", evidence=quote, evidence_translated="Dogs are welcome on a leash"
    )
    assert accepted("Your dog is welcome on a leash.", honest, sources)
    # A real quote about something else does not back a claim about children.
    stray = honest.model_copy(update={"evidence_translated": "Dogs are welcome on a leash"})
    assert not accepted("Children may come in alone.", stray, sources)


def test_every_piece_of_a_draft_is_judged_short_ones_with_the_sentence_before_them() -> None:
    # An amount standing alone, or cut off by an abbreviation, is read with what it belongs to.
    assert claim_sentences("We open at 9 a.m. on weekdays. Only €20.") == ["We open at 9 a.m. on weekdays. Only €20."]
    assert claim_sentences("Sure! Parking is free for guests.") == ["Sure! Parking is free for guests."]
    # Sentences in scripts other than Latin have words too.
    assert claim_sentences("Η είσοδος είναι δωρεάν για παιδιά. Το πάρκινγκ κοστίζει πέντε ευρώ.") == [
        "Η είσοδος είναι δωρεάν για παιδιά.",
        "Το πάρκινγκ κοστίζει πέντε ευρώ.",
    ]
    assert claim_sentences("Да.") == ["Да."]


async def test_one_who_asks_for_a_person_and_asks_something_gets_the_answer_and_the_person() -> None:
    ctx = context("how much is the yoga mat? and can a real person call me", lead=LeadState(messages_in=2))
    ctx = ctx.model_copy(update={"reading": reading(Intent.human_request, asks_question=True)})
    result = await run_turn(ctx, model=None, timeout_s=1)
    assert "$49.00" in result.reply.text
    assert "person from our team" in result.reply.text
    assert result.reply.handoff


def test_a_question_is_never_read_as_start_or_stop() -> None:
    asked = "do you open on sundays?"
    assert classify_turn([asked], reading(Intent.opt_in)).intent != Intent.opt_in
    assert classify_turn([asked], reading(Intent.opt_out)).intent != Intent.opt_out


async def test_a_model_reply_that_states_no_fact_of_the_business_hands_the_question_to_a_person(
    fake_groq: FakeGroq, chat_model
) -> None:
    # The model declines in its own words and forgets to ask for a person: the customer still gets one.
    fake_groq.script(tool_answer({"reply": "Good question! I'm not sure about that one.", "sources": []}))
    fake_groq.judge = judge_answering({})
    ctx = context("can I bring my parrot?", passages=[DUTCH_RULES], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=10)
    assert result.reply.handoff
    assert result.reply.text.startswith("Good question! I'm not sure about that one.")
    assert result.reply.text != "Good question! I'm not sure about that one."  # the person is announced


async def test_a_model_reply_that_answers_with_a_backed_fact_is_not_handed_over(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(tool_answer({"reply": "Dogs are welcome on a leash.", "sources": ["P1"]}))
    fake_groq.judge = judge_answering(
        {"Dogs are welcome": ("supported", "P1", "Honden zijn welkom aan de lijn", "Dogs are welcome on a leash")}
    )
    ctx = context("can I bring my dog?", passages=[DUTCH_RULES], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=10)
    assert result.reply.text == "Dogs are welcome on a leash."
    assert not result.reply.handoff


def test_a_quote_with_a_short_word_slipped_in_or_left_out_backs_nothing() -> None:
    sources = {"P1": "Dogs are not allowed inside. Hunde sind im Garten erlaubt. Les chiens sont admis au jardin."}

    def backed(sentence: str, evidence: str) -> bool:
        return accepted(sentence, SentenceVerdict(n=1, verdict=Label.supported, source="P1", evidence=evidence), sources)

    # The judge quotes the business's words, but the sentence turns them.
    assert not backed("Dogs are allowed inside.", "Dogs are not allowed inside")
    assert not backed("Hunde sind im Garten nicht erlaubt.", "Hunde sind im Garten erlaubt")
    assert not backed("Les chiens ne sont pas admis au jardin.", "Les chiens sont admis au jardin")
    # Words around the quote, a contraction, or a reworded paraphrase are no such turn.
    assert backed("Sorry, dogs are not allowed inside.", "Dogs are not allowed inside")
    assert backed("Dogs aren't allowed inside.", "Dogs are not allowed inside")
    assert backed("Im Garten sind Hunde erlaubt.", "Hunde sind im Garten erlaubt")


async def test_what_is_left_of_a_repaired_answer_is_sent_and_a_person_confirms_the_rest(fake_groq: FakeGroq, chat_model) -> None:
    """The refused sentence may have been the answer, in words no rule can match to the question: the supported
    rest is sent, and the question waits for a person, who the owner sees, while the bot keeps answering."""
    fake_groq.script(
        tool_answer({"reply": "The studio is open every day from 7am to 9pm. The sauna costs 5 euros extra.", "sources": ["P1"]})
    )
    fake_groq.judge = judge_answering(
        {
            "from 7am to 9pm": ("supported", "P1", "The studio is open every day from 7am to 9pm"),
            "sauna": ("absent", "", ""),
        }
    )
    ctx = context("Can I relax somewhere warm after class?", passages=[STUDIO_HOURS], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=30)
    assert "sauna" not in result.reply.text and "5 euros" not in result.reply.text
    assert result.reply.text.startswith("The studio is open every day from 7am to 9pm.")
    assert result.reply.text.endswith("A person from our team will get back to you on this shortly.")
    assert result.reply.handoff and result.reply.source == "llm"
    assert len(fake_groq.requests) == 1, "the supported sentences answer at once: no second draft"


async def test_a_new_draft_that_passes_but_states_no_fact_hands_the_question_over(fake_groq: FakeGroq, chat_model) -> None:
    fake_groq.script(
        tool_answer({"reply": "Yes, there is free parking behind the studio.", "sources": ["P1"]}),
        tool_answer({"reply": "Thanks for asking! Is there anything else you would like to know?", "sources": []}),
    )
    fake_groq.judge = judge_answering({"parking": ("absent", "", "")})
    ctx = context("Is there parking at the studio?", passages=[STUDIO_HOURS], lead=LeadState(messages_in=2))
    result = await run_turn(ctx, model=chat_model, timeout_s=30)
    assert "parking" not in result.reply.text.lower()
    assert result.reply.handoff, "the question nobody answered waits for a person"
    assert "A person from our team will get back to you on this shortly." in result.reply.text


def test_only_the_rules_start_resubscribes_a_models_reading_never_says_welcome_back() -> None:
    # A short question with no mark, which a model misread as "send me messages again": it is answered as a question.
    # (An opted-out conversation is answered only on the rules' own START, which stands: see turn_plan.)
    short = "warsztaty dla dzieci w sobotę"
    assert classify_turn([short], reading(Intent.opt_in), "pl").intent != Intent.opt_in
    assert classify_turn(["START"], reading(Intent.product_question)).intent == Intent.opt_in

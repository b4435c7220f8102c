"""Intent classification and campaign choice, with plain strings and sample campaigns."""

from __future__ import annotations

import pytest

from bot.pipeline.classify import asks_for_offer, best_campaign_by_name, choose_campaign, classify, classify_turn
from bot.pipeline.phrases import phrase
from bot.pipeline.types import Intent
from knowledge.models import Campaign
from tests.bot.samples import COACHING, SMART_BOTTLE, YOGA_MAT


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        "Stop.",
        "  STOP!! ",
        "unsubscribe",
        "Unsubscribe please",
        "para",
        "Pare",
        "arrêter",
        "Stopp",
        "baja",
        "cancelar suscripción",
        "no más mensajes",
        "se désinscrire",
        "abmelden",
        "STOP 🙏",
    ],
)
def test_opt_out_keywords_in_several_languages(text: str) -> None:
    result = classify(text)
    assert result.intent == Intent.opt_out
    assert 0.9 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "don't stop",
        "please don't stop sending offers",
        "para qué sirve?",
        "Can it stop slipping?",
        "stop by the shop",
        "I want to unsubscribe my friend from nothing, just kidding, how much?",
    ],
)
def test_words_inside_a_sentence_do_not_opt_out(text: str) -> None:
    assert classify(text).intent != Intent.opt_out


@pytest.mark.parametrize("text", ["START", "unstop", "Start please", "empezar", "démarrer", "starten"])
def test_opt_in_keywords(text: str) -> None:
    assert classify(text).intent == Intent.opt_in


@pytest.mark.parametrize(
    "text",
    [
        "Can I talk to a human?",
        "I want to speak with a real person",
        "agent please? talk to an agent",
        "Quiero hablar con una persona",
        "quero falar com atendente",
        "Je veux parler à un conseiller",
        "Kann ich mit einem Mitarbeiter sprechen?",
    ],
)
def test_human_requests(text: str) -> None:
    assert classify(text).intent == Intent.human_request


@pytest.mark.parametrize(
    "text",
    [
        "How much is it?",
        "what's the price",
        "does it cost a lot to ship",
        "¿Cuánto cuesta?",
        "precio?",
        "quanto custa?",
        "Qual o preço?",
        "combien ça coûte ?",
        "Quel est le prix ?",
        "Was kostet das?",
        "Preis?",
    ],
)
def test_price_questions(text: str) -> None:
    assert classify(text).intent == Intent.price_question


@pytest.mark.parametrize(
    "text",
    [
        "That's too expensive",
        "es muy caro",
        "muito caro",
        "c'est trop cher",
        "zu teuer",
        "I'm not sure",
        "my competitor is cheaper",
        "I'll think about it",
        "not interested",
    ],
)
def test_objections(text: str) -> None:
    assert classify(text).intent == Intent.objection


@pytest.mark.parametrize(
    "text",
    [
        "I'll take it!",
        "How do I buy?",
        "sign me up",
        "Quiero comprarlo",
        "me lo llevo",
        "quero comprar",
        "je le prends",
        "Ich nehme es",
        "send me the payment link",
    ],
)
def test_buying_signals(text: str) -> None:
    assert classify(text).intent == Intent.buying_signal


@pytest.mark.parametrize(
    "text", ["hi", "Hello!", "hey there", "Hola", "Buenos días", "Oi", "bom dia", "Bonjour", "Hallo", "Guten Tag"]
)
def test_greetings(text: str) -> None:
    assert classify(text).intent == Intent.greeting


@pytest.mark.parametrize("text", ["thanks!", "ok", "gracias", "obrigado", "merci beaucoup", "danke", "how are you?"])
def test_small_talk(text: str) -> None:
    assert classify(text).intent == Intent.small_talk


@pytest.mark.parametrize("text", ["Do you ship to Canada?", "What features does it have?", "tell me more about the mat"])
def test_product_questions(text: str) -> None:
    assert classify(text).intent == Intent.product_question


def test_unrelated_statement_is_off_topic_with_low_confidence() -> None:
    result = classify("My cat sat on the keyboard this morning")
    assert result.intent == Intent.off_topic
    assert result.confidence < 0.5


def test_a_burst_is_classified_by_its_substance_and_opt_out_anywhere_wins() -> None:
    assert classify_turn(["hi", "how much is the mat?"]).intent == Intent.price_question
    assert classify_turn(["hey", "STOP"]).intent == Intent.opt_out
    assert classify_turn(["STOP", "START"]).intent == Intent.opt_in
    assert classify_turn([]).intent == Intent.small_talk


def test_choose_campaign_keeps_the_current_one_while_visible() -> None:
    assert choose_campaign("tell me about coaching", [YOGA_MAT, COACHING], YOGA_MAT) == YOGA_MAT


def test_choose_campaign_moves_on_when_the_current_one_is_no_longer_visible() -> None:
    assert choose_campaign("how much is the online coaching?", [YOGA_MAT, COACHING], SMART_BOTTLE) == COACHING


def test_choose_campaign_by_product_words_referral_hint_or_the_only_one() -> None:
    assert choose_campaign("I need a new yoga mat", [YOGA_MAT, COACHING], None) == YOGA_MAT
    assert choose_campaign("hi", [YOGA_MAT, COACHING], None, referral_hint="c_coach") == COACHING
    assert choose_campaign("hi", [YOGA_MAT, COACHING], None, referral_hint="ad: Coaching Launch spring") == COACHING
    assert choose_campaign("hi", [COACHING], None) == COACHING
    assert choose_campaign("hi", [YOGA_MAT, COACHING], None) is None
    assert choose_campaign("hi", [], YOGA_MAT) is None


def _listed(key: str, lang: str) -> str:
    """The first item of the catalog's list `key` for `lang`, as a customer would type it."""
    return phrase(key, lang).split(",")[0].strip()


@pytest.mark.parametrize("lang", ["nl", "tr", "pl", "sv", "sw"])
def test_standard_messages_are_read_in_the_customers_language_from_the_catalogs(lang: str) -> None:
    assert classify_turn([_listed("words_opt_out", lang).upper()], lang=lang).intent == Intent.opt_out
    assert classify_turn([_listed("words_opt_in", lang)], lang=lang).intent == Intent.opt_in
    asking_for_person = f"{_listed('words_person', lang)}?"
    assert classify_turn([asking_for_person], lang=lang).intent == Intent.human_request
    assert asks_for_offer(f"{_listed('words_offer', lang)}?", lang)


def test_a_catalog_word_inside_a_longer_message_is_no_stop() -> None:
    # STOP is a whole message; "stop" inside a question never unsubscribes anyone.
    assert classify_turn(["kunnen jullie stoppen bij mijn huis om te bezorgen?"], lang="nl").intent != Intent.opt_out


def test_a_short_message_holding_a_listed_phrase_stops_messages_and_a_question_never_does() -> None:
    phrase_of_two_words = next(item.strip() for item in phrase("words_opt_out", "nl").split(",") if " " in item.strip())
    assert classify_turn([f"{phrase_of_two_words} graag"], lang="nl").intent == Intent.opt_out
    assert classify_turn([f"wat betekent {phrase_of_two_words} precies?"], lang="nl").intent != Intent.opt_out


def _course(name: str, product: str) -> Campaign:
    return YOGA_MAT.model_copy(update={"name": name, "product": YOGA_MAT.product.model_copy(update={"name": product})})


def test_a_product_named_in_an_inflected_form_is_the_one_asked_about() -> None:
    # Polish declines names: "kursu doszkalającego" is "Kurs doszkalający" in another case.
    category_b = _course("Prawo jazdy B", "Kurs kategorii B")
    refresher = _course("Doszkalanie", "Kurs doszkalający")
    assert best_campaign_by_name("ile kosztuje kursu doszkalającego?", [category_b, refresher]) is refresher
    assert best_campaign_by_name("a ile za kurs kategorii B?", [category_b, refresher]) is category_b
    # A longer word that only begins like the name's is another word.
    assert best_campaign_by_name("is there a tourist pass?", [_course("City", "Tour")]) is None


def test_a_name_two_products_share_names_neither() -> None:
    category_b = _course("Prawo jazdy B", "Kurs kategorii B")
    refresher = _course("Doszkalanie", "Kurs doszkalający")
    assert best_campaign_by_name("ile kosztuje kurs?", [category_b, refresher]) is None

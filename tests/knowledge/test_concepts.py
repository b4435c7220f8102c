"""The topic vocabulary: every topic in all six languages, and the words that look alike kept apart."""

from __future__ import annotations

from knowledge.concepts import CONCEPTS, concepts_in
from knowledge.language import LANGUAGES


def test_every_topic_is_written_out_in_all_six_languages() -> None:
    missing = [
        (topic, lang) for topic, by_language in CONCEPTS.items() for lang in LANGUAGES if not by_language.get(lang, "").strip()
    ]
    assert missing == []


def test_the_same_question_in_six_languages_carries_the_same_topic() -> None:
    asked = {
        "refund": [
            "Can I get my money back?",
            "¿Me devuelven el dinero?",
            "Posso ter o dinheiro de volta?",
            "Je peux être remboursé ?",
            "Bekomme ich mein Geld zurück?",
            "Mi ridate i soldi?",
        ],
        "parking": [
            "Is there parking?",
            "¿Dónde puedo aparcar?",
            "Tem estacionamento?",
            "Où se garer ?",
            "Gibt es Parkplätze?",
            "C'è parcheggio?",
        ],
        "cash": [
            "Do you take cash?",
            "¿Aceptan efectivo?",
            "Aceitam numerário?",
            "Je peux payer en espèces ?",
            "Kann ich bar zahlen?",
            "Accettate contanti?",
        ],
        "elevator": [
            "Is there a lift?",
            "¿Hay ascensor?",
            "Tem elevador?",
            "Il y a un ascenseur ?",
            "Habt ihr einen Aufzug?",
            "C'è l'ascensore?",
        ],
    }
    for topic, questions in asked.items():
        assert [q for q in questions if topic not in concepts_in(q)] == [], topic


def test_look_alikes_are_kept_apart() -> None:
    # A key card is no way to pay; a study visa is no card; an e-mail address is no exam.
    assert "card" not in concepts_in("Members have 24/7 access with their key card.")
    assert "payment" not in concepts_in("Members have 24/7 access with their key card.")
    assert concepts_in("Il faut un visa pour étudier ?") & {"card", "payment"} == set()
    assert "card" in concepts_in("We accept Visa, Mastercard and Amex.")
    assert "exam" not in concepts_in("Email hello@example.com")
    # "son" is Spanish for "are", not a child.
    assert "age" not in concepts_in("¿Las clases son muy grandes?")

"""The language of short chat messages, in languages inside and outside the six the word lists cover."""

from __future__ import annotations

import pytest

from knowledge.language import detect_language, stem_words, supported_languages


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("kan ik met pin betalen", "nl"),
        ("czy można przyjść z psem", "pl"),
        ("pazar günü açık mısınız", "tr"),
        ("har ni öppet på söndag", "sv"),
        ("kolik stojí jedna noc", "cs"),
        ("magkano po isang gabi", "tl"),
        ("πόσο κοστίζει μια νύχτα", "el"),
        ("كم سعر الليلة", "ar"),
        ("एक रात का कितना है", "hi"),
        ("¿hacen envíos a Lima?", "es"),
        ("vcs entregam em casa?", "pt"),
        ("habt ihr morgen offen", "de"),
    ],
)
def test_a_short_message_is_read_in_its_own_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["ok", "👍", "https://example.com/order/123", "12:30", "?!"])
def test_a_message_that_does_not_say_its_language_keeps_the_conversations(text: str) -> None:
    assert detect_language(text, default="nl") == "nl"
    assert detect_language(text, default="tr") == "tr"


@pytest.mark.parametrize(
    ("text", "lang"), [("Do you ship to Canada?", "en"), ("Tem estacionamento?", "pt"), ("Kann ich mit Karte zahlen?", "de")]
)
def test_the_conversations_language_is_always_weighed_on_a_short_message(text: str, lang: str) -> None:
    # The coarse first pass ranks English seventh on "Do you ship to Canada?"; the conversation's language is
    # weighed all the same, and a message plainly in another language still changes it.
    assert detect_language(text, default="en") == lang


def test_a_long_text_is_read_by_its_words_not_its_default() -> None:
    dutch = "Wij zijn elke dag open van negen uur tot vijf uur, behalve op zondag. Honden zijn welkom aan de lijn."
    assert detect_language(dutch, default="en") == "nl"


def test_more_than_fifty_languages_can_be_told_apart() -> None:
    languages = supported_languages()
    assert len(languages) >= 50
    assert {"nl", "pl", "tr", "id", "ar", "hi", "sw", "vi"} <= set(languages)


def test_stems_in_a_language_snowball_knows_and_words_as_they_are_in_one_it_does_not() -> None:
    assert stem_words(["honden", "nachten"], "nl") == ["hond", "nacht"]
    # Vietnamese has no Snowball stemmer: an English one would only mangle the words.
    assert stem_words(["nights", "dogs"], "vi") == ["nights", "dogs"]

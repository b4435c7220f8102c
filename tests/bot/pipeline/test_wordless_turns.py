"""Turns without words: an image or a sticker alone is acknowledged in the customer's language, a voice note that
could not be heard goes to a person, and a burst with words beside them is answered as words."""

from __future__ import annotations

from bot.i18n.catalogs import phrase
from bot.inbound.event_plan import voice_attachment, wordless_kind
from bot.inbound.voice import voice_language
from bot.pipeline import run_turn
from bot.pipeline.types import HistoryItem, Intent
from channels.events import Attachment, InboundMessage
from tests.bot.samples import context


def _spanish_history() -> list[HistoryItem]:
    return [HistoryItem(sender="customer", text="Hola, ¿tienen clases de yoga por la mañana?")]


async def test_an_image_alone_is_acknowledged_in_the_customers_language() -> None:
    ctx = context(history=_spanish_history()).model_copy(update={"turn_media": ["image"]})
    result = await run_turn(ctx, model=None, timeout_s=1.0)
    assert result.reply.text == phrase("media_received", "es")
    assert not result.reply.handoff


async def test_a_sticker_alone_gets_a_question_back() -> None:
    ctx = context().model_copy(update={"turn_media": ["sticker"]})
    result = await run_turn(ctx, model=None, timeout_s=1.0)
    assert result.reply.text == phrase("sticker_received", "en")


async def test_an_unheard_voice_note_goes_to_a_person_in_the_customers_language() -> None:
    ctx = context(history=_spanish_history()).model_copy(update={"voice_unheard": True})
    result = await run_turn(ctx, model=None, timeout_s=1.0)
    assert result.reply.text == phrase("voice_unheard", "es")
    assert result.reply.handoff and result.classification.intent == Intent.human_request


async def test_words_beside_an_image_are_answered_as_words() -> None:
    ctx = context("How much is it?").model_copy(update={"turn_media": ["image"]})
    result = await run_turn(ctx, model=None, timeout_s=1.0)
    assert result.reply.text not in (phrase("media_received", "en"), phrase("sticker_received", "en"))


def _message(text: str = "", *attachments: Attachment) -> InboundMessage:
    return InboundMessage(
        platform="facebook", account_id="P", customer_id="C", message_id="m1", text=text, attachments=list(attachments)
    )


def test_what_counts_as_a_message_without_words() -> None:
    assert wordless_kind(_message("", Attachment(type="image"))) == "image"
    assert wordless_kind(_message("", Attachment(type="sticker"))) == "sticker"
    assert wordless_kind(_message("", Attachment(type="location", latitude=1.0, longitude=2.0))) == "location"
    assert wordless_kind(_message("look at this", Attachment(type="image"))) == ""
    assert wordless_kind(_message("", Attachment(type="image", caption="this one in red?"))) == ""
    # A story mention or a shared post says what the customer did: it keeps its own answer.
    assert wordless_kind(_message("", Attachment(type="story_mention"))) == ""
    assert wordless_kind(_message("hi")) == ""


def test_a_recording_is_what_is_transcribed() -> None:
    assert voice_attachment(_message("", Attachment(type="audio", media_id="1", mime_type="audio/ogg"))) is not None
    assert voice_attachment(_message("", Attachment(type="audio"))) is None  # nothing to fetch it by
    assert voice_attachment(_message("", Attachment(type="image", url="https://x"))) is None


def test_the_language_hint_is_what_the_customer_wrote_lately() -> None:
    assert voice_language(["Bonjour, je voudrais réserver un cours de yoga pour demain"]) == "fr"
    assert voice_language([]) == ""
    # Whisper calls Norwegian Bokmål "no".
    assert voice_language(["God morgen, jeg vil gjerne bestille en time i morgen tidlig"]) == "no"


def test_messengers_stickers_old_and_new_are_wordless() -> None:
    from channels.messenger import MESSENGER

    def delivery(attachment: dict) -> dict:
        item = {
            "sender": {"id": "PSID_1"},
            "recipient": {"id": "PAGE_1"},
            "timestamp": 1700000000000,
            "message": {"mid": "m_1", "attachments": [attachment]},
        }
        return {"object": "page", "entry": [{"id": "PAGE_1", "time": 1700000000000, "messaging": [item]}]}

    # The thumbs-up is an image with a sticker id; since June 2026 Meta also sends `type: sticker`.
    for attachment in (
        {"type": "image", "payload": {"url": "https://cdn.example/like.png", "sticker_id": 369239263222822}},
        {"type": "sticker", "payload": {"url": "https://cdn.example/s.png", "sticker_id": 1}},
    ):
        [event] = MESSENGER.parse(delivery(attachment))
        assert isinstance(event, InboundMessage) and wordless_kind(event) == "sticker", attachment

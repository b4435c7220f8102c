"""Every real webhook body from other projects parses; many are checked field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from channels.events import (
    CustomerMoved,
    Echo,
    InboundMessage,
    MessageDeleted,
    Reaction,
    Receipt,
    StandaloneReferral,
    StatusUpdate,
    Unsupported,
)
from channels.registry import channel_for_object
from tests.conftest import REAL_PAYLOADS

pytestmark = pytest.mark.skipif(
    not REAL_PAYLOADS.is_dir(),
    reason=f"the real webhook bodies are not here ({REAL_PAYLOADS}); set REAL_PAYLOADS_DIR to run these",
)


def payloads_of(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text())
    folder = path.relative_to(REAL_PAYLOADS).parts[0]
    if folder == "pywa":
        return data
    if folder == "broid":
        return {"": data["request"]["body"]}
    return {"": data}


ALL_FILES = sorted(REAL_PAYLOADS.rglob("*.json"))
ALL_PAYLOADS = [
    pytest.param(body, id=f"{path.relative_to(REAL_PAYLOADS)}:{name}".rstrip(":"))
    for path in ALL_FILES
    for name, body in payloads_of(path).items()
]


def parse(relative: str, name: str = "") -> list:
    body = payloads_of(REAL_PAYLOADS / relative)[name]
    adapter = channel_for_object(body["object"])
    assert adapter is not None
    return adapter.parse(body)


def only(relative: str, name: str = ""):
    events = parse(relative, name)
    assert len(events) == 1, events
    return events[0]


def test_the_real_payloads_are_there():
    assert len(ALL_FILES) >= 80
    assert len(ALL_PAYLOADS) >= 140


@pytest.mark.parametrize("body", ALL_PAYLOADS)
def test_every_real_payload_parses(body):
    adapter = channel_for_object(body["object"])
    assert adapter is not None
    events = adapter.parse(body)
    for event in events:
        assert event.platform == adapter.platform
        # Round trip through the discriminated union, as the events are stored and compared.
        assert type(event).model_validate(event.model_dump()) == event


# Messenger (courier/fba, broid)


def test_messenger_text():
    event = only("courier/fba/hello_msg.json")
    assert isinstance(event, InboundMessage)
    assert (event.platform, event.account_id, event.customer_id) == ("facebook", "1234567890", "5678")
    assert (event.message_id, event.text, event.interaction) == ("external_id", "Hello World", "text")
    assert event.timestamp_ms == 1459991487970


def test_messenger_duplicate_batch_keeps_both_entries():
    events = parse("courier/fba/duplicate_msg.json")
    assert [e.message_id for e in events] == ["external_id", "external_id"]


def test_messenger_image_attachment():
    event = only("courier/fba/attachment.json")
    assert event.interaction == "attachment"
    assert [(a.type, a.url) for a in event.attachments] == [("image", "https://image-url/foo.png")]


def test_messenger_sticker_is_told_from_an_image():
    event = only("courier/fba/thumbs_up.json")
    assert [(a.type, a.media_id) for a in event.attachments] == [("sticker", "369239263222822")]


def test_messenger_location():
    event = only("courier/fba/location_attachment.json")
    location = event.attachments[0]
    assert (location.type, location.latitude, location.longitude) == ("location", 1.2, -1.3)


def test_messenger_reel_and_fallback_share():
    reel = only("courier/fba/reel.json").attachments[0]
    assert (reel.type, reel.url, reel.media_id) == ("reel", "/reel/123451234512345/", "123451234512345")
    share = only("courier/fba/fallback.json").attachments[0]
    assert (share.type, share.title) == ("share", "Foo")


def test_messenger_postback_with_referral():
    event = only("courier/fba/postback_referral.json")
    assert (event.interaction, event.payload, event.text) == ("postback", "get_started", "postback title")
    assert event.message_id  # postbacks without mid get a stable id
    assert event.message_id == only("courier/fba/postback_referral.json").message_id
    assert (event.referral.ref, event.referral.source, event.referral.ad_id) == ("postback ref", "postback source", "ad id")
    assert event.referral.from_ad  # it names an ad


def test_messenger_standalone_referral_and_seconds_timestamp():
    event = only("courier/fba/referral.json")
    assert isinstance(event, StandaloneReferral)
    assert (event.referral.ref, event.referral.ad_id, event.referral.source) == ("referral id", "ad id", "referral source")
    assert event.referral.from_ad
    assert only("courier/fba/referral_seconds.json").timestamp_ms == 1701599111000


def test_messenger_delivery_receipt():
    event = only("courier/fba/dlr.json")
    assert isinstance(event, Receipt)
    assert event.receipt == "delivery"
    assert event.message_ids == ["mid.1458668856218:ed81099e15d3f4f233"]
    assert event.watermark_ms == 1458668856253


def test_messenger_echo_is_not_a_customer_message():
    event = only("courier/fba/echo.json")
    assert isinstance(event, Echo)
    assert (event.message_id, event.account_id, event.customer_id) == ("qT7ywaK", "1234567890", "5678")


def test_messenger_items_we_do_not_handle():
    assert only("courier/fba/notification_messages_optin.json").reason == "optin"
    assert isinstance(only("courier/fba/unknown_messaging_entry.json"), Unsupported)
    assert parse("courier/fba/no_entries.json") == []
    assert parse("courier/fba/no_messaging_entries.json") == []


def test_broid_payloads():
    text = only("broid/message.json")
    assert (text.account_id, text.customer_id, text.message_id, text.text) == (
        "298733926841562",
        "1396353687096793",
        "mid.1485138696677:f3eb499f83",
        "hello",
    )
    postback = only("broid/messageInteractiveCallbackTitle.json")
    assert (postback.payload, postback.text) == ("DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_GREEN", "postback_title")
    link = only("broid/messageLink.json")
    assert link.text == "http://www.broid.ai/"
    assert link.attachments[0].type == "share"
    location = only("broid/messageLocation.json").attachments[0]
    assert (location.title, location.latitude, location.longitude) == ("My Place", 45.531449166167, -93.555047062628)


# Instagram (courier/ig)


def test_instagram_text_and_icebreaker():
    event = only("courier/ig/hello_msg.json")
    assert (event.platform, event.account_id, event.customer_id, event.text) == ("instagram", "1234567890", "5678", "Hello World")
    icebreaker = only("courier/ig/icebreaker_get_started.json")
    assert (icebreaker.interaction, icebreaker.payload, icebreaker.text) == ("postback", "get_started", "icebreaker question")


def test_instagram_story_mention_drops_its_url():
    event = only("courier/ig/story_mention.json")
    assert event.interaction == "story_mention"
    assert [(a.type, a.url) for a in event.attachments] == [("story_mention", "")]
    assert "story-url" not in event.model_dump_json()


def test_instagram_unsent_message_and_echo():
    deleted = only("courier/ig/unsent_msg.json")
    assert isinstance(deleted, MessageDeleted)
    assert deleted.message_id == "external_id"
    assert isinstance(only("courier/ig/echo.json"), Echo)


def test_instagram_like_heart():
    assert only("courier/ig/like_heart.json").attachments[0].type == "like_heart"


# WhatsApp (courier/wac, pywa)


def test_whatsapp_text_with_contact_name():
    event = only("courier/wac/hello.json")
    assert isinstance(event, InboundMessage)
    assert (event.platform, event.account_id, event.customer_id) == ("whatsapp", "1234567890", "5678")
    assert (event.message_id, event.text, event.customer_name) == ("external_id", "Hello World", "Kerry Fisher")
    assert event.timestamp_ms == 1454119029000


def test_whatsapp_two_messages_in_one_value():
    assert [e.text for e in parse("courier/wac/duplicate.json")] == ["Hello World", "Hello World"]


def test_whatsapp_business_scoped_user_id_without_phone():
    event = only("courier/wac/hello_from_bsuid.json")
    assert (event.customer_id, event.customer_name) == ("US.1234", "Kerry Fisher")


def test_whatsapp_buttons_and_lists_carry_their_ids():
    template_button = only("courier/wac/button.json")
    assert (template_button.interaction, template_button.payload, template_button.text) == ("button", "No-Button-Payload", "No")
    assert template_button.reply_to_message_id == "gBGGFmkiWVVPAgkgQkwi7IORac0"
    reply = only("courier/wac/button_reply.json")
    assert (reply.interaction, reply.payload, reply.text) == ("button", "id_button_reply", "Yes")
    choice = only("courier/wac/list_reply.json")
    assert (choice.interaction, choice.payload, choice.text) == ("list", "id_list_reply", "Yes")
    selection = only("pywa/callback_selection.json", "description")
    assert (selection.payload, selection.reply_to_message_id) == ("callback_data", "wamid.xyzxyz")


def test_whatsapp_flow_reply():
    event = only("courier/wac/nfm_reply.json")
    assert event.interaction == "form"
    assert json.loads(event.payload)["first_name"] == "Bob"
    assert json.loads(only("pywa/flow_completion.json", "completion").payload)["delivery_rating"] == "4"


def test_whatsapp_media():
    image = only("courier/wac/image.json").attachments[0]
    assert (image.type, image.media_id, image.mime_type, image.caption) == (
        "image",
        "id_image",
        "image/jpeg",
        "Check out my new phone!",
    )
    document = only("pywa/message.json", "document").attachments[0]
    assert (document.type, document.title, document.mime_type) == ("file", "filename.pdf", "application/pdf")
    voice = only("courier/wac/voice.json").attachments[0]
    assert (voice.type, voice.media_id) == ("audio", "id_voice")
    sticker = only("pywa/message.json", "animated_sticker").attachments[0]
    assert sticker.type == "sticker"
    with_url = only("pywa/message.json", "media_with_url").attachments[0]
    assert with_url.url.startswith("https://lookaside.fbsbx.com/")


def test_whatsapp_location():
    place = only("pywa/message.json", "chosen_location").attachments[0]
    assert (place.type, place.latitude, place.longitude, place.title) == ("location", 37.4611978, -122.2164385, "Facebook HQ")


def test_whatsapp_reactions():
    reaction = only("pywa/message.json", "reaction")
    assert isinstance(reaction, Reaction)
    assert (reaction.message_id, reaction.emoji, reaction.action) == ("wamid.yzxyzx=", "\U0001f62e", "react")
    for name in ("unreaction_empty", "unreaction_no_emoji"):
        removed = only("pywa/message.json", name)
        assert (removed.emoji, removed.action) == ("", "unreact")


def test_whatsapp_click_to_whatsapp_referral():
    event = only("pywa/message.json", "referral")
    assert event.text == "BODY"
    assert (event.referral.source, event.referral.ad_id, event.referral.campaign_hint, event.referral.url) == (
        "ctwa",
        "ADID",
        "AD_TITLE",
        "AD_OR_POST_FB_URL",
    )
    assert (event.referral.from_ad, event.referral.ctwa_clid, event.referral.headline) == (True, "CTWA_CLID", "AD_TITLE")


def test_whatsapp_statuses():
    sent = only("courier/wac/valid_status.json")
    assert isinstance(sent, StatusUpdate)
    assert (sent.message_id, sent.status, sent.customer_id) == ("external_id", "sent", "5678")
    failed = only("pywa/message_status.json", "failed")
    assert (failed.status, failed.error_code) == ("failed", 130472)
    assert failed.error_title == "User's number is part of an experiment"
    assert only("courier/wac/error_status.json").error_code == 131014
    assert only("courier/wac/ignore_status.json").status == "deleted"
    assert only("pywa/message_status.json", "played").status == "read"
    assert isinstance(only("courier/wac/invalid_status.json"), Unsupported)


def test_whatsapp_deleted_message_names_the_original():
    event = only("pywa/deleted_message.json", "revoke")
    assert isinstance(event, MessageDeleted)
    assert event.message_id == "<ORIGINAL_WHATSAPP_MESSAGE_ID>"


def test_whatsapp_business_app_echo():
    event = only("pywa/outgoing_message.json", "text")
    assert isinstance(event, Echo)
    assert (event.account_id, event.message_id, event.text) == ("1122334455667", "<WHATSAPP_MESSAGE_ID>", "Test message")


def test_whatsapp_unsupported_and_odd_messages():
    unsupported = only("courier/wac/error_msg.json")
    assert isinstance(unsupported, Unsupported)
    assert "131051" in unsupported.reason
    assert only("courier/wac/no_from.json").reason == "message without a sender"
    assert only("courier/wac/group_message.json").reason == "group message"
    assert only("courier/wac/invalid_timestamp.json").timestamp_ms == 0
    assert isinstance(only("pywa/message.json", "interactive_message_with_err"), Unsupported)
    assert isinstance(only("pywa/system.json", "identity_change"), Unsupported)
    assert isinstance(only("pywa/edited_message.json", "image"), Unsupported)


def test_whatsapp_account_level_updates_are_never_customer_events():
    for relative in (
        "pywa/account_update.json",
        "pywa/template_status_update.json",
        "pywa/call_connect.json",
        "pywa/user_marketing_preferences.json",
    ):
        for name in payloads_of(REAL_PAYLOADS / relative):
            assert all(isinstance(e, Unsupported) for e in parse(relative, name)), (relative, name)


def test_whatsapp_number_change_moves_the_customer():
    moved = only("pywa/system.json", "phone_number_change")
    assert isinstance(moved, CustomerMoved)
    assert (moved.customer_id, moved.new_customer_id) == ("972987654321", "972912345678")


def test_whatsapp_messages_carry_the_business_scoped_user_id():
    event = only("pywa/message.json", "text")
    assert isinstance(event, InboundMessage)
    assert (event.customer_id, event.customer_user_id) == ("972987654321", "US.13491208655302741918")


def test_whatsapp_voice_and_audio_are_recordings_to_fetch_by_id():
    for name in ("voice", "audio"):
        event = only("pywa/message.json", name)
        assert isinstance(event, InboundMessage)
        [recording] = event.attachments
        assert recording.type == "audio" and recording.media_id and recording.mime_type.startswith("audio/"), name

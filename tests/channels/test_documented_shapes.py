"""The shapes Meta documents (research notes, section 3), one event kind at a time, plus odd input."""

from __future__ import annotations

from typing import Any

import pytest

from channels.events import (
    Echo,
    InboundMessage,
    MessageDeleted,
    Reaction,
    Receipt,
    StandaloneReferral,
    StatusUpdate,
    Unsupported,
)
from channels.registry import all_channels, channel_for_object, channel_for_platform, channel_named

messenger = channel_named("messenger")
instagram = channel_named("instagram")
whatsapp = channel_named("whatsapp")


def page(*items: dict[str, Any], page_id: str = "PAGE_1", key: str = "messaging") -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": page_id, "time": 1700000000500, key: list(items)}]}


def ig(*items: dict[str, Any]) -> dict[str, Any]:
    return {"object": "instagram", "entry": [{"id": "IGID_1", "time": 1700000000500, "messaging": list(items)}]}


def wa(
    messages: list[dict[str, Any]] | None = None, statuses: list[dict[str, Any]] | None = None, phone_number_id: str = "PNID_1"
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": "Ana"}, "wa_id": "5511987654321"}],
    }
    if messages is not None:
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_1", "changes": [{"field": "messages", "value": value}]}],
    }


FROM_USER = {"sender": {"id": "PSID_9"}, "recipient": {"id": "PAGE_1"}}


def test_registry_by_channel_platform_and_object():
    assert [channel.channel for channel in all_channels()] == ["messenger", "instagram", "whatsapp"]
    assert channel_named("messenger").platform == "facebook"
    assert channel_for_platform("instagram").object_name == "instagram"
    assert channel_for_object("whatsapp_business_account") is whatsapp
    assert channel_for_object("page") is messenger
    assert channel_for_object("user") is None
    with pytest.raises(KeyError):
        channel_named("telegram")


# Messenger


def test_messenger_text_envelope():
    [event] = messenger.parse(
        page({**FROM_USER, "timestamp": 1700000000400, "message": {"mid": "m_A1", "text": "How much is the blue one?"}})
    )
    assert isinstance(event, InboundMessage)
    assert (event.account_id, event.customer_id, event.message_id) == ("PAGE_1", "PSID_9", "m_A1")
    assert (event.text, event.timestamp_ms, event.interaction, event.standby) == (
        "How much is the blue one?",
        1700000000400,
        "text",
        False,
    )


def test_messenger_quick_reply_payload_comes_first():
    [event] = messenger.parse(
        page({**FROM_USER, "timestamp": 1, "message": {"mid": "m_A2", "text": "Blue", "quick_reply": {"payload": "COLOR_BLUE"}}})
    )
    assert (event.interaction, event.payload, event.text) == ("quick_reply", "COLOR_BLUE", "Blue")


def test_messenger_postback_with_mid():
    [event] = messenger.parse(
        page({**FROM_USER, "timestamp": 1700000002000, "postback": {"mid": "m_A3", "title": "Buy now", "payload": "BUY_SKU_42"}})
    )
    assert (event.message_id, event.interaction, event.payload, event.text) == ("m_A3", "postback", "BUY_SKU_42", "Buy now")


def test_messenger_image_and_file_and_audio():
    [event] = messenger.parse(
        page(
            {
                **FROM_USER,
                "timestamp": 1,
                "message": {
                    "mid": "m_A4",
                    "attachments": [
                        {"type": "image", "payload": {"url": "https://cdn.example/p.jpg"}},
                        {"type": "file", "payload": {"url": "https://cdn.example/f.pdf"}},
                        {"type": "audio", "payload": {"url": "https://cdn.example/a.mp4"}},
                    ],
                },
            }
        )
    )
    assert event.interaction == "attachment"
    assert [a.type for a in event.attachments] == ["image", "file", "audio"]


def test_messenger_echo_carries_app_id_and_metadata():
    [event] = messenger.parse(
        page(
            {
                "sender": {"id": "PAGE_1"},
                "recipient": {"id": "PSID_9"},
                "timestamp": 1700000004000,
                "message": {"mid": "m_A5", "is_echo": True, "app_id": 111222333, "metadata": "bot:v1", "text": "It costs $20"},
            }
        )
    )
    assert isinstance(event, Echo)
    assert (event.account_id, event.customer_id, event.app_id, event.metadata, event.text) == (
        "PAGE_1",
        "PSID_9",
        "111222333",
        "bot:v1",
        "It costs $20",
    )


def test_messenger_delivery_and_read_receipts():
    delivery, read = messenger.parse(
        page(
            {**FROM_USER, "delivery": {"mids": ["m_A5"], "watermark": 1700000004500}},
            {**FROM_USER, "timestamp": 1700000006000, "read": {"watermark": 1700000004500}},
        )
    )
    assert isinstance(delivery, Receipt) and isinstance(read, Receipt)
    assert (delivery.receipt, delivery.message_ids, delivery.watermark_ms) == ("delivery", ["m_A5"], 1700000004500)
    assert delivery.timestamp_ms == 1700000000500  # no item timestamp: the entry's time
    assert (read.receipt, read.message_ids, read.watermark_ms) == ("read", [], 1700000004500)


def test_messenger_referrals_standalone_in_message_and_ad_context():
    standalone, with_message = messenger.parse(
        page(
            {
                **FROM_USER,
                "timestamp": 1700000007000,
                "referral": {"ref": "promo_jan", "source": "SHORTLINK", "type": "OPEN_THREAD"},
            },
            {
                **FROM_USER,
                "timestamp": 1700000008000,
                "message": {
                    "mid": "m_A6",
                    "text": "Is this available?",
                    "referral": {
                        "ref": "",
                        "ad_id": "AD_77",
                        "source": "ADS",
                        "type": "OPEN_THREAD",
                        "ads_context_data": {
                            "ad_title": "Spring sale",
                            "photo_url": "https://cdn.example/ad.jpg",
                            "post_id": "POST_9",
                        },
                    },
                },
            },
        )
    )
    assert isinstance(standalone, StandaloneReferral)
    assert (standalone.referral.ref, standalone.referral.source) == ("promo_jan", "SHORTLINK")
    assert (with_message.referral.ad_id, with_message.referral.source, with_message.referral.campaign_hint) == (
        "AD_77",
        "ADS",
        "Spring sale",
    )
    # A link's referral is no ad; an ad's carries its title and post.
    assert not standalone.referral.from_ad
    assert (with_message.referral.from_ad, with_message.referral.headline, with_message.referral.post_id) == (
        True,
        "Spring sale",
        "POST_9",
    )


def test_messenger_standby_messages_are_flagged():
    [event] = messenger.parse(page({**FROM_USER, "timestamp": 1, "message": {"mid": "m_S1", "text": "hello?"}}, key="standby"))
    assert isinstance(event, InboundMessage) and event.standby


def test_messenger_reactions():
    react, unreact = messenger.parse(
        page(
            {**FROM_USER, "timestamp": 1, "reaction": {"mid": "m_A5", "action": "react", "reaction": "love", "emoji": "\u2764"}},
            {**FROM_USER, "timestamp": 2, "reaction": {"mid": "m_A5", "action": "unreact"}},
        )
    )
    assert isinstance(react, Reaction)
    assert (react.message_id, react.emoji, react.action) == ("m_A5", "\u2764", "react")
    assert (unreact.emoji, unreact.action) == ("", "unreact")


def test_messenger_multiple_entries_and_items_are_all_read():
    body = {
        "object": "page",
        "entry": [
            {
                "id": "PAGE_1",
                "messaging": [
                    {**FROM_USER, "timestamp": 1, "message": {"mid": "a", "text": "1"}},
                    {**FROM_USER, "timestamp": 2, "message": {"mid": "b", "text": "2"}},
                ],
            },
            {
                "id": "PAGE_2",
                "messaging": [
                    {
                        "sender": {"id": "PSID_3"},
                        "recipient": {"id": "PAGE_2"},
                        "timestamp": 3,
                        "message": {"mid": "c", "text": "3"},
                    }
                ],
            },
        ],
    }
    events = messenger.parse(body)
    assert [(e.account_id, e.message_id) for e in events] == [("PAGE_1", "a"), ("PAGE_1", "b"), ("PAGE_2", "c")]


# Instagram


def test_instagram_text_story_reply_mention_reaction_echo_read():
    events = instagram.parse(
        ig(
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 1700000000400,
                "message": {"mid": "aWdf_M1", "text": "is this in stock?"},
            },
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 1700000001000,
                "message": {
                    "mid": "aWdf_M2",
                    "text": "love it",
                    "reply_to": {"story": {"url": "https://cdn.example/s.mp4", "id": "STORY_1"}},
                },
            },
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 1700000002000,
                "message": {
                    "mid": "aWdf_M3",
                    "attachments": [{"type": "story_mention", "payload": {"url": "https://cdn.example/m.jpg"}}],
                },
            },
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 1700000003000,
                "reaction": {"mid": "aWdf_M9", "action": "react", "reaction": "love", "emoji": "<heart>"},
            },
            {
                "sender": {"id": "IGID_1"},
                "recipient": {"id": "IGSID_7"},
                "timestamp": 1700000004000,
                "message": {"mid": "aWdf_M9", "text": "Yes, size M left", "is_echo": True},
            },
            {"sender": {"id": "IGSID_7"}, "recipient": {"id": "IGID_1"}, "timestamp": 1700000005000, "read": {"mid": "aWdf_M9"}},
        )
    )
    text, story_reply, mention, reaction, echo, read = events
    assert (text.platform, text.account_id, text.customer_id, text.text) == (
        "instagram",
        "IGID_1",
        "IGSID_7",
        "is this in stock?",
    )
    assert (story_reply.interaction, story_reply.story_id, story_reply.text) == ("story_reply", "STORY_1", "love it")
    assert "cdn.example/s.mp4" not in story_reply.model_dump_json()
    assert mention.interaction == "story_mention"
    assert "cdn.example/m.jpg" not in mention.model_dump_json()
    assert (reaction.kind, reaction.emoji) == ("reaction", "<heart>")
    assert isinstance(echo, Echo)
    assert (echo.account_id, echo.customer_id, echo.text) == ("IGID_1", "IGSID_7", "Yes, size M left")
    assert (read.kind, read.receipt, read.message_ids) == ("receipt", "read", ["aWdf_M9"])


def test_instagram_inline_reply_deleted_and_unsupported():
    reply, deleted, unsupported = instagram.parse(
        ig(
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 1,
                "message": {"mid": "aWdf_R", "text": "this one", "reply_to": {"mid": "aWdf_M9"}},
            },
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 2,
                "message": {"mid": "aWdf_D", "is_deleted": True},
            },
            {
                "sender": {"id": "IGSID_7"},
                "recipient": {"id": "IGID_1"},
                "timestamp": 3,
                "message": {"mid": "aWdf_U", "is_unsupported": True},
            },
        )
    )
    assert (reply.interaction, reply.reply_to_message_id) == ("text", "aWdf_M9")
    assert isinstance(deleted, MessageDeleted) and deleted.message_id == "aWdf_D"
    assert isinstance(unsupported, Unsupported) and unsupported.message_id == "aWdf_U"


def test_instagram_dashboard_test_payload_names_account_zero():
    body = {
        "object": "instagram",
        "entry": [
            {
                "id": "0",
                "time": 1,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "sender": {"id": "12334"},
                            "recipient": {"id": "23245"},
                            "timestamp": "1527459824",
                            "message": {"mid": "random_mid", "text": "random_text"},
                        },
                    }
                ],
            }
        ],
    }
    [event] = instagram.parse(body)
    assert (event.account_id, event.customer_id, event.text) == ("23245", "12334", "random_text")


# WhatsApp


def test_whatsapp_text_envelope():
    [event] = whatsapp.parse(
        wa(
            [
                {
                    "from": "5511987654321",
                    "id": "wamid.IN1",
                    "timestamp": "1700000000",
                    "type": "text",
                    "text": {"body": "Hi, price?"},
                }
            ]
        )
    )
    assert (event.account_id, event.customer_id, event.message_id, event.text) == (
        "PNID_1",
        "5511987654321",
        "wamid.IN1",
        "Hi, price?",
    )
    assert (event.customer_name, event.timestamp_ms) == ("Ana", 1700000000000)


def test_whatsapp_documented_message_variants():
    events = whatsapp.parse(
        wa(
            [
                {
                    "from": "5511987654321",
                    "id": "wamid.IN2",
                    "timestamp": "1700000001",
                    "type": "interactive",
                    "context": {"from": "15550001111", "id": "wamid.OUT1"},
                    "interactive": {"type": "button_reply", "button_reply": {"id": "buy", "title": "Buy"}},
                },
                {
                    "from": "5511987654321",
                    "id": "wamid.IN3",
                    "timestamp": "1700000002",
                    "type": "interactive",
                    "context": {"from": "15550001111", "id": "wamid.OUT2"},
                    "interactive": {
                        "type": "list_reply",
                        "list_reply": {"id": "sku_42", "title": "Blue shirt", "description": "Size M"},
                    },
                },
                {
                    "from": "5511987654321",
                    "id": "wamid.IN4",
                    "timestamp": "1700000003",
                    "type": "button",
                    "context": {"from": "15550001111", "id": "wamid.OUT3"},
                    "button": {"payload": "STOP_PROMOS", "text": "Stop promotions"},
                },
                {
                    "from": "5511987654321",
                    "id": "wamid.IN5",
                    "timestamp": "1700000004",
                    "type": "image",
                    "image": {"id": "MEDIA_1", "mime_type": "image/jpeg", "sha256": "abc123", "caption": "this one"},
                },
                {
                    "from": "5511987654321",
                    "id": "wamid.IN6",
                    "timestamp": "1700000005",
                    "type": "location",
                    "location": {"latitude": -23.55, "longitude": -46.63, "name": "Shop", "address": "Av. X 100"},
                },
                {
                    "from": "5511987654321",
                    "id": "wamid.IN7",
                    "timestamp": "1700000006",
                    "type": "reaction",
                    "reaction": {"message_id": "wamid.OUT1", "emoji": "<thumbs>"},
                },
            ]
        )
    )
    button, choice, template, image, location, reaction = events
    assert (button.interaction, button.payload, button.text, button.reply_to_message_id) == ("button", "buy", "Buy", "wamid.OUT1")
    assert (choice.interaction, choice.payload, choice.text) == ("list", "sku_42", "Blue shirt")
    assert (template.interaction, template.payload) == ("button", "STOP_PROMOS")
    assert (image.attachments[0].media_id, image.attachments[0].caption) == ("MEDIA_1", "this one")
    assert (location.attachments[0].latitude, location.attachments[0].longitude, location.attachments[0].title) == (
        -23.55,
        -46.63,
        "Shop",
    )
    assert (reaction.kind, reaction.message_id, reaction.emoji) == ("reaction", "wamid.OUT1", "<thumbs>")


def test_whatsapp_statuses_with_window_error():
    delivered, failed = whatsapp.parse(
        wa(
            statuses=[
                {"id": "wamid.OUT1", "status": "delivered", "timestamp": "1700000010", "recipient_id": "5511987654321"},
                {
                    "id": "wamid.OUT2",
                    "status": "failed",
                    "timestamp": "1700000011",
                    "recipient_id": "5511987654321",
                    "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message"}],
                },
            ]
        )
    )
    assert isinstance(delivered, StatusUpdate)
    assert (delivered.message_id, delivered.status, delivered.timestamp_ms) == ("wamid.OUT1", "delivered", 1700000010000)
    assert (failed.status, failed.error_code, failed.error_title) == ("failed", 131047, "Re-engagement message")


def test_whatsapp_status_returns_the_callback_data_it_was_sent_with():
    [sent] = whatsapp.parse(
        wa(
            statuses=[
                {
                    "id": "wamid.OUT3",
                    "status": "sent",
                    "timestamp": "1700000012",
                    "recipient_id": "5511987654321",
                    "biz_opaque_callback_data": "salesbot:turn_abc",
                },
            ]
        )
    )
    assert isinstance(sent, StatusUpdate)
    assert (sent.status, sent.callback_data, sent.customer_id) == ("sent", "salesbot:turn_abc", "5511987654321")


def test_whatsapp_two_numbers_of_one_waba_in_one_delivery():
    first, second = (
        wa([{"from": "1", "id": "w1", "timestamp": "1", "type": "text", "text": {"body": "a"}}], phone_number_id="111"),
        wa([{"from": "2", "id": "w2", "timestamp": "1", "type": "text", "text": {"body": "b"}}], phone_number_id="222"),
    )
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_1", "changes": first["entry"][0]["changes"] + second["entry"][0]["changes"]}],
    }
    assert [(e.account_id, e.customer_id) for e in whatsapp.parse(body)] == [("111", "1"), ("222", "2")]


def test_whatsapp_legacy_deleted_type_and_smb_echo():
    [deleted] = whatsapp.parse(wa([{"from": "5511987654321", "id": "wamid.DEL", "timestamp": "1", "type": "deleted"}]))
    assert isinstance(deleted, MessageDeleted) and deleted.message_id == "wamid.DEL"
    echo_body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA_1",
                "changes": [
                    {
                        "field": "smb_message_echoes",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "PNID_1"},
                            "message_echoes": [
                                {
                                    "from": "15550001111",
                                    "to": "5511987654321",
                                    "id": "wamid.E1",
                                    "timestamp": "1700000000",
                                    "type": "text",
                                    "text": {"body": "On my way"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    [echo] = whatsapp.parse(echo_body)
    assert isinstance(echo, Echo)
    assert (echo.customer_id, echo.text, echo.timestamp_ms) == ("5511987654321", "On my way", 1700000000000)


# Odd input never raises


ODD_PAYLOADS: list[dict[str, Any]] = [
    {},
    {"object": "page"},
    {"object": "page", "entry": None},
    {"object": "page", "entry": "nope"},
    {"object": "page", "entry": [None, 3, "x", {"id": 5, "messaging": [None, {}, {"sender": None}, {"sender": {"id": "1"}}]}]},
    {
        "object": "page",
        "entry": [{"id": "P", "messaging": {"not": "a list"}, "standby": "x", "changes": [None, {"value": None}]}],
    },
    {
        "object": "page",
        "entry": [
            {
                "id": "P",
                "messaging": [
                    {
                        "sender": {"id": "U"},
                        "recipient": {"id": "P"},
                        "timestamp": "soon",
                        "message": {
                            "mid": 7,
                            "text": ["x"],
                            "attachments": [
                                None,
                                {"type": "fallback", "payload": None},
                                {"type": "location", "payload": {"coordinates": {"lat": "x"}}},
                            ],
                        },
                    }
                ],
            }
        ],
    },
    {
        "object": "page",
        "entry": [
            {
                "id": "P",
                "messaging": [
                    {"sender": {"id": "U"}, "recipient": {"id": "P"}, "postback": None},
                    {"sender": {"id": "U"}, "recipient": {"id": "P"}, "reaction": {"action": "react"}},
                    {"sender": {"id": "U"}, "recipient": {"id": "P"}, "delivery": {"mids": None}},
                    {"sender": {"id": "U"}, "recipient": {"id": "P"}, "message": {"mid": "m", "quick_reply": None}},
                ],
            }
        ],
    },
    {
        "object": "whatsapp_business_account",
        "entry": [
            {"changes": None},
            {"changes": [None, {"field": "messages"}, {"field": "messages", "value": {"metadata": None}}]},
        ],
    },
    {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "W",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "metadata": {"phone_number_id": "1"},
                            "contacts": None,
                            "messages": [
                                None,
                                {},
                                {"from": "2"},
                                {"from": "2", "id": "x", "type": "text", "text": None},
                                {"from": "2", "id": "y", "type": "interactive", "interactive": None},
                                {"from": "2", "id": "z", "type": "image", "image": "x", "timestamp": None},
                                {"from": "2", "id": "r", "type": "reaction", "reaction": None},
                                {"from": "2", "id": "l", "type": "location", "location": {"latitude": "n/a"}},
                            ],
                            "statuses": [
                                None,
                                {},
                                {"id": "s", "status": None},
                                {"id": "s", "status": "failed", "errors": [None, {"code": "x"}]},
                            ],
                        },
                    }
                ],
            }
        ],
    },
]


@pytest.mark.parametrize("body", ODD_PAYLOADS)
@pytest.mark.parametrize("channel", ["messenger", "instagram", "whatsapp"])
def test_odd_payloads_never_raise(channel, body):
    events = channel_named(channel).parse(body)
    assert isinstance(events, list)
    for event in events:
        assert event.platform == channel_named(channel).platform


def test_odd_whatsapp_items_become_unsupported_not_messages():
    events = whatsapp.parse(ODD_PAYLOADS[-1])
    assert not any(isinstance(e, InboundMessage) and not e.text and not e.attachments for e in events)
    image = next(e for e in events if getattr(e, "message_id", "") == "z")
    assert isinstance(image, InboundMessage) and image.attachments[0].type == "image"


def test_odd_receipt_and_echo_fields():
    delivery, echo = messenger.parse(
        page(
            {**FROM_USER, "timestamp": 1, "delivery": {"mids": "m_A5", "watermark": "x"}},
            {
                "sender": {"id": "PAGE_1"},
                "recipient": {"id": "PSID_9"},
                "timestamp": 2,
                "message": {"is_echo": True, "text": "hi"},
            },
        )
    )
    assert (delivery.message_ids, delivery.watermark_ms) == ([], 0)
    assert isinstance(echo, Unsupported) and echo.reason == "echo without an id"

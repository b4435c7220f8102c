"""An item no channel foresaw costs only itself: the delivery's other events are read as usual."""

from __future__ import annotations

import json

import pytest

import channels.meta_page.page_events as page_events
from channels.events import UNPARSEABLE, InboundMessage, Unsupported
from channels.parsing import as_str
from channels.registry import channel_named


def test_lone_surrogates_become_replacement_characters_and_pairs_stay_whole() -> None:
    assert as_str(json.loads('"price?\\udcff"')) == "price?\ufffd"
    assert as_str(json.loads('"\\ud83d\\ude00 ok"')) == "\U0001f600 ok"
    assert as_str("déjà vu") == "déjà vu"
    assert as_str("\ud800").encode("utf-8") == "\ufffd".encode()


def test_a_whatsapp_message_with_a_lone_surrogate_is_read_and_storable() -> None:
    body = json.loads(
        json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "W",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {"phone_number_id": "555"},
                                    "contacts": [{"profile": {"name": "Ana\udcff"}, "wa_id": "1555"}],
                                    "messages": [
                                        {
                                            "from": "1555",
                                            "id": "wamid.1",
                                            "timestamp": "1700000000",
                                            "type": "text",
                                            "text": {"body": "hi\udcff"},
                                        }
                                    ],
                                },
                            }
                        ],
                    }
                ],
            }
        )
    )
    [event] = channel_named("whatsapp").parse(body)
    assert isinstance(event, InboundMessage)
    assert (event.text, event.customer_name) == ("hi\ufffd", "Ana\ufffd")
    event.model_dump_json()  # encodes as UTF-8


def test_an_item_that_cannot_be_read_becomes_a_stand_in_and_the_others_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    real = page_events._parse_item

    def fragile(item, *args, **kwargs):
        if item.get("message", {}).get("text") == "poison":
            raise ValueError("nobody foresaw this")
        return real(item, *args, **kwargs)

    monkeypatch.setattr(page_events, "_parse_item", fragile)
    items = [
        {
            "sender": {"id": f"P{i}"},
            "recipient": {"id": "1"},
            "timestamp": 1_700_000_000_000,
            "message": {"mid": f"m{i}", "text": "poison" if i == 1 else f"hello {i}"},
        }
        for i in range(3)
    ]
    events = channel_named("messenger").parse({"object": "page", "entry": [{"id": "1", "messaging": items}]})
    assert [type(e).__name__ for e in events] == ["InboundMessage", "Unsupported", "InboundMessage"]
    assert isinstance(events[1], Unsupported) and events[1].reason == f"{UNPARSEABLE}: ValueError"

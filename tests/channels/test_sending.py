"""Send requests per platform, and how long replies are split."""

from __future__ import annotations

import pytest

from channels.outbound import OUR_METADATA, OUR_METADATA_PREFIX, reference_in, split_part_reference, split_text, utf8_size
from channels.registry import channel_named

messenger = channel_named("messenger")
instagram = channel_named("instagram")
whatsapp = channel_named("whatsapp")


def words(count: int, word: str = "word") -> str:
    return " ".join(f"{word}{i}" for i in range(count))


def test_messenger_request_shape():
    [request] = messenger.build_send_requests("PAGE_1", "PSID_9", "It is $20.")
    assert (request.method, request.path, request.auth, request.params) == ("POST", "/me/messages", "access_token", {})
    assert request.body == {
        "recipient": {"id": "PSID_9"},
        "messaging_type": "RESPONSE",
        "message": {"text": "It is $20.", "metadata": OUR_METADATA},
    }
    assert OUR_METADATA.startswith(OUR_METADATA_PREFIX)


def test_human_agent_tag_for_messenger_and_instagram():
    for adapter in (messenger, instagram):
        [request] = adapter.build_send_requests("A", "U", "Sorry for the wait", tag="HUMAN_AGENT")
        assert (request.body["messaging_type"], request.body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    with pytest.raises(ValueError):
        messenger.build_send_requests("A", "U", "hi", tag="ACCOUNT_UPDATE")


def test_instagram_uses_the_page_send_path():
    [request] = instagram.build_send_requests("IGID_1", "IGSID_7", "Yes, size M left")
    assert (request.path, request.auth) == ("/me/messages", "access_token")
    assert request.body["recipient"] == {"id": "IGSID_7"}
    assert request.body["message"]["metadata"] == OUR_METADATA


def test_whatsapp_request_shape_with_context_on_first_part_only():
    text = words(700)  # ~5600 characters: two parts
    requests = whatsapp.build_send_requests("PNID_1", "5511987654321", text, reply_to_message_id="wamid.IN1")
    assert len(requests) == 2
    first, second = requests
    assert (first.path, first.auth) == ("/PNID_1/messages", "bearer")
    assert first.body["messaging_product"] == "whatsapp"
    assert (first.body["to"], first.body["type"], first.body["recipient_type"]) == ("5511987654321", "text", "individual")
    assert first.body["context"] == {"message_id": "wamid.IN1"}
    assert "context" not in second.body
    assert all(len(r.body["text"]["body"]) <= 4096 for r in requests)
    assert " ".join(r.body["text"]["body"] for r in requests) == text


def test_a_reference_rides_on_every_part_naming_the_part_and_comes_back_readable():
    # Each part names itself, so Meta's echo or status of one part says that this part went.
    for adapter in (messenger, instagram):
        requests = adapter.build_send_requests("A", "U", words(500), reference="turn_abc")
        assert len(requests) > 1
        references = [reference_in(r.body["message"]["metadata"]) for r in requests]
        assert [split_part_reference(ref) for ref in references] == [("turn_abc", i) for i in range(len(requests))]
        assert references[0] == "turn_abc"
    requests = whatsapp.build_send_requests("PNID_1", "55", words(700), reference="turn_abc")
    assert len(requests) > 1
    assert [split_part_reference(reference_in(r.body["biz_opaque_callback_data"])) for r in requests] == [
        ("turn_abc", i) for i in range(len(requests))
    ]
    [plain] = whatsapp.build_send_requests("PNID_1", "55", "hello")
    assert "biz_opaque_callback_data" not in plain.body
    # Metadata that is not ours, or ours without a reference, names no turn.
    assert reference_in(OUR_METADATA) == "" and reference_in("bot:v1") == "" and reference_in("") == ""


def test_whatsapp_ignores_tags_and_has_no_context_without_reply():
    [request] = whatsapp.build_send_requests("PNID_1", "55", "hello", tag="HUMAN_AGENT")
    assert "context" not in request.body and "tag" not in request.body


def test_messenger_splits_above_2000_characters_at_word_boundaries():
    text = words(500)  # 3390 characters
    requests = messenger.build_send_requests("P", "U", text)
    parts = [r.body["message"]["text"] for r in requests]
    assert len(parts) == 2
    assert all(len(part) <= 2000 for part in parts)
    assert " ".join(parts) == text  # nothing lost, no word cut
    assert all(r.body["message"]["metadata"] == OUR_METADATA for r in requests)


def test_messenger_exactly_2000_characters_is_one_message():
    assert len(messenger.build_send_requests("P", "U", "x" * 2000)) == 1
    assert len(messenger.build_send_requests("P", "U", "x" * 2001)) == 2


def test_instagram_splits_by_utf8_bytes():
    text = words(200, "café")  # 'é' is two bytes: more bytes than characters
    assert len(text) < 1800 and utf8_size(text) > 1000
    parts = [r.body["message"]["text"] for r in instagram.build_send_requests("IG", "U", text)]
    assert len(parts) >= 2
    assert all(utf8_size(part) <= 1000 for part in parts)
    assert " ".join(parts) == text


def test_instagram_1000_bytes_of_emoji():
    text = "\U0001f600" * 300  # 4 bytes each, no spaces: a hard cut between characters
    parts = [r.body["message"]["text"] for r in instagram.build_send_requests("IG", "U", text)]
    assert [utf8_size(p) for p in parts] == [1000, 200]
    assert "".join(parts) == text


def test_empty_text_sends_nothing():
    assert messenger.build_send_requests("P", "U", "   ") == []
    assert whatsapp.build_send_requests("P", "U", "") == []


def test_split_prefers_paragraphs_then_sentences():
    first = "First paragraph. " * 5
    second = "Second paragraph here. " * 5
    text = first.strip() + "\n\n" + second.strip()
    parts = split_text(text, 150)  # the paragraph break (at 83) is inside the window, past its half
    assert parts == [first.strip(), second.strip()]
    sentences = "One two three. Four five six. Seven eight nine."
    assert split_text(sentences, 33) == ["One two three. Four five six.", "Seven eight nine."]


def test_split_long_word_is_cut_hard():
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


def test_mark_read_requests_are_separate():
    seen = messenger.build_mark_read_request("P", "U", "m_1")
    assert seen.body == {"recipient": {"id": "U"}, "sender_action": "mark_seen"}
    read = whatsapp.build_mark_read_request("PNID_1", "55", "wamid.IN1")
    assert read.path == "/PNID_1/messages"
    assert read.body == {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"}

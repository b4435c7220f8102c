"""Voice notes, images and WhatsApp usernames through the whole platform: webhook → worker → fake Graph (media
lookup and bearer-checked download) → fake Groq speech-to-text → reply sent, stored beside a playable recording."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from bot.i18n.catalogs import phrase
from tests.e2e.conftest import (
    CAMPAIGN,
    PAGE_ID,
    WA_PHONE_ID,
    Tenant,
    connect_channel,
    conversation_with,
    messenger_items,
    post_webhook,
    remember_customer,
    seeded_tenant,
    settled,
    signup,
    wait_for_texts,
    whatsapp_delivery,
)
from tests.fakes.groq_server import FakeGroq, server_error, slow, start_fake_groq, transcript

WA_TOKEN = "EAAwhatsapp-voice-token-1"
OGG = b"OggS" + bytes(range(256)) * 40  # what a voice note's first bytes look like; the fake never decodes it


@pytest.fixture
async def groq(aiohttp_server) -> FakeGroq:
    return await start_fake_groq(aiohttp_server)


def _client_factory(aiohttp_client, make_settings, graph, groq):
    from tests.whole_app import create_app

    async def build(**overrides: Any):
        _, graph_url = graph
        values: dict[str, Any] = {
            "graph_api_url": graph_url,
            "groq_api_key": "test-key",
            "groq_base_url": groq.url,
            "groq_timeout_s": 0.5,
            "transcription_timeout_s": 2.0,
        }
        values.update(overrides)
        return await aiohttp_client(create_app(make_settings(**values)))

    return build


@pytest.fixture
async def voice_client(aiohttp_client, make_settings, graph, groq, redis):  # noqa: ARG001 # requested for what it sets up
    return await _client_factory(aiohttp_client, make_settings, graph, groq)()


@pytest.fixture
def client_with(aiohttp_client, make_settings, graph, groq, redis):  # noqa: ARG001 # requested for what it sets up
    return _client_factory(aiohttp_client, make_settings, graph, groq)


def _wa_value(message: dict[str, Any], *, contact: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "+1 555 000 1111", "phone_number_id": WA_PHONE_ID},
        "contacts": [contact or {"profile": {"name": "Ana"}, "wa_id": message.get("from", "")}],
        "messages": [message],
    }


def wa_voice(wa_id: str, media_id: str, *, mid: str = "") -> dict[str, Any]:
    """WhatsApp's voice note, as pywa's recorded payload has it."""
    message = {
        "from": wa_id,
        "id": mid or "wamid." + uuid.uuid4().hex,
        "timestamp": str(int(time.time())),
        "type": "audio",
        "audio": {
            "mime_type": "audio/ogg; codecs=opus",
            "sha256": "m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=",
            "id": media_id,
            "voice": True,
        },
    }
    return whatsapp_delivery(_wa_value(message))


def wa_text(wa_id: str, text: str) -> dict[str, Any]:
    message = {
        "from": wa_id,
        "id": "wamid." + uuid.uuid4().hex,
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    return whatsapp_delivery(_wa_value(message))


def messenger_attachment(psid: str, kind: str, url: str, **payload: Any) -> dict[str, Any]:
    now = int(time.time() * 1000)
    attachment = {"type": kind, "payload": {"url": url, **payload}}
    return messenger_items(
        {
            "sender": {"id": psid},
            "recipient": {"id": PAGE_ID},
            "timestamp": now,
            "message": {"mid": "m_" + uuid.uuid4().hex, "attachments": [attachment]},
        }
    )


async def _whatsapp_tenant(client) -> Tenant:
    tenant = await seeded_tenant(client, campaign={**CAMPAIGN, "target_platform": "all"})
    await connect_channel(client, tenant, "whatsapp", WA_PHONE_ID, token=WA_TOKEN)
    return tenant


def _voice_message(detail: dict[str, Any]) -> dict[str, Any]:
    [message] = [m for m in detail["messages"] if m["direction"] == "in" and m.get("media")]
    message["media"] = {key: value for key, value in message["media"].items() if value is not None}
    return message


async def test_whatsapp_voice_note_is_transcribed_answered_and_playable(voice_client, graph, groq):
    fake, _ = graph
    fake.media["7001"] = (OGG, "audio/ogg")
    groq.transcriber = lambda _sent: transcript("How much is the yoga pass?")
    tenant = await _whatsapp_tenant(voice_client)

    await post_webhook(voice_client, "whatsapp", wa_voice("15551230001", "7001"))

    [reply] = await wait_for_texts(fake, 1, timeout=30)
    assert "$49" in reply, reply  # the transcript was answered like a typed question
    lookup, download = [c for c in fake.calls if c.method == "GET" and ("7001" in c.path)]
    assert lookup.path.endswith("/7001") and lookup.headers["Authorization"] == f"Bearer {WA_TOKEN}"
    assert download.headers["Authorization"] == f"Bearer {WA_TOKEN}"  # the download needs the bearer token too
    [sent] = groq.transcriptions
    assert sent.audio == OGG and sent.fields["model"] == "whisper-large-v3-turbo"
    assert sent.filename.endswith(".ogg") and "language" not in sent.fields  # nothing said yet: Whisper finds it

    detail = await conversation_with(voice_client, tenant, "15551230001", inbound=1)
    voice = _voice_message(detail)
    assert voice["text"] == "How much is the yoga pass?"
    assert voice["media"]["heard"] is True and voice["media"]["kind"] == "voice"
    played = await voice_client.get(voice["media"]["url"], headers=tenant.headers)
    assert played.status == 200 and played.content_type == "audio/ogg"
    assert await played.read() == OGG
    assert detail["status"] == "bot"


async def test_the_conversations_language_is_the_transcriptions_hint(voice_client, graph, groq, redis):
    fake, _ = graph
    fake.media["7002"] = (OGG, "audio/ogg")
    groq.transcriber = lambda _sent: transcript("¿Cuánto cuesta el pase?")
    await _whatsapp_tenant(voice_client)
    await post_webhook(voice_client, "whatsapp", wa_text("15551230002", "Hola, ¿cuánto cuesta el Yoga Pass?"))
    await fake.wait_for_sends(1, timeout=30)
    await settled(redis)

    await post_webhook(voice_client, "whatsapp", wa_voice("15551230002", "7002"))
    await fake.wait_for_sends(2, timeout=30)
    assert groq.transcriptions[0].fields["language"] == "es"


async def test_messenger_audio_is_transcribed_and_answered(voice_client, graph, groq, redis):
    fake, _ = graph
    fake.cdn["clip.mp4"] = (b"\x00\x00\x00\x18ftypM4A " + bytes(4000), "audio/mp4")
    groq.transcriber = lambda _sent: transcript("What does the yoga pass cost?")
    tenant = await seeded_tenant(voice_client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_VOICE")
    _, graph_url = graph
    cdn_url = graph_url.replace("/v21.0", "") + "/cdn/clip.mp4"

    await post_webhook(voice_client, "messenger", messenger_attachment("PSID_VOICE", "audio", cdn_url))

    [reply] = await wait_for_texts(fake, 1, timeout=30)
    assert "$49" in reply
    [download] = fake.media_downloads()
    assert "Authorization" not in download.headers  # a page attachment's CDN URL needs no token
    assert groq.transcriptions[0].filename.endswith(".m4a")
    voice = _voice_message(await conversation_with(voice_client, tenant, "PSID_VOICE", inbound=1))
    assert voice["text"] == "What does the yoga pass cost?" and voice["media"]["heard"] is True


async def test_transcription_down_tells_the_customer_and_a_person_takes_over(voice_client, graph, groq):
    fake, _ = graph
    fake.media["7003"] = (OGG, "audio/ogg")
    groq.transcriber = lambda _sent: server_error(503)
    tenant = await _whatsapp_tenant(voice_client)

    await post_webhook(voice_client, "whatsapp", wa_voice("15551230003", "7003"))

    [reply] = await wait_for_texts(fake, 1, timeout=30)
    assert reply == phrase("voice_unheard", "en")
    detail = await conversation_with(voice_client, tenant, "15551230003", inbound=1)
    assert detail["status"] == "handoff"
    voice = _voice_message(detail)
    assert voice["media"]["heard"] is False and voice["media"]["problem"] == "transcription_failed"
    assert voice["state"] == "held"  # it waits for the person who will listen to it
    played = await voice_client.get(voice["media"]["url"], headers=tenant.headers)
    assert played.status == 200 and await played.read() == OGG  # the person can listen to it
    # The owner is told as of any customer left unanswered: the banner's count, the inbox, the alert email.
    assert detail["delivery"] == "failed"
    assert detail["delivery_error"] == (
        "Not answered: A voice message could not be transcribed. "
        "Listen to it in the conversation and answer the customer yourself."
    )

    answered = await voice_client.post(
        f"/api/conversations/{detail['id']}/reply", json={"text": "Hi! Yes, the pass is $49."}, headers=tenant.headers
    )
    assert answered.status == 201, await answered.text()
    after = await conversation_with(voice_client, tenant, "15551230003", inbound=1)
    assert after["delivery"] == "ok" and _voice_message(after)["state"] == "answered"


async def test_a_slow_transcription_is_given_up_and_handed_over(client_with, graph, groq):
    fake, _ = graph
    fake.media["7004"] = (OGG, "audio/ogg")
    groq.transcriber = lambda _sent: slow(3.0, transcript("too late"))
    client = await client_with(transcription_timeout_s=0.5)
    tenant = await _whatsapp_tenant(client)

    await post_webhook(client, "whatsapp", wa_voice("15551230004", "7004"))

    assert await wait_for_texts(fake, 1, timeout=30) == [phrase("voice_unheard", "en")]
    assert (await conversation_with(client, tenant, "15551230004", inbound=1))["status"] == "handoff"


async def test_without_a_key_every_voice_note_goes_to_a_person(client_with, graph, groq):
    fake, _ = graph
    fake.media["7005"] = (OGG, "audio/ogg")
    client = await client_with(groq_api_key="")
    tenant = await _whatsapp_tenant(client)

    await post_webhook(client, "whatsapp", wa_voice("15551230005", "7005"))

    assert await wait_for_texts(fake, 1, timeout=30) == [phrase("voice_unheard", "en")]
    assert groq.transcriptions == []
    voice = _voice_message(await conversation_with(client, tenant, "15551230005", inbound=1))
    assert voice["media"]["problem"] == "no_transcriber" and voice["media"]["url"]  # kept to listen to


async def test_an_expired_media_url_is_told_and_handed_over(voice_client, graph, groq):
    fake, _ = graph
    fake.media["7006"] = (OGG, "audio/ogg")
    fake.expired_media.add("7006")
    tenant = await _whatsapp_tenant(voice_client)

    await post_webhook(voice_client, "whatsapp", wa_voice("15551230006", "7006"))

    assert await wait_for_texts(fake, 1, timeout=30) == [phrase("voice_unheard", "en")]
    detail = await conversation_with(voice_client, tenant, "15551230006", inbound=1)
    voice = _voice_message(detail)
    assert voice["media"] == {"kind": "voice", "heard": False, "problem": "unavailable"}  # nothing to play
    assert detail["status"] == "handoff" and groq.transcriptions == []


async def test_an_oversized_recording_is_refused_while_it_streams(client_with, graph, groq, redis):
    fake, _ = graph
    fake.chunked_media = True  # no Content-Length: only counting the bytes as they come can refuse it
    fake.cdn["long.mp4"] = (bytes(3 * 1024 * 1024), "audio/mp4")
    client = await client_with(voice_max_mb=1)
    tenant = await seeded_tenant(client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_LONG")
    _, graph_url = graph

    await post_webhook(
        client, "messenger", messenger_attachment("PSID_LONG", "audio", graph_url.replace("/v21.0", "") + "/cdn/long.mp4")
    )

    assert await wait_for_texts(fake, 1, timeout=30) == [phrase("voice_unheard", "en")]
    voice = _voice_message(await conversation_with(client, tenant, "PSID_LONG", inbound=1))
    assert voice["media"] == {"kind": "audio", "heard": False, "problem": "too_large"}
    assert groq.transcriptions == []


async def test_a_whatsapp_file_meta_declares_too_big_is_not_downloaded(client_with, graph, groq):  # noqa: ARG001 # requested for what it sets up
    fake, _ = graph
    fake.media["7007"] = (bytes(2 * 1024 * 1024), "audio/ogg")
    client = await client_with(voice_max_mb=1)
    tenant = await _whatsapp_tenant(client)

    await post_webhook(client, "whatsapp", wa_voice("15551230007", "7007"))

    assert await wait_for_texts(fake, 1, timeout=30) == [phrase("voice_unheard", "en")]
    assert fake.media_downloads() == []  # the lookup's file_size was enough to refuse it
    voice = _voice_message(await conversation_with(client, tenant, "15551230007", inbound=1))
    assert voice["media"]["problem"] == "too_large"


async def test_a_recording_is_played_only_by_its_own_business(voice_client, graph, groq):  # noqa: ARG001 # requested for what it sets up
    fake, _ = graph
    fake.media["7008"] = (OGG, "audio/ogg")
    tenant = await _whatsapp_tenant(voice_client)
    await post_webhook(voice_client, "whatsapp", wa_voice("15551230008", "7008"))
    voice = _voice_message(await conversation_with(voice_client, tenant, "15551230008", inbound=1))
    url = voice["media"]["url"]

    other = await signup(voice_client, business="Other Studio")
    assert (await voice_client.get(url, headers=other.headers)).status == 404
    conversation_id = url.split("/")[3]
    clip_id = url.rsplit("/", 1)[-1]
    # Its own conversation with another's clip id, and a made-up clip id, are not found either.
    assert (
        await voice_client.get(f"/api/conversations/{conversation_id}/voice/clip_{'0' * 32}", headers=tenant.headers)
    ).status == 404
    assert (await voice_client.get(f"/api/conversations/nope/voice/{clip_id}", headers=tenant.headers)).status == 404
    # Nor through another conversation of the same business.
    await post_webhook(voice_client, "whatsapp", wa_text("15551239999", "Hello"))
    elsewhere = await conversation_with(voice_client, tenant, "15551239999", inbound=1)
    assert (await voice_client.get(f"/api/conversations/{elsewhere['id']}/voice/{clip_id}", headers=tenant.headers)).status == 404
    assert (await voice_client.get(url, headers=tenant.headers)).status == 200


async def test_a_redelivered_voice_note_is_neither_downloaded_nor_transcribed_again(voice_client, graph, groq, redis):
    fake, _ = graph
    fake.media["7009"] = (OGG, "audio/ogg")
    tenant = await _whatsapp_tenant(voice_client)
    delivery = wa_voice("15551230009", "7009", mid="wamid.VOICE9")
    await post_webhook(voice_client, "whatsapp", delivery)
    await fake.wait_for_sends(1, timeout=30)
    await settled(redis)

    await post_webhook(voice_client, "whatsapp", delivery)
    await settled(redis)

    assert len(groq.transcriptions) == 1 and len(fake.media_downloads()) == 1 and len(fake.sends()) == 1
    detail = await conversation_with(voice_client, tenant, "15551230009", inbound=1)
    assert len([m for m in detail["messages"] if m["direction"] == "in"]) == 1


async def test_an_image_alone_is_acknowledged_and_the_bot_goes_on(voice_client, graph, redis):
    fake, _ = graph
    tenant = await seeded_tenant(voice_client)
    await remember_customer(redis, "facebook", PAGE_ID, "PSID_IMG")
    await post_webhook(voice_client, "messenger", messenger_attachment("PSID_IMG", "image", "https://cdn.example/p.jpg"))

    [reply] = await wait_for_texts(fake, 1, timeout=30)
    assert phrase("media_received", "en") in reply
    detail = await conversation_with(voice_client, tenant, "PSID_IMG", inbound=1)
    assert detail["status"] == "bot"


async def test_a_whatsapp_sticker_alone_gets_a_friendly_question(voice_client, graph, groq):  # noqa: ARG001 # requested for what it sets up
    fake, _ = graph
    await _whatsapp_tenant(voice_client)
    message = {
        "from": "15551230010",
        "id": "wamid.STICKER1",
        "timestamp": str(int(time.time())),
        "type": "sticker",
        "sticker": {"mime_type": "image/webp", "sha256": "x", "id": "8001", "animated": False},
    }
    await post_webhook(voice_client, "whatsapp", whatsapp_delivery(_wa_value(message)))

    [reply] = await wait_for_texts(fake, 1, timeout=30)
    assert phrase("sticker_received", "en") in reply
    assert fake.media_downloads() == []  # a sticker is acknowledged, never fetched


async def test_a_customer_known_only_by_their_user_id_is_answered_at_that_id(voice_client, graph, groq):  # noqa: ARG001 # requested for what it sets up
    fake, _ = graph
    tenant = await _whatsapp_tenant(voice_client)
    bsuid = "US.13491208655302741918"
    message = {
        "from_user_id": bsuid,
        "id": "wamid.USER1",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": "How much is the yoga pass?"},
    }
    contact = {"profile": {"name": "Bob"}, "user_id": bsuid, "username": "@bob"}
    await post_webhook(voice_client, "whatsapp", whatsapp_delivery(_wa_value(message, contact=contact)))

    [call] = await fake.wait_for_sends(1, timeout=30)
    assert call.json["recipient"] == bsuid and "to" not in call.json
    detail = await conversation_with(voice_client, tenant, bsuid, inbound=1)
    assert detail["customer_name"] == "Bob"


async def test_a_customer_who_hides_their_number_stays_one_conversation(voice_client, graph, groq, redis):  # noqa: ARG001 # requested for what it sets up
    fake, _ = graph
    tenant = await _whatsapp_tenant(voice_client)
    bsuid = "BR.88812345"
    first = {
        "from": "5511987650001",
        "id": "wamid.H1",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": "Hi there"},
    }
    await post_webhook(
        voice_client,
        "whatsapp",
        whatsapp_delivery(_wa_value(first, contact={"profile": {"name": "Ana"}, "wa_id": "5511987650001", "user_id": bsuid})),
    )
    await fake.wait_for_sends(1, timeout=30)
    await settled(redis)

    hidden = {
        "from_user_id": bsuid,
        "id": "wamid.H2",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": "How much is the yoga pass?"},
    }
    await post_webhook(
        voice_client, "whatsapp", whatsapp_delivery(_wa_value(hidden, contact={"profile": {"name": "Ana"}, "user_id": bsuid}))
    )

    calls = await fake.wait_for_sends(2, timeout=30)
    assert calls[1].json.get("recipient") == bsuid  # the number is hidden now: sends go to the user id
    detail = await conversation_with(voice_client, tenant, bsuid, inbound=2)
    assert len([m for m in detail["messages"] if m["direction"] == "in"]) == 2


async def test_a_customer_who_changes_number_stays_one_conversation(voice_client, graph, groq, redis):  # noqa: ARG001 # requested for what it sets up
    fake, _ = graph
    tenant = await _whatsapp_tenant(voice_client)
    await post_webhook(voice_client, "whatsapp", wa_text("972987654321", "Hi, I like your classes"))
    await fake.wait_for_sends(1, timeout=30)
    await settled(redis)
    changed = {
        "from": "972987654321",
        "id": "wamid.SYS1",
        "timestamp": str(int(time.time())),
        "system": {
            "body": "User A changed from 972987654321 to 972912345678",
            "wa_id": "972912345678",
            "type": "user_changed_number",
        },
        "type": "system",
    }
    await post_webhook(voice_client, "whatsapp", whatsapp_delivery(_wa_value(changed)))
    await settled(redis)
    await post_webhook(voice_client, "whatsapp", wa_text("972912345678", "How much is the yoga pass?"))

    calls = await fake.wait_for_sends(2, timeout=30)
    assert calls[1].json["to"] == "972912345678"
    detail = await conversation_with(voice_client, tenant, "972912345678", inbound=2)
    assert [m["text"] for m in detail["messages"] if m["direction"] == "in"] == [
        "Hi, I like your classes",
        "How much is the yoga pass?",
    ]


async def test_the_thread_plays_the_recording_and_says_it_was_not_heard(voice_client, graph, groq):
    from tests.dashboard.test_pages import hidden_token

    fake, _ = graph
    fake.media["7011"] = (OGG, "audio/ogg")
    groq.transcriber = lambda _sent: server_error(500)
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    tenant = await seeded_tenant(voice_client, email=email, campaign={**CAMPAIGN, "target_platform": "all"})
    await connect_channel(voice_client, tenant, "whatsapp", WA_PHONE_ID, token=WA_TOKEN)
    await post_webhook(voice_client, "whatsapp", wa_voice("15551230011", "7011"))
    detail = await conversation_with(voice_client, tenant, "15551230011", inbound=1)
    url = _voice_message(detail)["media"]["url"]

    token = hidden_token(await (await voice_client.get("/login")).text())
    login = await voice_client.post(
        "/login", data={"email": email, "password": "correct horse battery", "csrf_token": token}, allow_redirects=False
    )
    assert login.status == 303
    page = await voice_client.get(f"/conversations/{detail['id']}")
    html = await page.text()
    assert f'<audio controls preload="none" src="{url}">' in html
    assert "not transcribed: listen to it and answer the customer yourself" in html
    assert "media-src 'self'" in page.headers["Content-Security-Policy"]
    played = await voice_client.get(url)  # the page's own session plays it
    assert played.status == 200 and await played.read() == OGG

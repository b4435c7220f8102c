"""The webhook routes with an in-memory sink (a test double of the inbound queue)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from channels.signature import sign
from channels.webhooks import WebhookConfig, setup_webhook_routes, webhook_config_from

SECRET = "webhook-app-secret"
VERIFY = "verify-me-123"
PAGE_BODY = b'{"object":"page","entry":[{"id":"1234567890","time":1,"messaging":[]}]}'


@dataclass
class ListSink:
    accepted: list[tuple[str, bytes, int]] = field(default_factory=list)

    async def accept(self, channel: str, raw_body: bytes, received_at_ms: int, payload: dict[str, Any] | None = None) -> None:
        assert payload is None or payload == json.loads(raw_body)  # what the webhook decoded is the body itself
        self.accepted.append((channel, raw_body, received_at_ms))


class FailingSink:
    async def accept(self, channel: str, raw_body: bytes, received_at_ms: int, payload: dict[str, Any] | None = None) -> None:  # noqa: ARG002 # the sink's signature: it fails whatever it is given
        raise ConnectionError("queue unavailable")


def make_app(sink, config: WebhookConfig | None = None) -> web.Application:
    app = web.Application()  # aiohttp's default 1 MiB client_max_size: the routes read with their own limit
    setup_webhook_routes(app, config or webhook_config_from(SECRET, VERIFY), sink)
    return app


@pytest.fixture
def sink() -> ListSink:
    return ListSink()


@pytest.fixture
async def client(aiohttp_client, sink):
    return await aiohttp_client(make_app(sink))


def signed_headers(raw: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": sign(raw, secret), "Content-Type": "application/json"}


@pytest.mark.parametrize("channel", ["messenger", "instagram", "whatsapp"])
async def test_handshake_answers_the_challenge_as_plain_text(client, channel):
    response = await client.get(
        f"/webhooks/{channel}", params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    )
    assert response.status == 200
    assert response.content_type == "text/plain"
    assert await response.text() == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"},
        {"hub.verify_token": VERIFY, "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY},
        {},
    ],
)
async def test_bad_handshakes_are_refused(client, params):
    response = await client.get("/webhooks/messenger", params=params)
    assert response.status == 403
    assert "1158201444" not in await response.text()


async def test_handshake_without_a_configured_verify_token_is_refused(aiohttp_client, sink):
    client = await aiohttp_client(make_app(sink, WebhookConfig(app_secret=SECRET, verify_token="")))
    response = await client.get(
        "/webhooks/messenger", params={"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )
    assert response.status == 403


async def test_signed_delivery_is_accepted_with_its_exact_bytes(client, sink):
    before = int(time.time() * 1000)
    response = await client.post("/webhooks/messenger", data=PAGE_BODY, headers=signed_headers(PAGE_BODY))
    assert response.status == 200
    [(channel, raw, received_at_ms)] = sink.accepted
    assert (channel, raw) == ("messenger", PAGE_BODY)
    assert before <= received_at_ms <= int(time.time() * 1000)


@pytest.mark.parametrize(("channel", "object_name"), [("instagram", "instagram"), ("whatsapp", "whatsapp_business_account")])
async def test_each_channel_takes_its_own_object(client, sink, channel, object_name):
    raw = json.dumps({"object": object_name, "entry": []}).encode()
    response = await client.post(f"/webhooks/{channel}", data=raw, headers=signed_headers(raw))
    assert response.status == 200
    assert sink.accepted[0][0] == channel


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": sign(PAGE_BODY, "someone-elses-secret")},
        {"X-Hub-Signature-256": "sha256=nothex"},
        {"X-Hub-Signature": "sha1=" + "0" * 40},
        {"X-Hub-Signature-256": sign(PAGE_BODY + b" ", SECRET)},
    ],
)
async def test_unsigned_or_missigned_deliveries_are_refused_and_not_queued(client, sink, headers):
    response = await client.post("/webhooks/messenger", data=PAGE_BODY, headers=headers)
    assert response.status == 403
    assert sink.accepted == []


@pytest.mark.parametrize("raw", [b'{"object": "page", "entry": [', b"not json at all", b"[1, 2]", b"\xff\xfe"])
async def test_malformed_signed_json_is_400(client, sink, raw):
    response = await client.post("/webhooks/messenger", data=raw, headers=signed_headers(raw))
    assert response.status == 400
    assert sink.accepted == []


async def test_body_for_another_channel_is_400(client, sink):
    response = await client.post("/webhooks/whatsapp", data=PAGE_BODY, headers=signed_headers(PAGE_BODY))
    assert response.status == 400
    assert sink.accepted == []


def padded_body(size: int) -> bytes:
    head = b'{"object":"page","entry":[{"id":"1","messaging":[]}],"pad":"'
    tail = b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


async def test_a_signed_2_5_mb_body_is_accepted(client, sink):
    raw = padded_body(2_500_000)
    response = await client.post("/webhooks/messenger", data=raw, headers=signed_headers(raw))
    assert response.status == 200
    assert sink.accepted[0][1] == raw


async def test_a_body_over_3_mb_is_413(client, sink):
    raw = padded_body(3 * 1024 * 1024 + 1)
    response = await client.post("/webhooks/messenger", data=raw, headers=signed_headers(raw))
    assert response.status == 413
    assert sink.accepted == []


async def test_a_chunked_body_over_the_limit_is_413(aiohttp_client, sink):
    client = await aiohttp_client(make_app(sink, WebhookConfig(app_secret=SECRET, verify_token=VERIFY, max_body_bytes=1000)))

    async def chunks():
        for _ in range(5):
            yield b"x" * 400

    response = await client.post("/webhooks/messenger", data=chunks(), headers={"X-Hub-Signature-256": sign(b"", SECRET)})
    assert response.status == 413
    assert sink.accepted == []


async def test_escaped_unicode_and_odd_whitespace_verify_on_raw_bytes(client, sink):
    raw = (
        b'{ "object" : "page",\n  "entry": [{"id": "1", "messaging": [{"sender": {"id": "U"}, "recipient": {"id": "1"},'
        b' "timestamp": 1, "message": {"mid": "m1", "text": "\\u00e4\\u00f6\\u00e5 \\ud83d\\ude00"}}]}]   }\n'
    )
    response = await client.post("/webhooks/messenger", data=raw, headers=signed_headers(raw))
    assert response.status == 200
    assert sink.accepted[0][1] == raw


async def test_sink_failure_answers_503_so_meta_retries(aiohttp_client):
    client = await aiohttp_client(make_app(FailingSink()))
    response = await client.post("/webhooks/messenger", data=PAGE_BODY, headers=signed_headers(PAGE_BODY))
    assert response.status == 503


async def test_no_app_secret_answers_503(aiohttp_client, sink):
    client = await aiohttp_client(make_app(sink, WebhookConfig(app_secret="", verify_token=VERIFY)))
    response = await client.post("/webhooks/messenger", data=PAGE_BODY, headers=signed_headers(PAGE_BODY, ""))
    assert response.status == 503
    assert sink.accepted == []


async def test_unknown_channel_path_is_404(client):
    response = await client.post("/webhooks/telegram", data=PAGE_BODY, headers=signed_headers(PAGE_BODY))
    assert response.status == 404


@pytest.mark.parametrize("depth", [100_000, 65])
async def test_a_signed_body_nested_too_deeply_is_refused_and_not_queued(client, sink, depth):
    raw = b'{"object":"page","entry":' + b"[" * depth + b"]" * depth + b"}"
    response = await client.post("/webhooks/messenger", data=raw, headers=signed_headers(raw))
    assert response.status == 400
    assert "deep" in await response.text()
    assert sink.accepted == []


async def test_a_body_at_the_depth_limit_is_queued(client, sink):
    raw = b'{"object":"page","entry":' + b"[" * 63 + b"]" * 63 + b"}"
    response = await client.post("/webhooks/messenger", data=raw, headers=signed_headers(raw))
    assert response.status == 200
    assert len(sink.accepted) == 1

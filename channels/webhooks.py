"""Meta's webhook endpoints: `GET/POST /webhooks/{messenger|instagram|whatsapp}`.

POST does only what must happen before Meta gets its 200: read the raw body (bounded), check the
signature on those exact bytes, check that it is a JSON object for this channel, and hand it to the sink
(the durable inbound queue). No database, no tenant lookup: a slow answer makes Meta retry, and an hour of
failures unsubscribes the app. A sink failure answers 503 so that Meta delivers again later.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from channels.channel import Channel
from channels.parsing import JsonTooDeep, loads_limited
from channels.registry import all_channels
from channels.signature import verify_signature

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
# WhatsApp documents bodies "up to 3 MB"; a lower cap truncates real deliveries into endless retries.
DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024


class InboundSink(Protocol):
    async def accept(self, channel: str, raw_body: bytes, received_at_ms: int, payload: dict[str, Any] | None = None) -> None:
        """Store the delivery durably; return only once it is safe to acknowledge to Meta. `payload`: the body as
        the webhook already decoded it (the raw bytes are what is stored)."""
        ...


@dataclass(frozen=True)
class WebhookConfig:
    app_secret: str = ""
    verify_token: str = ""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES


def webhook_config_from(app_secret: str, verify_token: str) -> WebhookConfig:
    return WebhookConfig(app_secret=app_secret, verify_token=verify_token)


class _BodyTooLarge(Exception):
    pass


async def _read_limited(request: web.Request, limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes whatever Content-Length claims."""
    if request.content_length is not None and request.content_length > limit:
        raise _BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(_CHUNK_BYTES)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)


def _text(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")


class _WebhookHandlers:
    def __init__(self, channel: Channel, config: WebhookConfig, sink: InboundSink) -> None:
        self.channel = channel.channel
        self.object_name = channel.object_name
        self.config = config
        self.sink = sink

    async def handshake(self, request: web.Request) -> web.Response:
        """Meta's subscription check: echo `hub.challenge` as plain text when the verify token matches."""
        query = request.query
        expected = self.config.verify_token
        given = query.get("hub.verify_token", "")
        challenge = query.get("hub.challenge", "")
        token_ok = bool(expected) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
        if query.get("hub.mode") != "subscribe" or not token_ok or not challenge:
            log.warning("webhook handshake refused", extra={"channel": self.channel})
            return _text(403, "forbidden")
        return _text(200, challenge)

    async def deliver(self, request: web.Request) -> web.Response:
        if not self.config.app_secret:
            log.error("webhook delivery refused: no app secret configured", extra={"channel": self.channel})
            return _text(503, "webhooks are not configured")
        received_at_ms = int(time.time() * 1000)
        try:
            raw = await _read_limited(request, self.config.max_body_bytes)
        except _BodyTooLarge:
            log.warning("webhook body too large", extra={"channel": self.channel, "limit": self.config.max_body_bytes})
            return _text(413, "body too large")
        if not verify_signature(raw, request.headers.get(SIGNATURE_HEADER), self.config.app_secret):
            log.warning("webhook signature rejected", extra={"channel": self.channel, "bytes": len(raw)})
            return _text(403, "bad signature")
        try:
            payload = loads_limited(raw)
        except JsonTooDeep:
            log.warning("webhook body nests too deeply", extra={"channel": self.channel, "bytes": len(raw)})
            return _text(400, "body nests too deeply")
        except ValueError:  # UnicodeDecodeError is one
            return _text(400, "body is not JSON")
        if not isinstance(payload, dict) or payload.get("object") != self.object_name:
            log.warning("webhook body is not for this channel", extra={"channel": self.channel})
            return _text(400, f"expected object {self.object_name!r}")
        try:
            await self.sink.accept(self.channel, raw, received_at_ms, payload)
        except Exception:
            # Not acknowledged: Meta retries the same delivery later.
            log.exception("webhook delivery could not be queued", extra={"channel": self.channel})
            return _text(503, "try again later")
        return _text(200, "ok")


def setup_webhook_routes(app: web.Application, config: WebhookConfig, sink: InboundSink) -> None:
    for channel in all_channels():
        handlers = _WebhookHandlers(channel, config, sink)
        app.router.add_get(f"/webhooks/{channel.channel}", handlers.handshake)
        app.router.add_post(f"/webhooks/{channel.channel}", handlers.deliver)

"""A CRM that receives outbound webhooks the way the README tells one to: it checks the Standard Webhooks signature
over the raw body with the secret it was given, refuses a timestamp more than five minutes from its own clock, and
keeps what it accepted. On the real clock it also has the specification's reference library verify each delivery,
as a CRM using it would. It can be made to fail (any status) or to redirect."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

TOLERANCE_S = 300


def verify(secret: str, headers: dict[str, str], body: bytes, now_s: float) -> str:
    """Why the delivery is not trusted ("" when it is): written from the specification, apart from the sender."""
    webhook_id, timestamp, signatures = (headers.get(h, "") for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (webhook_id and timestamp and signatures):
        return "missing headers"
    if abs(now_s - int(timestamp)) > TOLERANCE_S:
        return "timestamp outside the tolerance"
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return ""
    return "bad signature"


@dataclass
class FakeCrm:
    secret: str = ""
    clock: Any = None  # with .now(); the real time when None
    failing_status: int = 0  # answer this instead of 200
    redirect_to: str = ""
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    hits: int = 0
    hosts: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hooks", self._receive)
        app.router.add_post("/elsewhere", self._receive)
        return app

    def _now_s(self) -> float:
        if self.clock is not None:
            return float(self.clock.now().timestamp())
        return time.time()

    async def _receive(self, request: web.Request) -> web.Response:
        self.hits += 1
        self.hosts.append(request.headers.get("Host", ""))
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        if self.failing_status:
            return web.Response(status=self.failing_status, text="down for maintenance")
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        problem = verify(self.secret, headers, body, self._now_s())
        if not problem and self.clock is None:
            try:
                Webhook(self.secret).verify(body, headers)
            except WebhookVerificationError as exc:
                problem = f"the reference library refused it: {exc}"
        if problem:
            self.refused.append(problem)
            return web.Response(status=401, text=problem)
        self.accepted.append({"id": request.headers["webhook-id"], **json.loads(body)})
        return web.Response(status=204)

    def events(self, event_type: str = "") -> list[dict[str, Any]]:
        return [e for e in self.accepted if not event_type or e["type"] == event_type]

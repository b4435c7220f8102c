"""A local stand-in for Meta's Conversions API (`POST /{version}/{dataset_id}/events`).

It checks what Meta checks for business messaging: an access token, `data` with `event_name`, `event_time`,
`event_id`, `action_source: business_messaging`, `messaging_channel` and the `user_data` that channel needs, value
and currency on a Purchase, and refuses the whole request (400) when any event is older than 7 days. It can fail
(`failing`: status and body) or answer late (`delay_s`) on command.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

USER_DATA = {
    "messenger": ("page_id", "page_scoped_user_id"),
    "instagram": ("ig_account_id", "ig_sid"),
    "whatsapp": ("whatsapp_business_account_id", "ctwa_clid"),
}
SEVEN_DAYS_S = 7 * 24 * 3600


def problem_of(event: dict[str, Any], now: float) -> str:
    for name in ("event_name", "event_time", "event_id", "action_source", "messaging_channel", "user_data"):
        if name not in event:
            return f"missing {name}"
    if event["event_name"] not in ("LeadSubmitted", "Purchase"):
        return "Messaging Event Invalid Event Type"
    if event["action_source"] != "business_messaging":
        return "action_source must be business_messaging"
    needed = USER_DATA.get(event["messaging_channel"])
    if needed is None:
        return "unknown messaging_channel"
    if any(not event["user_data"].get(name) for name in needed):
        return f"user_data needs {', '.join(needed)}"
    if event["event_name"] == "Purchase":
        custom = event.get("custom_data") or {}
        if not custom.get("currency") or not isinstance(custom.get("value"), (int, float)):
            return "a Purchase needs custom_data.value and currency"
    if now - event["event_time"] > SEVEN_DAYS_S:
        return "event_time is more than 7 days in the past"
    return ""


@dataclass
class FakeConversionsApi:
    requests: list[dict[str, Any]] = field(default_factory=list)
    failing: tuple[int, dict[str, Any]] | None = None
    delay_s: float = 0.0
    clock: float | None = None  # the fake's "now" (epoch seconds); the real time when None

    def received(self) -> list[dict[str, Any]]:
        """Events Meta accepted."""
        return [event for request in self.requests if request["accepted"] for event in request["body"]["data"]]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append({"path": request.path, "query": dict(request.query), "body": body, "accepted": False})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.failing is not None:
            status, answer = self.failing
            return web.json_response(answer, status=status)
        if not request.query.get("access_token"):
            return web.json_response({"error": {"message": "An access token is required", "code": 104}}, status=400)
        now = self.clock if self.clock is not None else time.time()
        for event in body.get("data", []):
            if problem := problem_of(event, now):
                return web.json_response(
                    {
                        "error": {
                            "message": f"Invalid parameter: {problem}",
                            "type": "OAuthException",
                            "code": 100,
                            "fbtrace_id": "Aold",
                        }
                    },
                    status=400,
                )
        self.requests[-1]["accepted"] = True
        return web.json_response({"events_received": len(body["data"]), "messages": [], "fbtrace_id": "AbCdEf123"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{version}/{dataset}/events", self.handle)
        return app

"""A local stand-in for Meta's Graph API that records every send and can fail on command.

Like Meta, it refuses (error 190) a token it never issued: Meta's access tokens all begin with "EAA", so any
other token is junk here, as is one listed in `revoked`. Reading an account (`GET /{id}?fields=id,...`) answers
its id and a name.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_ACCOUNT_PATH = re.compile(r"(?:/v[0-9.]+)?/([0-9]+)")


@dataclass
class GraphCall:
    method: str
    path: str
    query: dict[str, str]
    json: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeGraph:
    """`fail_next` holds (status, body) answers used before normal ones, `failing` one used for every call while it is
    set (Meta failing for a while); `delay_s` slows every answer (a send is
    taken, and `on_send` told of it with its message id, before the delay: Meta delivers even when it answers late)."""

    calls: list[GraphCall] = field(default_factory=list)
    fail_next: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    delay_s: float = 0.0
    revoked: set[str] = field(default_factory=set)
    failing: tuple[int, dict[str, Any]] | None = None  # every call but an account read answers this while set
    aliases: dict[str, str] = field(default_factory=dict)  # an account id Meta answers with another id
    on_send: Callable[[GraphCall, str], Awaitable[None]] | None = None
    delivered: list[GraphCall] = field(default_factory=list)  # the sends Meta took (answered with a message id)
    # Private replies (`recipient.comment_id`), as Meta takes them: one per comment, within 7 days of the comment.
    comment_times: dict[str, float] = field(default_factory=dict)  # comment id -> when it was written (epoch s)
    unreplyable: set[str] = field(default_factory=set)  # comments whose author cannot be answered (10903)
    replied_comments: set[str] = field(default_factory=set)
    # Customers whose 24-hour window is closed: free text to them is refused with Meta's codes (Messenger and
    # Instagram 10/2018278, WhatsApp 131047); a WhatsApp template still goes, unless `template_refusals` names it.
    outside_window: set[str] = field(default_factory=set)
    # A WhatsApp business account's templates, as `GET /{waba_id}/message_templates` lists them.
    templates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    template_refusals: dict[str, int] = field(default_factory=dict)  # template name -> Meta's error code
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def refuses(self, token: str) -> bool:
        return token in self.revoked or not token.startswith("EAA")

    def account_reads(self) -> list[GraphCall]:
        return [c for c in self.calls if c.method == "GET" and c.query.get("fields", "").startswith("id,")]

    def private_replies(self) -> list[GraphCall]:
        return [c for c in self.sends() if "comment_id" in (c.json.get("recipient") or {})]

    def public_replies(self) -> list[GraphCall]:
        return [c for c in self.calls if c.method == "POST" and c.path.endswith(("/comments", "/replies"))]

    def _comment_refusal(self, comment_id: str) -> tuple[int, dict[str, Any]] | None:
        def error(code: int, message: str, subcode: int = 0) -> tuple[int, dict[str, Any]]:
            body = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AfakeTrace"}
            return 400, {"error": {**body, **({"error_subcode": subcode} if subcode else {})}}

        if comment_id in self.replied_comments:
            return error(10900, "(#10900) Activity already replied to")
        if comment_id in self.unreplyable:
            return error(10903, "(#10903) This user cant reply to this activity")
        written = self.comment_times.get(comment_id)
        if written is not None and time.time() - written > 7 * 24 * 3600:
            return error(100, "(#100) Invalid comment_id parameter", 2018292)
        return None

    def _window_refusal(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        def error(code: int, message: str, subcode: int = 0) -> tuple[int, dict[str, Any]]:
            fields = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AfakeTrace"}
            return 400, {"error": {**fields, **({"error_subcode": subcode} if subcode else {})}}

        if body.get("type") == "template":
            name = (body.get("template") or {}).get("name", "")
            if name in self.template_refusals:
                return error(self.template_refusals[name], f"(#{self.template_refusals[name]}) Template refused")
            return None
        recipient = body.get("to") or (body.get("recipient") or {}).get("id", "")
        if recipient not in self.outside_window:
            return None
        if "messaging_product" in body:
            return error(131047, "Re-engagement message")
        if body.get("tag") == "HUMAN_AGENT":
            return None
        return error(10, "(#10) This message is sent outside of allowed window.", 2018278)

    def template_sends(self) -> list[GraphCall]:
        return [c for c in self.sends() if c.json.get("type") == "template"]

    def sends(self) -> list[GraphCall]:
        return [c for c in self.calls if c.path.endswith("/messages") and c.method == "POST"]

    def texts(self) -> list[str]:
        out = []
        for call in self.sends():
            message = call.json.get("message") or {}
            text = message.get("text") or (call.json.get("text") or {}).get("body", "")
            if text:
                out.append(text)
        return out

    async def wait_for_sends(self, count: int, timeout: float = 15.0) -> list[GraphCall]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.sends()) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} sends, got {len(self.sends())}: {self.texts()}")
            await asyncio.sleep(0.02)
        return self.sends()

    async def handle(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = {}
        if request.body_exists:  # (read already by a wrapping fake, it is read again from aiohttp's cache)
            try:
                body = await request.json()
            except ValueError:
                body = {}
        self.calls.append(GraphCall(request.method, request.path, dict(request.query), body, dict(request.headers)))
        token = request.query.get("access_token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token and self.refuses(token):
            return web.json_response(
                {
                    "error": {
                        "message": "Invalid OAuth access token - Cannot parse access token",
                        "type": "OAuthException",
                        "code": 190,
                        "fbtrace_id": "AfakeTrace",
                    }
                },
                status=400,
            )
        account = _ACCOUNT_PATH.fullmatch(request.path)
        if request.method == "GET" and account and request.query.get("fields", "").startswith("id,"):
            account_id = self.aliases.get(account.group(1), account.group(1))
            if "verified_name" in request.query["fields"]:
                return web.json_response(
                    {"id": account_id, "display_phone_number": "+1 555 000 1111", "verified_name": f"Business {account_id}"}
                )
            return web.json_response({"id": account_id, "name": f"Page {account_id}"})
        if request.method == "GET" and request.path.endswith("/message_templates"):
            waba_id = request.path.split("/")[-2]
            if waba_id not in self.templates:
                return web.json_response(
                    {"error": {"message": "(#100) Unsupported get request.", "type": "GraphMethodException", "code": 100}},
                    status=400,
                )
            return web.json_response({"data": self.templates[waba_id], "paging": {"cursors": {"before": "b", "after": "a"}}})
        failure = self.fail_next.pop(0) if self.fail_next else self.failing
        if failure is None and request.method == "POST" and request.path.endswith("/messages"):
            failure = self._window_refusal(body)
        comment_id = (body.get("recipient") or {}).get("comment_id", "") if request.path.endswith("/messages") else ""
        if failure is None and comment_id:
            failure = self._comment_refusal(comment_id)
            if failure is None:
                self.replied_comments.add(comment_id)
        n = next(self._ids) if failure is None and request.path.endswith("/messages") else 0
        if n:
            self.delivered.append(self.calls[-1])
        if n and self.on_send is not None:
            await self.on_send(self.calls[-1], f"wamid.OUT{n}" if "messaging_product" in body else f"m_out_{n}")
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if failure is not None:
            status, error = failure
            return web.json_response(error, status=status)
        if n:
            if "messaging_product" in body:
                return web.json_response(
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": f"wamid.OUT{n}"}],
                    }
                )
            # A private reply names the commenter by the id the page's thread with them has.
            recipient = (body.get("recipient") or {}).get("id") or (f"PSID_{comment_id}" if comment_id else "")
            return web.json_response({"recipient_id": recipient, "message_id": f"m_out_{n}"})
        if failure is None and request.method == "POST" and request.path.endswith(("/comments", "/replies")):
            return web.json_response({"id": f"{request.path.split('/')[-2]}_reply"})
        return web.json_response({"success": True})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

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


async def _json_body(request: web.Request) -> dict[str, Any]:
    """The call's JSON body ({} for none, or one that is not JSON)."""
    if not request.body_exists:
        return {}
    try:  # (read already by a wrapping fake, it is read again from aiohttp's cache)
        body: dict[str, Any] = await request.json()
    except ValueError:
        return {}
    return body


def _sent(body: dict[str, Any], n: int, comment_id: str) -> web.Response:
    """Meta's answer to the n-th send: WhatsApp's shape, or the page Send API's."""
    if "messaging_product" in body:
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to") or body.get("recipient"), "wa_id": body.get("to", "")}],
                "messages": [{"id": f"wamid.OUT{n}"}],
            }
        )
    # A private reply names the commenter by the id the page's thread with them has.
    recipient_object = body.get("recipient") if isinstance(body.get("recipient"), dict) else {}
    recipient = recipient_object.get("id") or (f"PSID_{comment_id}" if comment_id else "")
    return web.json_response({"recipient_id": recipient, "message_id": f"m_out_{n}"})


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
    # Customers' media: WhatsApp's by media id (`GET /{media-id}` answers a URL, fetched with the same bearer token),
    # Messenger's and Instagram's at a CDN path (`/cdn/{name}`, no token). Each is (bytes, MIME type).
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    cdn: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    expired_media: set[str] = field(default_factory=set)  # their download URL has expired (Meta's 404)
    chunked_media: bool = False  # send files without a Content-Length, as a stream
    answers_by: str = ""  # who the public replies listed under a comment were written by (the page or account)
    answered_comments: list[str] = field(default_factory=list)  # the comments a public reply was taken for
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
        return [c for c in self.sends() if isinstance(c.json.get("recipient"), dict) and "comment_id" in c.json["recipient"]]

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
        named = body.get("recipient")  # a page's recipient object, or a WhatsApp user id as a string
        recipient = body.get("to") or (named.get("id", "") if isinstance(named, dict) else named or "")
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

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
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
        if request.method == "GET" and (read := await self._read(request, token)) is not None:
            return read
        failure = self.fail_next.pop(0) if self.fail_next else self.failing
        if failure is None and request.method == "POST" and request.path.endswith("/messages"):
            failure = self._window_refusal(body)
        # Meta's page sends name a recipient object; a WhatsApp send to a user id names it as a string.
        recipient_object = body.get("recipient") if isinstance(body.get("recipient"), dict) else {}
        comment_id = recipient_object.get("comment_id", "") if request.path.endswith("/messages") else ""
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
            return _sent(body, n, comment_id)
        if request.path.endswith(("/comments", "/replies")):
            return self._public_replies(request)
        return web.json_response({"success": True})

    async def _read(self, request: web.Request, token: str) -> web.StreamResponse | None:
        """A media file, an account check or a template list; None for any other read."""
        if (served := await self._media(request, token)) is not None:
            return served
        if (account := self._account_check(request)) is not None:
            return account
        if request.path.endswith("/message_templates"):
            return self._templates(request)
        return None

    def _templates(self, request: web.Request) -> web.Response:
        """A WhatsApp business account's message templates (`GET /{waba_id}/message_templates`)."""
        waba_id = request.path.split("/")[-2]
        if waba_id not in self.templates:
            return web.json_response(
                {"error": {"message": "(#100) Unsupported get request.", "type": "GraphMethodException", "code": 100}},
                status=400,
            )
        return web.json_response({"data": self.templates[waba_id], "paging": {"cursors": {"before": "b", "after": "a"}}})

    def _public_replies(self, request: web.Request) -> web.Response:
        """A public reply under a comment is taken; the answers under it are listed, written by `answers_by`."""
        comment = request.path.split("/")[-2]
        if request.method == "POST":
            self.answered_comments.append(comment)
            return web.json_response({"id": f"{comment}_reply"})
        taken = [c for c in self.answered_comments if c == comment]
        return web.json_response({"data": [{"id": f"{comment}_reply", "from": {"id": self.answers_by}} for _ in taken]})

    def media_downloads(self) -> list[GraphCall]:
        return [c for c in self.calls if "/media-download/" in c.path or c.path.startswith("/cdn/")]

    async def _media(self, request: web.Request, token: str) -> web.StreamResponse | None:
        """A media lookup or download, or None for any other call."""
        tail = request.path.rsplit("/", 1)[-1]
        if "/media-download/" in request.path:
            if not token:
                return web.json_response({"error": {"message": "Authentication required", "code": 190}}, status=401)
            if tail in self.expired_media or tail not in self.media:
                return web.Response(status=404, text="URL signature expired")
            return await self._file(request, *self.media[tail])
        if request.path.startswith("/cdn/"):
            if tail not in self.cdn:
                return web.Response(status=404, text="URL signature expired")
            return await self._file(request, *self.cdn[tail])
        if tail in self.media and not request.query.get("fields"):
            data, mime = self.media[tail]
            url = str(request.url.origin()) + f"/media-download/{tail}"
            return web.json_response(
                {
                    "messaging_product": "whatsapp",
                    "url": url,
                    "mime_type": mime,
                    "sha256": "x",
                    "file_size": len(data),
                    "id": tail,
                }
            )
        return None

    async def _file(self, request: web.Request, data: bytes, mime: str) -> web.StreamResponse:
        if not self.chunked_media:
            return web.Response(body=data, content_type=mime)
        response = web.StreamResponse(headers={"Content-Type": mime})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(data), 64 * 1024):
            try:
                await response.write(data[start : start + 64 * 1024])
            except ConnectionResetError:  # the reader stopped: the file was refused
                break
        return response

    def _account_check(self, request: web.Request) -> web.Response | None:
        """Meta's answer to the account check made at connection (`GET /{id}?fields=id,...`); None for any other call."""
        account = _ACCOUNT_PATH.fullmatch(request.path)
        if not (request.method == "GET" and account and request.query.get("fields", "").startswith("id,")):
            return None
        account_id = self.aliases.get(account.group(1), account.group(1))
        if "verified_name" in request.query["fields"]:
            return web.json_response(
                {"id": account_id, "display_phone_number": "+1 555 000 1111", "verified_name": f"Business {account_id}"}
            )
        return web.json_response({"id": account_id, "name": f"Page {account_id}"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

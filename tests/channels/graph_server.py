"""A local stand-in for Meta's Graph API that answers from a script, for the Graph client and login tests.

`script` holds answers used in order before the default one: `Answer(status, body, headers)` or
`Hang(seconds)` (answers only after that long, to provoke a client timeout). Routes registered with
`on(method, path, body)` answer normally when the script is empty.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Answer:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hang:
    seconds: float


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    raw_query: str


def graph_error(code: int, message: str = "error", *, subcode: int = 0, transient: bool | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Atrace"}
    if subcode:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    return {"error": error}


@dataclass
class ScriptedGraph:
    script: list[Answer | Hang] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    routes: dict[tuple[str, str], Any] = field(default_factory=dict)

    def on(self, method: str, path: str, body: Any) -> None:
        """Answer `body` (or `body(call)` when callable) to METHOD path, version prefix excluded."""
        self.routes[(method, path)] = body

    async def handle(self, request: web.Request) -> web.StreamResponse:
        payload: Any = None
        if request.can_read_body:
            text = await request.text()
            try:
                payload = await request.json() if text else None
            except ValueError:
                payload = text
        path = request.path.removeprefix("/v21.0")
        call = Call(request.method, path, dict(request.query), payload, dict(request.headers), request.query_string)
        self.calls.append(call)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Hang):
                await asyncio.sleep(step.seconds)
                return web.json_response({"late": True})
            return web.json_response(step.body, status=step.status, headers=step.headers)
        route = self.routes.get((request.method, path))
        if route is not None:
            body = route(call) if callable(route) else route
            if isinstance(body, Answer):
                return web.json_response(body.body, status=body.status, headers=body.headers)
            return web.json_response(body)
        if path.endswith("/messages"):
            return web.json_response({"recipient_id": "R", "message_id": f"m_{len(self.calls)}"})
        return web.json_response({"success": True})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

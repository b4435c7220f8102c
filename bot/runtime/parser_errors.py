"""Answers to bytes aiohttp's HTTP parser refuses (a bad request line, a malformed header) go through the app's
response signal like every other answer, so they carry the same headers (security policy, nosniff, no `Server`).

aiohttp answers such a request itself, with a stand-in request that no router matched, and it runs
`on_response_prepare` only for requests that carry an app's match. The request factory below gives the stand-in the
match of an error route of the app, as the router does for a path it does not know, so the app's signals run.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http_parser import RawRequestMessage
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import ERROR, RequestHandler
from aiohttp.web_urldispatcher import MatchInfoError


def answer_parser_errors_as_the_app(server: web.Server, app: web.Application) -> None:
    """Make the server's stand-in requests for unparsable input belong to `app` (before it accepts connections)."""
    make_request = server.request_factory

    def request_factory(
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> web.BaseRequest:
        request = make_request(message, payload, protocol, writer, task)
        if message is ERROR and isinstance(request, web.Request):
            match = MatchInfoError(web.HTTPBadRequest())
            match.add_app(app)
            match.freeze()
            request._match_info = match
        return request

    server.request_factory = request_factory


async def started_runner(app: web.Application, **runner_options: Any) -> web.AppRunner:
    """The app's runner, set up, whose every answer (the parser's 400s too) passes through the app's signals."""
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    if runner.server is None:  # set by setup(); aiohttp types it as optional for a runner not set up yet
        raise RuntimeError("the app's runner has no server after setup")
    answer_parser_errors_as_the_app(runner.server, app)
    return runner

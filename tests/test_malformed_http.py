"""A request the HTTP parser refuses (two Content-Type headers, say) gets its 400 and one WARNING line: no
ERROR, no traceback. An error in our own code is still an ERROR with its stack."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage

from bot.runtime.logs import JsonFormatter, ParserNoise

TWO_CONTENT_TYPES = (
    b"POST /api/login HTTP/1.1\r\n"
    b"Host: localhost\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Type: text/plain\r\n"
    b"Content-Length: 2\r\n"
    b"\r\n"
    b"{}"
)


async def send_raw(host: str, port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)  # the server closes the connection after its 400
    writer.close()
    return answer


@pytest.mark.usefixtures("redis")
async def test_two_content_type_headers_get_a_400_and_one_warning_line(
    aiohttp_server, make_settings, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.whole_app import create_app

    server = await aiohttp_server(create_app(make_settings(), run_worker=False))
    caplog.set_level(logging.DEBUG)
    answer = await send_raw(server.host, server.port, TWO_CONTENT_TYPES)
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == b"400"
    assert b"Duplicate 'Content-Type'" in answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info] and "Traceback" not in caplog.text
    [warning] = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert warning.levelno == logging.WARNING
    line = JsonFormatter().format(warning)
    assert "\n" not in line and "Duplicate 'Content-Type' header" in line and '"level": "WARNING"' in line


def _record(exc: BaseException) -> logging.LogRecord:
    """The record aiohttp's server makes when it answers an error: ERROR, with the exception attached."""
    return logging.LogRecord(
        "aiohttp.server", logging.ERROR, __file__, 1, "Error handling request from %s", ("127.0.0.1",), (type(exc), exc, None)
    )


def test_only_the_parsers_refusals_are_quieted() -> None:
    quiet = _record(BadHttpMessage("Duplicate 'Content-Type' header found."))
    assert ParserNoise().filter(quiet) and quiet.levelno == logging.WARNING and quiet.exc_info is None
    ours = _record(RuntimeError("a bug of ours"))
    assert ParserNoise().filter(ours) and ours.levelno == logging.ERROR and ours.exc_info is not None


BAD_REQUEST_LINE = b"GET /login HTTP/1.1 extra\r\nHost: localhost\r\n\r\n"
BAD_HEADER = b"GET /login HTTP/1.1\r\nHost: localhost\r\nNo colon in this header\r\n\r\n"
GOOD_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


def head_of(answer: bytes) -> tuple[int, dict[str, str]]:
    lines = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split(" ")[1]), headers


@pytest.mark.usefixtures("redis")
async def test_the_parsers_400_carries_the_security_headers_every_answer_carries(make_settings) -> None:
    """Served as `python -m bot serve` serves: a malformed request line or header is refused by aiohttp's own
    parser before any route, and its 400 still carries the policy, nosniff, framing and referrer headers."""
    from bot.runtime.embedded import free_port
    from bot.runtime.parser_errors import started_runner
    from dashboard.headers import SECURITY_HEADERS
    from tests.whole_app import create_app

    runner = await started_runner(create_app(make_settings(), run_worker=False), access_log=None)
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        status, normal = head_of(await send_raw("127.0.0.1", port, GOOD_REQUEST))
        assert status == 200
        for request in (BAD_REQUEST_LINE, BAD_HEADER, TWO_CONTENT_TYPES, b"\x16\x03\x01 not http at all\r\n\r\n"):
            status, headers = head_of(await send_raw("127.0.0.1", port, request))
            assert status == 400, request
            for name, value in SECURITY_HEADERS.items():
                assert headers.get(name.lower()) == value == normal.get(name.lower()), (request, name, headers)
            assert "server" not in headers, (request, headers)
    finally:
        await runner.cleanup()
